// Decoding rules shared by the incremental parser and decodeMqttPacket: the fixed header's first
// byte, the remaining length per type, and the bodies. Everything throws MqttError; the public
// entry points (mqtt-parser.ts) catch it and return it as a value.
import { copyBytes } from "../bytes/byte-copy.js";
import { MqttError, MqttErrorCode } from "./mqtt-error.js";
import { decodeMqttString, isValidTopicFilter, isValidTopicName } from "./mqtt-strings.js";
import { MQTT_PROTOCOL_LEVEL, MqttPacketTypeCode, SUBACK_FAILURE } from "./packets.js";
import type { ConnectPacket, MqttAnyQos, MqttPacket, MqttQos, MqttSubscription, MqttWill } from "./packets.js";

function fail(code: MqttErrorCode, message: string, clause: string): never {
  throw new MqttError(code, message, clause);
}

/**
 * Checks the first fixed-header byte as soon as it arrives, so a stream is refused before its body
 * is buffered: the type (section 2.2.1), the reserved flag bits ([MQTT-2.2.2-1], [MQTT-2.2.2-2])
 * and the PUBLISH QoS and DUP bits.
 */
export function checkFirstByte(h: number): void {
  const type = h >> 4;
  const flags = h & 0x0f;
  switch (type) {
    case MqttPacketTypeCode.Publish: {
      const qos = (flags >> 1) & 3;
      // [MQTT-3.3.1-4]: both QoS bits set is malformed.
      if (qos === 3) fail(MqttErrorCode.BadQos, "PUBLISH with QoS 3", "MQTT-3.3.1-4");
      if (qos === 2) fail(MqttErrorCode.Qos2Unsupported, "QoS 2 PUBLISH is not supported", "4.3.3");
      // [MQTT-3.3.1-2]: DUP must be 0 for QoS 0.
      if (qos === 0 && (flags & 0x08) !== 0) fail(MqttErrorCode.ReservedFlags, "DUP set on a QoS 0 PUBLISH", "MQTT-3.3.1-2");
      return;
    }
    case MqttPacketTypeCode.PubRec:
    case MqttPacketTypeCode.PubRel:
    case MqttPacketTypeCode.PubComp:
      return fail(MqttErrorCode.UnsupportedPacket, "QoS 2 flow packet type " + type + " is not supported", "4.3.3");
    case MqttPacketTypeCode.Subscribe:
    case MqttPacketTypeCode.Unsubscribe:
      // [MQTT-3.8.1-1], [MQTT-3.10.1-1]: bits 3-0 are 0010.
      if (flags !== 0x02) fail(MqttErrorCode.ReservedFlags, "reserved flags of packet type " + type + " must be 0010", "MQTT-2.2.2-2");
      return;
    case MqttPacketTypeCode.Connect:
    case MqttPacketTypeCode.ConnAck:
    case MqttPacketTypeCode.PubAck:
    case MqttPacketTypeCode.SubAck:
    case MqttPacketTypeCode.UnsubAck:
    case MqttPacketTypeCode.PingReq:
    case MqttPacketTypeCode.PingResp:
    case MqttPacketTypeCode.Disconnect:
      if (flags !== 0) fail(MqttErrorCode.ReservedFlags, "reserved flags of packet type " + type + " must be 0000", "MQTT-2.2.2-2");
      return;
    default:
      // 0 and 15 are "Reserved / Forbidden" in 3.1.1 (15 is AUTH in MQTT 5).
      return fail(MqttErrorCode.BadPacketType, "reserved packet type " + type, "2.2.1");
  }
}

/**
 * Checks the remaining length of a packet whose first byte passed checkFirstByte: packets with a
 * fixed body size (CONNACK, PUBACK, UNSUBACK: 2; PINGREQ, PINGRESP, DISCONNECT: 0) must say so,
 * and the whole packet must fit `maxPacketBytes` (`totalBytes` includes the fixed header).
 */
export function checkRemainingLength(h: number, remaining: number, totalBytes: number, maxPacketBytes: number): void {
  const type = h >> 4;
  let exact = -1;
  if (type === MqttPacketTypeCode.ConnAck || type === MqttPacketTypeCode.PubAck || type === MqttPacketTypeCode.UnsubAck) exact = 2;
  else if (type === MqttPacketTypeCode.PingReq || type === MqttPacketTypeCode.PingResp || type === MqttPacketTypeCode.Disconnect) exact = 0;
  if (exact >= 0 && remaining !== exact) fail(MqttErrorCode.Malformed, "packet type " + type + " must have remaining length " + exact, "3." + type);
  if (totalBytes > maxPacketBytes) fail(MqttErrorCode.Oversize, "packet of " + totalBytes + " bytes exceeds the maximum of " + maxPacketBytes, "");
}

/** Bounds-checked reads over one packet body: a field crossing `end` is TRUNCATED. */
export class BodyCursor {
  readonly buf: Uint8Array;
  pos: number;
  readonly end: number;

  constructor(buf: Uint8Array, start: number, end: number) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  need(n: number, what: string): void {
    if (this.end - this.pos < n) fail(MqttErrorCode.Truncated, what + " runs past the end of the packet", "2.2.3");
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }

  u16(what: string): number {
    this.need(2, what);
    const v = (this.buf[this.pos] << 8) | this.buf[this.pos + 1];
    this.pos += 2;
    return v;
  }

  /** A UTF-8 encoded string (section 1.5.3), checked for well-formedness and U+0000. */
  str(what: string): string {
    const n = this.u16(what + " length");
    this.need(n, what);
    const start = this.pos;
    this.pos += n;
    const s = decodeMqttString(this.buf, start, start + n);
    if (s === undefined) fail(MqttErrorCode.BadUtf8, what + " is not well-formed UTF-8 or holds U+0000", "MQTT-1.5.3-1");
    return s;
  }

  /** Binary data with a 2-byte length (section 1.5.3), copied out of the buffer. */
  bin(what: string): Uint8Array {
    const n = this.u16(what + " length");
    return this.rest(n, what);
  }

  /** The next `n` bytes, copied (the parser's buffer is reused). */
  rest(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = copyBytes(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  packetId(): number {
    const id = this.u16("packet identifier");
    // [MQTT-2.3.1-1]; acknowledgements echo a non-zero identifier ([MQTT-2.3.1-6], [MQTT-2.3.1-7]).
    if (id === 0) fail(MqttErrorCode.BadPacketId, "packet identifier 0", "MQTT-2.3.1-1");
    return id;
  }

  topicFilter(): string {
    const f = this.str("topic filter");
    if (!isValidTopicFilter(f)) fail(MqttErrorCode.BadTopicFilter, "bad topic filter", "MQTT-4.7.1-2");
    return f;
  }

  done(what: string): void {
    if (this.pos !== this.end) fail(MqttErrorCode.Malformed, (this.end - this.pos) + " bytes after the end of the " + what, "2.2.3");
  }
}

/** Decodes one packet type's body; `h` is the first fixed-header byte (PUBLISH takes its flags from it). */
export type BodyDecoder = (h: number, c: BodyCursor) => MqttPacket;

/**
 * Body decoders indexed by packet type code: the packets one side of a connection accepts. A type without
 * a decoder is refused as UNEXPECTED_PACKET. Separate tables let a client bundle leave out the
 * decoders of packets only a server receives (CONNECT, SUBSCRIBE, ...).
 */
export type AcceptedPackets = (BodyDecoder | undefined)[];

function decodeConnect(_h: number, c: BodyCursor): MqttPacket {
  // Protocol name: exactly "MQTT" ([MQTT-3.1.2-1]); the 3.1 name "MQIsdp" is refused too.
  const nameLength = c.u16("protocol name length");
  c.need(nameLength, "protocol name");
  const b = c.buf;
  const p = c.pos;
  if (nameLength !== 4 || b[p] !== 0x4d || b[p + 1] !== 0x51 || b[p + 2] !== 0x54 || b[p + 3] !== 0x54) fail(MqttErrorCode.BadProtocol, "protocol name is not MQTT", "MQTT-3.1.2-1");
  c.pos += 4;
  const level = c.u8("protocol level");
  // [MQTT-3.1.2-2]: 3.1.1 is level 4 (a server answers CONNACK 0x01 to other levels).
  if (level !== MQTT_PROTOCOL_LEVEL) fail(MqttErrorCode.BadProtocol, "protocol level " + level + " is not 4", "MQTT-3.1.2-2");
  const flags = c.u8("connect flags");
  // [MQTT-3.1.2-3]: the reserved flag is 0.
  if ((flags & 0x01) !== 0) fail(MqttErrorCode.BadConnectFlags, "reserved connect flag set", "MQTT-3.1.2-3");
  const willFlag = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 3;
  const willRetain = (flags & 0x20) !== 0;
  const hasPassword = (flags & 0x40) !== 0;
  const hasUsername = (flags & 0x80) !== 0;
  if (!willFlag && willQos !== 0) fail(MqttErrorCode.BadConnectFlags, "will QoS without will flag", "MQTT-3.1.2-13");
  if (willQos === 3) fail(MqttErrorCode.BadConnectFlags, "will QoS 3", "MQTT-3.1.2-14");
  if (!willFlag && willRetain) fail(MqttErrorCode.BadConnectFlags, "will retain without will flag", "MQTT-3.1.2-15");
  if (!hasUsername && hasPassword) fail(MqttErrorCode.BadConnectFlags, "password flag without user name flag", "MQTT-3.1.2-22");
  const keepalive = c.u16("keepalive");
  const out: ConnectPacket = { type: "connect", clientId: c.str("client id"), cleanSession: (flags & 0x02) !== 0, keepalive };
  if (willFlag) {
    const topic = c.str("will topic");
    if (!isValidTopicName(topic)) fail(MqttErrorCode.BadTopic, "will topic is empty or holds a wildcard", "MQTT-3.3.2-2");
    const will: MqttWill = { topic, payload: c.bin("will message"), qos: willQos as MqttAnyQos, retain: willRetain };
    out.will = will;
  }
  if (hasUsername) out.username = c.str("user name");
  if (hasPassword) out.password = c.bin("password");
  c.done("CONNECT");
  return out;
}

function decodePublish(h: number, c: BodyCursor): MqttPacket {
  const qos = ((h >> 1) & 3) as MqttQos;
  const topic = c.str("topic name");
  // [MQTT-3.3.2-2]: no wildcards in a topic name; [MQTT-4.7.3-1]: at least one character.
  if (!isValidTopicName(topic)) fail(MqttErrorCode.BadTopic, "topic name is empty or holds a wildcard", "MQTT-3.3.2-2");
  if (qos === 0) {
    return { type: "publish", topic, payload: c.rest(c.end - c.pos, "payload"), qos, retain: (h & 1) !== 0, dup: (h & 8) !== 0 };
  }
  const packetId = c.packetId();
  return { type: "publish", topic, payload: c.rest(c.end - c.pos, "payload"), qos, retain: (h & 1) !== 0, dup: (h & 8) !== 0, packetId };
}

function decodeSubscribe(_h: number, c: BodyCursor): MqttPacket {
  const packetId = c.packetId();
  const subscriptions: MqttSubscription[] = [];
  while (c.pos < c.end) {
    const topicFilter = c.topicFilter();
    const q = c.u8("requested QoS");
    // [MQTT-3-8.3-4] (sic in the standard): upper 6 bits reserved, QoS 3 malformed.
    if (q > 2) fail(MqttErrorCode.BadQos, "requested QoS byte " + q, "MQTT-3-8.3-4");
    subscriptions.push({ topicFilter, qos: q as MqttAnyQos });
  }
  // [MQTT-3.8.3-3]: at least one topic filter / QoS pair.
  if (subscriptions.length === 0) fail(MqttErrorCode.NoTopicFilters, "SUBSCRIBE without a topic filter", "MQTT-3.8.3-3");
  return { type: "subscribe", packetId, subscriptions };
}

function decodeSubAck(_h: number, c: BodyCursor): MqttPacket {
  const packetId = c.packetId();
  const returnCodes: number[] = [];
  while (c.pos < c.end) {
    const code = c.u8("return code");
    // [MQTT-3.9.3-2]: 0x03-0x7F and 0x81-0xFF are reserved.
    if (code > 2 && code !== SUBACK_FAILURE) fail(MqttErrorCode.BadReturnCode, "SUBACK code " + code, "MQTT-3.9.3-2");
    returnCodes.push(code);
  }
  // One code per requested filter ([MQTT-3.8.4-5]), and a SUBSCRIBE has at least one.
  if (returnCodes.length === 0) fail(MqttErrorCode.Malformed, "SUBACK without a return code", "MQTT-3.8.4-5");
  return { type: "suback", packetId, returnCodes };
}

function decodeUnsubscribe(_h: number, c: BodyCursor): MqttPacket {
  const packetId = c.packetId();
  const topicFilters: string[] = [];
  while (c.pos < c.end) topicFilters.push(c.topicFilter());
  // [MQTT-3.10.3-2]: at least one topic filter.
  if (topicFilters.length === 0) fail(MqttErrorCode.NoTopicFilters, "UNSUBSCRIBE without a topic filter", "MQTT-3.10.3-2");
  return { type: "unsubscribe", packetId, topicFilters };
}

function decodeConnAck(_h: number, c: BodyCursor): MqttPacket {
  const flags = c.u8("acknowledge flags");
  // Section 3.2.2.1: bits 7-1 are reserved and 0.
  if ((flags & 0xfe) !== 0) fail(MqttErrorCode.Malformed, "reserved CONNACK flag bits set", "3.2.2.1");
  const returnCode = c.u8("return code");
  // [MQTT-3.2.2-4]: a refusing server sets Session Present to 0.
  if (returnCode !== 0 && flags !== 0) fail(MqttErrorCode.Malformed, "session present with a refusal", "MQTT-3.2.2-4");
  return { type: "connack", sessionPresent: flags === 1, returnCode };
}

function decodePubAck(_h: number, c: BodyCursor): MqttPacket {
  return { type: "puback", packetId: c.packetId() };
}

function decodeUnsubAck(_h: number, c: BodyCursor): MqttPacket {
  return { type: "unsuback", packetId: c.packetId() };
}

function decodePingReq(): MqttPacket {
  return { type: "pingreq" };
}

function decodePingResp(): MqttPacket {
  return { type: "pingresp" };
}

function decodeDisconnect(): MqttPacket {
  return { type: "disconnect" };
}

/**
 * What a client receives: table 2.1's "Server to Client" packets (PUBLISH and PUBACK flow both
 * ways). A broker sending CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ or DISCONNECT is refused.
 */
export const SERVER_TO_CLIENT_PACKETS: AcceptedPackets = [
  undefined, // 0 reserved
  undefined, // 1 CONNECT
  decodeConnAck, // 2 CONNACK
  decodePublish, // 3 PUBLISH
  decodePubAck, // 4 PUBACK
  undefined, // 5 PUBREC (QoS 2: refused by checkFirstByte)
  undefined, // 6 PUBREL
  undefined, // 7 PUBCOMP
  undefined, // 8 SUBSCRIBE
  decodeSubAck, // 9 SUBACK
  undefined, // 10 UNSUBSCRIBE
  decodeUnsubAck, // 11 UNSUBACK
  undefined, // 12 PINGREQ
  decodePingResp, // 13 PINGRESP
  undefined, // 14 DISCONNECT
];

/** Every packet type meshport supports, in both directions (decode tools, test brokers, benchmarks). */
export const ANY_MQTT_PACKET: AcceptedPackets = [
  undefined, // 0 reserved
  decodeConnect, // 1 CONNECT
  decodeConnAck, // 2 CONNACK
  decodePublish, // 3 PUBLISH
  decodePubAck, // 4 PUBACK
  undefined, // 5 PUBREC (QoS 2: refused by checkFirstByte)
  undefined, // 6 PUBREL
  undefined, // 7 PUBCOMP
  decodeSubscribe, // 8 SUBSCRIBE
  decodeSubAck, // 9 SUBACK
  decodeUnsubscribe, // 10 UNSUBSCRIBE
  decodeUnsubAck, // 11 UNSUBACK
  decodePingReq, // 12 PINGREQ
  decodePingResp, // 13 PINGRESP
  decodeDisconnect, // 14 DISCONNECT
];

/**
 * Decodes the body buf[start, end) of a packet whose first byte `h` passed checkFirstByte and whose
 * remaining length (end - start) passed checkRemainingLength, if `accept` has a decoder for its type.
 */
export function decodeMqttBody(h: number, buf: Uint8Array, start: number, end: number, accept: AcceptedPackets): MqttPacket {
  const type = h >> 4;
  const decode = accept[type];
  if (decode === undefined) return fail(MqttErrorCode.UnexpectedPacket, "packet type " + type + " does not flow in this direction", "table 2.1");
  return decode(h, new BodyCursor(buf, start, end));
}
