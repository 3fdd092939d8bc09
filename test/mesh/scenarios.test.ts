// Issue 13's scenario tests: whole behaviours of firmware 2.7.26 at MeshNode level, at virtual time
// (frames in, frames, deliveries and publishes out), each against the firmware lines it follows.
import { describe, expect, it } from "vitest";
import { channelHash } from "../../firmware/crypto/channel-hash.js";
import { decryptPki } from "../../firmware/crypto/pki.js";
import { defaultMqttConfig } from "../../firmware/gateway/mqtt-config.js";
import { decodeEnvelope } from "../../firmware/gateway/index.js";
import { setRole } from "../../firmware/mesh/node-config.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { nodePki } from "../../firmware/platform/node/index.js";
import { DataCodec, PortNum, PositionCodec, Role, RoutingCodec, RoutingError, TelemetryCodec, UserCodec } from "../../firmware/wire/index.js";
import type { Data } from "../../firmware/wire/index.js";
import { x25519 } from "../support/gateway-bench.js";
import { NodeBench, frameOf, header } from "../support/node-bench.js";
import { TestMedium } from "../support/test-medium.js";
import { RecordingLink } from "../support/recording-link.js";
import { EPOCH, HERE, HOUR, US, factoryBench, routing, text } from "../support/factory-bench.js";

describe("a factory-default node alone for 2 hours", () => {
  it("without a position: one NodeInfo broadcast 30 s after boot, BACKGROUND, with its public key, nothing else", () => {
    const b = factoryBench();
    b.advance(2 * HOUR);
    expect(b.sent.map((s) => [s.data?.portnum, s.header.to, Math.floor(s.at / 1000), s.header.hopLimit, s.header.hopStart])).toEqual([[PortNum.NODEINFO_APP, BROADCAST, 30, 3, 3]]);
    const u = UserCodec.decode(b.sent[0].data?.payload ?? new Uint8Array());
    expect(u.ok && u.value.publicKey?.length).toBe(32);
    // The factory sets is_unmessagable false and present (NodeDB.cpp 1140-1141), and the MAC.
    expect(u.ok && u.value).toMatchObject({ id: "!00000010", longName: "Meshtastic 0010", shortName: "0010", isUnmessagable: false });
    expect(u.ok && u.value.macaddr?.length).toBe(6);
    expect(b.sent[0].data?.wantResponse).toBeUndefined();
  });

  it("with a fixed position: NodeInfo at 30 s, its position at 45 s and 3645 s; no telemetry", () => {
    const b = factoryBench((c) => {
      c.position = HERE;
      c.fixedPosition = true;
    });
    b.advance(2 * HOUR);
    expect(b.sent.map((s) => [s.data?.portnum, Math.floor(s.at / 1000)])).toEqual([
      [PortNum.NODEINFO_APP, 30],
      [PortNum.POSITION_APP, 45],
      [PortNum.POSITION_APP, 3645],
    ]);
  });

  it("after a fresh install its first NodeInfo and position ask for replies (radioGeneration)", () => {
    const b = factoryBench((c) => {
      c.position = HERE;
      c.fixedPosition = true;
      c.freshInstall = true;
    });
    b.advance(60_000);
    expect(b.sent.map((s) => [s.data?.portnum, s.data?.wantResponse])).toEqual([
      [PortNum.NODEINFO_APP, true],
      [PortNum.POSITION_APP, true],
    ]);
  });

  it("region UNSET: it sends nothing and hears nothing; tx_enabled off: it hears but sends nothing", () => {
    const unset = factoryBench((c) => (c.region = 0));
    unset.rx(frameOf(header({}), text("anyone?")));
    unset.advance(2 * HOUR);
    expect(unset.sent).toEqual([]);
    expect(unset.heard()).toEqual([]);
    expect(unset.node.router.stats.drops["region-unset"]).toBe(1);
    const mute = factoryBench((c) => (c.txEnabled = false));
    mute.rx(frameOf(header({}), text("anyone?")));
    mute.advance(HOUR);
    expect(mute.sent).toEqual([]);
    expect(mute.heard().map((p) => p.id)).toEqual([0x1234]);
    expect(mute.node.router.stats.drops["tx-disabled"]).toBeGreaterThanOrEqual(2);
  });
});

describe("congestion scaling with 60 nodes online (Default.cpp 41-61)", () => {
  /**
   * The gap between our first two positions after hearing 59 other nodes (60 online with us), each
   * sending a position (which refreshes the NodeStatus count the modules scale by) or a text (which
   * does not).
   */
  function positionGap(role: number, heard: "position" | "text", phoneConnected = false): number {
    const b = new NodeBench(
      (c) => {
        setRole(c, role);
        c.sendPosition = true;
        c.position = HERE;
        c.fixedPosition = true;
        // A private channel: no default-channel floors, so the configured 1000 s is what gets scaled.
        c.channels[0].psk = new Uint8Array(16).fill(9);
        c.positionBroadcastSecs = 1000;
      },
      US,
      nodePki,
      7,
      { epochMs: EPOCH, phoneConnected },
    );
    const key = new Uint8Array(16).fill(9);
    const channel = channelHash("LongFast", key);
    const position: Data = { portnum: PortNum.POSITION_APP, payload: PositionCodec.encode({ latitudeI: 515_000_000, longitudeI: 1_000_000, time: 1 }), bitfield: 1 };
    for (let i = 0; i < 59; i++) {
      b.advance(2_000);
      b.rx(frameOf(header({ from: 0x1000 + i, relayNode: i, id: 0x500 + i, hopLimit: 0, hopStart: 0, channel }), heard === "position" ? position : { ...text("x"), bitfield: 1 }, key));
    }
    // The NodeDB stores a position (and takes the count) before MeshService::handleFromRadio marks
    // its sender heard, so the 59th sender is counted from the next position on.
    b.advance(2_000);
    b.rx(frameOf(header({ from: 0x1000, relayNode: 0, id: 0x600, hopLimit: 0, hopStart: 0, channel }), heard === "position" ? position : { ...text("x"), bitfield: 1 }, key));
    expect(b.node.nodes.numOnline(b.node.clock.time(b.now), false)).toBe(60);
    b.advance(HOUR);
    const at = b.sent.filter((s) => s.header.from === US).map((s) => s.at);
    expect(at.length).toBeGreaterThanOrEqual(2);
    return at[1] - at[0];
  }

  it("a CLIENT spaces its positions by 1 + 20·2^11/(250·100) = 2.6384 (LONG_FAST)", () => {
    const gap = positionGap(Role.CLIENT, "position");
    // 1000 s × 2.6384 in float, then the module's 5 s runs.
    expect(gap).toBeGreaterThanOrEqual(2_638_400);
    expect(gap).toBeLessThan(2_638_400 + 5_000 + 1_000);
  });

  it("ROUTER and SENSOR are not scaled", () => {
    for (const role of [Role.ROUTER, Role.SENSOR]) {
      const gap = positionGap(role, "position");
      expect(gap, `role ${role}`).toBeGreaterThanOrEqual(1_000_000);
      expect(gap, `role ${role}`).toBeLessThan(1_000_000 + 5_000 + 1_000);
    }
  });

  it("the count is NodeStatus's snapshot: texts alone leave it at the boot value, unless a phone drains the queue (DeviceTelemetry.cpp 37-44)", () => {
    const alone = positionGap(Role.CLIENT, "text");
    expect(alone).toBeGreaterThanOrEqual(1_000_000);
    expect(alone).toBeLessThan(1_000_000 + 5_000 + 1_000);
    // With a phone the per-minute phone-only metrics refresh our entry, and with it the count.
    const withPhone = positionGap(Role.CLIENT, "text", true);
    expect(withPhone).toBeGreaterThanOrEqual(2_638_400);
    expect(withPhone).toBeLessThan(2_638_400 + 5_000 + 1_000);
  });
});

describe("key pinning (NodeDB::updateUser)", () => {
  it("a second key for a node is refused, our own key is refused, and DMs still go to the first key", () => {
    const b = factoryBench((c) => (c.sendNodeInfo = false));
    const first = x25519();
    const second = x25519();
    const info = (from: number, id: number, longName: string, publicKey: Uint8Array) =>
      frameOf(header({ from, relayNode: from, id }), { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ longName, publicKey }), bitfield: 0 });
    b.rx(info(0x99, 1, "Real", first.pub));
    b.rx(info(0x99, 2, "Impostor", second.pub));
    b.rx(info(0x98, 3, "Mirror", b.node.config.publicKey as Uint8Array));
    expect(b.node.nodes.get(0x99)?.user).toMatchObject({ longName: "Real", publicKey: first.pub });
    expect(b.node.nodes.get(0x98)?.user).toBeUndefined();
    expect(b.node.nodes.stats).toMatchObject({ keyMismatchRefused: 1, ownKeyRefused: 1 });
    let id = 0;
    b.act((n, now) => (id = n.sendText(0x99, "for the real one", 0, false, now)));
    b.advance(60_000);
    const dm = b.sentOf(US, id)[0];
    expect(dm.header.channel).toBe(0);
    const raw = dm.payload;
    const plain = decryptPki(nodePki, first.priv, b.node.config.publicKey as Uint8Array, id, US, raw);
    expect(plain).not.toBeNull();
    const d = DataCodec.decode(plain as Uint8Array);
    expect(d.ok && new TextDecoder().decode(d.value.payload)).toBe("for the real one");
    // The impostor's NodeInfo was still relayed (only the NodeDB update is refused).
    expect(b.sentOf(0x99, 2)).toHaveLength(1);
  });
});

describe("duplicates", () => {
  it("an originator's repeat is relayed again but delivered and uplinked once (FloodingRouter.cpp 47-61)", () => {
    const link = new RecordingLink();
    const m = defaultMqttConfig();
    m.enabled = true;
    m.address = "10.0.0.1";
    const b = new NodeBench((c) => (c.channels[0].uplinkEnabled = true), US, undefined, 7, { mqtt: m, mqttLink: link });
    const frame = frameOf(header({ hopStart: 3, hopLimit: 3 }), { ...text("again"), bitfield: 1 });
    b.rx(frame);
    b.advance(30_000);
    b.rx(frame, 3);
    b.advance(30_000);
    expect(b.sentOf(0x99, 0x1234)).toHaveLength(2);
    expect(b.delivered.filter((p) => p.id === 0x1234)).toHaveLength(1);
    const ups = link.published.map((p) => decodeEnvelope(p.payload)).filter((e) => e.ok && e.value.packet.id === 0x1234);
    expect(ups).toHaveLength(1);
  });

  it("a NeighborInfo broadcast is not relayed, delivered or uplinked while the module is off (Router.cpp 757-764)", () => {
    const nb = frameOf(header({}), { portnum: PortNum.NEIGHBORINFO_APP, payload: new Uint8Array([8, 0x99]), bitfield: 1 });
    const off = new NodeBench();
    off.rx(nb);
    off.advance(60_000);
    expect([off.sent.length, off.heard().length, off.node.router.stats.drops["neighborinfo-off"]]).toEqual([0, 0, 1]);
  });
});

describe("ACKs and replies", () => {
  it("a packet for us through us as next hop, without want_ack, gets a 0-hop ACK (ReliableRouter.cpp 127-130)", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ to: US, nextHop: US, relayNode: 0x55, hopLimit: 2, hopStart: 3 }), { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ deviceMetrics: { uptimeSeconds: 1 } }), bitfield: 0 }));
    b.advance(30_000);
    expect(b.sent.map((s) => [s.data?.portnum, s.header.to, s.header.hopLimit, s.data?.requestId, routing(s.data)])).toEqual([[PortNum.ROUTING_APP, 0x99, 0, 0x1234, RoutingError.NONE]]);
  });

  it("an unanswered want_response gets NO_RESPONSE besides the ACK; a telemetry request gets a reply with want_ack copied", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ to: US, wantAck: true, id: 1 }), { portnum: PortNum.PRIVATE_APP, payload: new Uint8Array([1]), wantResponse: true, bitfield: 2 }));
    b.rx(frameOf(header({ to: US, wantAck: true, id: 2 }), { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ deviceMetrics: {} }), wantResponse: true, bitfield: 2 }));
    b.advance(5_000);
    const out = b.sent.map((s) => [s.data?.portnum, s.data?.requestId, s.header.wantAck, s.data?.portnum === PortNum.ROUTING_APP ? routing(s.data) : -1]);
    expect(out).toContainEqual([PortNum.ROUTING_APP, 1, false, RoutingError.NONE]);
    expect(out).toContainEqual([PortNum.ROUTING_APP, 1, false, RoutingError.NO_RESPONSE]);
    expect(out).toContainEqual([PortNum.TELEMETRY_APP, 2, true, -1]);
    // A module's reply replaces the plain ACK.
    expect(out.filter((o) => o[1] === 2)).toHaveLength(1);
  });

  it("a reply to a request sent with hop_start 0 goes out with hop limit 0 (RoutingModule.cpp 71-72)", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ to: US, hopStart: 0, hopLimit: 0 }), { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ deviceMetrics: {} }), wantResponse: true, bitfield: 2 }));
    b.advance(5_000);
    expect(b.sent.map((s) => [s.data?.portnum, s.header.hopLimit])).toEqual([[PortNum.TELEMETRY_APP, 0]]);
  });

  it("a PKI DM from a node whose key we lack gets PKI_UNKNOWN_PUBKEY; one from a known key that fails gets NO_CHANNEL", () => {
    const b = factoryBench((c) => (c.sendNodeInfo = false));
    const junk = new Uint8Array(40).fill(7);
    const dm = (from: number) => {
      const h = header({ from, relayNode: from, to: US, wantAck: true, channel: 0 });
      return new Uint8Array([...frameOf(h, text("x"), null).subarray(0, 16), ...junk]);
    };
    b.rx(dm(0x99));
    b.node.nodes.getOrCreate(0x98).user = { longName: "Known", publicKey: x25519().pub };
    b.rx(dm(0x98));
    b.advance(30_000);
    const naks = b.sent.filter((s) => s.data?.portnum === PortNum.ROUTING_APP).map((s) => [s.header.to, routing(s.data)]);
    expect(naks).toEqual(expect.arrayContaining([
      [0x99, RoutingError.PKI_UNKNOWN_PUBKEY],
      [0x98, RoutingError.NO_CHANNEL],
    ]));
  });

  it("a PKI_UNKNOWN_PUBKEY NAK for one of our DMs makes us send our NodeInfo to that node (ReliableRouter.cpp 134-140)", () => {
    const b = factoryBench((c) => (c.sendNodeInfo = true));
    // We DMed 0x99, so we hold its key. (An unknown sender would also trigger MeshService's
    // first-sight NodeInfo, which cancels this one and is itself refused by the resend timeout:
    // NodeInfoModule.cpp 88-100, as in the firmware.)
    b.node.nodes.getOrCreate(0x99).user = { longName: "Peer", publicKey: x25519().pub };
    b.rx(frameOf(header({ to: US }), { portnum: PortNum.ROUTING_APP, payload: RoutingCodec.encode({ errorReason: RoutingError.PKI_UNKNOWN_PUBKEY }), requestId: 0x77, bitfield: 0 }));
    b.advance(10_000);
    const info = b.sent.filter((s) => s.data?.portnum === PortNum.NODEINFO_APP);
    expect(info.map((s) => [s.header.to, s.data?.wantResponse])).toEqual([[0x99, undefined]]);
  });
});

describe("next hops (NextHopRouter.cpp 20-35, 173-188)", () => {
  it("a learned next hop equal to the neighbour that relayed the packet to us is kept", () => {
    const b = new NodeBench();
    b.node.nodes.getOrCreate(0x77).nextHop = 0x55;
    b.rx(frameOf(header({ to: 0x77, nextHop: US, relayNode: 0x55, hopLimit: 2 }), { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({}), bitfield: 0 }));
    b.advance(30_000);
    expect(b.sentOf(0x99, 0x1234)[0].header.nextHop).toBe(0x55);
  });
});

describe("first sight between two real nodes", () => {
  it("A hears B's text, sends its NodeInfo with want_response; B answers with its own; neither resends within 10 minutes", () => {
    const m = TestMedium.line([0x201, 0x202], { pki: nodePki, configure: (c) => (c.sendNodeInfo = true) });
    // Both broadcast their NodeInfo at 30 s; move B's first traffic before that so A meets B first.
    m.act(1, (n, now) => n.sendText(BROADCAST, "hello", 0, false, now));
    m.run(20_000);
    const a = m.nodes[0];
    const b = m.nodes[1];
    // A sent its NodeInfo to B (first sight, want_response); B answered (its reply to the request).
    expect(b.nodes.get(0x201)?.user?.longName).toBe("Meshtastic 0201");
    expect(a.nodes.get(0x202)?.user?.longName).toBe("Meshtastic 0202");
    const sentNodeInfo = (n: number) => m.delivered[1 - n].map((d) => d.packet).filter((p) => p.decoded?.portnum === PortNum.NODEINFO_APP && p.from === m.nodes[n].nodeNum);
    expect(sentNodeInfo(0).map((p) => [p.to, p.decoded?.wantResponse])).toEqual([[0x202, true]]);
    expect(sentNodeInfo(1).map((p) => [p.to, p.decoded?.requestId])).toEqual([[0x201, sentNodeInfo(0)[0].id]]);
    // The periodic NodeInfo due at 30 s falls in both nodes' 10-minute window: none until 30 s + 3 h.
    m.run(10 * 60_000);
    expect(sentNodeInfo(0)).toHaveLength(1);
    expect(sentNodeInfo(1)).toHaveLength(1);
  });
});
