export {
  ConnAckCode,
  MQTT_MAX_PACKET_BYTES,
  MQTT_MAX_REMAINING_LENGTH,
  MQTT_PROTOCOL_LEVEL,
  MQTT_SPEC_MAX_PACKET_BYTES,
  MqttPacketTypeCode,
  SUBACK_FAILURE,
} from "./packets.js";
export type {
  ConnAckPacket,
  ConnectPacket,
  DisconnectPacket,
  MqttAnyQos,
  MqttPacket,
  MqttPacketType,
  MqttQos,
  MqttSubscription,
  MqttWill,
  PingReqPacket,
  PingRespPacket,
  PubAckPacket,
  PublishPacket,
  SubAckPacket,
  SubscribePacket,
  UnsubAckPacket,
  UnsubscribePacket,
} from "./packets.js";
export { catchMqttError, isMqttError, MqttError, MqttErrorCode } from "./mqtt-error.js";
export type { MqttResult } from "./mqtt-error.js";
export { isEncodableMqttString, isValidTopicFilter, isValidTopicName, isWellFormedMqttUtf8, MQTT_MAX_STRING_BYTES } from "./mqtt-strings.js";
export { encodedMqttLength, encodeMqttPacket, encodeMqttPacketInto, remainingLengthSize } from "./mqtt-serialize.js";
export { decodeMqttPacket, MqttParser, MqttParserState } from "./mqtt-parser.js";
export { ANY_MQTT_PACKET, SERVER_TO_CLIENT_PACKETS } from "./mqtt-decode.js";
export type { AcceptedPackets, BodyDecoder } from "./mqtt-decode.js";
export type { MqttParserOptions, MqttParserStats, MqttPushResult } from "./mqtt-parser.js";
export { backoffBaseMs, BackoffMode, DEFAULT_BACKOFF_MAX_MS, DEFAULT_BACKOFF_MIN_MS, defaultBackoffPolicy, FIRMWARE_RECONNECT_MS, reconnectDelayMs } from "./backoff.js";
export type { BackoffPolicy } from "./backoff.js";
export {
  connAckRefusalText,
  MQTT_DEFAULT_CONNECT_TIMEOUT_MS,
  MQTT_DEFAULT_KEEPALIVE_S,
  MQTT_MAX_INFLIGHT,
  MQTT_MAX_SUBSCRIPTIONS,
  MqttClient,
  MqttClientState,
  MqttCloseReason,
  resolveMqttClientConfig,
} from "./client.js";
export type {
  MqttClientAction,
  MqttClientConfig,
  MqttClientOptions,
  MqttClientStats,
  PublishResult,
  SubscribeResult,
  UnsubscribeResult,
} from "./client.js";
