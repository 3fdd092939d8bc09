// MeshService, MeshModule and NodeDB rules of firmware 2.7.26 (src/mesh/MeshService.cpp,
// MeshModule.cpp, NodeDB.cpp) that docs/firmware-parity.md marks "same" and no other MeshNode-level
// test pins: frames in, frames, deliveries and NodeDB entries out, at virtual time.
import { describe, expect, it } from "vitest";
import { channelHash } from "../../firmware/crypto/channel-hash.js";
import { MAX_INTERVAL_SECS, defaultNodeConfig, normalizeConfig, setRole } from "../../firmware/mesh/node-config.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { nodePki } from "../../firmware/platform/node/index.js";
import { PortNum, PositionCodec, Role, RoutingError, TelemetryCodec, UserCodec } from "../../firmware/wire/index.js";
import type { Data } from "../../firmware/wire/index.js";
import { NodeBench, frameOf, header } from "../support/node-bench.js";
import { EPOCH, HERE, HOUR, US, routing, text } from "../support/factory-bench.js";

/** A channel that is not a default one (named), still with the default key the bench decodes. */
const privateChannel = (c: NodeConfig) => (c.channels[0].name = "Home");
const ours = (b: NodeBench, port: number) => b.sent.filter((s) => s.header.from === US && s.data?.portnum === port);
const seconds = (b: NodeBench, port: number) => ours(b, port).map((s) => Math.round(s.at / 1000));

describe("MeshService.cpp", () => {
  it("first sight cancels our still-queued NodeInfo broadcast, and the 10-minute window then refuses the unicast (MeshService.cpp 220-223; NodeInfoModule.cpp 90-92)", () => {
    const b = new NodeBench((c) => (c.sendNodeInfo = true));
    b.advance(29_000);
    b.act((n, now) => n.handle({ type: "channel-busy", busy: true }, now));
    b.advance(2_000);
    // Our NodeInfo, queued at 30 s, waits for the channel.
    expect(b.node.router.queue.toArray().map((p) => p.from)).toEqual([US]);
    b.rx(frameOf(header({ id: 0x111 }), text("who am I")), 6, -90, true);
    b.act((n, now) => n.handle({ type: "channel-busy", busy: false }, now));
    b.advance(60_000);
    expect(b.sent.map((s) => [s.header.from, s.data?.portnum])).toEqual([[0x99, PortNum.TEXT_MESSAGE_APP]]);
  });

  it("no first-sight NodeInfo for a telemetry response, nor while the NodeDB is full (MeshService.cpp 93-98)", () => {
    const b = new NodeBench((c) => (c.sendNodeInfo = true));
    b.rx(frameOf(header({ id: 0x121 }), { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ deviceMetrics: {} }), requestId: 7, bitfield: 0 }));
    const full = new NodeBench((c) => (c.sendNodeInfo = true), US, undefined, 7, { maxNodes: 2 });
    full.node.nodes.getOrCreate(0x98);
    full.rx(frameOf(header({ id: 0x122 }), text("hello")));
    b.advance(20_000);
    full.advance(20_000);
    expect([ours(b, PortNum.NODEINFO_APP).length, ours(full, PortNum.NODEINFO_APP).length]).toEqual([0, 0]);
    // The text itself is relayed by the full node all the same.
    expect(full.sentOf(0x99, 0x122)).toHaveLength(1);
  });

  it("our own entry is heard now whenever a position is made, as the map report counts it (MeshService.cpp 390-414)", () => {
    const b = new NodeBench(
      (c) => {
        c.sendPosition = true;
        c.position = HERE;
        c.fixedPosition = true;
      },
      US,
      undefined,
      7,
      { epochMs: EPOCH },
    );
    expect(b.node.nodes.self.lastHeard).toBe(0);
    b.advance(46_000);
    expect(b.node.nodes.self.lastHeard).toBe(EPOCH / 1000 + 45);
    expect(b.node.nodes.numOnline(b.node.clock.time(b.now), true)).toBe(1);
  });
});

describe("MeshModule.cpp", () => {
  it("a broadcast want_response no module answers gets NO_RESPONSE to its sender, and is relayed (MeshModule.cpp 102, 182-198)", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ id: 0x131 }), { portnum: PortNum.PRIVATE_APP, payload: new Uint8Array([1]), wantResponse: true, bitfield: 2 }));
    b.advance(30_000);
    const nak = b.sent.filter((s) => s.data?.portnum === PortNum.ROUTING_APP);
    expect(nak.map((s) => [s.header.to, routing(s.data), s.data?.requestId])).toEqual([[0x99, RoutingError.NO_RESPONSE, 0x131]]);
    expect(b.sentOf(0x99, 0x131)).toHaveLength(1);
  });
});

describe("NodeDB.cpp: boot, owner and licence", () => {
  it("intervals beyond MAX_INTERVAL are clamped to it (NodeDB.cpp 366-396) (unit)", () => {
    const c = defaultNodeConfig(US);
    c.nodeInfoBroadcastSecs = 0xffffffff;
    c.positionBroadcastSecs = 0xffffffff;
    const n = normalizeConfig(c);
    expect([n.nodeInfoBroadcastSecs, n.positionBroadcastSecs]).toEqual([MAX_INTERVAL_SECS, MAX_INTERVAL_SECS]);
  });

  it("a licensed owner gets no key pair and sends no key; it relays only what it can decode (NodeDB.cpp 282, 407-410)", () => {
    const licensed = new NodeBench((c) => {
      c.isLicensed = true;
      c.sendNodeInfo = true;
    }, US, nodePki);
    expect(licensed.node.config.privateKey).toBeUndefined();
    const unlicensed = new NodeBench(undefined, US, nodePki);
    const unknownChannel = frameOf(header({ id: 0x141, channel: 0x77 }), text("secret"), new Uint8Array(16).fill(5));
    licensed.rx(unknownChannel);
    unlicensed.rx(unknownChannel);
    licensed.advance(40_000);
    unlicensed.advance(40_000);
    const u = UserCodec.decode(ours(licensed, PortNum.NODEINFO_APP)[0].data?.payload ?? new Uint8Array());
    expect(u.ok && [u.value.isLicensed, u.value.publicKey]).toEqual([true, undefined]);
    expect([licensed.sentOf(0x99, 0x141).length, unlicensed.sentOf(0x99, 0x141).length]).toEqual([0, 1]);
  });

  it("a licensed node ignores packets from a node known to be unlicensed, not from an unknown one (NodeDB.cpp 2153-2160; RoutingModule.cpp 22-27)", () => {
    const b = new NodeBench((c) => (c.isLicensed = true));
    b.node.nodes.getOrCreate(0x98).user = { longName: "No licence", isLicensed: false };
    // A licensed node's channels have no key (ensureLicensedOperation): clear text on LongFast's hash without one.
    const channel = channelHash("LongFast", new Uint8Array(0));
    b.rx(frameOf(header({ from: 0x98, relayNode: 0x98, id: 0x151, channel }), text("plain"), null));
    b.rx(frameOf(header({ from: 0x97, relayNode: 0x97, id: 0x152, channel }), text("plain"), null));
    b.advance(30_000);
    expect(b.heard().map((p) => p.from)).toEqual([0x97]);
    expect(b.sent.map((s) => s.header.from)).toEqual([0x97]);
  });
});

describe("NodeDB.cpp: role defaults (installRoleDefaults 949-1008)", () => {
  const telemetryNode = (role: number) =>
    new NodeBench((c) => {
      setRole(c, role);
      privateChannel(c);
      c.deviceTelemetryEnabled = true;
    });

  it("ROUTER_LATE sends device telemetry once a day, SENSOR hourly (NodeDB.cpp 958-967)", () => {
    const late = telemetryNode(Role.ROUTER_LATE);
    late.advance(25 * HOUR);
    const sensor = telemetryNode(Role.SENSOR);
    sensor.advance(2 * HOUR);
    expect([seconds(late, PortNum.TELEMETRY_APP), seconds(sensor, PortNum.TELEMETRY_APP)]).toEqual([
      [60, 86_460],
      [60, 3660],
    ]);
  });

  it("LOST_AND_FOUND: position every 5 minutes, smart off, each followed by the lost-and-found text (NodeDB.cpp 968-970; PositionModule.cpp 471-484)", () => {
    const b = new NodeBench((c) => {
      setRole(c, Role.LOST_AND_FOUND);
      privateChannel(c);
      c.sendPosition = true;
      c.position = HERE;
      c.fixedPosition = true;
    });
    b.advance(700_000);
    const tens = (port: number) => ours(b, port).map((s) => Math.floor(s.at / 10_000));
    expect([tens(PortNum.POSITION_APP), tens(PortNum.TEXT_MESSAGE_APP)]).toEqual([
      [4, 34, 64],
      [4, 34, 64],
    ]);
    const texts = ours(b, PortNum.TEXT_MESSAGE_APP);
    expect(new TextDecoder().decode(texts[0].data?.payload)).toBe("\u{1F6A8}I'm lost! Lat / Lon: 51.500000, -0.100000\u0007");
    expect(texts[0].header.wantAck).toBe(false);
  });

  it("TAK: NodeInfo and position once a day, smart off, TAK position flags (NodeDB.cpp 971-979)", () => {
    const b = new NodeBench((c) => {
      setRole(c, Role.TAK);
      privateChannel(c);
      c.sendNodeInfo = true;
      c.sendPosition = true;
      c.position = { ...HERE, satsInView: 7, groundSpeed: 3 };
      c.fixedPosition = true;
    });
    b.advance(2 * HOUR);
    expect([seconds(b, PortNum.NODEINFO_APP), seconds(b, PortNum.POSITION_APP)]).toEqual([[30], [45]]);
    const p = PositionCodec.decode(ours(b, PortNum.POSITION_APP)[0].data?.payload ?? new Uint8Array());
    expect(p.ok && [p.value.satsInView, p.value.groundSpeed, p.value.altitudeHae]).toEqual([undefined, 3, 0]);
  });

  it("TAK_TRACKER: its first report at boot, then every 180 s (NodeDB.cpp 984-996; PositionModule.cpp 41-44)", () => {
    const b = new NodeBench((c) => {
      setRole(c, Role.TAK_TRACKER);
      privateChannel(c);
      c.sendPosition = true;
      c.position = HERE;
      c.fixedPosition = true;
    });
    b.advance(400_000);
    // The report's port is the open TAK gap (ATAK_PLUGIN in the firmware); its timing is the role's.
    expect(b.sent.filter((s) => s.header.from === US).map((s) => Math.floor(s.at / 5000))).toEqual([0, 36, 72]);
  });
});

describe("NodeDB.cpp: updates and capacity", () => {
  const position = (id: number, pos: Parameters<typeof PositionCodec.encode>[0]) =>
    frameOf(header({ id, hopLimit: 0 }), { portnum: PortNum.POSITION_APP, payload: PositionCodec.encode(pos), bitfield: 0 });

  it("a remote position replaces the stored one but keeps its time; a time-only one sets only the time (NodeDB.cpp 1714-1754; PositionModule.cpp 55-114)", () => {
    const b = new NodeBench();
    b.rx(position(1, { latitudeI: 10, longitudeI: 20, time: 100 }));
    b.rx(position(2, { latitudeI: 11, longitudeI: 21 }));
    expect(b.node.nodes.get(0x99)?.position).toMatchObject({ latitudeI: 11, longitudeI: 21, time: 100 });
    b.rx(position(3, { time: 200 }));
    expect(b.node.nodes.get(0x99)?.position).toMatchObject({ latitudeI: 11, longitudeI: 21, time: 200 });
  });

  it("device metrics heard to us or broadcast are stored, our app's under our own number; a DM between others is not (NodeDB.cpp 1759-1777; DeviceTelemetry.cpp 49-62)", () => {
    const b = new NodeBench();
    const metrics = (batteryLevel: number): Data => ({ portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ deviceMetrics: { batteryLevel } }), bitfield: 0 });
    b.rx(frameOf(header({ id: 1 }), metrics(50)));
    b.rx(frameOf(header({ id: 2 }), { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ environmentMetrics: { temperature: 20 } }), bitfield: 0 }));
    b.rx(frameOf(header({ from: 0x98, relayNode: 0x98, to: 0x55, id: 3 }), metrics(40)));
    b.act((n, now) => n.send({ to: BROADCAST, portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ deviceMetrics: { batteryLevel: 77 } }), channel: 0, wantAck: false, wantResponse: false, hopLimit: 0, replyId: 0, requestId: 0, pkiEncrypted: false }, now));
    expect(b.node.nodes.get(0x99)?.deviceMetrics?.batteryLevel).toBe(50);
    expect(b.node.nodes.get(0x98)?.deviceMetrics).toBeUndefined();
    expect(b.node.nodes.self.deviceMetrics?.batteryLevel).toBe(77);
  });

  it("a NodeDB on the defaults' Heltec V3 holds 200 nodes, MAX_NUM_NODES for an 8 MB ESP32-S3 (mesh-pb-constants.h 44-66)", () => {
    const b = new NodeBench(undefined, US, undefined, 7, { epochMs: EPOCH });
    expect(b.node.nodes.capacity).toBe(200);
    for (let i = 0; i < 150; i++) b.rx(frameOf(header({ from: 0x1000 + i, relayNode: i, id: 0x100 + i, hopLimit: 0 }), text("hi")));
    expect([b.node.nodes.size, b.node.nodes.stats.evicted]).toEqual([151, 0]);
  });
});
