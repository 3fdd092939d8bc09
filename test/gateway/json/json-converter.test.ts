// Cross-check of the uplink JSON with the official off-device converter's rules (meshtastic/
// mqtt-converter, spec meshtastic-wire.md 5.14), with the payloads decoded by the official
// @meshtastic/protobufs package instead of our codecs. Where the converter and the firmware agree
// (key names and sets, presence rules, values), JSON.parse of our text must equal the converter's
// object; floats are compared as float32, since the firmware prints 15 digits and Python prints the
// shortest repr, and both name the same float32. The differences 5.14 lists are asserted
// separately below, showing that we follow the firmware.
import { create, fromBinary, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { Mesh, Telemetry } from "@meshtastic/protobufs";
import { describe, expect, it } from "vitest";
import { utf8Decode } from "../../../firmware/bytes/utf8.js";
import { nodeIdOf } from "../../../firmware/gateway/node-id.js";
import { serializeJsonUplink } from "../../../firmware/gateway/json-uplink.js";
import type { MeshPacketState } from "../../../firmware/mesh/packet.js";
import { PortNum } from "../../../firmware/wire/enums.js";
import {
  GATEWAY,
  deviceData,
  environmentData,
  neighborinfoData,
  nodeinfoData,
  packet,
  positionData,
  routeNodes,
  text,
  tracerouteReply,
  waypointData,
} from "./fixtures.js";

type Obj = Record<string, unknown>;

function decodeOfficial(schema: DescMessage, bytes: Uint8Array): Obj {
  return fromBinary(schema, bytes) as unknown as Obj;
}

function putNonZero(o: Obj, key: string, v: unknown): void {
  if (typeof v === "number" && v !== 0) o[key] = v;
}

/** The converter's JSON object for a decoded packet (its rules where they match the firmware's). */
function converterView(p: MeshPacketState): Obj | undefined {
  const d = p.decoded;
  if (d === undefined) return undefined;
  const bytes = d.payload ?? new Uint8Array(0);
  const out: Obj = { id: p.id, timestamp: p.rxTime, to: p.to, from: p.from, channel: p.channel, sender: nodeIdOf(GATEWAY) };
  if (p.rxRssi !== 0) out.rssi = p.rxRssi;
  if (p.rxSnr !== 0) out.snr = Math.fround(p.rxSnr);
  if (p.hopStart !== 0 && p.hopLimit <= p.hopStart) {
    out.hops_away = p.hopStart - p.hopLimit;
    out.hop_start = p.hopStart;
  }
  let type = "";
  let payload: unknown;
  switch (d.portnum) {
    case PortNum.TEXT_MESSAGE_APP: {
      type = "text";
      const s = utf8Decode(bytes, 0, bytes.length);
      try {
        payload = JSON.parse(s);
      } catch {
        payload = { text: s };
      }
      break;
    }
    case PortNum.POSITION_APP: {
      type = "position";
      const pos = decodeOfficial(Mesh.PositionSchema, bytes);
      const o: Obj = { latitude_i: pos.latitudeI ?? 0, longitude_i: pos.longitudeI ?? 0 };
      putNonZero(o, "time", pos.time);
      putNonZero(o, "timestamp", pos.timestamp);
      putNonZero(o, "altitude", pos.altitude);
      putNonZero(o, "ground_speed", pos.groundSpeed);
      putNonZero(o, "ground_track", pos.groundTrack);
      putNonZero(o, "sats_in_view", pos.satsInView);
      putNonZero(o, "PDOP", pos.PDOP);
      putNonZero(o, "HDOP", pos.HDOP);
      putNonZero(o, "VDOP", pos.VDOP);
      putNonZero(o, "precision_bits", pos.precisionBits);
      payload = o;
      break;
    }
    case PortNum.NODEINFO_APP: {
      type = "nodeinfo";
      const u = decodeOfficial(Mesh.UserSchema, bytes);
      payload = { id: u.id, longname: u.longName, shortname: u.shortName, hardware: u.hwModel, role: u.role };
      break;
    }
    case PortNum.TELEMETRY_APP: {
      type = "telemetry";
      const t = decodeOfficial(Telemetry.TelemetrySchema, bytes) as { variant: { case: string | undefined; value: Obj } };
      const o: Obj = {};
      const v = t.variant.value;
      if (t.variant.case === "deviceMetrics") {
        if (v.batteryLevel !== undefined) o.battery_level = v.batteryLevel;
        o.voltage = v.voltage ?? 0;
        o.channel_utilization = v.channelUtilization ?? 0;
        o.air_util_tx = v.airUtilTx ?? 0;
        o.uptime_seconds = v.uptimeSeconds ?? 0;
      } else if (t.variant.case === "environmentMetrics") {
        const names: [string, string][] = [
          ["temperature", "temperature"],
          ["relativeHumidity", "relative_humidity"],
          ["barometricPressure", "barometric_pressure"],
          ["iaq", "iaq"],
          ["windDirection", "wind_direction"],
          ["soilMoisture", "soil_moisture"],
          ["rainfall1h", "rainfall_1h"],
        ];
        for (const [from, to] of names) if (v[from] !== undefined) o[to] = v[from];
      }
      payload = o;
      break;
    }
    case PortNum.WAYPOINT_APP: {
      type = "waypoint";
      const w = decodeOfficial(Mesh.WaypointSchema, bytes);
      payload = {
        id: w.id,
        name: w.name,
        description: w.description,
        expire: w.expire,
        locked_to: w.lockedTo,
        latitude_i: w.latitudeI ?? 0,
        longitude_i: w.longitudeI ?? 0,
      };
      break;
    }
    case PortNum.NEIGHBORINFO_APP: {
      type = "neighborinfo";
      const n = decodeOfficial(Mesh.NeighborInfoSchema, bytes) as Obj & { neighbors: Obj[] };
      payload = {
        node_id: n.nodeId,
        node_broadcast_interval_secs: n.nodeBroadcastIntervalSecs,
        last_sent_by_id: n.lastSentById,
        neighbors_count: n.neighbors.length,
        neighbors: n.neighbors.map((x) => ({ node_id: x.nodeId, snr: Math.trunc(x.snr as number) })),
      };
      break;
    }
    default:
      return undefined;
  }
  out.type = type;
  out.payload = payload;
  return out;
}

/** Deep equality where non-integer numbers only need to name the same float32. */
function sameValues(ours: unknown, theirs: unknown, path: string): void {
  if (typeof theirs === "number" && typeof ours === "number" && !Number.isInteger(theirs)) {
    expect(Math.fround(ours), path).toBe(Math.fround(theirs));
    return;
  }
  if (theirs !== null && typeof theirs === "object") {
    expect(ours !== null && typeof ours === "object", path).toBe(true);
    const a = ours as Obj;
    const b = theirs as Obj;
    expect(Object.keys(a).sort(), path).toEqual(Object.keys(b).sort());
    for (const k of Object.keys(b)) sameValues(a[k], b[k], path + "." + k);
    return;
  }
  expect(ours, path).toBe(theirs);
}

function heard(p: MeshPacketState): MeshPacketState {
  p.rxRssi = -97;
  p.rxSnr = 5.3;
  p.hopStart = 3;
  p.hopLimit = 1;
  return p;
}

const SAMPLES: [string, MeshPacketState][] = [
  ["text", heard(packet(text("Grüße / \"hi\"")))],
  ["text that is JSON", heard(packet(text('{"t":21.5,"ok":true,"list":[1,"a/b"]}')))],
  ["position", heard(packet(positionData))],
  ["nodeinfo", heard(packet(nodeinfoData))],
  ["device metrics", heard(packet(deviceData))],
  ["environment metrics", heard(packet(environmentData))],
  ["waypoint", heard(packet(waypointData))],
  ["neighborinfo", heard(packet(neighborinfoData))],
];

describe("agrees with the official converter's rules where they match the firmware", () => {
  for (const [name, p] of SAMPLES) {
    it(name, () => {
      const ours = serializeJsonUplink(p, GATEWAY, undefined) as string;
      sameValues(JSON.parse(ours), converterView(p), name);
    });
  }

  it("keys are sorted at every level in both", () => {
    for (const [, p] of SAMPLES) {
      const check = (v: unknown): void => {
        if (v === null || typeof v !== "object") return;
        if (!Array.isArray(v)) expect(Object.keys(v)).toEqual(Object.keys(v).sort());
        for (const x of Object.values(v)) check(x);
      };
      check(JSON.parse(serializeJsonUplink(p, GATEWAY, undefined) as string));
    }
  });

  it("paxcounter and remote hardware decode the official encodings", async () => {
    // These namespaces are not in the local type declarations; load them untyped.
    const spec: string = "@meshtastic/protobufs";
    const mod = (await import(spec)) as Record<string, Record<string, DescMessage>>;
    const pax = toBinary(mod.PaxCount.PaxcountSchema, create(mod.PaxCount.PaxcountSchema, { wifi: 3, ble: 4, uptime: 70000 } as never));
    const s1 = serializeJsonUplink(packet({ portnum: PortNum.PAXCOUNTER_APP, payload: pax }), GATEWAY, undefined) as string;
    expect(JSON.parse(s1).payload).toEqual({ wifi_count: 3, ble_count: 4, uptime: 70000 });
    const hwSchema = mod.RemoteHardware.HardwareMessageSchema;
    const hw = toBinary(hwSchema, create(hwSchema, { type: 5, gpioMask: 0x1ffn, gpioValue: 0x1_0000_0101n } as never));
    const s2 = serializeJsonUplink(packet({ portnum: PortNum.REMOTE_HARDWARE_APP, payload: hw }), GATEWAY, undefined) as string;
    expect(JSON.parse(s2)).toMatchObject({ type: "gpios_read_reply", payload: { gpio_mask: 0x1ff, gpio_value: 0x101 } });
  });
});

describe("where the firmware and the converter differ (5.14), we follow the firmware", () => {
  it("numbers: 15 significant digits, no fraction on whole values (the converter prints Python repr)", () => {
    const s = serializeJsonUplink(heard(packet(deviceData)), GATEWAY, undefined) as string;
    expect(s).toContain('"voltage":4.19999980926514');
    expect(s).not.toContain("4.199999809265137");
    const t = serializeJsonUplink(packet(text("-17.0")), GATEWAY, undefined) as string;
    expect(t).toContain('"payload":-17,');
  });

  it("escaping: `/` as `\\/` and raw UTF-8 (the converter writes `/` and \\uXXXX)", () => {
    const s = serializeJsonUplink(packet(text("a/ü😀")), GATEWAY, undefined) as string;
    expect(s).toContain('{"text":"a\\/ü😀"}');
  });

  it("channel: the local index (the converter copies the envelope's field, the hash when encrypted)", () => {
    const p = packet(text("x"));
    p.channel = 2;
    expect(JSON.parse(serializeJsonUplink(p, GATEWAY, undefined) as string).channel).toBe(2);
  });

  it("hops: also with hop_start 0 when the packet has a bitfield (the converter needs hop_start != 0)", () => {
    const p = packet({ ...text("x"), bitfield: 1 });
    const ours = JSON.parse(serializeJsonUplink(p, GATEWAY, undefined) as string);
    expect(ours.hops_away).toBe(0);
    expect(ours.hop_start).toBe(0);
    expect(converterView(p)?.hops_away).toBeUndefined();
  });

  it("unlisted ports and traceroute requests: published with type \"\" (the converter publishes nothing)", () => {
    const r = JSON.parse(serializeJsonUplink(packet({ portnum: PortNum.ROUTING_APP }), GATEWAY, undefined) as string);
    expect(r.type).toBe("");
    expect(r.payload).toBeUndefined();
    expect(converterView(packet({ portnum: PortNum.ROUTING_APP }))).toBeUndefined();
  });

  it("traceroute: long names from the node DB (the converter lists !xxxxxxxx ids)", () => {
    const r = JSON.parse(serializeJsonUplink(tracerouteReply(), GATEWAY, routeNodes()) as string);
    expect(r.payload.route).toEqual(["Requester", "Relay/One", "Responder"]);
  });

  it("text: cut at the first NUL; TRUE/Null accepted as JSON", () => {
    const a = JSON.parse(serializeJsonUplink(packet(text("ab\u0000cd")), GATEWAY, undefined) as string);
    expect(a.payload).toEqual({ text: "ab" });
    const b = JSON.parse(serializeJsonUplink(packet(text("[TRUE, Null]")), GATEWAY, undefined) as string);
    expect(b.payload).toEqual([true, null]);
  });
});
