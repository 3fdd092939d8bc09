// MQTT 3.1.1 control packets (OASIS standard, 29 October 2014) as plain objects with a `type`
// discriminator. The codec covers what a QoS 0/1 client and a test broker exchange; the QoS 2 flow
// (PUBREC, PUBREL, PUBCOMP) and QoS 2 PUBLISH are refused with a typed error.

/** Control packet type, the high nibble of the first fixed-header byte (section 2.2.1, table 2.1). */
export const MqttPacketTypeCode = {
  Connect: 1,
  ConnAck: 2,
  Publish: 3,
  PubAck: 4,
  PubRec: 5,
  PubRel: 6,
  PubComp: 7,
  Subscribe: 8,
  SubAck: 9,
  Unsubscribe: 10,
  UnsubAck: 11,
  PingReq: 12,
  PingResp: 13,
  Disconnect: 14,
} as const;

/** The largest remaining length four bytes can encode (section 2.2.3, table 2.4). */
export const MQTT_MAX_REMAINING_LENGTH = 268435455;

/** The largest packet the standard allows: 1 type byte, 4 length bytes, the remaining length. */
export const MQTT_SPEC_MAX_PACKET_BYTES = 1 + 4 + MQTT_MAX_REMAINING_LENGTH;

/**
 * Default largest packet (fixed header included) the parser accepts and the client sends. The
 * firmware's PubSubClient uses 1024-byte buffers (setBufferSize(1024, 1024)); we accept twice that,
 * so a packet the firmware would ignore still reaches the gateway, which applies the 1024-byte rule
 * itself and counts the drop (mqttPacketFits, too-large in firmware/gateway/downlink-drops.ts)
 * instead of the connection failing on it, and JSON uplinks up to 2 KB are published. Memory: the
 * parser allocates one receive buffer of this size once (2 KB), and never grows it.
 */
export const MQTT_MAX_PACKET_BYTES = 2048;

/** Protocol level for MQTT 3.1.1 in CONNECT ([MQTT-3.1.2-2]). */
export const MQTT_PROTOCOL_LEVEL = 4;

/** CONNACK return codes (section 3.2.2.3, table 3.1). 6-255 are reserved. */
export const ConnAckCode = {
  Accepted: 0,
  UnacceptableProtocolVersion: 1,
  IdentifierRejected: 2,
  ServerUnavailable: 3,
  BadUserNameOrPassword: 4,
  NotAuthorized: 5,
} as const;

/** SUBACK return code for a refused subscription (section 3.9.3). */
export const SUBACK_FAILURE = 0x80;

/** QoS this codec carries in PUBLISH. */
export type MqttQos = 0 | 1;
/** QoS a will, a subscription request or a SUBACK grant may carry (data only; never used for flow). */
export type MqttAnyQos = 0 | 1 | 2;

/** The will message of a CONNECT (section 3.1.2.5-3.1.2.7, 3.1.3.2-3.1.3.3). */
export interface MqttWill {
  topic: string;
  payload: Uint8Array;
  qos: MqttAnyQos;
  retain: boolean;
}

export interface ConnectPacket {
  type: "connect";
  clientId: string;
  cleanSession: boolean;
  /** Seconds; 0 turns the keep-alive mechanism off (section 3.1.2.10). */
  keepalive: number;
  username?: string;
  /** Binary data (section 3.1.3.5); present only with a username ([MQTT-3.1.2-22]). */
  password?: Uint8Array;
  will?: MqttWill;
}

export interface ConnAckPacket {
  type: "connack";
  sessionPresent: boolean;
  /** ConnAckCode; any byte is carried, 6-255 are reserved. */
  returnCode: number;
}

export interface PublishPacket {
  type: "publish";
  topic: string;
  payload: Uint8Array;
  qos: MqttQos;
  retain: boolean;
  /** Must be false for QoS 0 ([MQTT-3.3.1-2]). */
  dup: boolean;
  /** Present exactly when qos is 1; 1-65535. The encoder ignores it on QoS 0. */
  packetId?: number;
}

export interface PubAckPacket {
  type: "puback";
  packetId: number;
}

export interface MqttSubscription {
  topicFilter: string;
  qos: MqttAnyQos;
}

export interface SubscribePacket {
  type: "subscribe";
  packetId: number;
  /** At least one ([MQTT-3.8.3-3]). */
  subscriptions: MqttSubscription[];
}

export interface SubAckPacket {
  type: "suback";
  packetId: number;
  /** One per requested filter: 0, 1, 2 (granted QoS) or 0x80 (failure). */
  returnCodes: number[];
}

export interface UnsubscribePacket {
  type: "unsubscribe";
  packetId: number;
  /** At least one ([MQTT-3.10.3-2]). */
  topicFilters: string[];
}

export interface UnsubAckPacket {
  type: "unsuback";
  packetId: number;
}

export interface PingReqPacket {
  type: "pingreq";
}

export interface PingRespPacket {
  type: "pingresp";
}

export interface DisconnectPacket {
  type: "disconnect";
}

export type MqttPacket =
  | ConnectPacket
  | ConnAckPacket
  | PublishPacket
  | PubAckPacket
  | SubscribePacket
  | SubAckPacket
  | UnsubscribePacket
  | UnsubAckPacket
  | PingReqPacket
  | PingRespPacket
  | DisconnectPacket;

export type MqttPacketType = MqttPacket["type"];
