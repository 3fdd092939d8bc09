// Typed MQTT codec errors, in the plain-class style of ../bytes/wire-error.ts: Espruino cannot
// subclass Error (ARCHITECTURE.md, "Portable subsets"). The codec throws MqttError internally; the
// parser catches it at its public boundary and returns it as a value; encodeMqttPacket throws it
// (wrap a call in catchMqttError to get a value instead).

/** Stable error codes: tests and callers match on these, never on the message text. */
export const MqttErrorCode = {
  /** The packet is larger than the configured maximum, or its remaining length than 268,435,455. */
  Oversize: "OVERSIZE",
  /** The remaining-length field runs past 4 bytes (MQTT 3.1.1 section 2.2.3). */
  BadRemainingLength: "BAD_REMAINING_LENGTH",
  /** Control packet type 0 or 15: forbidden in 3.1.1 (section 2.2.1, table 2.1). */
  BadPacketType: "BAD_PACKET_TYPE",
  /** PUBREC, PUBREL, PUBCOMP: the QoS 2 flow, which this codec does not implement. */
  UnsupportedPacket: "UNSUPPORTED_PACKET",
  /** A packet the other side must not send (table 2.1 directions), e.g. SUBSCRIBE from a broker. */
  UnexpectedPacket: "UNEXPECTED_PACKET",
  /** Fixed-header flag bits other than the ones table 2.2 lists ([MQTT-2.2.2-2]), or DUP on QoS 0. */
  ReservedFlags: "RESERVED_FLAGS",
  /** QoS 3 ([MQTT-3.3.1-4]) or a QoS out of range in a field. */
  BadQos: "BAD_QOS",
  /** PUBLISH with QoS 2: refused, the client never subscribes or publishes above QoS 1. */
  Qos2Unsupported: "QOS2_UNSUPPORTED",
  /** A field runs past the end of the packet (or of the input). */
  Truncated: "TRUNCATED",
  /** Structure the spec does not allow: wrong fixed length, trailing bytes, reserved bits in a body. */
  Malformed: "MALFORMED",
  /** A string is not well-formed UTF-8 ([MQTT-1.5.3-1]) or contains U+0000 ([MQTT-1.5.3-2]). */
  BadUtf8: "BAD_UTF8",
  /** CONNECT with a protocol name other than "MQTT" ([MQTT-3.1.2-1]) or a level other than 4 ([MQTT-3.1.2-2]). */
  BadProtocol: "BAD_PROTOCOL",
  /** CONNECT flags that contradict each other or set the reserved bit ([MQTT-3.1.2-3] and others). */
  BadConnectFlags: "BAD_CONNECT_FLAGS",
  /** A zero-byte client id without clean session ([MQTT-3.1.3-7]). */
  BadClientId: "BAD_CLIENT_ID",
  /** A topic name that is empty ([MQTT-4.7.3-1]) or holds a wildcard ([MQTT-3.3.2-2]). */
  BadTopic: "BAD_TOPIC",
  /** A topic filter that is empty or misplaces a wildcard ([MQTT-4.7.1-2], [MQTT-4.7.1-3]). */
  BadTopicFilter: "BAD_TOPIC_FILTER",
  /** Packet identifier 0 or out of range ([MQTT-2.3.1-1]). */
  BadPacketId: "BAD_PACKET_ID",
  /** SUBSCRIBE or UNSUBSCRIBE without a topic filter ([MQTT-3.8.3-3], [MQTT-3.10.3-2]). */
  NoTopicFilters: "NO_TOPIC_FILTERS",
  /** A SUBACK code other than 0x00, 0x01, 0x02, 0x80 ([MQTT-3.9.3-2]), or a bad CONNACK code. */
  BadReturnCode: "BAD_RETURN_CODE",
  /** A field the encoder was given is out of its range (keepalive, a 16-bit length, the output buffer). */
  BadValue: "BAD_VALUE",
} as const;
export type MqttErrorCode = (typeof MqttErrorCode)[keyof typeof MqttErrorCode];

export class MqttError {
  readonly code: MqttErrorCode;
  readonly message: string;
  /** The normative statement broken, e.g. "MQTT-2.2.2-2", or the section ("2.2.3"); "" when none. */
  readonly clause: string;
  constructor(code: MqttErrorCode, message: string, clause: string) {
    this.code = code;
    this.message = message;
    this.clause = clause;
  }
  toString(): string {
    return this.code + ": " + this.message + (this.clause === "" ? "" : " [" + this.clause + "]");
  }
}

export type MqttResult<T> = { ok: true; value: T } | { ok: false; error: MqttError };

export function isMqttError(x: unknown): x is MqttError {
  return x instanceof MqttError;
}

/** Runs code that throws MqttError and returns it as a value; anything else is a bug and rethrown. */
export function catchMqttError<T>(run: () => T): MqttResult<T> {
  try {
    return { ok: true, value: run() };
  } catch (e) {
    if (e instanceof MqttError) return { ok: false, error: e };
    throw e;
  }
}
