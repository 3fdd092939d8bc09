// Typed encode/decode entry points for each message. Decoded objects hold only the fields present
// on the wire (an absent field is `undefined`, never a default), so encode(decode(b)) reproduces
// canonical nanopb bytes and explicit presence survives a round trip.
import { ByteReader } from "../bytes/byte-reader.js";
import { ByteWriter, writerOfSize } from "../bytes/byte-writer.js";
import { WireError, WireErrorCode, catchWireError } from "../bytes/wire-error.js";
import type { DecodeResult } from "../bytes/wire-error.js";
import type { MessageSchema } from "./field-schema.js";
import {
  decodeDataBody,
  decodeMeshPacketBody,
  decodeServiceEnvelopeBody,
  sizeDataBody,
  sizeMeshPacketBody,
  sizeServiceEnvelopeBody,
  writeDataBody,
  writeMeshPacketBody,
  writeServiceEnvelopeBody,
} from "./gen/specialised-codecs.js";
import { MAX_MESSAGE_BYTES, decodeMessage, encodeMessage, encodedSize } from "./message-codec.js";
import {
  ChannelSchema,
  ChannelSettingsSchema,
  DataSchema,
  DeviceConfigSchema,
  FromRadioSchema,
  LoRaConfigSchema,
  MapReportSchema,
  MeshPacketSchema,
  MqttClientProxyMessageSchema,
  MqttConfigSchema,
  NeighborInfoSchema,
  PositionSchema,
  RouteDiscoverySchema,
  RoutingSchema,
  SecurityConfigSchema,
  ServiceEnvelopeSchema,
  TelemetrySchema,
  DeviceTelemetrySchema,
  ToRadioSchema,
  UserSchema,
  WaypointSchema,
} from "./schemas.js";

export interface Data {
  portnum?: number;
  payload?: Uint8Array;
  wantResponse?: boolean;
  dest?: number;
  source?: number;
  requestId?: number;
  replyId?: number;
  emoji?: number;
  /** Explicit presence: originated packets always carry it, even 0 (bit 0 OK-to-MQTT, bit 1 want-response). */
  bitfield?: number;
  xeddsaSignature?: Uint8Array;
}

export interface MeshPacket {
  from?: number;
  to?: number;
  /** Channel hash on the air and in encrypted envelopes; local channel index once decoded. */
  channel?: number;
  decoded?: Data;
  encrypted?: Uint8Array;
  id?: number;
  rxTime?: number;
  rxSnr?: number;
  hopLimit?: number;
  wantAck?: boolean;
  priority?: number;
  rxRssi?: number;
  delayed?: number;
  viaMqtt?: boolean;
  hopStart?: number;
  publicKey?: Uint8Array;
  pkiEncrypted?: boolean;
  nextHop?: number;
  relayNode?: number;
  txAfter?: number;
  transportMechanism?: number;
  xeddsaSigned?: boolean;
}

export interface ServiceEnvelope {
  packet?: MeshPacket;
  channelId?: string;
  gatewayId?: string;
}

export interface MapReport {
  longName?: string;
  shortName?: string;
  role?: number;
  hwModel?: number;
  firmwareVersion?: string;
  region?: number;
  modemPreset?: number;
  hasDefaultChannel?: boolean;
  latitudeI?: number;
  longitudeI?: number;
  altitude?: number;
  positionPrecision?: number;
  numOnlineLocalNodes?: number;
  hasOptedReportLocation?: boolean;
}

export interface MqttClientProxyMessage {
  topic?: string;
  data?: Uint8Array;
  text?: string;
  retained?: boolean;
}

export interface ToRadio {
  packet?: MeshPacket;
  mqttClientProxyMessage?: MqttClientProxyMessage;
}

export interface FromRadio {
  id?: number;
  packet?: MeshPacket;
  mqttClientProxyMessage?: MqttClientProxyMessage;
}

export interface Position {
  latitudeI?: number;
  longitudeI?: number;
  altitude?: number;
  time?: number;
  locationSource?: number;
  altitudeSource?: number;
  timestamp?: number;
  timestampMillisAdjust?: number;
  altitudeHae?: number;
  altitudeGeoidalSeparation?: number;
  PDOP?: number;
  HDOP?: number;
  VDOP?: number;
  gpsAccuracy?: number;
  groundSpeed?: number;
  groundTrack?: number;
  fixQuality?: number;
  fixType?: number;
  satsInView?: number;
  sensorId?: number;
  nextUpdate?: number;
  seqNumber?: number;
  precisionBits?: number;
}

export interface User {
  id?: string;
  longName?: string;
  shortName?: string;
  macaddr?: Uint8Array;
  hwModel?: number;
  isLicensed?: boolean;
  role?: number;
  publicKey?: Uint8Array;
  isUnmessagable?: boolean;
}

export interface RouteDiscovery {
  route?: number[];
  snrTowards?: number[];
  routeBack?: number[];
  snrBack?: number[];
}

export interface Routing {
  routeRequest?: RouteDiscovery;
  routeReply?: RouteDiscovery;
  errorReason?: number;
}

export interface Waypoint {
  id?: number;
  latitudeI?: number;
  longitudeI?: number;
  expire?: number;
  lockedTo?: number;
  name?: string;
  description?: string;
  icon?: number;
}

export interface Neighbor {
  nodeId?: number;
  snr?: number;
  lastRxTime?: number;
  nodeBroadcastIntervalSecs?: number;
}

export interface NeighborInfo {
  nodeId?: number;
  lastSentById?: number;
  nodeBroadcastIntervalSecs?: number;
  neighbors?: Neighbor[];
}

export interface DeviceMetrics {
  batteryLevel?: number;
  voltage?: number;
  channelUtilization?: number;
  airUtilTx?: number;
  uptimeSeconds?: number;
}

/** Telemetry; the environment, air-quality, power and local-stats variants are plain records of their schema fields. */
export interface Telemetry {
  time?: number;
  deviceMetrics?: DeviceMetrics;
  environmentMetrics?: Record<string, number | number[]>;
  airQualityMetrics?: Record<string, number>;
  powerMetrics?: Record<string, number>;
  localStats?: Record<string, number>;
}

export interface ModuleSettings {
  positionPrecision?: number;
  isMuted?: boolean;
}

export interface ChannelSettings {
  channelNum?: number;
  psk?: Uint8Array;
  name?: string;
  id?: number;
  uplinkEnabled?: boolean;
  downlinkEnabled?: boolean;
  moduleSettings?: ModuleSettings;
}

export interface Channel {
  index?: number;
  settings?: ChannelSettings;
  role?: number;
}

/** Encoder and decoder for one message type. */
export interface Codec<T> {
  readonly schema: MessageSchema;
  /** Encodes like nanopb. Throws WireError (BAD_VALUE, OVER_LIMIT) for values nanopb could not hold. */
  encode(m: T): Uint8Array;
  /** Like encode, but returns the WireError instead of throwing it. */
  tryEncode(m: T): DecodeResult<Uint8Array>;
  decode(b: Uint8Array): DecodeResult<T>;
  /** Encoded size without encoding (for the 255-byte LoRa limit checks). */
  size(m: T): number;
}

// Marked free of side effects so a bundle drops the codecs (and their tables) it never uses; the
// mark works for calls in this module only, which is where the exported codecs are made.
/* @__NO_SIDE_EFFECTS__ */ export function codecFor<T extends object>(schema: MessageSchema): Codec<T> {
  return {
    schema,
    encode: (m: T) => encodeMessage(schema, m),
    tryEncode: (m: T) => catchWireError(() => encodeMessage(schema, m)),
    decode: (b: Uint8Array) => catchWireError(() => decodeMessage(schema, b, 0, b.length) as T),
    size: (m: T) => encodedSize(schema, m),
  };
}

/** A codec over generated body functions (gen/specialised-codecs.ts) with the generic codec's contract. */
/* @__NO_SIDE_EFFECTS__ */ function specialisedCodec<T extends object>(
  schema: MessageSchema,
  size: (m: T, depth: number) => number,
  write: (w: ByteWriter, m: T, depth: number) => void,
  decodeBody: (r: ByteReader, depth: number, m: T) => T,
): Codec<T> {
  const encode = (m: T): Uint8Array => {
    const w = writerOfSize(size(m, 1));
    write(w, m, 1);
    return w.buf;
  };
  const decode = (b: Uint8Array): T => {
    if (b.length > MAX_MESSAGE_BYTES) throw new WireError(WireErrorCode.OverLimit, schema.name + " is " + b.length + " bytes, limit " + MAX_MESSAGE_BYTES, 0);
    return decodeBody(new ByteReader(b, 0, b.length), 1, {} as T);
  };
  return {
    schema,
    encode,
    tryEncode: (m: T) => catchWireError(() => encode(m)),
    decode: (b: Uint8Array) => catchWireError(() => decode(b)),
    size: (m: T) => size(m, 1),
  };
}

export const DataCodec = specialisedCodec<Data>(DataSchema, sizeDataBody, writeDataBody, decodeDataBody);
export const MeshPacketCodec = specialisedCodec<MeshPacket>(MeshPacketSchema, sizeMeshPacketBody, writeMeshPacketBody, decodeMeshPacketBody);
export const ServiceEnvelopeCodec = specialisedCodec<ServiceEnvelope>(ServiceEnvelopeSchema, sizeServiceEnvelopeBody, writeServiceEnvelopeBody, decodeServiceEnvelopeBody);
export const MapReportCodec = codecFor<MapReport>(MapReportSchema);
export const MqttClientProxyMessageCodec = codecFor<MqttClientProxyMessage>(MqttClientProxyMessageSchema);
export const ToRadioCodec = codecFor<ToRadio>(ToRadioSchema);
export const FromRadioCodec = codecFor<FromRadio>(FromRadioSchema);
export const PositionCodec = codecFor<Position>(PositionSchema);
export const UserCodec = codecFor<User>(UserSchema);
export const RouteDiscoveryCodec = codecFor<RouteDiscovery>(RouteDiscoverySchema);
export const RoutingCodec = codecFor<Routing>(RoutingSchema);
export const WaypointCodec = codecFor<Waypoint>(WaypointSchema);
export const NeighborInfoCodec = codecFor<NeighborInfo>(NeighborInfoSchema);
export const TelemetryCodec = codecFor<Telemetry>(TelemetrySchema);
/** Encodes a Telemetry holding deviceMetrics exactly as TelemetryCodec does, without the other variants' tables. */
export const DeviceTelemetryCodec = codecFor<Telemetry>(DeviceTelemetrySchema);
export const ChannelSettingsCodec = codecFor<ChannelSettings>(ChannelSettingsSchema);
export const ChannelCodec = codecFor<Channel>(ChannelSchema);
/** Configuration messages, used by config files and the client proxy; typed loosely until a module needs more. */
export type ConfigRecord = Record<string, unknown>;
export const DeviceConfigCodec = codecFor<ConfigRecord>(DeviceConfigSchema);
export const LoRaConfigCodec = codecFor<ConfigRecord>(LoRaConfigSchema);
export const SecurityConfigCodec = codecFor<ConfigRecord>(SecurityConfigSchema);
export const MqttConfigCodec = codecFor<ConfigRecord>(MqttConfigSchema);
