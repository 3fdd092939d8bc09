// The modules of firmware 2.7.26 at MeshNode level: frames in, frames and deliveries out, at virtual
// time. Each test names the firmware rule it checks (src/modules/*.cpp, src/mesh/MeshModule.cpp).
import { describe, expect, it } from "vitest";
import { setRole } from "../../firmware/mesh/node-config.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { MAX_ROUTE_ENTRIES, UNKNOWN_HOP, UNKNOWN_SNR, appendHop } from "../../firmware/modules/traceroute.js";
import { PortNum, PositionCodec, Priority, RoutingCodec, RoutingError, Role, RouteDiscoveryCodec, TelemetryCodec, UserCodec } from "../../firmware/wire/index.js";
import type { Data } from "../../firmware/wire/index.js";
import { NodeBench, frameOf, header } from "../support/node-bench.js";

const US = 0x10;
const HOUR = 3600_000;
const HERE = { latitudeI: 515_000_000, longitudeI: -1_000_000, altitude: 12 };

function routingOf(p: { decoded?: { payload?: Uint8Array } }): number | undefined {
  const r = RoutingCodec.decode(p.decoded?.payload ?? new Uint8Array());
  return r.ok ? r.value.errorReason : undefined;
}

/** A node that sends its own NodeInfo (the bench default silences it). */
function nodeInfoBench(configure?: (c: Parameters<ConstructorParameters<typeof NodeBench>[0] & object>[0]) => void): NodeBench {
  return new NodeBench((c) => {
    c.sendNodeInfo = true;
    configure?.(c);
  });
}

/** A node with a fixed position that sends it. */
function positionBench(configure?: (c: Parameters<ConstructorParameters<typeof NodeBench>[0] & object>[0]) => void): NodeBench {
  return new NodeBench((c) => {
    c.sendPosition = true;
    c.position = HERE;
    c.fixedPosition = true;
    configure?.(c);
  });
}

function ofPort(b: NodeBench, port: number) {
  return b.sent.filter((s) => s.data?.portnum === port);
}

/** Holds the radio busy so that queued packets stay in the TX queue (to read their priority). */
function holdRadio(b: NodeBench): void {
  b.act((n, now) => n.handle({ type: "channel-busy", busy: true }, now));
}

describe("NodeInfoModule", () => {
  it("first NodeInfo 30 s after boot (setStartDelay), then every node_info_broadcast_secs, default 3 h", () => {
    const b = nodeInfoBench();
    b.advance(29_000);
    expect(b.sent).toEqual([]);
    b.advance(3 * HOUR + 2_000);
    const at = ofPort(b, PortNum.NODEINFO_APP).map((s) => Math.floor(s.at / 1000));
    expect(at).toHaveLength(2);
    expect(at[0]).toBe(30);
    expect(at[1]).toBe(30 + 3 * 3600);
  });

  it("periodic NodeInfo is a BACKGROUND broadcast without want_response and with user.id from the node number", () => {
    const b = nodeInfoBench((c) => (c.longName = "Hilltop relay with a long name"));
    holdRadio(b);
    b.advance(31_000);
    const q = b.node.router.queue.toArray();
    expect(q.map((p) => p.priority)).toEqual([Priority.BACKGROUND]);
    b.act((n, now) => n.handle({ type: "channel-busy", busy: false }, now));
    b.advance(5_000);
    const info = ofPort(b, PortNum.NODEINFO_APP)[0];
    expect(info.header.to).toBe(BROADCAST);
    expect(info.data?.wantResponse).toBeUndefined();
    expect(info.data?.bitfield).toBe(0);
    // No 24-character cut: the firmware keeps long_name up to its 40-byte field.
    expect(UserCodec.decode(info.data?.payload ?? new Uint8Array())).toMatchObject({ ok: true, value: { id: "!00000010", longName: "Hilltop relay with a long name" } });
  });

  it("answers a NodeInfo request with ours, want_ack copied, and no separate ACK", () => {
    const b = nodeInfoBench((c) => (c.longName = "Base"));
    b.rx(frameOf(header({ to: US, wantAck: true }), { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ id: "!00000099", longName: "Asker" }), wantResponse: true, bitfield: 2 }));
    // Less than the reply's own retransmission timeout (it wants an ACK from the asker).
    b.advance(5_000);
    expect(b.sent.map((s) => [s.data?.portnum, s.header.to, s.header.wantAck, s.data?.requestId])).toEqual([[PortNum.NODEINFO_APP, 0x99, true, 0x1234]]);
  });

  it("sends no NodeInfo within 10 minutes of the last one: a request then gets neither a reply nor NO_RESPONSE", () => {
    const b = nodeInfoBench();
    b.advance(60_000); // the periodic one went out at 30 s
    b.rx(frameOf(header({ to: US }), { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ longName: "Asker" }), wantResponse: true, bitfield: 2 }));
    b.advance(60_000);
    expect(b.sent.map((s) => s.data?.portnum)).toEqual([PortNum.NODEINFO_APP]);
    // After the window the same kind of request is answered.
    b.advance(10 * 60_000);
    b.rx(frameOf(header({ to: US, from: 0x98, relayNode: 0x98 }), { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ longName: "Other" }), wantResponse: true, bitfield: 2 }));
    b.advance(10_000);
    expect(b.sent.map((s) => [s.data?.portnum, s.header.to])).toEqual([
      [PortNum.NODEINFO_APP, BROADCAST],
      [PortNum.NODEINFO_APP, 0x98],
    ]);
  });

  it("answers a requester at most once in 12 hours (lastNodeInfoSeen), silently", () => {
    const b = nodeInfoBench();
    b.advance(31_000);
    // 0x99 is known (its broadcast NodeInfo) before it asks, so its request is remembered.
    b.rx(frameOf(header({ id: 1 }), { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ longName: "Asker" }), bitfield: 0 }));
    b.advance(11 * 60_000);
    const ask = (id: number) => b.rx(frameOf(header({ to: US, id }), { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ longName: "Asker" }), wantResponse: true, bitfield: 2 }));
    ask(2);
    b.advance(11 * 60_000);
    ask(3);
    b.advance(60_000);
    const replies = b.sent.filter((s) => s.header.to === 0x99);
    expect(replies.map((s) => s.data?.requestId)).toEqual([2]);
  });

  it("first sight: a decoded broadcast from a node without user info makes us unicast our NodeInfo with want_response", () => {
    const b = nodeInfoBench();
    b.rx(frameOf(header({}), { portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode("hi"), bitfield: 0 }));
    b.advance(10_000);
    const info = ofPort(b, PortNum.NODEINFO_APP);
    expect(info.map((s) => [s.header.to, s.data?.wantResponse, s.header.hopLimit])).toEqual([[0x99, true, 3]]);
    // It counts as our NodeInfo: the periodic one due at 30 s falls in the 10-minute window.
    b.advance(60_000);
    expect(ofPort(b, PortNum.NODEINFO_APP)).toHaveLength(1);
  });

  it("first sight is not for ROUTER, ROUTER_LATE or CLIENT_BASE, nor for a node more than hop_limit + 2 hops away", () => {
    for (const role of [Role.ROUTER, Role.ROUTER_LATE, Role.CLIENT_BASE]) {
      const b = nodeInfoBench((c) => setRole(c, role));
      b.rx(frameOf(header({}), { portnum: PortNum.TEXT_MESSAGE_APP, payload: new Uint8Array([104]), bitfield: 0 }));
      b.advance(10_000);
      expect(ofPort(b, PortNum.NODEINFO_APP), `role ${role}`).toEqual([]);
    }
    const far = nodeInfoBench();
    far.rx(frameOf(header({ hopStart: 7, hopLimit: 1 }), { portnum: PortNum.TEXT_MESSAGE_APP, payload: new Uint8Array([104]), bitfield: 0 }));
    far.advance(10_000);
    expect(ofPort(far, PortNum.NODEINFO_APP)).toEqual([]);
  });

  it("a NodeInfo whose is_licensed differs from ours stops the chain: not stored, relayed or delivered", () => {
    const b = nodeInfoBench();
    b.rx(frameOf(header({}), { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ longName: "Ham", isLicensed: true }), bitfield: 0 }));
    b.advance(60_000);
    expect(b.node.nodes.get(0x99)?.user).toBeUndefined();
    expect(b.heard()).toEqual([]);
    expect(b.sent.filter((s) => s.header.from === 0x99)).toEqual([]);
  });

  it("a NodeInfo we relay carries user.id = !<from> (alterReceived)", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({}), { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ id: "!deadbeef", longName: "Liar" }), bitfield: 0 }));
    b.advance(30_000);
    const relay = b.sent.find((s) => s.header.from === 0x99);
    expect(UserCodec.decode(relay?.data?.payload ?? new Uint8Array())).toMatchObject({ ok: true, value: { id: "!00000099", longName: "Liar" } });
  });

  it("a NodeInfo payload that does not decode is neither relayed nor delivered (ProtobufModule STOP)", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({}), { portnum: PortNum.NODEINFO_APP, payload: new Uint8Array([0x0a, 0x50]), bitfield: 0 }));
    b.advance(30_000);
    expect(b.sent).toEqual([]);
    expect(b.delivered).toEqual([]);
  });
});

describe("PositionModule", () => {
  it("first position at 45 s on the default channel (precision 13), then hourly, BACKGROUND", () => {
    const b = positionBench();
    holdRadio(b);
    b.advance(44_000);
    expect(b.node.router.queue.size).toBe(0);
    b.advance(2_000);
    expect(b.node.router.queue.toArray().map((p) => p.priority)).toEqual([Priority.BACKGROUND]);
    b.act((n, now) => n.handle({ type: "channel-busy", busy: false }, now));
    b.advance(2 * HOUR);
    const pos = ofPort(b, PortNum.POSITION_APP);
    expect(pos.map((s) => Math.floor(s.at / 1000))).toEqual([46, 45 + 3600, 45 + 7200]);
    const p = PositionCodec.decode(pos[0].data?.payload ?? new Uint8Array());
    if (!p.ok) throw new Error(p.error.message);
    // Truncated to 13 bits and centred; the factory position_flags add altitude, speed, heading, DOP, satellites.
    const mask = (0xffffffff << 19) >>> 0;
    expect(p.value).toMatchObject({ latitudeI: (((HERE.latitudeI & mask) >>> 0) + (1 << 18)) | 0, precisionBits: 13, altitude: 12, locationSource: 1, groundSpeed: 0, groundTrack: 0 });
  });

  it("a position interval below 1 h on a default channel is raised to 1 h; on a private channel it is kept", () => {
    const dflt = positionBench((c) => (c.positionBroadcastSecs = 900));
    dflt.advance(2 * HOUR);
    expect(ofPort(dflt, PortNum.POSITION_APP)).toHaveLength(2);
    const own = positionBench((c) => {
      c.positionBroadcastSecs = 900;
      c.channels[0].psk = new Uint8Array(16).fill(7);
    });
    own.advance(2 * HOUR);
    // Encrypted with another key: count the frames, not their contents.
    expect(own.sent.length).toBe(8);
  });

  it("a ROUTER sends its position every 12 hours", () => {
    const b = positionBench((c) => setRole(c, Role.ROUTER));
    b.advance(13 * HOUR);
    expect(ofPort(b, PortNum.POSITION_APP).map((s) => Math.round(s.at / HOUR))).toEqual([0, 12]);
  });

  it("goes on the first channel with a non-zero precision, and nowhere when none has one", () => {
    const none = positionBench((c) => (c.channels[0].positionPrecision = 0));
    none.advance(2 * HOUR);
    expect(none.sent).toEqual([]);
  });

  it("smart broadcast compares positions cut to the channel precision and waits at least 5 minutes", () => {
    const b = positionBench();
    b.advance(50_000);
    expect(ofPort(b, PortNum.POSITION_APP)).toHaveLength(1);
    // 300 m north stays in the same 13-bit cell (about 2.4 km): no smart broadcast.
    b.node.config.position = { ...HERE, latitudeI: HERE.latitudeI + 27_000 };
    b.advance(10 * 60_000);
    expect(ofPort(b, PortNum.POSITION_APP)).toHaveLength(1);
    // Into the next cell: sent, but not before 300 s after the last one.
    b.node.config.position = { ...HERE, latitudeI: HERE.latitudeI + 600_000 };
    b.advance(10 * 60_000);
    const sent = ofPort(b, PortNum.POSITION_APP);
    expect(sent).toHaveLength(2);
    expect(sent[1].at - sent[0].at).toBeGreaterThanOrEqual(300_000);
  });

  it("a position blocked by channel utilisation above 25 % is retried on the module's next 5 s run", () => {
    const b = positionBench();
    // 20 s of reception in the minute before 45 s: 33 % channel utilisation until it ages out.
    b.node.timing.recordRx(20_000, 40_000);
    b.advance(50_000);
    expect(ofPort(b, PortNum.POSITION_APP)).toEqual([]);
    b.advance(60_000);
    const at = ofPort(b, PortNum.POSITION_APP).map((s) => s.at);
    expect(at).toHaveLength(1);
    expect(at[0]).toBeLessThan(105_000);
  });

  it("a request is answered at most every 3 minutes; without a position it gets NO_RESPONSE", () => {
    const none = new NodeBench((c) => (c.sendPosition = true));
    none.rx(frameOf(header({ to: US }), { portnum: PortNum.POSITION_APP, payload: PositionCodec.encode({}), wantResponse: true, bitfield: 2 }));
    none.advance(10_000);
    expect(none.sent.map((s) => [s.data?.portnum, routingOf({ decoded: s.data })])).toEqual([[PortNum.ROUTING_APP, RoutingError.NO_RESPONSE]]);
    const b = positionBench((c) => (c.positionBroadcastSecs = 24 * 3600));
    b.advance(60_000);
    const ask = (id: number) => b.rx(frameOf(header({ to: US, id }), { portnum: PortNum.POSITION_APP, payload: PositionCodec.encode({}), wantResponse: true, bitfield: 2 }));
    ask(1);
    b.advance(60_000);
    ask(2);
    b.advance(60_000);
    expect(b.sent.filter((s) => s.header.to === 0x99).map((s) => [s.data?.portnum, s.data?.requestId])).toEqual([[PortNum.POSITION_APP, 1]]);
  });

  it("a position claiming to be from us heard on the air stops the chain: not delivered (other ports are)", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ from: US, id: 77 }), { portnum: PortNum.POSITION_APP, payload: PositionCodec.encode({ latitudeI: 1, longitudeI: 2 }), bitfield: 0 }));
    b.rx(frameOf(header({ from: US, id: 78 }), { portnum: PortNum.TEXT_MESSAGE_APP, payload: new Uint8Array([104]), bitfield: 0 }));
    b.advance(30_000);
    expect(b.delivered.map((p) => p.id)).toEqual([78]);
    expect(b.node.config.position).toBeUndefined();
  });
});

describe("DeviceTelemetryModule", () => {
  it("sends nothing by default (device_telemetry_enabled off since 2.7.13)", () => {
    const b = new NodeBench();
    b.advance(3 * HOUR);
    expect(b.sent).toEqual([]);
  });

  it("enabled: first at 60 s, then every interval (raised to 30 min on a default channel), BACKGROUND, metrics of this node", () => {
    const b = new NodeBench((c) => {
      c.deviceTelemetryEnabled = true;
      c.telemetryIntervalSecs = 600;
    });
    b.advance(61 * 60_000 + 2_000);
    const t = ofPort(b, PortNum.TELEMETRY_APP);
    expect(t.map((s) => Math.round(s.at / 60_000))).toEqual([1, 31, 61]);
    const m = TelemetryCodec.decode(t[0].data?.payload ?? new Uint8Array());
    expect(m.ok && m.value.deviceMetrics).toMatchObject({ batteryLevel: 101, uptimeSeconds: 60 });
  });

  it("answers a device-metrics request with ours and a LocalStats request with our counters", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ to: US, id: 1 }), { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ deviceMetrics: {} }), wantResponse: true, bitfield: 2 }));
    b.rx(frameOf(header({ to: US, id: 2 }), { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ localStats: {} }), wantResponse: true, bitfield: 2 }));
    b.advance(20_000);
    const replies = b.sent.map((s) => TelemetryCodec.decode(s.data?.payload ?? new Uint8Array()));
    expect(replies.map((r) => r.ok && (r.value.deviceMetrics !== undefined ? "device" : r.value.localStats !== undefined ? "local" : "?"))).toEqual(["device", "local"]);
    const local = replies[1].ok ? replies[1].value.localStats : undefined;
    expect(local).toMatchObject({ numPacketsRx: 2, numTotalNodes: 2 });
  });
});

describe("TraceRouteModule", () => {
  it("pads unknown hops and their SNRs (only when the hop count is known) before appending this hop", () => {
    const r = appendHop({ route: [0x11], snrTowards: [20] }, 3, -2.5, 0x33, true, false);
    expect(r.route).toEqual([0x11, UNKNOWN_HOP, UNKNOWN_HOP, 0x33]);
    expect(r.snrTowards).toEqual([20, UNKNOWN_SNR, UNKNOWN_SNR, -10]);
    const unknown = appendHop({ route: [0x11], snrTowards: [] }, -1, 1, 0x33, true, false);
    expect(unknown).toMatchObject({ route: [0x11, 0x33], snrTowards: [4] });
  });

  it("holds at most 8 hops", () => {
    const full = { route: [1, 2, 3, 4, 5, 6, 7, 8], snrTowards: [1, 2, 3, 4, 5, 6, 7, 8] };
    const r = appendHop(full, 0, 1, 0x33, true, false);
    expect(r.route).toHaveLength(MAX_ROUTE_ENTRIES);
    expect(r.snrTowards).toHaveLength(MAX_ROUTE_ENTRIES);
  });

  it("a broadcast traceroute heard directly is answered; one that took hops is ignored without NO_RESPONSE", () => {
    const data: Data = { portnum: PortNum.TRACEROUTE_APP, payload: new Uint8Array(), wantResponse: true, bitfield: 2 };
    const direct = new NodeBench();
    direct.rx(frameOf(header({ hopLimit: 0, hopStart: 0 }), data));
    direct.advance(30_000);
    expect(direct.sent.map((s) => [s.data?.portnum, s.header.to, s.data?.requestId])).toEqual([[PortNum.TRACEROUTE_APP, 0x99, 0x1234]]);
    const multi = new NodeBench();
    multi.rx(frameOf(header({ hopLimit: 1, hopStart: 3 }), data));
    multi.advance(30_000);
    // Only the relay of the request itself.
    expect(multi.sent.map((s) => [s.header.from, s.data?.portnum])).toEqual([[0x99, PortNum.TRACEROUTE_APP]]);
  });

  it("a traceroute reply teaches next hops from its route (updateNextHops)", () => {
    const b = new NodeBench();
    for (const n of [0x21, 0x22, 0x99]) b.node.nodes.getOrCreate(n);
    const reply = RouteDiscoveryCodec.encode({ route: [0x21, 0x22], snrTowards: [4, 4, 4] });
    b.rx(frameOf(header({ to: US, relayNode: 0x22, hopLimit: 1, hopStart: 3 }), { portnum: PortNum.TRACEROUTE_APP, payload: reply, requestId: 0x777, bitfield: 0 }));
    expect([0x21, 0x22, 0x99].map((n) => b.node.nodes.get(n)?.nextHop)).toEqual([0x21, 0x21, 0x21]);
  });
});

describe("TextMessageModule", () => {
  it("a text it handled is a duplicate by id even after the packet history forgot it (recentlySeen)", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ id: 0xabc }), { portnum: PortNum.TEXT_MESSAGE_APP, payload: new Uint8Array([104]), bitfield: 0 }));
    b.node.router.history.clear();
    b.rx(frameOf(header({ id: 0xabc, from: 0x98, relayNode: 0x98 }), { portnum: PortNum.TEXT_MESSAGE_APP, payload: new Uint8Array([105]), bitfield: 0 }));
    expect(b.delivered.map((p) => p.from)).toEqual([0x99]);
    expect(b.node.router.stats.rxDupe).toBe(1);
  });
});
