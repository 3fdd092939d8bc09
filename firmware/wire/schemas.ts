// Field tables of every message the core encodes or decodes, from the shared spec
// meshtastic-wire.md section 1 (field numbers, types, presence) and the nanopb .options limits.
// `max` for strings is nanopb's max_size minus the NUL terminator.
import { Cardinality, FieldType, defineMessage, field } from "./field-schema.js";

const T = FieldType;
const OPT = { presence: true };

/** mesh.proto Data (section 1.2). */
export const DataSchema = defineMessage("Data", [
  field(1, "portnum", T.Int32),
  field(2, "payload", T.Bytes, { max: 233 }),
  field(3, "wantResponse", T.Bool),
  field(4, "dest", T.Fixed32),
  field(5, "source", T.Fixed32),
  field(6, "requestId", T.Fixed32),
  field(7, "replyId", T.Fixed32),
  field(8, "emoji", T.Fixed32),
  field(9, "bitfield", T.Uint32, OPT),
  field(10, "xeddsaSignature", T.Bytes, { max: 64 }),
]);

/** mesh.proto MeshPacket (section 1.1). `decoded` and `encrypted` form the payload_variant oneof. */
export const MeshPacketSchema = defineMessage("MeshPacket", [
  field(1, "from", T.Fixed32),
  field(2, "to", T.Fixed32),
  field(3, "channel", T.Uint32),
  field(4, "decoded", T.Message, { oneof: "payloadVariant" }, DataSchema),
  field(5, "encrypted", T.Bytes, { oneof: "payloadVariant", max: 256 }),
  field(6, "id", T.Fixed32),
  field(7, "rxTime", T.Fixed32),
  field(8, "rxSnr", T.Float),
  field(9, "hopLimit", T.Uint32),
  field(10, "wantAck", T.Bool),
  field(11, "priority", T.Int32),
  field(12, "rxRssi", T.Int32),
  field(13, "delayed", T.Int32),
  field(14, "viaMqtt", T.Bool),
  field(15, "hopStart", T.Uint32),
  field(16, "publicKey", T.Bytes, { max: 32 }),
  field(17, "pkiEncrypted", T.Bool),
  field(18, "nextHop", T.Uint32),
  field(19, "relayNode", T.Uint32),
  field(20, "txAfter", T.Uint32),
  field(21, "transportMechanism", T.Int32),
  field(22, "xeddsaSigned", T.Bool),
]);

/** mqtt.proto ServiceEnvelope (section 1.3). nanopb uses pointers here, so there is no per-field limit. */
export const ServiceEnvelopeSchema = defineMessage("ServiceEnvelope", [
  field(1, "packet", T.Message, undefined, MeshPacketSchema),
  field(2, "channelId", T.String),
  field(3, "gatewayId", T.String),
]);

/** mqtt.proto MapReport (section 1.3). */
export const MapReportSchema = defineMessage("MapReport", [
  field(1, "longName", T.String, { max: 24 }),
  field(2, "shortName", T.String, { max: 4 }),
  field(3, "role", T.Int32),
  field(4, "hwModel", T.Int32),
  field(5, "firmwareVersion", T.String, { max: 17 }),
  field(6, "region", T.Int32),
  field(7, "modemPreset", T.Int32),
  field(8, "hasDefaultChannel", T.Bool),
  field(9, "latitudeI", T.Sfixed32),
  field(10, "longitudeI", T.Sfixed32),
  field(11, "altitude", T.Int32),
  field(12, "positionPrecision", T.Uint32),
  field(13, "numOnlineLocalNodes", T.Uint32),
  field(14, "hasOptedReportLocation", T.Bool),
]);

/** mesh.proto MqttClientProxyMessage (section 1.3); `data` and `text` form the payload_variant oneof. */
export const MqttClientProxyMessageSchema = defineMessage("MqttClientProxyMessage", [
  field(1, "topic", T.String, { max: 59 }),
  field(2, "data", T.Bytes, { oneof: "payloadVariant", max: 435 }),
  field(3, "text", T.String, { oneof: "payloadVariant", max: 434 }),
  field(4, "retained", T.Bool),
]);

/** mesh.proto ToRadio, only the members the MQTT client proxy uses. */
export const ToRadioSchema = defineMessage("ToRadio", [
  field(1, "packet", T.Message, { oneof: "payloadVariant" }, MeshPacketSchema),
  field(6, "mqttClientProxyMessage", T.Message, { oneof: "payloadVariant" }, MqttClientProxyMessageSchema),
]);

/** mesh.proto FromRadio, only the members the MQTT client proxy uses. */
export const FromRadioSchema = defineMessage("FromRadio", [
  field(1, "id", T.Uint32),
  field(2, "packet", T.Message, { oneof: "payloadVariant" }, MeshPacketSchema),
  field(14, "mqttClientProxyMessage", T.Message, { oneof: "payloadVariant" }, MqttClientProxyMessageSchema),
]);

/** mesh.proto Position (section 1.4). */
export const PositionSchema = defineMessage("Position", [
  field(1, "latitudeI", T.Sfixed32, OPT),
  field(2, "longitudeI", T.Sfixed32, OPT),
  field(3, "altitude", T.Int32, OPT),
  field(4, "time", T.Fixed32),
  field(5, "locationSource", T.Int32),
  field(6, "altitudeSource", T.Int32),
  field(7, "timestamp", T.Fixed32),
  field(8, "timestampMillisAdjust", T.Int32),
  field(9, "altitudeHae", T.Sint32, OPT),
  field(10, "altitudeGeoidalSeparation", T.Sint32, OPT),
  field(11, "PDOP", T.Uint32),
  field(12, "HDOP", T.Uint32),
  field(13, "VDOP", T.Uint32),
  field(14, "gpsAccuracy", T.Uint32),
  field(15, "groundSpeed", T.Uint32, OPT),
  field(16, "groundTrack", T.Uint32, OPT),
  field(17, "fixQuality", T.Uint32),
  field(18, "fixType", T.Uint32),
  field(19, "satsInView", T.Uint32),
  field(20, "sensorId", T.Uint32),
  field(21, "nextUpdate", T.Uint32),
  field(22, "seqNumber", T.Uint32),
  field(23, "precisionBits", T.Uint32),
]);

/** mesh.proto User (section 1.4). long_name decodes up to 39 bytes; the firmware clamps what it sends to 24. */
export const UserSchema = defineMessage("User", [
  field(1, "id", T.String, { max: 15 }),
  field(2, "longName", T.String, { max: 39 }),
  field(3, "shortName", T.String, { max: 4 }),
  field(4, "macaddr", T.Bytes, { max: 6 }),
  field(5, "hwModel", T.Int32),
  field(6, "isLicensed", T.Bool),
  field(7, "role", T.Int32),
  field(8, "publicKey", T.Bytes, { max: 32 }),
  field(9, "isUnmessagable", T.Bool, OPT),
]);

/** mesh.proto RouteDiscovery (section 1.4): at most 8 hops each way. */
export const RouteDiscoverySchema = defineMessage("RouteDiscovery", [
  field(1, "route", T.Fixed32, { card: Cardinality.RepeatedPacked, max: 8 }),
  field(2, "snrTowards", T.Int32, { card: Cardinality.RepeatedPacked, max: 8 }),
  field(3, "routeBack", T.Fixed32, { card: Cardinality.RepeatedPacked, max: 8 }),
  field(4, "snrBack", T.Int32, { card: Cardinality.RepeatedPacked, max: 8 }),
]);

/** mesh.proto Routing (section 1.4); an ACK is `errorReason: 0`, which encodes as `18 00` because oneof members have presence. */
export const RoutingSchema = defineMessage("Routing", [
  field(1, "routeRequest", T.Message, { oneof: "variant" }, RouteDiscoverySchema),
  field(2, "routeReply", T.Message, { oneof: "variant" }, RouteDiscoverySchema),
  field(3, "errorReason", T.Int32, { oneof: "variant" }),
]);

/** mesh.proto Waypoint (section 1.4, 2.7 fields). */
export const WaypointSchema = defineMessage("Waypoint", [
  field(1, "id", T.Uint32),
  field(2, "latitudeI", T.Sfixed32, OPT),
  field(3, "longitudeI", T.Sfixed32, OPT),
  field(4, "expire", T.Uint32),
  field(5, "lockedTo", T.Uint32),
  field(6, "name", T.String, { max: 29 }),
  field(7, "description", T.String, { max: 99 }),
  field(8, "icon", T.Fixed32),
]);

/** mesh.proto Neighbor (section 1.4). */
export const NeighborSchema = defineMessage("Neighbor", [
  field(1, "nodeId", T.Uint32),
  field(2, "snr", T.Float),
  field(3, "lastRxTime", T.Fixed32),
  field(4, "nodeBroadcastIntervalSecs", T.Uint32),
]);

/** mesh.proto NeighborInfo (section 1.4): at most 10 neighbours. */
export const NeighborInfoSchema = defineMessage("NeighborInfo", [
  field(1, "nodeId", T.Uint32),
  field(2, "lastSentById", T.Uint32),
  field(3, "nodeBroadcastIntervalSecs", T.Uint32),
  field(4, "neighbors", T.Message, { card: Cardinality.Repeated, max: 10 }, NeighborSchema),
]);

/** telemetry.proto DeviceMetrics (section 1.5): every field has explicit presence. */
export const DeviceMetricsSchema = defineMessage("DeviceMetrics", [
  field(1, "batteryLevel", T.Uint32, OPT),
  field(2, "voltage", T.Float, OPT),
  field(3, "channelUtilization", T.Float, OPT),
  field(4, "airUtilTx", T.Float, OPT),
  field(5, "uptimeSeconds", T.Uint32, OPT),
]);

const U = T.Uint32;
const F = T.Float;

/** telemetry.proto EnvironmentMetrics (section 1.5). */
export const EnvironmentMetricsSchema = defineMessage("EnvironmentMetrics", [
  field(1, "temperature", F, OPT),
  field(2, "relativeHumidity", F, OPT),
  field(3, "barometricPressure", F, OPT),
  field(4, "gasResistance", F, OPT),
  field(5, "voltage", F, OPT),
  field(6, "current", F, OPT),
  field(7, "iaq", U, OPT),
  field(8, "distance", F, OPT),
  field(9, "lux", F, OPT),
  field(10, "whiteLux", F, OPT),
  field(11, "irLux", F, OPT),
  field(12, "uvLux", F, OPT),
  field(13, "windDirection", U, OPT),
  field(14, "windSpeed", F, OPT),
  field(15, "weight", F, OPT),
  field(16, "windGust", F, OPT),
  field(17, "windLull", F, OPT),
  field(18, "radiation", F, OPT),
  field(19, "rainfall1h", F, OPT),
  field(20, "rainfall24h", F, OPT),
  field(21, "soilMoisture", U, OPT),
  field(22, "soilTemperature", F, OPT),
  field(23, "oneWireTemperature", F, { card: Cardinality.RepeatedPacked, max: 8 }),
]);

/** telemetry.proto PowerMetrics (section 1.5): chN_voltage = 2N-1, chN_current = 2N. */
export const PowerMetricsSchema = defineMessage("PowerMetrics", [
  field(1, "ch1Voltage", F, OPT),
  field(2, "ch1Current", F, OPT),
  field(3, "ch2Voltage", F, OPT),
  field(4, "ch2Current", F, OPT),
  field(5, "ch3Voltage", F, OPT),
  field(6, "ch3Current", F, OPT),
  field(7, "ch4Voltage", F, OPT),
  field(8, "ch4Current", F, OPT),
  field(9, "ch5Voltage", F, OPT),
  field(10, "ch5Current", F, OPT),
  field(11, "ch6Voltage", F, OPT),
  field(12, "ch6Current", F, OPT),
  field(13, "ch7Voltage", F, OPT),
  field(14, "ch7Current", F, OPT),
  field(15, "ch8Voltage", F, OPT),
  field(16, "ch8Current", F, OPT),
]);

/** telemetry.proto AirQualityMetrics (section 1.5). */
export const AirQualityMetricsSchema = defineMessage("AirQualityMetrics", [
  field(1, "pm10Standard", U, OPT),
  field(2, "pm25Standard", U, OPT),
  field(3, "pm100Standard", U, OPT),
  field(4, "pm10Environmental", U, OPT),
  field(5, "pm25Environmental", U, OPT),
  field(6, "pm100Environmental", U, OPT),
  field(7, "particles03um", U, OPT),
  field(8, "particles05um", U, OPT),
  field(9, "particles10um", U, OPT),
  field(10, "particles25um", U, OPT),
  field(11, "particles50um", U, OPT),
  field(12, "particles100um", U, OPT),
  field(13, "co2", U, OPT),
  field(14, "co2Temperature", F, OPT),
  field(15, "co2Humidity", F, OPT),
  field(16, "formFormaldehyde", F, OPT),
  field(17, "formHumidity", F, OPT),
  field(18, "formTemperature", F, OPT),
  field(19, "pm40Standard", U, OPT),
  field(20, "particles40um", U, OPT),
  field(21, "pmTemperature", F, OPT),
  field(22, "pmHumidity", F, OPT),
  field(23, "pmVocIdx", F, OPT),
  field(24, "pmNoxIdx", F, OPT),
  field(25, "particlesTps", F, OPT),
]);

/** telemetry.proto LocalStats (section 1.5): implicit presence. */
export const LocalStatsSchema = defineMessage("LocalStats", [
  field(1, "uptimeSeconds", U),
  field(2, "channelUtilization", F),
  field(3, "airUtilTx", F),
  field(4, "numPacketsTx", U),
  field(5, "numPacketsRx", U),
  field(6, "numPacketsRxBad", U),
  field(7, "numOnlineNodes", U),
  field(8, "numTotalNodes", U),
  field(9, "numRxDupe", U),
  field(10, "numTxRelay", U),
  field(11, "numTxRelayCanceled", U),
  field(12, "heapTotalBytes", U),
  field(13, "heapFreeBytes", U),
  field(14, "numTxDropped", U),
  field(15, "noiseFloor", T.Int32),
]);

/** telemetry.proto Telemetry (section 1.5); variants the core does not use (health, host, traffic) are skipped as unknown. */
export const TelemetrySchema = defineMessage("Telemetry", [
  field(1, "time", T.Fixed32),
  field(2, "deviceMetrics", T.Message, { oneof: "variant" }, DeviceMetricsSchema),
  field(3, "environmentMetrics", T.Message, { oneof: "variant" }, EnvironmentMetricsSchema),
  field(4, "airQualityMetrics", T.Message, { oneof: "variant" }, AirQualityMetricsSchema),
  field(5, "powerMetrics", T.Message, { oneof: "variant" }, PowerMetricsSchema),
  field(6, "localStats", T.Message, { oneof: "variant" }, LocalStatsSchema),
]);

/** channel.proto ModuleSettings (section 1.9). */
export const ModuleSettingsSchema = defineMessage("ModuleSettings", [
  field(1, "positionPrecision", U),
  field(2, "isMuted", T.Bool),
]);

/** channel.proto ChannelSettings (section 1.9): name max_size 12, so 11 usable bytes. */
export const ChannelSettingsSchema = defineMessage("ChannelSettings", [
  field(1, "channelNum", U),
  field(2, "psk", T.Bytes, { max: 32 }),
  field(3, "name", T.String, { max: 11 }),
  field(4, "id", T.Fixed32),
  field(5, "uplinkEnabled", T.Bool),
  field(6, "downlinkEnabled", T.Bool),
  field(7, "moduleSettings", T.Message, undefined, ModuleSettingsSchema),
]);

/** channel.proto Channel (section 1.9). */
export const ChannelSchema = defineMessage("Channel", [
  field(1, "index", T.Int32),
  field(2, "settings", T.Message, undefined, ChannelSettingsSchema),
  field(3, "role", T.Int32),
]);

/** config.proto Config.DeviceConfig (section 1.7). */
export const DeviceConfigSchema = defineMessage("DeviceConfig", [
  field(1, "role", T.Int32),
  field(2, "serialEnabled", T.Bool),
  field(4, "buttonGpio", U),
  field(5, "buzzerGpio", U),
  field(6, "rebroadcastMode", T.Int32),
  field(7, "nodeInfoBroadcastSecs", U),
  field(8, "doubleTapAsButtonPress", T.Bool),
  field(9, "isManaged", T.Bool),
  field(10, "disableTripleClick", T.Bool),
  field(11, "tzdef", T.String),
  field(12, "ledHeartbeatDisabled", T.Bool),
  field(13, "buzzerMode", T.Int32),
]);

/** config.proto Config.LoRaConfig (section 1.7). */
export const LoRaConfigSchema = defineMessage("LoRaConfig", [
  field(1, "usePreset", T.Bool),
  field(2, "modemPreset", T.Int32),
  field(3, "bandwidth", U),
  field(4, "spreadFactor", U),
  field(5, "codingRate", U),
  field(6, "frequencyOffset", F),
  field(7, "region", T.Int32),
  field(8, "hopLimit", U),
  field(9, "txEnabled", T.Bool),
  field(10, "txPower", T.Int32),
  field(11, "channelNum", U),
  field(12, "overrideDutyCycle", T.Bool),
  field(13, "sx126xRxBoostedGain", T.Bool),
  field(14, "overrideFrequency", F),
  field(15, "paFanDisabled", T.Bool),
  field(103, "ignoreIncoming", U, { card: Cardinality.RepeatedPacked }),
  field(104, "ignoreMqtt", T.Bool),
  field(105, "configOkToMqtt", T.Bool),
  field(106, "femLnaMode", T.Int32),
  field(107, "serialHalOnly", T.Bool),
]);

/** config.proto Config.SecurityConfig (section 1.7). */
export const SecurityConfigSchema = defineMessage("SecurityConfig", [
  field(1, "publicKey", T.Bytes, { max: 32 }),
  field(2, "privateKey", T.Bytes, { max: 32 }),
  field(3, "adminKey", T.Bytes, { card: Cardinality.Repeated, max: 3 }),
  field(4, "isManaged", T.Bool),
  field(5, "serialEnabled", T.Bool),
  field(6, "debugLogApiEnabled", T.Bool),
  field(8, "adminChannelEnabled", T.Bool),
]);

/** module_config.proto ModuleConfig.MapReportSettings (section 1.8). */
export const MapReportSettingsSchema = defineMessage("MapReportSettings", [
  field(1, "publishIntervalSecs", U),
  field(2, "positionPrecision", U),
  field(3, "shouldReportLocation", T.Bool),
]);

/** module_config.proto ModuleConfig.MQTTConfig (section 1.8). */
export const MqttConfigSchema = defineMessage("MQTTConfig", [
  field(1, "enabled", T.Bool),
  field(2, "address", T.String, { max: 63 }),
  field(3, "username", T.String, { max: 63 }),
  field(4, "password", T.String, { max: 31 }),
  field(5, "encryptionEnabled", T.Bool),
  field(6, "jsonEnabled", T.Bool),
  field(7, "tlsEnabled", T.Bool),
  field(8, "root", T.String, { max: 31 }),
  field(9, "proxyToClientEnabled", T.Bool),
  field(10, "mapReportingEnabled", T.Bool),
  field(11, "mapReportSettings", T.Message, undefined, MapReportSettingsSchema),
]);
