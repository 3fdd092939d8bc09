// The one MQTT 3.1.1 serializer (the mqtt-packet habit: one writer for streams and buffers).
// Error style: invalid input THROWS an MqttError (typed, stable `code`); nothing else is thrown.
// The packets we encode are built by our own code, so a bad field is a caller bug or bad config
// caught at the caller's boundary: MqttClient wraps every encode in catchMqttError and turns the
// error into a result ("too large", "invalid topic"); call catchMqttError yourself for a value.
//
// encodedMqttLength measures (and validates), encodeMqttPacketInto writes into caller memory (a
// fixed buffer), encodeMqttPacket allocates exactly the bytes needed.
import { allocBytes } from "../bytes/byte-copy.js";
import { utf8Write } from "../bytes/utf8.js";
import { MqttError, MqttErrorCode } from "./mqtt-error.js";
import { encodableMqttStringLength, isValidTopicFilter, isValidTopicName, MQTT_MAX_STRING_BYTES } from "./mqtt-strings.js";
import { MQTT_MAX_REMAINING_LENGTH, MQTT_PROTOCOL_LEVEL, MQTT_SPEC_MAX_PACKET_BYTES, MqttPacketTypeCode, SUBACK_FAILURE } from "./packets.js";
import type { MqttPacket } from "./packets.js";

function fail(code: MqttErrorCode, message: string, clause: string): never {
  throw new MqttError(code, message, clause);
}

function isInt(x: unknown, min: number, max: number): boolean {
  return typeof x === "number" && x === Math.floor(x) && x >= min && x <= max;
}

/** Bytes of a UTF-8 encoded string field including its 2-byte length (section 1.5.3). */
function stringFieldSize(s: string, what: string): number {
  if (typeof s !== "string") fail(MqttErrorCode.BadValue, what + " is not a string", "1.5.3");
  const n = encodableMqttStringLength(s);
  if (n < 0) fail(MqttErrorCode.BadUtf8, what + " has U+0000 or a lone surrogate", "MQTT-1.5.3-2");
  if (n > MQTT_MAX_STRING_BYTES) fail(MqttErrorCode.BadValue, what + " is longer than 65535 bytes", "1.5.3");
  return 2 + n;
}

function binaryFieldSize(b: Uint8Array, what: string): number {
  if (!(b instanceof Uint8Array)) fail(MqttErrorCode.BadValue, what + " is not a Uint8Array", "1.5.3");
  if (b.length > MQTT_MAX_STRING_BYTES) fail(MqttErrorCode.BadValue, what + " is longer than 65535 bytes", "3.1.3");
  return 2 + b.length;
}

function topicNameSize(topic: string, what: string): number {
  const n = stringFieldSize(topic, what);
  if (!isValidTopicName(topic)) fail(MqttErrorCode.BadTopic, what + " is empty or holds a wildcard", "MQTT-3.3.2-2");
  return n;
}

function topicFilterSize(filter: string): number {
  const n = stringFieldSize(filter, "topic filter");
  if (!isValidTopicFilter(filter)) fail(MqttErrorCode.BadTopicFilter, "bad topic filter: " + filter, "MQTT-4.7.1-2");
  return n;
}

function checkPacketId(id: unknown): void {
  // [MQTT-2.3.1-1]: SUBSCRIBE, UNSUBSCRIBE and QoS > 0 PUBLISH carry a non-zero identifier; the
  // acknowledgements echo it ([MQTT-2.3.1-6], [MQTT-2.3.1-7]), so 0 is refused everywhere.
  if (!isInt(id, 1, 65535)) fail(MqttErrorCode.BadPacketId, "packet identifier must be 1-65535", "MQTT-2.3.1-1");
}

function checkAnyQos(q: unknown, what: string): void {
  if (!isInt(q, 0, 2)) fail(MqttErrorCode.BadQos, what + " QoS must be 0, 1 or 2", "MQTT-3.3.1-4");
}

/** Validates `p` and returns its remaining length (variable header + payload). */
function bodyLength(p: MqttPacket): number {
  switch (p.type) {
    case "connect": {
      // Protocol name "MQTT" (6 bytes), level, flags, keepalive (section 3.1.2).
      let n = 6 + 1 + 1 + 2;
      if (!isInt(p.keepalive, 0, 65535)) fail(MqttErrorCode.BadValue, "keepalive must be 0-65535 seconds", "3.1.2.10");
      n += stringFieldSize(p.clientId, "client id");
      // [MQTT-3.1.3-7]: a zero-byte client id requires CleanSession = 1.
      if (p.clientId.length === 0 && !p.cleanSession) fail(MqttErrorCode.BadClientId, "empty client id needs clean session", "MQTT-3.1.3-7");
      if (p.will !== undefined) {
        checkAnyQos(p.will.qos, "will");
        n += topicNameSize(p.will.topic, "will topic");
        n += binaryFieldSize(p.will.payload, "will message");
      }
      if (p.username !== undefined) n += stringFieldSize(p.username, "user name");
      if (p.password !== undefined) {
        // [MQTT-3.1.2-22]: no password without a user name.
        if (p.username === undefined) fail(MqttErrorCode.BadConnectFlags, "password without user name", "MQTT-3.1.2-22");
        n += binaryFieldSize(p.password, "password");
      }
      return n;
    }
    case "connack":
      if (!isInt(p.returnCode, 0, 255)) fail(MqttErrorCode.BadReturnCode, "CONNACK return code must be a byte", "3.2.2.3");
      // [MQTT-3.2.2-4]: a refusing server sets Session Present to 0.
      if (p.returnCode !== 0 && p.sessionPresent) fail(MqttErrorCode.Malformed, "session present with a refusal", "MQTT-3.2.2-4");
      return 2;
    case "publish": {
      // Runtime values may be outside the type (the packet came from JSON or a cast).
      if ((p.qos as number) === 2) fail(MqttErrorCode.Qos2Unsupported, "QoS 2 PUBLISH is not supported", "4.3.3");
      if (p.qos !== 0 && p.qos !== 1) fail(MqttErrorCode.BadQos, "PUBLISH QoS must be 0 or 1", "MQTT-3.3.1-4");
      // [MQTT-3.3.1-2]: DUP is 0 on every QoS 0 message.
      if (p.dup && p.qos === 0) fail(MqttErrorCode.ReservedFlags, "DUP set on a QoS 0 PUBLISH", "MQTT-3.3.1-2");
      let n = topicNameSize(p.topic, "topic name");
      if (p.qos === 1) {
        checkPacketId(p.packetId);
        n += 2;
      }
      if (!(p.payload instanceof Uint8Array)) fail(MqttErrorCode.BadValue, "payload is not a Uint8Array", "3.3.3");
      return n + p.payload.length;
    }
    case "puback":
    case "unsuback":
      checkPacketId(p.packetId);
      return 2;
    case "subscribe": {
      checkPacketId(p.packetId);
      // [MQTT-3.8.3-3]: at least one topic filter / QoS pair.
      if (p.subscriptions.length === 0) fail(MqttErrorCode.NoTopicFilters, "SUBSCRIBE without a topic filter", "MQTT-3.8.3-3");
      let n = 2;
      for (let i = 0; i < p.subscriptions.length; i++) {
        const s = p.subscriptions[i];
        n += topicFilterSize(s.topicFilter) + 1;
        checkAnyQos(s.qos, "requested");
      }
      return n;
    }
    case "suback": {
      checkPacketId(p.packetId);
      if (p.returnCodes.length === 0) fail(MqttErrorCode.Malformed, "SUBACK without a return code", "MQTT-3.8.4-5");
      for (let i = 0; i < p.returnCodes.length; i++) {
        const c = p.returnCodes[i];
        // [MQTT-3.9.3-2]: codes other than 0x00, 0x01, 0x02, 0x80 are reserved.
        if (c !== 0 && c !== 1 && c !== 2 && c !== SUBACK_FAILURE) fail(MqttErrorCode.BadReturnCode, "SUBACK code " + c, "MQTT-3.9.3-2");
      }
      return 2 + p.returnCodes.length;
    }
    case "unsubscribe": {
      checkPacketId(p.packetId);
      // [MQTT-3.10.3-2]: at least one topic filter.
      if (p.topicFilters.length === 0) fail(MqttErrorCode.NoTopicFilters, "UNSUBSCRIBE without a topic filter", "MQTT-3.10.3-2");
      let n = 2;
      for (let i = 0; i < p.topicFilters.length; i++) n += topicFilterSize(p.topicFilters[i]);
      return n;
    }
    case "pingreq":
    case "pingresp":
    case "disconnect":
      return 0;
    default:
      return fail(MqttErrorCode.BadPacketType, "unknown packet type", "2.2.1");
  }
}

/** Bytes the remaining-length field takes (section 2.2.3). */
export function remainingLengthSize(n: number): number {
  if (n < 128) return 1;
  if (n < 16384) return 2;
  if (n < 2097152) return 3;
  return 4;
}

/** First fixed-header byte: type in bits 7-4, flags per table 2.2 ([MQTT-2.2.2-1]). */
function firstByte(p: MqttPacket): number {
  switch (p.type) {
    case "connect":
      return MqttPacketTypeCode.Connect << 4;
    case "connack":
      return MqttPacketTypeCode.ConnAck << 4;
    case "publish":
      return (MqttPacketTypeCode.Publish << 4) | (p.dup ? 0x08 : 0) | (p.qos << 1) | (p.retain ? 0x01 : 0);
    case "puback":
      return MqttPacketTypeCode.PubAck << 4;
    case "subscribe":
      return (MqttPacketTypeCode.Subscribe << 4) | 0x02; // reserved bits 0010 ([MQTT-3.8.1-1])
    case "suback":
      return MqttPacketTypeCode.SubAck << 4;
    case "unsubscribe":
      return (MqttPacketTypeCode.Unsubscribe << 4) | 0x02; // reserved bits 0010 ([MQTT-3.10.1-1])
    case "unsuback":
      return MqttPacketTypeCode.UnsubAck << 4;
    case "pingreq":
      return MqttPacketTypeCode.PingReq << 4;
    case "pingresp":
      return MqttPacketTypeCode.PingResp << 4;
    default:
      return MqttPacketTypeCode.Disconnect << 4;
  }
}

function putU16(out: Uint8Array, pos: number, v: number): number {
  out[pos] = (v >> 8) & 0xff;
  out[pos + 1] = v & 0xff;
  return pos + 2;
}

function putString(out: Uint8Array, pos: number, s: string): number {
  const at = utf8Write(s, out, pos + 2);
  putU16(out, pos, at - pos - 2);
  return at;
}

function putBinary(out: Uint8Array, pos: number, b: Uint8Array): number {
  pos = putU16(out, pos, b.length);
  out.set(b, pos);
  return pos + b.length;
}

function writeBody(p: MqttPacket, out: Uint8Array, pos: number): number {
  switch (p.type) {
    case "connect": {
      out[pos++] = 0;
      out[pos++] = 4;
      out[pos++] = 0x4d; // M
      out[pos++] = 0x51; // Q
      out[pos++] = 0x54; // T
      out[pos++] = 0x54; // T
      out[pos++] = MQTT_PROTOCOL_LEVEL;
      let flags = p.cleanSession ? 0x02 : 0; // bit 0 reserved, 0 ([MQTT-3.1.2-3])
      if (p.will !== undefined) flags |= 0x04 | (p.will.qos << 3) | (p.will.retain ? 0x20 : 0);
      if (p.password !== undefined) flags |= 0x40;
      if (p.username !== undefined) flags |= 0x80;
      out[pos++] = flags;
      pos = putU16(out, pos, p.keepalive);
      // Payload order: client id, will topic, will message, user name, password ([MQTT-3.1.3-1]).
      pos = putString(out, pos, p.clientId);
      if (p.will !== undefined) {
        pos = putString(out, pos, p.will.topic);
        pos = putBinary(out, pos, p.will.payload);
      }
      if (p.username !== undefined) pos = putString(out, pos, p.username);
      if (p.password !== undefined) pos = putBinary(out, pos, p.password);
      return pos;
    }
    case "connack":
      out[pos++] = p.sessionPresent ? 1 : 0;
      out[pos++] = p.returnCode;
      return pos;
    case "publish":
      pos = putString(out, pos, p.topic);
      if (p.qos === 1) pos = putU16(out, pos, p.packetId as number);
      out.set(p.payload, pos);
      return pos + p.payload.length;
    case "puback":
    case "unsuback":
      return putU16(out, pos, p.packetId);
    case "subscribe":
      pos = putU16(out, pos, p.packetId);
      for (let i = 0; i < p.subscriptions.length; i++) {
        pos = putString(out, pos, p.subscriptions[i].topicFilter);
        out[pos++] = p.subscriptions[i].qos;
      }
      return pos;
    case "suback":
      pos = putU16(out, pos, p.packetId);
      for (let i = 0; i < p.returnCodes.length; i++) out[pos++] = p.returnCodes[i];
      return pos;
    case "unsubscribe":
      pos = putU16(out, pos, p.packetId);
      for (let i = 0; i < p.topicFilters.length; i++) pos = putString(out, pos, p.topicFilters[i]);
      return pos;
    default:
      return pos;
  }
}

/** Validated remaining length, refusing anything four length bytes cannot carry. */
function checkedBodyLength(p: MqttPacket): number {
  if (p === null || typeof p !== "object") fail(MqttErrorCode.BadPacketType, "not a packet", "2.2.1");
  const n = bodyLength(p);
  if (n > MQTT_MAX_REMAINING_LENGTH) fail(MqttErrorCode.Oversize, "remaining length " + n + " exceeds 268435455", "2.2.3");
  return n;
}

/** Total encoded size of `p` in bytes (fixed header included). Throws MqttError if `p` is invalid. */
export function encodedMqttLength(p: MqttPacket): number {
  const n = checkedBodyLength(p);
  return 1 + remainingLengthSize(n) + n;
}

/** Writes the fixed header and body of an already validated `p` with remaining length `n`. */
function writePacket(p: MqttPacket, n: number, out: Uint8Array, pos: number): number {
  out[pos++] = firstByte(p);
  // Remaining length: 7 bits per byte, least significant first, bit 7 = more (section 2.2.3).
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out[pos++] = b;
  } while (n > 0);
  return writeBody(p, out, pos);
}

/**
 * Writes `p` into `out` at `pos` and returns the position after it. Throws MqttError if `p` is
 * invalid or does not fit in `out` (code BAD_VALUE; nothing is written then).
 */
export function encodeMqttPacketInto(p: MqttPacket, out: Uint8Array, pos: number): number {
  const n = checkedBodyLength(p);
  const total = 1 + remainingLengthSize(n) + n;
  if (pos < 0 || out.length - pos < total) fail(MqttErrorCode.BadValue, "output buffer too small for " + total + " bytes", "");
  return writePacket(p, n, out, pos);
}

/**
 * Encodes `p` into a new array. Throws MqttError if `p` is invalid or its total size exceeds
 * `maxPacketBytes` (code OVERSIZE; default the standard's limit, MQTT_SPEC_MAX_PACKET_BYTES).
 */
export function encodeMqttPacket(p: MqttPacket, maxPacketBytes?: number): Uint8Array {
  const limit = maxPacketBytes === undefined ? MQTT_SPEC_MAX_PACKET_BYTES : maxPacketBytes;
  const n = checkedBodyLength(p);
  const total = 1 + remainingLengthSize(n) + n;
  if (total > limit) fail(MqttErrorCode.Oversize, "packet of " + total + " bytes exceeds the maximum of " + limit, "");
  const out = allocBytes(total);
  writePacket(p, n, out, 0);
  return out;
}
