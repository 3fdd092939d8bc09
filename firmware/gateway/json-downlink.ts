// JSON downlink of firmware 2.7 (src/mqtt/MQTT.cpp MQTT::onReceive, isValidJsonEnvelope,
// onReceiveJson; spec meshtastic-wire.md 5.11) and the firmware's JSON reader (SimpleJSON in
// src/serialization/JSON.cpp JSON::Parse/ExtractString/ParseInt/ParseDecimal and JSONValue.cpp
// JSONValue::Parse), which the uplink also uses to decide whether a text message "is JSON".
//
// The reader accepts exactly what the firmware's accepts, including its quirks: whitespace is
// space, tab, CR and LF only; input ends at the first NUL (it reads a C string); `true`, `false`
// and `null` match in any letter case; a raw tab is allowed inside strings but other bytes below
// 0x20 are not; the character where an object key's opening quote belongs is skipped without
// being checked; a repeated key keeps its last value; numbers are accumulated in doubles the
// firmware's way (digit by digit, fraction as digit * 0.1^k, exponent by repeated * or / 10), so
// they round exactly as on the device. Unlike the firmware it is iterative (no recursion) and
// bounded: a maximum nesting depth, and callers bound the input length. Strings are kept as
// "byte strings" (one char per byte, 0..255) because the firmware's strings are bytes.
//
// Two meshport extensions, off by default (MqttGatewayConfig.jsonDownlinkExtended), because they
// change what goes on the air. Firmware 2.7 keeps just the low 8 bits of a `\uXXXX` escape (it
// stores the code in a `char`), so "caf\u00e9" (what Python's json.dumps writes by default) goes
// on the air as the invalid byte 0xE9; extended, escapes decode to UTF-8 (surrogate pairs joined,
// lone surrogates as U+FFFD). And firmware 2.7 assigns a sendposition's latitude_i, longitude_i
// and altitude without their has_ flags (MQTT.cpp 214-222, mesh.pb.h 673-679), so nanopb writes
// only `time`; extended, the coordinates given are sent. The uplink's text check always keeps the
// firmware's rule so its output matches the device.
import { utf8Encode } from "../bytes/utf8.js";
import type { Channels } from "../mesh/channels.js";
import { PortNum } from "../wire/enums.js";
import { PositionCodec } from "../wire/messages.js";
import type { Position } from "../wire/messages.js";
import { BROADCAST_NUM, nodeIdOf } from "./node-id.js";

/** A parsed JSON value. Strings and object keys are byte strings (one char per byte). */
export type JsonValue =
  | { kind: "null" }
  | { kind: "bool"; value: boolean }
  | { kind: "number"; value: number }
  | { kind: "string"; bytes: string }
  | { kind: "array"; items: JsonValue[] }
  | { kind: "object"; keys: string[]; values: JsonValue[] };

export type JsonObject = { kind: "object"; keys: string[]; values: JsonValue[] };
type JsonArray = { kind: "array"; items: JsonValue[] };

export const JsonParseErrorCode = {
  BadJson: "BAD_JSON",
  TooDeep: "TOO_DEEP",
} as const;
export type JsonParseErrorCode = (typeof JsonParseErrorCode)[keyof typeof JsonParseErrorCode];

export type JsonParseResult = { ok: true; value: JsonValue } | { ok: false; code: JsonParseErrorCode; message: string; offset: number };

/** The bytes of `b[start, end)` as a byte string. */
export function byteStringOf(b: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** The bytes of a byte string (chars above 0xFF keep their low 8 bits). */
export function bytesOfByteString(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** The UTF-8 encoding of `s` as a byte string. */
export function utf8ByteString(s: string): string {
  const b = utf8Encode(s);
  return byteStringOf(b, 0, b.length);
}

function appendCodePointUtf8(out: string, cp: number): string {
  if (cp < 0x80) return out + String.fromCharCode(cp);
  if (cp < 0x800) return out + String.fromCharCode(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  if (cp < 0x10000) return out + String.fromCharCode(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  return out + String.fromCharCode(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

interface Frame {
  value: JsonArray | JsonObject;
  key: string;
}

class JsonReader {
  readonly src: string;
  readonly end: number;
  readonly maxDepth: number;
  readonly utf8Escapes: boolean;
  pos = 0;
  errorCode: JsonParseErrorCode = JsonParseErrorCode.BadJson;
  errorMessage = "";
  errorAt = 0;

  constructor(src: string, maxDepth: number, utf8Escapes: boolean) {
    this.src = src;
    const nul = src.indexOf(String.fromCharCode(0));
    this.end = nul < 0 ? src.length : nul;
    this.maxDepth = maxDepth;
    this.utf8Escapes = utf8Escapes;
  }

  ch(i: number): number {
    return i < this.end ? this.src.charCodeAt(i) : 0;
  }

  fail(code: JsonParseErrorCode, message: string): undefined {
    this.errorCode = code;
    this.errorMessage = message + " at byte " + this.pos;
    this.errorAt = this.pos;
    return undefined;
  }

  /** JSON::SkipWhitespace: true when there is more input. */
  skipWs(): boolean {
    while (this.pos < this.end) {
      const c = this.src.charCodeAt(this.pos);
      if (c !== 32 && c !== 9 && c !== 13 && c !== 10) break;
      this.pos++;
    }
    return this.pos < this.end;
  }

  /** Reads four hex digits after "\u" (pos on the 'u'); -1 when they are missing or not hex. */
  hex4(): number {
    if (this.end - this.pos < 5) return -1;
    let code = 0;
    for (let i = 1; i <= 4; i++) {
      const h = hexValue(this.src.charCodeAt(this.pos + i));
      if (h < 0) return -1;
      code = code * 16 + h;
    }
    return code;
  }

  /** JSON::ExtractString, from just after the opening quote; undefined on error. */
  string(): string | undefined {
    let out = "";
    while (this.pos < this.end) {
      let c = this.src.charCodeAt(this.pos);
      if (c === 92) {
        this.pos++;
        const e = this.ch(this.pos);
        if (e === 34 || e === 92 || e === 47) c = e;
        else if (e === 98) c = 8;
        else if (e === 102) c = 12;
        else if (e === 110) c = 10;
        else if (e === 114) c = 13;
        else if (e === 116) c = 9;
        else if (e === 117) {
          const code = this.hex4();
          if (code < 0) return this.fail(JsonParseErrorCode.BadJson, "bad \\u escape");
          this.pos += 4;
          if (!this.utf8Escapes) c = code & 0xff;
          else {
            let cp = code;
            if (code >= 0xd800 && code <= 0xdbff && this.ch(this.pos + 1) === 92 && this.ch(this.pos + 2) === 117) {
              this.pos += 2;
              const low = this.hex4();
              if (low >= 0xdc00 && low <= 0xdfff) {
                cp = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
                this.pos += 4;
              } else {
                this.pos -= 2;
                cp = 0xfffd;
              }
            } else if (code >= 0xd800 && code <= 0xdfff) cp = 0xfffd;
            out = appendCodePointUtf8(out, cp);
            this.pos++;
            continue;
          }
        } else return this.fail(JsonParseErrorCode.BadJson, "bad escape");
      } else if (c === 34) {
        this.pos++;
        return out;
      } else if (c < 32 && c !== 9) {
        // SimpleJSON allows a raw tab ("real world cases") but no other control byte.
        return this.fail(JsonParseErrorCode.BadJson, "control byte in string");
      }
      out += String.fromCharCode(c);
      this.pos++;
    }
    return this.fail(JsonParseErrorCode.BadJson, "unterminated string");
  }

  /** JSON::ParseInt: digits accumulated in a double. */
  digits(): number {
    let v = 0;
    while (this.pos < this.end && isDigit(this.src.charCodeAt(this.pos))) {
      v = v * 10 + (this.src.charCodeAt(this.pos) - 48);
      this.pos++;
    }
    return v;
  }

  number(): JsonValue | undefined {
    const neg = this.ch(this.pos) === 45;
    if (neg) this.pos++;
    let n = 0;
    const first = this.ch(this.pos);
    if (first === 48) this.pos++;
    else if (first >= 49 && first <= 57) n = this.digits();
    else return this.fail(JsonParseErrorCode.BadJson, "bad number");
    if (this.ch(this.pos) === 46) {
      this.pos++;
      if (!isDigit(this.ch(this.pos))) return this.fail(JsonParseErrorCode.BadJson, "bad fraction");
      // JSON::ParseDecimal
      let decimal = 0;
      let factor = 0.1;
      while (this.pos < this.end && isDigit(this.src.charCodeAt(this.pos))) {
        decimal = decimal + (this.src.charCodeAt(this.pos) - 48) * factor;
        factor *= 0.1;
        this.pos++;
      }
      n += decimal;
    }
    const e = this.ch(this.pos);
    if (e === 69 || e === 101) {
      this.pos++;
      let negExp = false;
      const s = this.ch(this.pos);
      if (s === 45 || s === 43) {
        negExp = s === 45;
        this.pos++;
      }
      if (!isDigit(this.ch(this.pos))) return this.fail(JsonParseErrorCode.BadJson, "bad exponent");
      const expo = this.digits();
      // The firmware multiplies or divides by 10 `expo` times; once the value is 0 or infinite it
      // cannot change any more, so stop there (the device would keep looping).
      for (let i = 0; i < expo; i++) {
        if (n === 0 || n === Infinity) break;
        n = negExp ? n / 10 : n * 10;
      }
    }
    if (neg) n *= -1;
    return { kind: "number", value: n };
  }

  /** A string, true/false/null or number at pos (containers are handled by parse()). */
  scalar(): JsonValue | undefined {
    const c = this.ch(this.pos);
    if (c === 34) {
      this.pos++;
      const s = this.string();
      return s === undefined ? undefined : { kind: "string", bytes: s };
    }
    if (this.word("true")) {
      this.pos += 4;
      return { kind: "bool", value: true };
    }
    if (this.word("false")) {
      this.pos += 5;
      return { kind: "bool", value: false };
    }
    if (this.word("null")) {
      this.pos += 4;
      return { kind: "null" };
    }
    if (c === 45 || isDigit(c)) return this.number();
    return this.fail(JsonParseErrorCode.BadJson, "unexpected byte " + c);
  }

  /** strncasecmp(data, w, len) == 0 with at least len bytes left (simplejson_csnlen). */
  word(w: string): boolean {
    if (this.end - this.pos < w.length) return false;
    for (let i = 0; i < w.length; i++) if (lowerAscii(this.src.charCodeAt(this.pos + i)) !== w.charCodeAt(i)) return false;
    return true;
  }

  /** An object member's key and colon; pos is on the byte where the opening quote belongs. */
  key(frame: Frame): boolean {
    // JSONValue::Parse skips this byte without checking that it is a quote.
    this.pos++;
    const name = this.string();
    if (name === undefined) return false;
    let problem = "";
    if (!this.skipWs()) problem = "unterminated object";
    else if (this.src.charCodeAt(this.pos) !== 58) problem = "expected ':'";
    else {
      this.pos++;
      if (!this.skipWs()) problem = "unterminated object";
    }
    if (problem !== "") {
      this.fail(JsonParseErrorCode.BadJson, problem);
      return false;
    }
    frame.key = name;
    return true;
  }

  parse(): JsonValue | undefined {
    if (!this.skipWs()) return this.fail(JsonParseErrorCode.BadJson, "no value");
    const stack: Frame[] = [];
    for (;;) {
      // A value starts at pos (never whitespace, never the end).
      let v: JsonValue | undefined;
      const c = this.src.charCodeAt(this.pos);
      if (c === 123 || c === 91) {
        if (stack.length >= this.maxDepth) return this.fail(JsonParseErrorCode.TooDeep, "nesting deeper than " + this.maxDepth);
        this.pos++;
        const frame: Frame = { value: c === 123 ? { kind: "object", keys: [], values: [] } : { kind: "array", items: [] }, key: "" };
        if (!this.skipWs()) return this.fail(JsonParseErrorCode.BadJson, "unterminated container");
        const close = c === 123 ? 125 : 93;
        if (this.src.charCodeAt(this.pos) === close) {
          this.pos++;
          v = frame.value;
        } else {
          stack.push(frame);
          if (c === 123 && !this.key(frame)) return undefined;
          continue;
        }
      } else {
        v = this.scalar();
        if (v === undefined) return undefined;
      }
      // Attach the finished value to its container, closing containers that end here.
      for (;;) {
        if (stack.length === 0) {
          if (this.skipWs()) return this.fail(JsonParseErrorCode.BadJson, "trailing data");
          return v;
        }
        const top = stack[stack.length - 1];
        const container = top.value;
        if (container.kind === "array") container.items.push(v);
        else {
          const at = container.keys.indexOf(top.key);
          if (at >= 0) container.values[at] = v;
          else {
            container.keys.push(top.key);
            container.values.push(v);
          }
        }
        if (!this.skipWs()) return this.fail(JsonParseErrorCode.BadJson, "unterminated container");
        const d = this.src.charCodeAt(this.pos);
        if (d === (container.kind === "array" ? 93 : 125)) {
          this.pos++;
          stack.pop();
          v = container;
          continue;
        }
        if (d !== 44) return this.fail(JsonParseErrorCode.BadJson, "expected ',' or the end of the container");
        this.pos++;
        if (!this.skipWs()) return this.fail(JsonParseErrorCode.BadJson, "unterminated container");
        if (container.kind === "object" && !this.key(top)) return undefined;
        break;
      }
    }
  }
}

/**
 * Parses a byte string the way the firmware's JSON::Parse does (see the top of this file).
 * `utf8Escapes` false keeps the firmware's 8-bit `\u` rule; true decodes escapes to UTF-8.
 */
export function parseFirmwareJson(src: string, maxDepth: number, utf8Escapes: boolean): JsonParseResult {
  const r = new JsonReader(src, maxDepth, utf8Escapes);
  const v = r.parse();
  if (v === undefined) return { ok: false, code: r.errorCode, message: r.errorMessage, offset: r.errorAt };
  return { ok: true, value: v };
}

/** The member `key` of an object (last one wins, as in the firmware's std::map), or undefined. */
export function jsonMember(o: JsonObject, key: string): JsonValue | undefined {
  const at = o.keys.indexOf(key);
  return at < 0 ? undefined : o.values[at];
}

// ---------------------------------------------------------------------------------------------
// The downlink envelope.

/**
 * Largest payload parseJsonDownlink reads: PubSubClient's 1024-byte buffer (spec 5.3 setBufferSize).
 * The gateway checks the whole MQTT packet against that buffer first (mqttPacketFits in
 * downlink-drops.ts), so this bound only matters to callers that have the payload alone.
 */
export const JSON_DOWNLINK_MAX_BYTES = 1024;
/** Nesting bound for downlink JSON; a valid envelope needs 2 (envelope > position payload). */
export const JSON_DOWNLINK_MAX_DEPTH = 8;
/** Data.payload capacity: sendtext payloads longer than this are dropped (onReceiveJson). */
export const JSON_TEXT_MAX_BYTES = 233;
/** Channels::mqttChannel: JSON downlink only on channels whose name starts with this (any case). */
export const JSON_DOWNLINK_CHANNEL_PREFIX = "mqtt";

export const JsonDownlinkErrorCode = {
  /** Zero-length MQTT payload (MQTT::onReceive ignores it). */
  Empty: "EMPTY",
  /** More than JSON_DOWNLINK_MAX_BYTES. */
  TooLong: "TOO_LONG",
  /** Not JSON by the firmware's reader. */
  BadJson: "BAD_JSON",
  /** Nested deeper than JSON_DOWNLINK_MAX_DEPTH. */
  TooDeep: "TOO_DEEP",
  /** Valid JSON but not an object. */
  NotObject: "NOT_OBJECT",
  /** `sender` is present but not a string. */
  BadSender: "BAD_SENDER",
  /** `sender` is our own node id: a message we uplinked ourselves. */
  SenderIsUs: "SENDER_IS_US",
  /** `hopLimit` is present but not a number, or not a value a hop limit can hold. */
  BadHopLimit: "BAD_HOP_LIMIT",
  /** `from` missing, not a number, or not our node number. */
  NotFromUs: "NOT_FROM_US",
  /** `type` missing or not a string. */
  BadType: "BAD_TYPE",
  /** `payload` missing. */
  NoPayload: "NO_PAYLOAD",
  /** `channel` is a number but not the index of one of our channels. */
  BadChannel: "BAD_CHANNEL",
  /** `to` is a number but not a node number (0..0xFFFFFFFF). */
  BadTo: "BAD_TO",
  /** A sendposition field is a number outside its protobuf type. */
  BadPosition: "BAD_POSITION",
  /** sendtext payload longer than JSON_TEXT_MAX_BYTES bytes. */
  PayloadTooLong: "PAYLOAD_TOO_LONG",
  /** A valid envelope the firmware ignores: a type other than sendtext/sendposition, or a payload of the wrong kind. */
  UnsupportedType: "UNSUPPORTED_TYPE",
} as const;
export type JsonDownlinkErrorCode = (typeof JsonDownlinkErrorCode)[keyof typeof JsonDownlinkErrorCode];

/** What to send: a decoded packet from the gateway itself (router allocForSending + sendToMesh). */
export interface JsonSendRequest {
  /** Destination node number; broadcast when the envelope has no numeric `to`. */
  to: number;
  /** Local channel index; 0 when the envelope has no numeric `channel`. */
  channel: number;
  /** Hop limit from the envelope (0..255, the router caps it), or undefined for the configured one. */
  hopLimit: number | undefined;
  portnum: number;
  /** Data.payload: the text's bytes, or an encoded Position. */
  payload: Uint8Array;
}

export type JsonDownlinkResult = { ok: true; request: JsonSendRequest } | { ok: false; code: JsonDownlinkErrorCode; message: string };

function refuse(code: JsonDownlinkErrorCode, message: string): JsonDownlinkResult {
  return { ok: false, code, message };
}

/** C's conversion of a double to an integer type holding [lo, hi]: truncation, undefined when out of range. */
function truncIn(n: number, lo: number, hi: number): number | undefined {
  if (!(n > lo - 1 && n < hi + 1)) return undefined;
  const t = n < 0 ? Math.ceil(n) : Math.floor(n);
  return t === 0 ? 0 : t;
}

/** Reads an optional integer member: undefined when absent or not a number (the firmware ignores it), null when out of range. */
function intMember(o: JsonObject, key: string, lo: number, hi: number): number | undefined | null {
  const v = jsonMember(o, key);
  if (v === undefined || v.kind !== "number") return undefined;
  const t = truncIn(v.value, lo, hi);
  return t === undefined ? null : t;
}

function positionPayload(p: JsonObject, extended: boolean): Uint8Array | undefined {
  const pos: Position = {};
  const lat = intMember(p, "latitude_i", -2147483648, 2147483647);
  const lon = intMember(p, "longitude_i", -2147483648, 2147483647);
  const alt = intMember(p, "altitude", -2147483648, 2147483647);
  const time = intMember(p, "time", 0, 0xffffffff);
  if (lat === null || lon === null || alt === null || time === null) return undefined;
  if (extended) {
    if (lat !== undefined) pos.latitudeI = lat;
    if (lon !== undefined) pos.longitudeI = lon;
    if (alt !== undefined) pos.altitude = alt;
  }
  if (time !== undefined) pos.time = time;
  return PositionCodec.encode(pos);
}

/**
 * Parses a JSON downlink payload (MQTT::onReceiveJson, firmware 2.7) for the gateway whose node
 * number is `ourNum` and which has `channelCount` channels. The topic must already have passed
 * jsonDownlinkAllowed. Never throws: every refusal is a typed result.
 *
 * Beyond the firmware, which silently falls back to channel 0 or has undefined behaviour there, a
 * numeric `channel` that is not one of our channel indexes, a numeric `to`, `hopLimit` or
 * position field outside its C type, are refused with a code. `extended`: meshport's UTF-8 escapes
 * and full sendposition (see the header); false is firmware 2.7.
 */
export function parseJsonDownlink(payload: Uint8Array, ourNum: number, channelCount: number, extended: boolean): JsonDownlinkResult {
  if (payload.length === 0) return refuse(JsonDownlinkErrorCode.Empty, "empty payload");
  if (payload.length > JSON_DOWNLINK_MAX_BYTES)
    return refuse(JsonDownlinkErrorCode.TooLong, "payload is " + payload.length + " bytes, limit " + JSON_DOWNLINK_MAX_BYTES);
  const parsed = parseFirmwareJson(byteStringOf(payload, 0, payload.length), JSON_DOWNLINK_MAX_DEPTH, extended);
  if (!parsed.ok) return refuse(parsed.code === JsonParseErrorCode.TooDeep ? JsonDownlinkErrorCode.TooDeep : JsonDownlinkErrorCode.BadJson, parsed.message);
  const env = parsed.value;
  if (env.kind !== "object") return refuse(JsonDownlinkErrorCode.NotObject, "envelope is not an object (" + env.kind + ")");

  // isValidJsonEnvelope, in the firmware's order.
  const sender = jsonMember(env, "sender");
  if (sender !== undefined) {
    if (sender.kind !== "string") return refuse(JsonDownlinkErrorCode.BadSender, "sender is not a string");
    if (sender.bytes === nodeIdOf(ourNum)) return refuse(JsonDownlinkErrorCode.SenderIsUs, "sender is our own id: we uplinked this");
  }
  const hop = jsonMember(env, "hopLimit");
  if (hop !== undefined && hop.kind !== "number") return refuse(JsonDownlinkErrorCode.BadHopLimit, "hopLimit is not a number");
  const from = jsonMember(env, "from");
  if (from === undefined || from.kind !== "number" || from.value !== ourNum)
    return refuse(JsonDownlinkErrorCode.NotFromUs, "from must be our node number " + ourNum);
  const type = jsonMember(env, "type");
  if (type === undefined || type.kind !== "string") return refuse(JsonDownlinkErrorCode.BadType, "type missing or not a string");
  const body = jsonMember(env, "payload");
  if (body === undefined) return refuse(JsonDownlinkErrorCode.NoPayload, "payload missing");

  let portnum: number;
  let data: Uint8Array;
  if (type.bytes === "sendtext" && body.kind === "string") {
    portnum = PortNum.TEXT_MESSAGE_APP;
    data = bytesOfByteString(body.bytes);
  } else if (type.bytes === "sendposition" && body.kind === "object") {
    portnum = PortNum.POSITION_APP;
    const pos = positionPayload(body, extended);
    if (pos === undefined) return refuse(JsonDownlinkErrorCode.BadPosition, "a position field is outside its protobuf type");
    data = pos;
  } else return refuse(JsonDownlinkErrorCode.UnsupportedType, "type '" + type.bytes + "' with a " + body.kind + " payload is not handled");

  // Fields both types read (onReceiveJson): channel < getNumChannels(), to, hopLimit.
  let channel = 0;
  const ch = jsonMember(env, "channel");
  if (ch !== undefined && ch.kind === "number") {
    const c = truncIn(ch.value, 0, channelCount - 1);
    if (c === undefined) return refuse(JsonDownlinkErrorCode.BadChannel, "channel " + ch.value + " is not an index below " + channelCount);
    channel = c;
  }
  const to = intMember(env, "to", 0, 0xffffffff);
  if (to === null) return refuse(JsonDownlinkErrorCode.BadTo, "to is not a node number");
  let hopLimit: number | undefined;
  if (hop !== undefined && hop.kind === "number") {
    hopLimit = truncIn(hop.value, 0, 255);
    if (hopLimit === undefined) return refuse(JsonDownlinkErrorCode.BadHopLimit, "hopLimit " + hop.value + " does not fit a hop limit");
  }
  if (portnum === PortNum.TEXT_MESSAGE_APP && data.length > JSON_TEXT_MAX_BYTES)
    return refuse(JsonDownlinkErrorCode.PayloadTooLong, "text is " + data.length + " bytes, limit " + JSON_TEXT_MAX_BYTES);
  return { ok: true, request: { to: to === undefined ? BROADCAST_NUM : to, channel, hopLimit, portnum, payload: data } };
}

/**
 * MQTT::onReceive's channel rule for JSON topics (MQTT.cpp 399-405): the channel named by the topic
 * (jsonDownlinkChannel in topics.ts), looked up by Channels::getByName (every slot, DISABLED ones
 * included, any case, else the primary channel), must have a name starting with "mqtt" in any case
 * (strncasecmp over 4 bytes) and downlink enabled.
 */
export function jsonDownlinkAllowed(topicChannelName: string, channels: Channels): boolean {
  const ch = channels.getByName(topicChannelName);
  if (ch === undefined || !ch.downlinkEnabled) return false;
  const prefix = JSON_DOWNLINK_CHANNEL_PREFIX;
  if (ch.name.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (lowerAscii(ch.name.charCodeAt(i)) !== prefix.charCodeAt(i)) return false;
  return true;
}
