// JSON uplink of firmware 2.7: MeshPacketSerializer::JsonSerialize (src/serialization/
// MeshPacketSerializer.cpp, the non-nRF52 SimpleJSON variant) rendered by JSONValue::Stringify
// (src/serialization/JSONValue.cpp). Spec meshtastic-wire.md 5.11; 5.14 lists where the official
// off-device converter differs (we follow the firmware).
//
// Output rules, all from the firmware library: compact; object keys sorted by bytes at every level
// (JSONObject is a std::map<std::string, ...>); every number a double printed "%.15g" with NaN and
// infinities as null (json-number.ts); strings escaped byte by byte: `"` `\` `/` with a backslash,
// \b \f \n \r \t, other bytes below 0x20 and 0x7F as \u00xx, everything else raw. Bytes >= 0x80
// are written raw as on ESP32/ARM where `char` is unsigned; a UTF-8 lead byte also copies its
// continuation bytes unescaped (StringifyString), which only matters for invalid UTF-8.
//
// The result is built as a byte string so it can be byte-exact (serializeJsonUplinkBytes);
// serializeJsonUplink returns the same bytes decoded as UTF-8, identical whenever the strings in
// the packet are valid UTF-8 (invalid sequences become U+FFFD there, the firmware passes them on).
import { allocBytes } from "../bytes/byte-copy.js";
import { ByteReader } from "../bytes/byte-reader.js";
import { utf8Decode } from "../bytes/utf8.js";
import { WireErrorCode, catchWireError } from "../bytes/wire-error.js";
import type { NodeDb } from "../mesh/node-db.js";
import type { Data } from "../wire/messages.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { hopsAway } from "../mesh/node-db.js";
import { PortNum } from "../wire/enums.js";
import { FieldType, defineMessage, field } from "../wire/field-schema.js";
import { NeighborInfoCodec, PositionCodec, RouteDiscoveryCodec, TelemetryCodec, UserCodec, WaypointCodec, codecFor } from "../wire/messages.js";
import type { Telemetry } from "../wire/messages.js";
import { byteStringOf, parseFirmwareJson, utf8ByteString } from "./json-downlink.js";
import type { JsonObject, JsonValue } from "./json-downlink.js";
import { fround } from "../bytes/float32.js";
import { formatJsonNumber } from "./json-number.js";
import { nodeIdOf } from "./node-id.js";

/** A text of at most 233 bytes cannot nest deeper than this, so the text check is unbounded in effect. */
export const TEXT_JSON_MAX_DEPTH = 233;

/** paxcount.proto Paxcount (PAXCOUNTER_APP): wifi = 1, ble = 2, uptime = 3, all uint32. */
const PaxcountSchema = defineMessage("Paxcount", [field(1, "wifi", FieldType.Uint32), field(2, "ble", FieldType.Uint32), field(3, "uptime", FieldType.Uint32)]);
const PaxcountCodec = codecFor<{ wifi?: number; ble?: number; uptime?: number }>(PaxcountSchema);

/** remote_hardware.proto HardwareMessage.Type values the serializer reports. */
const HW_GPIOS_CHANGED = 3;
const HW_READ_GPIOS_REPLY = 5;

const HEX = "0123456789abcdef";

// ---------------------------------------------------------------------------------------------
// Stringify (JSONValue::StringifyImpl / StringifyString), iterative so deep text JSON cannot
// exhaust the interpreter's stack.

/**
 * Where the stringifier writes: one byte buffer reused by every call (the core is single-threaded),
 * doubled when a document outgrows it. Writing bytes directly avoids building a long string by
 * concatenation and converting it afterwards, which took a quarter of the uplink bench's time.
 * Memory: JSON_SINK_INITIAL_BYTES, or the largest document since start-up.
 */
const JSON_SINK_INITIAL_BYTES = 512;

class JsonSink {
  buf: Uint8Array = new Uint8Array(JSON_SINK_INITIAL_BYTES);
  n = 0;

  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.buf.subarray(0, this.n), 0);
    this.buf = bigger;
  }

  byte(c: number): void {
    this.room(1);
    this.buf[this.n++] = c;
  }

  /** A byte string (char codes 0-255), e.g. number text or a literal. */
  text(s: string): void {
    const len = s.length;
    this.room(len);
    const b = this.buf;
    let n = this.n;
    for (let i = 0; i < len; i++) b[n++] = s.charCodeAt(i) & 0xff;
    this.n = n;
  }

  /** StringifyString of a byte string: quotes, escapes, and multi-byte UTF-8 sequences kept whole. */
  quoted(s: string): void {
    const len = s.length;
    // Worst case: every byte a \u00XX escape.
    this.room(6 * len + 2);
    const b = this.buf;
    let n = this.n;
    b[n++] = 34;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i) & 0xff;
      if (c === 34 || c === 92 || c === 47) {
        b[n++] = 92;
        b[n++] = c;
      } else if (c === 8 || c === 12 || c === 10 || c === 13 || c === 9) {
        b[n++] = 92;
        b[n++] = c === 8 ? 98 : c === 12 ? 102 : c === 10 ? 110 : c === 13 ? 114 : 116;
      } else if (c < 0x20 || c === 0x7f) {
        b[n++] = 92;
        b[n++] = 117;
        b[n++] = 48;
        b[n++] = 48;
        b[n++] = HEX.charCodeAt(c >> 4);
        b[n++] = HEX.charCodeAt(c & 15);
      } else {
        b[n++] = c;
        if (c >= 0x80) {
          const remain = len - i - 1;
          let k = 0;
          if ((c & 0xe0) === 0xc0 && remain >= 1) k = 1;
          else if ((c & 0xf0) === 0xe0 && remain >= 2) k = 2;
          else if ((c & 0xf8) === 0xf0 && remain >= 3) k = 3;
          for (; k > 0; k--) b[n++] = s.charCodeAt(++i) & 0xff;
        }
      }
    }
    b[n++] = 34;
    this.n = n;
  }
}

const SINK = new JsonSink();

function sortedOrder(keys: string[]): number[] {
  const order: number[] = [];
  for (let i = 0; i < keys.length; i++) order.push(i);
  order.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  return order;
}

interface OpenContainer {
  value: JsonValue;
  order: number[];
  next: number;
}

/** Writes the firmware's compact text of `root` into `out` (from its start). */
function writeFirmwareJson(root: JsonValue, out: JsonSink): void {
  out.n = 0;
  const stack: OpenContainer[] = [];
  let v: JsonValue | undefined = root;
  for (;;) {
    if (v !== undefined) {
      if (v.kind === "array") {
        out.byte(91);
        stack.push({ value: v, order: [], next: 0 });
      } else if (v.kind === "object") {
        out.byte(123);
        stack.push({ value: v, order: sortedOrder(v.keys), next: 0 });
      } else if (v.kind === "string") out.quoted(v.bytes);
      else if (v.kind === "number") out.text(formatJsonNumber(v.value));
      else if (v.kind === "bool") out.text(v.value ? "true" : "false");
      else out.text("null");
      v = undefined;
    }
    if (stack.length === 0) return;
    const top = stack[stack.length - 1];
    const c = top.value;
    if (c.kind === "array") {
      if (top.next >= c.items.length) {
        out.byte(93);
        stack.pop();
        continue;
      }
      if (top.next > 0) out.byte(44);
      v = c.items[top.next++];
    } else if (c.kind === "object") {
      if (top.next >= c.keys.length) {
        out.byte(125);
        stack.pop();
        continue;
      }
      if (top.next > 0) out.byte(44);
      const k = top.order[top.next++];
      out.quoted(c.keys[k]);
      out.byte(58);
      v = c.values[k];
    }
  }
}

/** The firmware's compact text of `root`, as a byte string. */
export function stringifyFirmwareJson(root: JsonValue): string {
  writeFirmwareJson(root, SINK);
  return byteStringOf(SINK.buf, 0, SINK.n);
}

/** The firmware's compact text of `root`, as UTF-8 bytes (a new array). */
function firmwareJsonBytes(root: JsonValue): Uint8Array {
  writeFirmwareJson(root, SINK);
  const out = allocBytes(SINK.n);
  out.set(SINK.buf.subarray(0, SINK.n), 0);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values as the serializer makes them. JSONValue(const char*) stops at the first NUL, and the
// C casts in JsonSerialize decide signedness: (unsigned int) -> u32, (int) -> i32.

function num(n: number): JsonValue {
  return { kind: "number", value: n };
}

function u32(n: number | undefined): JsonValue {
  return num(n === undefined ? 0 : n >>> 0);
}

function i32(n: number | undefined): JsonValue {
  return num(n === undefined ? 0 : n | 0);
}

/** A float field: the double a C float widens to. */
function f32(n: number | undefined): JsonValue {
  return num(n === undefined ? 0 : fround(n));
}

/** (int) of a float: truncation toward zero (NaN and out-of-range values, undefined in C, give 0 or saturate). */
function cIntOfFloat(x: number): number {
  if (x !== x) return 0;
  if (x >= 2147483647) return 2147483647;
  if (x <= -2147483648) return -2147483648;
  return x | 0;
}

function cutAtNul(s: string): string {
  const at = s.indexOf(String.fromCharCode(0));
  return at < 0 ? s : s.substring(0, at);
}

/** A C string from a decoded protobuf string. */
function str(s: string | undefined): JsonValue {
  return { kind: "string", bytes: s === undefined ? "" : cutAtNul(utf8ByteString(s)) };
}

function newObject(): JsonObject {
  return { kind: "object", keys: [], values: [] };
}

function put(o: JsonObject, key: string, v: JsonValue): void {
  const at = o.keys.indexOf(key);
  if (at >= 0) o.values[at] = v;
  else {
    o.keys.push(key);
    o.values.push(v);
  }
}

/** The payload bytes up to the first NUL, as the char array the serializer builds. */
function cString(payload: Uint8Array | undefined): string {
  if (payload === undefined) return "";
  let end = 0;
  while (end < payload.length && payload[end] !== 0) end++;
  return byteStringOf(payload, 0, end);
}

// ---------------------------------------------------------------------------------------------
// Per-port payloads (the switch in JsonSerialize). Each returns undefined when the protobuf does
// not decode: the firmware then keeps `type` and leaves `payload` out.

function textPayload(payload: Uint8Array | undefined): JsonValue {
  const text = cString(payload);
  const parsed = parseFirmwareJson(text, TEXT_JSON_MAX_DEPTH, false);
  if (parsed.ok) return parsed.value;
  const o = newObject();
  put(o, "text", { kind: "string", bytes: text });
  return o;
}

/** [codec field, JSON key, float?] for the environment metrics the serializer reports when present. */
const ENVIRONMENT_FIELDS: [string, string, boolean][] = [
  ["temperature", "temperature", true],
  ["relativeHumidity", "relative_humidity", true],
  ["barometricPressure", "barometric_pressure", true],
  ["gasResistance", "gas_resistance", true],
  ["voltage", "voltage", true],
  ["current", "current", true],
  ["lux", "lux", true],
  ["whiteLux", "white_lux", true],
  ["iaq", "iaq", false],
  ["distance", "distance", true],
  ["windSpeed", "wind_speed", true],
  ["windDirection", "wind_direction", false],
  ["windGust", "wind_gust", true],
  ["windLull", "wind_lull", true],
  ["radiation", "radiation", true],
  ["irLux", "ir_lux", true],
  ["uvLux", "uv_lux", true],
  ["weight", "weight", true],
  ["rainfall1h", "rainfall_1h", true],
  ["rainfall24h", "rainfall_24h", true],
  ["soilMoisture", "soil_moisture", false],
  ["soilTemperature", "soil_temperature", true],
];

const AIR_QUALITY_FIELDS: [string, string, boolean][] = [
  ["pm10Standard", "pm10", false],
  ["pm25Standard", "pm25", false],
  ["pm100Standard", "pm100", false],
  ["co2", "co2", false],
  ["co2Temperature", "co2_temperature", true],
  ["co2Humidity", "co2_humidity", true],
  ["formFormaldehyde", "form_formaldehyde", true],
  ["formTemperature", "form_temperature", true],
  ["formHumidity", "form_humidity", true],
];

const POWER_FIELDS: [string, string, boolean][] = [
  ["ch1Voltage", "voltage_ch1", true],
  ["ch1Current", "current_ch1", true],
  ["ch2Voltage", "voltage_ch2", true],
  ["ch2Current", "current_ch2", true],
  ["ch3Voltage", "voltage_ch3", true],
  ["ch3Current", "current_ch3", true],
];

function putPresent(o: JsonObject, rec: Record<string, number | number[]>, fields: [string, string, boolean][]): void {
  for (let i = 0; i < fields.length; i++) {
    const v = rec[fields[i][0]];
    if (typeof v === "number") put(o, fields[i][1], fields[i][2] ? f32(v) : u32(v));
  }
}

function telemetryPayload(t: Telemetry): JsonValue {
  const o = newObject();
  const dm = t.deviceMetrics;
  if (dm !== undefined) {
    // Only battery_level depends on presence; the rest is always written (0 when absent).
    if (dm.batteryLevel !== undefined) put(o, "battery_level", i32(dm.batteryLevel));
    put(o, "voltage", f32(dm.voltage));
    put(o, "channel_utilization", f32(dm.channelUtilization));
    put(o, "air_util_tx", f32(dm.airUtilTx));
    put(o, "uptime_seconds", u32(dm.uptimeSeconds));
  } else if (t.environmentMetrics !== undefined) putPresent(o, t.environmentMetrics, ENVIRONMENT_FIELDS);
  else if (t.airQualityMetrics !== undefined) putPresent(o, t.airQualityMetrics, AIR_QUALITY_FIELDS);
  else if (t.powerMetrics !== undefined) putPresent(o, t.powerMetrics, POWER_FIELDS);
  // Any other variant (local stats, health, host...) gives an empty object, as in the firmware.
  return o;
}

function nodeinfoPayload(b: Uint8Array): JsonValue | undefined {
  const r = UserCodec.decode(b);
  if (!r.ok) return undefined;
  const u = r.value;
  const o = newObject();
  put(o, "id", str(u.id));
  put(o, "longname", str(u.longName));
  put(o, "shortname", str(u.shortName));
  put(o, "hardware", i32(u.hwModel));
  put(o, "role", i32(u.role));
  return o;
}

function positionPayload(b: Uint8Array): JsonValue | undefined {
  const r = PositionCodec.decode(b);
  if (!r.ok) return undefined;
  const p = r.value;
  const o = newObject();
  // Written only when the (int) cast of the field is non-zero; latitude/longitude always.
  if ((p.time || 0) !== 0) put(o, "time", u32(p.time));
  if ((p.timestamp || 0) !== 0) put(o, "timestamp", u32(p.timestamp));
  put(o, "latitude_i", i32(p.latitudeI));
  put(o, "longitude_i", i32(p.longitudeI));
  if ((p.altitude || 0) !== 0) put(o, "altitude", i32(p.altitude));
  if ((p.groundSpeed || 0) !== 0) put(o, "ground_speed", u32(p.groundSpeed));
  if ((p.groundTrack || 0) !== 0) put(o, "ground_track", u32(p.groundTrack));
  if ((p.satsInView || 0) !== 0) put(o, "sats_in_view", u32(p.satsInView));
  if ((p.PDOP || 0) !== 0) put(o, "PDOP", i32(p.PDOP));
  if ((p.HDOP || 0) !== 0) put(o, "HDOP", i32(p.HDOP));
  if ((p.VDOP || 0) !== 0) put(o, "VDOP", i32(p.VDOP));
  if ((p.precisionBits || 0) !== 0) put(o, "precision_bits", i32(p.precisionBits));
  return o;
}

function waypointPayload(b: Uint8Array): JsonValue | undefined {
  const r = WaypointCodec.decode(b);
  if (!r.ok) return undefined;
  const w = r.value;
  const o = newObject();
  put(o, "id", u32(w.id));
  put(o, "name", str(w.name));
  put(o, "description", str(w.description));
  put(o, "expire", u32(w.expire));
  put(o, "locked_to", u32(w.lockedTo));
  put(o, "latitude_i", i32(w.latitudeI));
  put(o, "longitude_i", i32(w.longitudeI));
  return o;
}

function neighborinfoPayload(b: Uint8Array): JsonValue | undefined {
  const r = NeighborInfoCodec.decode(b);
  if (!r.ok) return undefined;
  const n = r.value;
  const list = n.neighbors || [];
  const o = newObject();
  put(o, "node_id", u32(n.nodeId));
  put(o, "node_broadcast_interval_secs", u32(n.nodeBroadcastIntervalSecs));
  put(o, "last_sent_by_id", u32(n.lastSentById));
  put(o, "neighbors_count", num(list.length));
  const items: JsonValue[] = [];
  for (let i = 0; i < list.length; i++) {
    const e = newObject();
    put(e, "node_id", u32(list[i].nodeId));
    put(e, "snr", num(cIntOfFloat(list[i].snr || 0)));
    items.push(e);
  }
  put(o, "neighbors", { kind: "array", items });
  return o;
}

/** A traceroute hop: the node's long name if the node DB has its user, else "Unknown". */
function routeName(nodes: NodeDb | undefined, num: number): JsonValue {
  const n = nodes === undefined ? undefined : nodes.get(num >>> 0);
  if (n === undefined || n.user === undefined) return str("Unknown");
  return str(n.user.longName);
}

function snrList(list: number[] | undefined): JsonValue {
  const items: JsonValue[] = [];
  // (float)snr / 4: the int converted to float, divided in float.
  if (list !== undefined) for (let i = 0; i < list.length; i++) items.push(num(fround(fround(list[i]) / 4)));
  return { kind: "array", items };
}

function traceroutePayload(p: MeshPacketState, b: Uint8Array, nodes: NodeDb | undefined): JsonValue | undefined {
  const r = RouteDiscoveryCodec.decode(b);
  if (!r.ok) return undefined;
  const rd = r.value;
  // A response travels from the traced node (p.from) back to the requester (p.to).
  const route: JsonValue[] = [routeName(nodes, p.to)];
  const fwd = rd.route || [];
  for (let i = 0; i < fwd.length; i++) route.push(routeName(nodes, fwd[i]));
  route.push(routeName(nodes, p.from));
  const back: JsonValue[] = [routeName(nodes, p.from)];
  const rev = rd.routeBack || [];
  for (let i = 0; i < rev.length; i++) back.push(routeName(nodes, rev[i]));
  back.push(routeName(nodes, p.to));
  const o = newObject();
  put(o, "route", { kind: "array", items: route });
  put(o, "route_back", { kind: "array", items: back });
  put(o, "snr_back", snrList(rd.snrBack));
  put(o, "snr_towards", snrList(rd.snrTowards));
  return o;
}

interface HardwareMessage {
  type: number;
  gpioMask: number;
  gpioValue: number;
}

/** HardwareMessage: type (int32 enum) = 1, gpio_mask = 2 and gpio_value = 3 (uint64, kept as their low 32 bits like the firmware's casts). */
function decodeHardwareMessage(b: Uint8Array): HardwareMessage | undefined {
  const r = catchWireError(() => {
    const rd = new ByteReader(b, 0, b.length);
    const m: HardwareMessage = { type: 0, gpioMask: 0, gpioValue: 0 };
    while (rd.pos < rd.end) {
      const at = rd.pos;
      const tag = rd.varint();
      const no = tag >>> 3;
      const wt = tag & 7;
      if (rd.hi !== 0 || no === 0) rd.fail(WireErrorCode.BadFieldNumber, "bad field tag at byte " + at, at);
      if (no >= 1 && no <= 3) {
        if (wt !== 0) rd.fail(WireErrorCode.BadWireType, "HardwareMessage field " + no + ": wire type " + wt, at);
        const v = rd.varint();
        if (no === 1) {
          if (!((rd.hi === 0 && v < 0x80000000) || (rd.hi === 0xffffffff && v >= 0x80000000))) rd.fail(WireErrorCode.IntegerOverflow, "HardwareMessage.type too large", at);
          m.type = v | 0;
        } else if (no === 2) m.gpioMask = v;
        else m.gpioValue = v;
      } else if (wt === 0) rd.varint();
      else if (wt === 1) rd.skip(8);
      else if (wt === 2) rd.skip(rd.length("unknown field"));
      else if (wt === 5) rd.skip(4);
      else rd.fail(WireErrorCode.BadWireType, "wire type " + wt + " at byte " + at, at);
    }
    return m;
  });
  return r.ok ? r.value : undefined;
}

/**
 * The firmware's JSON for a packet, as the bytes it publishes (MeshPacketSerializer::JsonSerialize):
 * for a packet that is not decoded (an encrypted PKI DM between others, an entry drained from the
 * offline queue with encryption on) only the header, with "type":"". `gatewayNum` is our node number
 * ("sender"); `nodes` resolves traceroute hops to long names and holds our own node too.
 */
export function serializeJsonUplinkBytes(p: MeshPacketState, gatewayNum: number, nodes: NodeDb | undefined): Uint8Array | undefined {
  const d: Data = p.decoded !== undefined ? p.decoded : {};
  const bytes = d.payload || new Uint8Array(0);
  let type = "";
  let payload: JsonValue | undefined;
  const port = p.decoded !== undefined ? d.portnum || 0 : -1;
  if (port === PortNum.TEXT_MESSAGE_APP) {
    type = "text";
    payload = textPayload(bytes);
  } else if (port === PortNum.TELEMETRY_APP) {
    type = "telemetry";
    const r = TelemetryCodec.decode(bytes);
    if (r.ok) payload = telemetryPayload(r.value);
  } else if (port === PortNum.NODEINFO_APP) {
    type = "nodeinfo";
    payload = nodeinfoPayload(bytes);
  } else if (port === PortNum.POSITION_APP) {
    type = "position";
    payload = positionPayload(bytes);
  } else if (port === PortNum.WAYPOINT_APP) {
    type = "waypoint";
    payload = waypointPayload(bytes);
  } else if (port === PortNum.NEIGHBORINFO_APP) {
    type = "neighborinfo";
    payload = neighborinfoPayload(bytes);
  } else if (port === PortNum.TRACEROUTE_APP) {
    // Only responses (request_id set) are reported; requests keep type "".
    if ((d.requestId || 0) !== 0) {
      type = "traceroute";
      payload = traceroutePayload(p, bytes, nodes);
    }
  } else if (port === PortNum.DETECTION_SENSOR_APP) {
    type = "detection";
    const o = newObject();
    put(o, "text", { kind: "string", bytes: cString(bytes) });
    payload = o;
  } else if (port === PortNum.PAXCOUNTER_APP) {
    // ESP32 builds only (#ifdef ARCH_ESP32); meshport follows the ESP32 output.
    type = "paxcounter";
    const r = PaxcountCodec.decode(bytes);
    if (r.ok) {
      const o = newObject();
      put(o, "wifi_count", u32(r.value.wifi));
      put(o, "ble_count", u32(r.value.ble));
      put(o, "uptime", u32(r.value.uptime));
      payload = o;
    }
  } else if (port === PortNum.REMOTE_HARDWARE_APP) {
    // The type names the message kind; other kinds (and undecodable ones) keep type "".
    const hw = decodeHardwareMessage(bytes);
    if (hw !== undefined && hw.type === HW_GPIOS_CHANGED) {
      type = "gpios_changed";
      const o = newObject();
      put(o, "gpio_value", u32(hw.gpioValue));
      payload = o;
    } else if (hw !== undefined && hw.type === HW_READ_GPIOS_REPLY) {
      type = "gpios_read_reply";
      const o = newObject();
      put(o, "gpio_value", u32(hw.gpioValue));
      put(o, "gpio_mask", u32(hw.gpioMask));
      payload = o;
    }
  }

  const top = newObject();
  if (payload !== undefined) put(top, "payload", payload);
  put(top, "id", u32(p.id));
  put(top, "timestamp", u32(p.rxTime));
  put(top, "to", u32(p.to));
  put(top, "from", u32(p.from));
  // The local channel index of the decoded packet (not the hash an encrypted envelope carries).
  put(top, "channel", u32(p.channel));
  put(top, "type", { kind: "string", bytes: type });
  put(top, "sender", str(nodeIdOf(gatewayNum)));
  if ((p.rxRssi | 0) !== 0) put(top, "rssi", i32(p.rxRssi));
  const snr = fround(p.rxSnr);
  if (snr !== 0) put(top, "snr", num(snr));
  // getHopsAway (NodeDB.h): known when hop_start >= hop_limit and hop_start != 0 or a bitfield is present.
  const hops = hopsAway(p.hopStart, p.hopLimit, p.decoded !== undefined && d.bitfield !== undefined);
  if (hops >= 0) {
    put(top, "hops_away", u32(hops));
    put(top, "hop_start", u32(p.hopStart));
  }
  return firmwareJsonBytes(top);
}

/**
 * The firmware 2.7 JSON text for a decoded packet (published on `<root>/2/json/<channel>/!gw`),
 * or undefined when the packet is not decoded. Same bytes as serializeJsonUplinkBytes when the
 * packet's strings are valid UTF-8.
 */
export function serializeJsonUplink(p: MeshPacketState, gatewayNum: number, nodes: NodeDb | undefined): string | undefined {
  const b = serializeJsonUplinkBytes(p, gatewayNum, nodes);
  return b === undefined ? undefined : utf8Decode(b, 0, b.length);
}
