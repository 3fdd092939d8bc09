// Field tables of every message the core encodes or decodes, from the shared spec
// meshtastic-wire.md section 1 (field numbers, types, presence) and the nanopb .options limits.
// `max` for strings is nanopb's max_size minus the NUL terminator.
import { Cardinality, FieldType, messageOf } from "./field-schema.js";
import type { FieldDef, FieldOptions, MessageSchema } from "./field-schema.js";

// Tables are written `{ fieldName: field(number, type, options, message) }`: field names are
// object keys, not strings, so a board build that renames properties (boards/bundle) renames a
// table's names together with the code that reads and writes those fields.
//
// A bundle keeps only the tables it reads (a board build drops the config, waypoint and
// neighbour-info tables). For that, esbuild must see each table as free of side effects: calls go
// through the two wrappers below, marked as such (esbuild honours the mark only within the module
// that declares the function), and arguments are literals and identifiers, never property reads
// like FieldType.Bool (a read could run a getter).
/* @__NO_SIDE_EFFECTS__ */ function message(name: string, fields: Record<string, FieldDef>): MessageSchema {
  return messageOf(name, fields);
}
/* @__NO_SIDE_EFFECTS__ */ function field(no: number, type: FieldType, opts?: FieldOptions, msg?: MessageSchema): FieldDef {
  return { no, type, opts, msg };
}

const UINT32 = FieldType.Uint32;
const INT32 = FieldType.Int32;
const SINT32 = FieldType.Sint32;
const BOOL = FieldType.Bool;
const FIXED32 = FieldType.Fixed32;
const SFIXED32 = FieldType.Sfixed32;
const FLOAT = FieldType.Float;
const STRING = FieldType.String;
const BYTES = FieldType.Bytes;
const MESSAGE = FieldType.Message;
const PACKED = Cardinality.RepeatedPacked;
const REPEATED = Cardinality.Repeated;
const OPT = { presence: true };

/** mesh.proto Data (section 1.2). */
export const DataSchema = message("Data", {
  portnum: field(1, INT32),
  payload: field(2, BYTES, { max: 233 }),
  wantResponse: field(3, BOOL),
  dest: field(4, FIXED32),
  source: field(5, FIXED32),
  requestId: field(6, FIXED32),
  replyId: field(7, FIXED32),
  emoji: field(8, FIXED32),
  bitfield: field(9, UINT32, OPT),
  xeddsaSignature: field(10, BYTES, { max: 64 }),
});

/** mesh.proto MeshPacket (section 1.1). `decoded` and `encrypted` form the payload_variant oneof. */
export const MeshPacketSchema = message("MeshPacket", {
  from: field(1, FIXED32),
  to: field(2, FIXED32),
  channel: field(3, UINT32),
  decoded: field(4, MESSAGE, { oneof: "payloadVariant" }, DataSchema),
  encrypted: field(5, BYTES, { oneof: "payloadVariant", max: 256 }),
  id: field(6, FIXED32),
  rxTime: field(7, FIXED32),
  rxSnr: field(8, FLOAT),
  hopLimit: field(9, UINT32),
  wantAck: field(10, BOOL),
  priority: field(11, INT32),
  rxRssi: field(12, INT32),
  delayed: field(13, INT32),
  viaMqtt: field(14, BOOL),
  hopStart: field(15, UINT32),
  publicKey: field(16, BYTES, { max: 32 }),
  pkiEncrypted: field(17, BOOL),
  nextHop: field(18, UINT32),
  relayNode: field(19, UINT32),
  txAfter: field(20, UINT32),
  transportMechanism: field(21, INT32),
  xeddsaSigned: field(22, BOOL),
});

/** mqtt.proto ServiceEnvelope (section 1.3). nanopb uses pointers here, so there is no per-field limit. */
export const ServiceEnvelopeSchema = message("ServiceEnvelope", {
  packet: field(1, MESSAGE, undefined, MeshPacketSchema),
  channelId: field(2, STRING),
  gatewayId: field(3, STRING),
});

/** mqtt.proto MapReport (section 1.3). */
export const MapReportSchema = message("MapReport", {
  longName: field(1, STRING, { max: 39 }),
  shortName: field(2, STRING, { max: 4 }),
  role: field(3, INT32),
  hwModel: field(4, INT32),
  firmwareVersion: field(5, STRING, { max: 17 }),
  region: field(6, INT32),
  modemPreset: field(7, INT32),
  hasDefaultChannel: field(8, BOOL),
  latitudeI: field(9, SFIXED32),
  longitudeI: field(10, SFIXED32),
  altitude: field(11, INT32),
  positionPrecision: field(12, UINT32),
  numOnlineLocalNodes: field(13, UINT32),
  hasOptedReportLocation: field(14, BOOL),
});

/** mesh.proto MqttClientProxyMessage (section 1.3); `data` and `text` form the payload_variant oneof. */
export const MqttClientProxyMessageSchema = message("MqttClientProxyMessage", {
  topic: field(1, STRING, { max: 59 }),
  data: field(2, BYTES, { oneof: "payloadVariant", max: 435 }),
  text: field(3, STRING, { oneof: "payloadVariant", max: 434 }),
  retained: field(4, BOOL),
});

/** mesh.proto ToRadio, only the members the MQTT client proxy uses. */
export const ToRadioSchema = message("ToRadio", {
  packet: field(1, MESSAGE, { oneof: "payloadVariant" }, MeshPacketSchema),
  mqttClientProxyMessage: field(6, MESSAGE, { oneof: "payloadVariant" }, MqttClientProxyMessageSchema),
});

/** mesh.proto FromRadio, only the members the MQTT client proxy uses. */
export const FromRadioSchema = message("FromRadio", {
  id: field(1, UINT32),
  packet: field(2, MESSAGE, { oneof: "payloadVariant" }, MeshPacketSchema),
  mqttClientProxyMessage: field(14, MESSAGE, { oneof: "payloadVariant" }, MqttClientProxyMessageSchema),
});

/** mesh.proto Position (section 1.4). */
export const PositionSchema = message("Position", {
  latitudeI: field(1, SFIXED32, OPT),
  longitudeI: field(2, SFIXED32, OPT),
  altitude: field(3, INT32, OPT),
  time: field(4, FIXED32),
  locationSource: field(5, INT32),
  altitudeSource: field(6, INT32),
  timestamp: field(7, FIXED32),
  timestampMillisAdjust: field(8, INT32),
  altitudeHae: field(9, SINT32, OPT),
  altitudeGeoidalSeparation: field(10, SINT32, OPT),
  PDOP: field(11, UINT32),
  HDOP: field(12, UINT32),
  VDOP: field(13, UINT32),
  gpsAccuracy: field(14, UINT32),
  groundSpeed: field(15, UINT32, OPT),
  groundTrack: field(16, UINT32, OPT),
  fixQuality: field(17, UINT32),
  fixType: field(18, UINT32),
  satsInView: field(19, UINT32),
  sensorId: field(20, UINT32),
  nextUpdate: field(21, UINT32),
  seqNumber: field(22, UINT32),
  precisionBits: field(23, UINT32),
});

/** mesh.proto User (section 1.4). long_name is a char[40] in 2.7.26: up to 39 bytes. */
export const UserSchema = message("User", {
  id: field(1, STRING, { max: 15 }),
  longName: field(2, STRING, { max: 39 }),
  shortName: field(3, STRING, { max: 4 }),
  macaddr: field(4, BYTES, { max: 6 }),
  hwModel: field(5, INT32),
  isLicensed: field(6, BOOL),
  role: field(7, INT32),
  publicKey: field(8, BYTES, { max: 32 }),
  isUnmessagable: field(9, BOOL, OPT),
});

/** mesh.proto RouteDiscovery (section 1.4): at most 8 hops each way. */
export const RouteDiscoverySchema = message("RouteDiscovery", {
  route: field(1, FIXED32, { card: PACKED, max: 8 }),
  snrTowards: field(2, INT32, { card: PACKED, max: 8 }),
  routeBack: field(3, FIXED32, { card: PACKED, max: 8 }),
  snrBack: field(4, INT32, { card: PACKED, max: 8 }),
});

/** mesh.proto Routing (section 1.4); an ACK is `errorReason: 0`, which encodes as `18 00` because oneof members have presence. */
export const RoutingSchema = message("Routing", {
  routeRequest: field(1, MESSAGE, { oneof: "variant" }, RouteDiscoverySchema),
  routeReply: field(2, MESSAGE, { oneof: "variant" }, RouteDiscoverySchema),
  errorReason: field(3, INT32, { oneof: "variant" }),
});

/** mesh.proto Waypoint (section 1.4, 2.7 fields). */
export const WaypointSchema = message("Waypoint", {
  id: field(1, UINT32),
  latitudeI: field(2, SFIXED32, OPT),
  longitudeI: field(3, SFIXED32, OPT),
  expire: field(4, UINT32),
  lockedTo: field(5, UINT32),
  name: field(6, STRING, { max: 29 }),
  description: field(7, STRING, { max: 99 }),
  icon: field(8, FIXED32),
});

/** mesh.proto Neighbor (section 1.4). */
export const NeighborSchema = message("Neighbor", {
  nodeId: field(1, UINT32),
  snr: field(2, FLOAT),
  lastRxTime: field(3, FIXED32),
  nodeBroadcastIntervalSecs: field(4, UINT32),
});

/** mesh.proto NeighborInfo (section 1.4): at most 10 neighbours. */
export const NeighborInfoSchema = message("NeighborInfo", {
  nodeId: field(1, UINT32),
  lastSentById: field(2, UINT32),
  nodeBroadcastIntervalSecs: field(3, UINT32),
  neighbors: field(4, MESSAGE, { card: REPEATED, max: 10 }, NeighborSchema),
});

/** telemetry.proto DeviceMetrics (section 1.5): every field has explicit presence. */
export const DeviceMetricsSchema = message("DeviceMetrics", {
  batteryLevel: field(1, UINT32, OPT),
  voltage: field(2, FLOAT, OPT),
  channelUtilization: field(3, FLOAT, OPT),
  airUtilTx: field(4, FLOAT, OPT),
  uptimeSeconds: field(5, UINT32, OPT),
});


/** telemetry.proto EnvironmentMetrics (section 1.5). */
export const EnvironmentMetricsSchema = message("EnvironmentMetrics", {
  temperature: field(1, FLOAT, OPT),
  relativeHumidity: field(2, FLOAT, OPT),
  barometricPressure: field(3, FLOAT, OPT),
  gasResistance: field(4, FLOAT, OPT),
  voltage: field(5, FLOAT, OPT),
  current: field(6, FLOAT, OPT),
  iaq: field(7, UINT32, OPT),
  distance: field(8, FLOAT, OPT),
  lux: field(9, FLOAT, OPT),
  whiteLux: field(10, FLOAT, OPT),
  irLux: field(11, FLOAT, OPT),
  uvLux: field(12, FLOAT, OPT),
  windDirection: field(13, UINT32, OPT),
  windSpeed: field(14, FLOAT, OPT),
  weight: field(15, FLOAT, OPT),
  windGust: field(16, FLOAT, OPT),
  windLull: field(17, FLOAT, OPT),
  radiation: field(18, FLOAT, OPT),
  rainfall1h: field(19, FLOAT, OPT),
  rainfall24h: field(20, FLOAT, OPT),
  soilMoisture: field(21, UINT32, OPT),
  soilTemperature: field(22, FLOAT, OPT),
  oneWireTemperature: field(23, FLOAT, { card: PACKED, max: 8 }),
});

/** telemetry.proto PowerMetrics (section 1.5): chN_voltage = 2N-1, chN_current = 2N. */
export const PowerMetricsSchema = message("PowerMetrics", {
  ch1Voltage: field(1, FLOAT, OPT),
  ch1Current: field(2, FLOAT, OPT),
  ch2Voltage: field(3, FLOAT, OPT),
  ch2Current: field(4, FLOAT, OPT),
  ch3Voltage: field(5, FLOAT, OPT),
  ch3Current: field(6, FLOAT, OPT),
  ch4Voltage: field(7, FLOAT, OPT),
  ch4Current: field(8, FLOAT, OPT),
  ch5Voltage: field(9, FLOAT, OPT),
  ch5Current: field(10, FLOAT, OPT),
  ch6Voltage: field(11, FLOAT, OPT),
  ch6Current: field(12, FLOAT, OPT),
  ch7Voltage: field(13, FLOAT, OPT),
  ch7Current: field(14, FLOAT, OPT),
  ch8Voltage: field(15, FLOAT, OPT),
  ch8Current: field(16, FLOAT, OPT),
});

/** telemetry.proto AirQualityMetrics (section 1.5). */
export const AirQualityMetricsSchema = message("AirQualityMetrics", {
  pm10Standard: field(1, UINT32, OPT),
  pm25Standard: field(2, UINT32, OPT),
  pm100Standard: field(3, UINT32, OPT),
  pm10Environmental: field(4, UINT32, OPT),
  pm25Environmental: field(5, UINT32, OPT),
  pm100Environmental: field(6, UINT32, OPT),
  particles03um: field(7, UINT32, OPT),
  particles05um: field(8, UINT32, OPT),
  particles10um: field(9, UINT32, OPT),
  particles25um: field(10, UINT32, OPT),
  particles50um: field(11, UINT32, OPT),
  particles100um: field(12, UINT32, OPT),
  co2: field(13, UINT32, OPT),
  co2Temperature: field(14, FLOAT, OPT),
  co2Humidity: field(15, FLOAT, OPT),
  formFormaldehyde: field(16, FLOAT, OPT),
  formHumidity: field(17, FLOAT, OPT),
  formTemperature: field(18, FLOAT, OPT),
  pm40Standard: field(19, UINT32, OPT),
  particles40um: field(20, UINT32, OPT),
  pmTemperature: field(21, FLOAT, OPT),
  pmHumidity: field(22, FLOAT, OPT),
  pmVocIdx: field(23, FLOAT, OPT),
  pmNoxIdx: field(24, FLOAT, OPT),
  particlesTps: field(25, FLOAT, OPT),
});

/** telemetry.proto LocalStats (section 1.5): implicit presence. */
export const LocalStatsSchema = message("LocalStats", {
  uptimeSeconds: field(1, UINT32),
  channelUtilization: field(2, FLOAT),
  airUtilTx: field(3, FLOAT),
  numPacketsTx: field(4, UINT32),
  numPacketsRx: field(5, UINT32),
  numPacketsRxBad: field(6, UINT32),
  numOnlineNodes: field(7, UINT32),
  numTotalNodes: field(8, UINT32),
  numRxDupe: field(9, UINT32),
  numTxRelay: field(10, UINT32),
  numTxRelayCanceled: field(11, UINT32),
  heapTotalBytes: field(12, UINT32),
  heapFreeBytes: field(13, UINT32),
  numTxDropped: field(14, UINT32),
  noiseFloor: field(15, INT32),
});

const TELEMETRY_TIME = field(1, FIXED32);
const TELEMETRY_DEVICE_METRICS = field(2, MESSAGE, { oneof: "variant" }, DeviceMetricsSchema);

/** telemetry.proto Telemetry (section 1.5); variants the core does not use (health, host, traffic) are skipped as unknown. */
export const TelemetrySchema = message("Telemetry", {
  time: TELEMETRY_TIME,
  deviceMetrics: TELEMETRY_DEVICE_METRICS,
  environmentMetrics: field(3, MESSAGE, { oneof: "variant" }, EnvironmentMetricsSchema),
  airQualityMetrics: field(4, MESSAGE, { oneof: "variant" }, AirQualityMetricsSchema),
  powerMetrics: field(5, MESSAGE, { oneof: "variant" }, PowerMetricsSchema),
  localStats: field(6, MESSAGE, { oneof: "variant" }, LocalStatsSchema),
});

/**
 * Telemetry as the device-telemetry module sends it: only the device_metrics variant, so a board
 * build leaves out the environment, air-quality, power and local-stats tables (about 2 KB). Its
 * encodings are TelemetrySchema's (the same two field definitions; test/wire/schema-views.test.ts checks it).
 */
export const DeviceTelemetrySchema = message("Telemetry", { time: TELEMETRY_TIME, deviceMetrics: TELEMETRY_DEVICE_METRICS });

/** channel.proto ModuleSettings (section 1.9). */
export const ModuleSettingsSchema = message("ModuleSettings", {
  positionPrecision: field(1, UINT32),
  isMuted: field(2, BOOL),
});

/** channel.proto ChannelSettings (section 1.9): name max_size 12, so 11 usable bytes. */
export const ChannelSettingsSchema = message("ChannelSettings", {
  channelNum: field(1, UINT32),
  psk: field(2, BYTES, { max: 32 }),
  name: field(3, STRING, { max: 11 }),
  id: field(4, FIXED32),
  uplinkEnabled: field(5, BOOL),
  downlinkEnabled: field(6, BOOL),
  moduleSettings: field(7, MESSAGE, undefined, ModuleSettingsSchema),
});

/** channel.proto Channel (section 1.9). */
export const ChannelSchema = message("Channel", {
  index: field(1, INT32),
  settings: field(2, MESSAGE, undefined, ChannelSettingsSchema),
  role: field(3, INT32),
});

/** config.proto Config.DeviceConfig (section 1.7). */
export const DeviceConfigSchema = message("DeviceConfig", {
  role: field(1, INT32),
  serialEnabled: field(2, BOOL),
  buttonGpio: field(4, UINT32),
  buzzerGpio: field(5, UINT32),
  rebroadcastMode: field(6, INT32),
  nodeInfoBroadcastSecs: field(7, UINT32),
  doubleTapAsButtonPress: field(8, BOOL),
  isManaged: field(9, BOOL),
  disableTripleClick: field(10, BOOL),
  tzdef: field(11, STRING),
  ledHeartbeatDisabled: field(12, BOOL),
  buzzerMode: field(13, INT32),
});

/** config.proto Config.LoRaConfig (section 1.7). */
export const LoRaConfigSchema = message("LoRaConfig", {
  usePreset: field(1, BOOL),
  modemPreset: field(2, INT32),
  bandwidth: field(3, UINT32),
  spreadFactor: field(4, UINT32),
  codingRate: field(5, UINT32),
  frequencyOffset: field(6, FLOAT),
  region: field(7, INT32),
  hopLimit: field(8, UINT32),
  txEnabled: field(9, BOOL),
  txPower: field(10, INT32),
  channelNum: field(11, UINT32),
  overrideDutyCycle: field(12, BOOL),
  sx126xRxBoostedGain: field(13, BOOL),
  overrideFrequency: field(14, FLOAT),
  paFanDisabled: field(15, BOOL),
  ignoreIncoming: field(103, UINT32, { card: PACKED }),
  ignoreMqtt: field(104, BOOL),
  configOkToMqtt: field(105, BOOL),
  femLnaMode: field(106, INT32),
  serialHalOnly: field(107, BOOL),
});

/** config.proto Config.SecurityConfig (section 1.7). */
export const SecurityConfigSchema = message("SecurityConfig", {
  publicKey: field(1, BYTES, { max: 32 }),
  privateKey: field(2, BYTES, { max: 32 }),
  adminKey: field(3, BYTES, { card: REPEATED, max: 3 }),
  isManaged: field(4, BOOL),
  serialEnabled: field(5, BOOL),
  debugLogApiEnabled: field(6, BOOL),
  adminChannelEnabled: field(8, BOOL),
});

/** module_config.proto ModuleConfig.MapReportSettings (section 1.8). */
export const MapReportSettingsSchema = message("MapReportSettings", {
  publishIntervalSecs: field(1, UINT32),
  positionPrecision: field(2, UINT32),
  shouldReportLocation: field(3, BOOL),
});

/** module_config.proto ModuleConfig.MQTTConfig (section 1.8). */
export const MqttConfigSchema = message("MQTTConfig", {
  enabled: field(1, BOOL),
  address: field(2, STRING, { max: 63 }),
  username: field(3, STRING, { max: 63 }),
  password: field(4, STRING, { max: 31 }),
  encryptionEnabled: field(5, BOOL),
  jsonEnabled: field(6, BOOL),
  tlsEnabled: field(7, BOOL),
  root: field(8, STRING, { max: 31 }),
  proxyToClientEnabled: field(9, BOOL),
  mapReportingEnabled: field(10, BOOL),
  mapReportSettings: field(11, MESSAGE, undefined, MapReportSettingsSchema),
});
