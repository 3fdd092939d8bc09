// `meshport decode` for one item: a ServiceEnvelope (default) or a raw LoRa frame, decrypted with
// the default key and the user's keys, printed in the canonical proto3 JSON of @bufbuild/protobuf.
import { fromBinary, toJson } from "@bufbuild/protobuf";
import type { DescMessage, JsonObject, JsonValue } from "@bufbuild/protobuf";
import { utf8Decode } from "../firmware/bytes/utf8.js";
import { channelHash, tryChannelKey } from "../firmware/crypto/index.js";
import type { ChannelCipher } from "../firmware/crypto/index.js";
import { PKI_CHANNEL_ID, nodeIdOf } from "../firmware/gateway/index.js";
import { DataCodec, MeshPacketCodec, PortNum, ServiceEnvelopeCodec, decodeLoraFrame } from "../firmware/wire/index.js";
import type { Data, MeshPacket } from "../firmware/wire/index.js";
import * as P from "../proto/index.js";

export interface DecodeKey {
  /** As the user wrote it (base64), for the report. */
  label: string;
  /** Expanded key, or null for "no encryption". */
  key: Uint8Array | null;
}

export interface DecodeOptions {
  frame: boolean;
  keys: DecodeKey[];
  cipher: ChannelCipher;
}

export type DecodeOutcome = { ok: true; json: JsonObject } | { ok: false; message: string; code: string };

/** Port numbers whose payload is UTF-8 text (TextMessageModule, DetectionSensor, RangeTest, Alert). */
const TEXT_PORTS: number[] = [PortNum.TEXT_MESSAGE_APP, PortNum.DETECTION_SENSOR_APP, PortNum.RANGE_TEST_APP, PortNum.ALERT_APP];

/** Port numbers whose payload is a protobuf message we print, with its schema. */
const PAYLOAD_SCHEMAS: [number, DescMessage][] = [
  [PortNum.POSITION_APP, P.PositionSchema],
  [PortNum.NODEINFO_APP, P.UserSchema],
  [PortNum.ROUTING_APP, P.RoutingSchema],
  [PortNum.TELEMETRY_APP, P.TelemetrySchema],
  [PortNum.TRACEROUTE_APP, P.RouteDiscoverySchema],
  [PortNum.NEIGHBORINFO_APP, P.NeighborInfoSchema],
  [PortNum.WAYPOINT_APP, P.WaypointSchema],
  [PortNum.MAP_REPORT_APP, P.MapReportSchema],
];

function protoJson(schema: DescMessage, bytes: Uint8Array): JsonValue {
  return toJson(schema, fromBinary(schema, bytes));
}

/** The Data's payload decoded by port number; a payload that does not parse is reported, not fatal. */
function payloadJson(data: Data): JsonObject | undefined {
  const port = data.portnum ?? 0;
  const payload = data.payload ?? new Uint8Array(0);
  if (TEXT_PORTS.includes(port)) return { text: utf8Decode(payload, 0, payload.length) };
  const entry = PAYLOAD_SCHEMAS.find(([p]) => p === port);
  if (entry === undefined) return undefined;
  try {
    return protoJson(entry[1], payload) as JsonObject;
  } catch (e) {
    return { error: `payload is not a valid ${entry[1].name}: ${(e as Error).message}` };
  }
}

/** Header fields in canonical JSON, with node ids also as !xxxxxxxx. */
function packetJson(p: MeshPacket): JsonObject {
  const header: MeshPacket = { ...p };
  delete header.decoded;
  delete header.encrypted;
  const json = protoJson(P.MeshPacketSchema, MeshPacketCodec.encode(header)) as JsonObject;
  json.fromId = nodeIdOf(p.from ?? 0);
  json.toId = nodeIdOf(p.to ?? 0);
  return json;
}

function fail(message: string, code: string): DecodeOutcome {
  return { ok: false, message, code };
}

interface Decrypted {
  data: Data;
  plaintext: Uint8Array;
  report: JsonObject;
}

/** Tries the default key and every --psk; keys whose channel hash matches the header go first, as on a device. */
function decrypt(p: MeshPacket, channelName: string | undefined, opts: DecodeOptions): Decrypted | DecodeOutcome {
  const payload = p.encrypted ?? new Uint8Array(0);
  const hash = p.channel ?? 0;
  const matches = (k: DecodeKey) => channelName !== undefined && channelHash(channelName, k.key) === hash;
  const ordered = [...opts.keys.filter(matches), ...opts.keys.filter((k) => !matches(k))];
  for (const k of ordered) {
    const r = tryChannelKey(opts.cipher, k.key, p.id ?? 0, p.from ?? 0, payload);
    if (r === undefined) continue;
    const report: JsonObject = { key: k.label, channelHash: hash };
    if (channelName !== undefined) report.hashMatchesChannel = matches(k);
    return { data: r.data, plaintext: r.plaintext, report };
  }
  const tried = opts.keys.map((k) => k.label).join(", ");
  const hint = hash === 0 && (p.to ?? 0) !== 0xffffffff ? "; channel 0 on a unicast packet is usually a PKI direct message" : "";
  return fail(`no key decrypts it (channel hash ${hash}, tried ${tried}${hint})`, "NO_KEY");
}

function dataReport(data: Data, plaintext: Uint8Array): JsonObject {
  const out: JsonObject = { data: protoJson(P.DataSchema, plaintext) };
  const payload = payloadJson(data);
  if (payload !== undefined) out.payload = payload;
  return out;
}

function packetBody(p: MeshPacket, channelName: string | undefined, pki: boolean, opts: DecodeOptions): DecodeOutcome {
  const json: JsonObject = { packet: packetJson(p) };
  if (p.decoded !== undefined) {
    json.decryption = { plaintext: true };
    Object.assign(json, dataReport(p.decoded, DataCodec.encode(p.decoded)));
    return { ok: true, json };
  }
  if (p.encrypted === undefined) return fail("packet has neither decoded nor encrypted payload", "NO_PAYLOAD");
  if (pki) return fail("PKI-encrypted direct message: only the recipient's private key decrypts it", "PKI");
  const d = decrypt(p, channelName, opts);
  if ("ok" in d) return d;
  json.decryption = d.report;
  Object.assign(json, dataReport(d.data, d.plaintext));
  return { ok: true, json };
}

export function decodeItem(bytes: Uint8Array, opts: DecodeOptions): DecodeOutcome {
  if (opts.frame) {
    const f = decodeLoraFrame(bytes);
    if (!f.ok) return fail(f.error.message, f.error.code);
    const h = f.value.header;
    const packet: MeshPacket = { ...h, encrypted: f.value.payload };
    // A PKI frame carries channel byte 0 and is unicast; it may also be an unencrypted channel packet.
    return packetBody(packet, undefined, false, opts);
  }
  const r = ServiceEnvelopeCodec.decode(bytes);
  if (!r.ok) return fail(r.error.message, r.error.code);
  const env = r.value;
  if (env.packet === undefined) return fail("envelope has no packet", "MISSING_FIELD");
  const outcome = packetBody(env.packet, env.channelId, env.channelId === PKI_CHANNEL_ID || env.packet.pkiEncrypted === true, opts);
  if (!outcome.ok) return outcome;
  const envelope: JsonObject = {};
  if (env.channelId !== undefined) envelope.channelId = env.channelId;
  if (env.gatewayId !== undefined) envelope.gatewayId = env.gatewayId;
  return { ok: true, json: { envelope, ...outcome.json } };
}
