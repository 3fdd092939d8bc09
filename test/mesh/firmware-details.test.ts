// Firmware 2.7.26 details at MeshNode level, beyond the scenario list: NodeInfo, position
// and telemetry rules, the radio's receive path, NodeDB order, time from the mesh, key edge cases
// and the admin module's refusals, each against the firmware lines it follows.
import { describe, expect, it } from "vitest";
import { setRole } from "../../firmware/mesh/node-config.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import type { MeshNode } from "../../firmware/node.js";
import { sendRequest } from "../../firmware/node-events.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { LocSource, PortNum, PositionCodec, Role, RoutingCodec, RoutingError, TelemetryCodec, UserCodec } from "../../firmware/wire/index.js";
import type { Data } from "../../firmware/wire/index.js";
import { x25519 } from "../support/gateway-bench.js";
import { NodeBench, frameOf, header } from "../support/node-bench.js";
import { EPOCH, HERE, US, factoryBench, routing, text } from "../support/factory-bench.js";

describe("NodeInfo, position and telemetry details", () => {
  const nodeInfoFrom = (from: number, to: number, u: Uint8Array, wantResponse = false, id = 0x700) =>
    frameOf(header({ from, to, relayNode: from, id }), { portnum: PortNum.NODEINFO_APP, payload: u, wantResponse: wantResponse || undefined, bitfield: 0 });

  it("a refused shorter-timeout NodeInfo keeps the 60 s window for the next reply (NodeInfoModule.cpp 93, 116-117)", () => {
    const b = factoryBench();
    b.node.nodes.getOrCreate(0x99).user = { longName: "Peer", publicKey: x25519().pub };
    b.node.nodes.getOrCreate(0x98).user = { longName: "Asker" };
    b.advance(50_000);
    // 20 s after our NodeInfo: the answer to this NAK is refused (60 s window) and the window stays.
    b.rx(frameOf(header({ to: US }), { portnum: PortNum.ROUTING_APP, payload: RoutingCodec.encode({ errorReason: RoutingError.PKI_UNKNOWN_PUBKEY }), requestId: 0x77, bitfield: 0 }));
    b.advance(50_000);
    // 70 s after our NodeInfo a request is answered: the 10-minute window would have refused it.
    b.rx(nodeInfoFrom(0x98, US, UserCodec.encode({ longName: "Asker" }), true));
    b.advance(10_000);
    const info = b.sent.filter((s) => s.data?.portnum === PortNum.NODEINFO_APP).map((s) => [s.header.to, Math.floor(s.at / 1000)]);
    expect(info).toEqual([
      [BROADCAST, 30],
      [0x98, 100],
    ]);
  });

  it("a User the firmware's nanopb refuses is not stored, relayed or delivered: bad UTF-8, a 3-byte macaddr (PB_VALIDATE_UTF8)", () => {
    const b = new NodeBench();
    b.rx(nodeInfoFrom(0x97, BROADCAST, new Uint8Array([0x12, 0x02, 0xc3, 0x28]), false, 1));
    b.rx(nodeInfoFrom(0x96, BROADCAST, UserCodec.encode({ longName: "Mac", macaddr: new Uint8Array([1, 2, 3]) }), false, 2));
    b.advance(30_000);
    expect([b.node.nodes.get(0x97)?.user, b.node.nodes.get(0x96)?.user]).toEqual([undefined, undefined]);
    expect(b.sent.filter((s) => s.header.from !== US)).toEqual([]);
    expect(b.heard()).toEqual([]);
  });

  it("a relayed User is re-encoded: names end at a NUL, and macaddr is always 6 bytes (a fixed-length field)", () => {
    const b = new NodeBench();
    b.rx(nodeInfoFrom(0x95, BROADCAST, UserCodec.encode({ longName: "ab\u0000cd", shortName: "ab" }), false, 3));
    b.advance(30_000);
    expect(b.node.nodes.get(0x95)?.user?.longName).toBe("ab");
    const relay = b.sentOf(0x95, 3)[0];
    const u = UserCodec.decode(relay.data?.payload ?? new Uint8Array());
    expect(u.ok && [u.value.id, u.value.longName, Array.from(u.value.macaddr ?? [])]).toEqual(["!00000095", "ab", [0, 0, 0, 0, 0, 0]]);
  });

  it("our app's broadcast goes on the air as the modules altered it: a NodeInfo gets our user.id (Router.cpp 258-260)", () => {
    const b = new NodeBench();
    b.act((n, now) => n.send(sendRequest(BROADCAST, PortNum.NODEINFO_APP, UserCodec.encode({ id: "!bogus", longName: "Mine" }), 0), now));
    b.advance(10_000);
    const u = UserCodec.decode(b.sent[0].data?.payload ?? new Uint8Array());
    expect(u.ok && u.value.id).toBe("!00000010");
  });

  it("with a fixed position our app's position only sets the time (PositionModule.cpp 71-83); without, it replaces ours and our NodeDB entry", () => {
    const app = (n: MeshNode, now: number) => n.send(sendRequest(BROADCAST, PortNum.POSITION_APP, PositionCodec.encode({ latitudeI: 1, longitudeI: 2, time: 123 }), 0), now);
    const fixed = new NodeBench((c) => {
      c.position = HERE;
      c.fixedPosition = true;
    });
    fixed.act(app);
    expect(fixed.node.config.position).toMatchObject({ ...HERE, time: 123 });
    const moving = new NodeBench((c) => (c.position = HERE));
    moving.act(app);
    expect(moving.node.config.position).toMatchObject({ latitudeI: 1, longitudeI: 2, time: 123 });
    expect(moving.node.nodes.self.position).toMatchObject({ latitudeI: 1, longitudeI: 2 });
  });

  it("our app's position replaces our seq_number; with a fixed position its time also becomes our timestamp (NodeDB.h 275-281)", () => {
    const flags = (c: NodeConfig) => (c.positionFlags |= 64 | 128); // SEQ_NO, TIMESTAMP
    const app = (seqNumber: number) => (n: MeshNode, now: number) =>
      n.send(sendRequest(BROADCAST, PortNum.POSITION_APP, PositionCodec.encode({ latitudeI: 1, longitudeI: 2, time: 777, seqNumber }), 0), now);
    const moving = new NodeBench((c) => {
      flags(c);
      c.sendPosition = true;
      c.position = HERE;
    });
    moving.advance(50_000);
    moving.act(app(40));
    moving.act((n, now) => n.position.sendOurPosition(BROADCAST, false, 0, now));
    moving.advance(10_000);
    const last = moving.sent.filter((s) => s.data?.portnum === PortNum.POSITION_APP).pop();
    const pos = PositionCodec.decode(last?.data?.payload ?? new Uint8Array());
    expect(pos.ok && pos.value.seqNumber).toBe(41);
    const fixed = new NodeBench((c) => {
      c.position = HERE;
      c.fixedPosition = true;
    });
    fixed.act(app(0));
    expect(fixed.node.config.position).toMatchObject({ ...HERE, time: 777, timestamp: 777 });
  });

  it("a NodeInfo differing only in its MAC is a changed user: the online count is taken again (NodeDB.cpp 1889-1903)", () => {
    const b = new NodeBench(undefined, US, undefined, 7, { epochMs: EPOCH });
    const info = (mac: number, id: number) => frameOf(header({ id }), { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ longName: "Same", macaddr: new Uint8Array(6).fill(mac) }), bitfield: 0 });
    b.rx(info(1, 1));
    const first = b.node.nodes.onlineSnapshot;
    b.advance(1_000);
    b.rx(info(2, 2));
    expect(Array.from(b.node.nodes.get(0x99)?.user?.macaddr ?? [])).toEqual([2, 2, 2, 2, 2, 2]);
    // 0x99 was marked heard after the first NodeInfo was stored: only the second count includes it.
    expect(b.node.nodes.onlineSnapshot).toBe(first + 1);
  });

  it("telemetry off: the metrics and LocalStats go once to the app, the metrics into our own NodeDB entry; a reply reports the uptime of the last run", () => {
    const b = new NodeBench();
    b.advance(60_000);
    const toApp = () => b.delivered.filter((p) => p.from === US && p.decoded?.portnum === PortNum.TELEMETRY_APP).map((p) => TelemetryCodec.decode(p.decoded?.payload ?? new Uint8Array()));
    expect(toApp().map((t) => t.ok && [t.value.deviceMetrics !== undefined, t.value.localStats !== undefined])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(b.node.nodes.self.deviceMetrics?.uptimeSeconds).toBe(60);
    b.advance(30_000);
    b.rx(frameOf(header({ to: US }), { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ deviceMetrics: {} }), wantResponse: true, bitfield: 2 }));
    b.advance(10_000);
    const reply = TelemetryCodec.decode(b.sent.find((s) => s.data?.portnum === PortNum.TELEMETRY_APP)?.data?.payload ?? new Uint8Array());
    expect(reply.ok && reply.value.deviceMetrics?.uptimeSeconds).toBe(60);
    // No phone: the queue now holds that packet, so no more phone-only metrics (MeshService toPhoneQueue).
    b.advance(10 * 60_000);
    expect(toApp()).toHaveLength(2);
  });

  it("our short name is cut to 4 bytes; is_unmessagable, set by a role, stays when the role changes again (NodeDB.cpp 949-987)", () => {
    const b = factoryBench((c) => {
      c.shortName = "ÄÖÜ";
      setRole(c, Role.ROUTER);
      setRole(c, Role.CLIENT);
    });
    b.advance(31_000);
    const u = UserCodec.decode(b.sent[0].data?.payload ?? new Uint8Array());
    expect(u.ok && [u.value.shortName, u.value.isUnmessagable]).toEqual(["ÄÖ", true]);
  });
});

describe("the radio's receive path (RadioLibInterface.cpp 531-625, 372-375)", () => {
  it("a frame from node 0 counts as good, books no airtime and goes no further", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ from: 0 }), text("x".repeat(200))));
    expect(b.node.router.stats.rxGood).toBe(1);
    expect(b.node.router.stats.drops["from-zero"]).toBe(1);
    expect(b.node.channelUtilization(b.now)).toBe(0);
    expect(b.heard()).toEqual([]);
  });

  it("a CRC error is a bad frame whose airtime counts toward channel utilisation", () => {
    const b = new NodeBench();
    b.act((n, now) => n.handle({ type: "radio-rx-error", lengthBytes: 255 }, now));
    expect(b.node.localStats().rxBad).toBe(1);
    // 255 bytes at LONG_FAST: 2156 ms of the minute's 60,000.
    expect(b.node.channelUtilization(b.now)).toBeCloseTo(3.593, 2);
  });

  it("the transmit delay after a frame is drawn with that frame's airtime already counted", () => {
    // 19.8 % utilisation, then a 34-byte frame: 20.7 %, past the 20 % step to a 16-slot window.
    let latest = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const b = new NodeBench(undefined, US, undefined, seed);
      b.node.timing.recordRx(11_900, 0);
      b.act((n, now) => n.sendText(BROADCAST, "x", 0, false, now));
      b.rx(frameOf(header({ hopLimit: 0 }), text("y".repeat(10))));
      b.advance(5_000);
      latest = Math.max(latest, b.sent[0].at);
    }
    // The 8-slot window drawn before the frame counted (3 bits) would end by 196 ms.
    expect(latest).toBeGreaterThan(196);
  });
});

describe("NodeDB order and eviction (NodeDB.cpp 2027-2055, 2091-2142)", () => {
  it("the NodeDB is kept most recently heard first; when full, a node with no key at all goes before an older one with a short key", () => {
    const b = new NodeBench(undefined, US, undefined, 7, { epochMs: EPOCH, maxNodes: 3 });
    const hear = (from: number, id: number, data: Data) => b.rx(frameOf(header({ from, relayNode: from, id, hopLimit: 0, hopStart: 0 }), data));
    hear(0x51, 1, { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ longName: "Short key", publicKey: new Uint8Array(16).fill(3) }), bitfield: 0 });
    b.advance(10_000);
    hear(0x52, 2, text("no user"));
    expect(b.node.nodes.list().map((n) => n.num)).toEqual([0x52, 0x51]);
    b.advance(10_000);
    hear(0x53, 3, text("new"));
    // 0x51 is the oldest, but it has a key (16 bytes is still public_key.size != 0): 0x52 goes.
    expect(b.node.nodes.list().map((n) => n.num)).toEqual([0x53, 0x51]);
    expect(b.node.nodes.stats.evicted).toBe(1);
  });
});

describe("time from the mesh (PositionModule::trySetRtc, RTC.cpp perhapsSetRTC)", () => {
  const T = 1_790_000_000; // 2026-09, after the 2.7.26 build epoch
  const positionFrom = (from: number, id: number, locationSource: number) =>
    frameOf(header({ from, relayNode: from, id }), { portnum: PortNum.POSITION_APP, payload: PositionCodec.encode({ latitudeI: 1, longitudeI: 2, time: T, locationSource }), bitfield: 0 });

  it("a node without a clock takes a GPS neighbour's position time (FromNet), not a manual one; its own positions still carry no time", () => {
    const b = new NodeBench((c) => {
      c.sendPosition = true;
      c.position = HERE;
    });
    b.rx(positionFrom(0x98, 1, LocSource.LOC_MANUAL));
    expect(b.node.clock.validTime(b.now)).toBe(0);
    b.advance(10_000);
    b.rx(positionFrom(0x99, 2, LocSource.LOC_INTERNAL));
    expect(b.node.clock.validTime(b.now)).toBe(T);
    b.advance(5_000);
    b.rx(frameOf(header({ from: 0x97, relayNode: 0x97, id: 3 }), text("later")));
    expect(b.node.nodes.get(0x97)?.lastHeard).toBe(T + 5);
    b.advance(60_000);
    const ours = b.sent.filter((s) => s.header.from === US && s.data?.portnum === PortNum.POSITION_APP);
    const pos = PositionCodec.decode(ours[0].data?.payload ?? new Uint8Array());
    expect(pos.ok && pos.value.time).toBeUndefined();
  });

  it("the first time a clock gets makes NodeInfo run at once (RTC.cpp 16-21, 343)", () => {
    const b = new NodeBench((c) => (c.sendNodeInfo = true));
    // A sender we know: an unknown one would also get a first-sight NodeInfo, which this run cancels
    // and then refuses (the 10-minute window), as in the firmware.
    b.node.nodes.getOrCreate(0x99).user = { longName: "GPS" };
    b.advance(10_000);
    b.rx(positionFrom(0x99, 2, LocSource.LOC_INTERNAL));
    b.advance(60_000);
    // Queued at 10 s (not 30 s), on the air after the transmit delay and the relay of that position.
    const at = b.sent.filter((s) => s.data?.portnum === PortNum.NODEINFO_APP).map((s) => s.at);
    expect(at).toHaveLength(1);
    expect(at[0]).toBeLessThan(15_000);
  });

  it("a node whose time was given at start (GPS quality) ignores times from the mesh", () => {
    const b = new NodeBench(undefined, US, undefined, 7, { epochMs: EPOCH });
    b.rx(positionFrom(0x99, 2, LocSource.LOC_INTERNAL));
    expect(b.node.clock.validTime(b.now)).toBe(EPOCH / 1000);
  });
});

describe("key edge cases (CryptoEngine.cpp 55-75, 195-210)", () => {
  it("a blank configured private key gives no key pair: our NodeInfo carries no public key", () => {
    const b = factoryBench((c) => (c.privateKey = new Uint8Array(32)));
    expect(b.node.config.publicKey).toBeUndefined();
    b.advance(31_000);
    const u = UserCodec.decode(b.sent[0].data?.payload ?? new Uint8Array());
    expect(u.ok && u.value.publicKey).toBeUndefined();
  });

  it("a peer key whose u-coordinate is not below 2^255 − 19 is refused: our DM to it fails with PKI_FAILED", () => {
    const b = factoryBench((c) => (c.sendNodeInfo = false));
    const nonCanonical = new Uint8Array(32).fill(0xff);
    nonCanonical[0] = 0xef; // u = p + 2, which RFC 7748 X25519 would reduce to 2
    nonCanonical[31] = 0x7f;
    b.node.nodes.getOrCreate(0x99).user = { longName: "Odd key", publicKey: nonCanonical };
    let id = -1;
    b.act((n, now) => (id = n.sendText(0x99, "secret", 0, true, now)));
    b.advance(10_000);
    // Refused by the router (id 0 to the app), NAKed to our app, nothing on the air.
    expect(id).toBe(0);
    expect(b.sent).toEqual([]);
    const nak = b.delivered.find((p) => p.decoded?.portnum === PortNum.ROUTING_APP);
    expect(routing(nak?.decoded)).toBe(RoutingError.PKI_FAILED);
  });
});

describe("admin requests from the mesh (AdminModule.cpp 72-127)", () => {
  const admin = (payload: number[], id: number, wantResponse: boolean) =>
    frameOf(header({ to: US, wantAck: true, id }), { portnum: PortNum.ADMIN_APP, payload: new Uint8Array(payload), wantResponse: wantResponse || undefined, bitfield: wantResponse ? 2 : 0 });
  /** Our answers, one per packet (a want_ack answer is retransmitted while no ACK comes). */
  const answers = (b: NodeBench) => b.sent.filter((s, i) => b.sent.findIndex((t) => t.header.id === s.header.id) === i).map((s) => [s.data?.requestId, routing(s.data), s.header.wantAck]);

  it("a request from a node without an admin key gets NOT_AUTHORIZED, want_ack copied; a response variant gets only the ACK", () => {
    const b = new NodeBench();
    b.rx(admin([0x18, 0x01], 0x1234, true)); // get_owner_request
    b.rx(admin([0x22, 0x00], 0x1235, false)); // get_owner_response
    b.advance(30_000);
    expect(answers(b)).toEqual([
      [0x1234, RoutingError.NOT_AUTHORIZED, true],
      [0x1235, RoutingError.NONE, false],
    ]);
  });

  it("a payload that is not a protobuf message stops the chain: no ACK, only NO_RESPONSE (MeshModule.cpp 182-198)", () => {
    const b = new NodeBench();
    b.rx(admin([0x0f], 0x1236, true));
    b.advance(30_000);
    expect(answers(b)).toEqual([[0x1236, RoutingError.NO_RESPONSE, false]]);
  });
});
