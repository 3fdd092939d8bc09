// Module rules of firmware 2.7.26 (src/modules/RoutingModule.cpp, NodeInfoModule.cpp,
// PositionModule.cpp, PositionPrecision.cpp, Telemetry/DeviceTelemetry.cpp, TraceRouteModule.cpp)
// that docs/firmware-parity.md marks "same" and no other MeshNode-level test pins.
import { describe, expect, it } from "vitest";
import { channelHash } from "../../firmware/crypto/channel-hash.js";
import { PortableChannelCipher } from "../../firmware/crypto/index.js";
import { setRole } from "../../firmware/mesh/node-config.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { PositionFlags } from "../../firmware/modules/position.js";
import { encryptPki } from "../../firmware/crypto/pki.js";
import { nodePki } from "../../firmware/platform/node/index.js";
import { sendRequest } from "../../firmware/node-events.js";
import { ChannelRole, DataCodec, PortNum, PositionCodec, Priority, RebroadcastMode, Role, RouteDiscoveryCodec, RoutingError, TelemetryCodec, UserCodec, encodeLoraFrame } from "../../firmware/wire/index.js";
import type { Data } from "../../firmware/wire/index.js";
import { NodeBench, frameOf, header } from "../support/node-bench.js";
import { HERE, US, routing } from "../support/factory-bench.js";
import { x25519 } from "../support/gateway-bench.js";

const ours = (b: NodeBench, port: number) => b.sent.filter((s) => s.header.from === US && s.data?.portnum === port);
const fixedAt = (c: NodeConfig) => {
  c.sendPosition = true;
  c.position = HERE;
  c.fixedPosition = true;
};
const nodeInfoRequest = (from: number, id: number): Uint8Array =>
  frameOf(header({ from, relayNode: from, to: US, id }), { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ longName: "Asker" }), wantResponse: true, bitfield: 2 });
const metricsRequest = (over: Parameters<typeof header>[0]): Uint8Array =>
  frameOf(header({ to: US, ...over }), { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ deviceMetrics: {} }), wantResponse: true, bitfield: 2 });
const route = (d: Data | undefined) => {
  const r = RouteDiscoveryCodec.decode(d?.payload ?? new Uint8Array());
  return r.ok ? [r.value.route ?? [], r.value.snrTowards ?? []] : undefined;
};

describe("RoutingModule.cpp", () => {
  it("LOCAL_ONLY relays an undecodable channel-0 DM only when one end is known with user info (RoutingModule.cpp 13-22)", () => {
    const relays = (known: boolean) => {
      const b = new NodeBench((c) => (c.rebroadcastMode = RebroadcastMode.LOCAL_ONLY));
      if (known) b.node.nodes.getOrCreate(0x99).user = { longName: "Known" };
      b.rx(frameOf(header({ to: 0x55, id: 0x201, channel: 0 }), { portnum: PortNum.TEXT_MESSAGE_APP, payload: new Uint8Array(40).fill(7) }, new Uint8Array(32).fill(9)));
      b.advance(30_000);
      return b.sentOf(0x99, 0x201).length;
    };
    expect([relays(true), relays(false)]).toEqual([1, 0]);
  });

  it("a reply uses the request's hops when above our limit, hops + 2 when below it (RoutingModule.cpp 62-78)", () => {
    const replyHops = (hopLimit: number, hopStart: number, left: number) => {
      const b = new NodeBench((c) => (c.hopLimit = hopLimit));
      b.rx(metricsRequest({ hopStart, hopLimit: left, id: 0x202 }));
      b.advance(30_000);
      return ours(b, PortNum.TELEMETRY_APP)[0].header.hopLimit;
    };
    expect([replyHops(3, 7, 2), replyHops(5, 3, 3)]).toEqual([5, 2]);
  });
});

describe("NodeInfoModule.cpp", () => {
  it("above 40 % channel utilisation a NodeInfo request gets no reply and no NO_RESPONSE (NodeInfoModule.cpp 142-146)", () => {
    const b = new NodeBench((c) => (c.sendNodeInfo = true));
    // 50 % from 20 s: the periodic NodeInfo at 30 s is refused too, so no 10-minute window is running.
    b.advance(20_000);
    b.node.timing.recordRx(30_000, b.now);
    b.advance(21_000);
    b.rx(nodeInfoRequest(0x98, 0x203));
    b.advance(60_000);
    b.rx(nodeInfoRequest(0x98, 0x204));
    b.advance(30_000);
    expect(b.sent.filter((s) => s.header.from === US).map((s) => [s.header.to, s.data?.requestId, Math.floor(s.at / 1000)])).toEqual([[0x98, 0x204, 101]]);
  });

  it("a requester not yet in the NodeDB is forgotten at once: its second request is answered, its third is not (NodeInfoModule.cpp 34-46, 183-204)", () => {
    const b = new NodeBench((c) => (c.sendNodeInfo = true));
    for (const min of [11, 22, 33]) {
      b.advance(min * 60_000 - b.now);
      b.rx(nodeInfoRequest(0x77, 0x300 + min));
    }
    b.advance(60_000);
    const replies = b.sent.filter((s) => s.header.to === 0x77).map((s) => [Math.floor(s.at / 60_000), s.data?.portnum]);
    expect(replies).toEqual([
      [11, PortNum.NODEINFO_APP],
      [22, PortNum.NODEINFO_APP],
    ]);
  });
});

describe("PositionModule.cpp and PositionPrecision.cpp", () => {
  it("a TRACKER sends its first position at once, RELIABLE, never asking for replies (PositionModule.cpp 41-44, 360-366)", () => {
    const b = new NodeBench((c) => {
      setRole(c, Role.TRACKER);
      c.channels[0].name = "Home";
      c.freshInstall = true;
      fixedAt(c);
    });
    b.act((n, now) => n.handle({ type: "channel-busy", busy: true }, now));
    b.advance(5_000);
    expect(b.node.router.queue.peek()?.priority).toBe(Priority.RELIABLE);
    b.act((n, now) => n.handle({ type: "channel-busy", busy: false }, now));
    b.advance(1_000);
    const [p] = ours(b, PortNum.POSITION_APP);
    expect(p.at).toBeLessThanOrEqual(6_000);
    expect(p.data?.wantResponse).toBeUndefined();
  });

  it("positions go on the first channel with a precision, a secondary one with its own key (PositionModule.cpp 327-340)", () => {
    const key = new Uint8Array(16).fill(3);
    const b = new NodeBench((c) => {
      fixedAt(c);
      c.channels[0].positionPrecision = 0;
      c.channels.push({ role: ChannelRole.SECONDARY, name: "Two", psk: key, uplinkEnabled: false, downlinkEnabled: false, positionPrecision: 16 });
    });
    b.advance(50_000);
    const s = b.sent[0];
    expect(s.header.channel).toBe(channelHash("Two", key));
    const d = DataCodec.decode(new PortableChannelCipher().ctr(key, s.header.id, s.header.from, s.payload));
    const pos = PositionCodec.decode(d.ok ? (d.value.payload ?? new Uint8Array()) : new Uint8Array());
    expect(d.ok && d.value.portnum).toBe(PortNum.POSITION_APP);
    expect(pos.ok && pos.value.precisionBits).toBe(16);
  });

  it("a new position cancels the previous one still queued (PositionModule.cpp 342-350)", () => {
    const b = new NodeBench((c) => {
      fixedAt(c);
      c.channels[0].name = "Home";
      c.positionBroadcastSecs = 600;
    });
    b.advance(40_000);
    b.act((n, now) => n.handle({ type: "channel-busy", busy: true }, now));
    b.advance(700_000);
    expect(b.node.router.queue.toArray().filter((p) => p.from === US)).toHaveLength(1);
    expect(b.sent).toEqual([]);
  });

  it("seq_number counts our positions when position_flags asks for it (PositionModule.cpp 191, 251-252)", () => {
    const b = new NodeBench((c) => {
      fixedAt(c);
      c.positionFlags |= PositionFlags.SEQ_NO;
    });
    b.advance(3700_000);
    const seq = ours(b, PortNum.POSITION_APP).map((s) => {
      const p = PositionCodec.decode(s.data?.payload ?? new Uint8Array());
      return p.ok ? p.value.seqNumber : undefined;
    });
    expect(seq).toEqual([1, 2]);
  });

  it("precision 32 keeps our app's coordinates exact and says so (PositionPrecision.cpp 33-49)", () => {
    const b = new NodeBench((c) => (c.channels[0].positionPrecision = 32));
    b.act((n, now) => n.send(sendRequest(BROADCAST, PortNum.POSITION_APP, PositionCodec.encode({ latitudeI: 515_123_457, longitudeI: -1_234_567 }), 0), now));
    b.advance(10_000);
    expect(PositionCodec.decode(b.sent[0].data?.payload ?? new Uint8Array())).toEqual({ ok: true, value: { latitudeI: 515_123_457, longitudeI: -1_234_567, precisionBits: 32 } });
  });

  it("our app's malformed position is dropped before it is sent (Router.cpp 355-362; PositionPrecision.cpp 51-67)", () => {
    const b = new NodeBench();
    b.act((n, now) => n.send(sendRequest(BROADCAST, PortNum.POSITION_APP, new Uint8Array([0x0a]), 0), now));
    b.advance(10_000);
    expect(b.sent).toEqual([]);
    expect(b.node.router.stats.drops["bad-position"]).toBe(1);
  });

  it("with a fixed position our app's broadcast is cut to the module's precision, 0 before our first send (PositionModule.cpp 116-128; Router.cpp 258-260)", () => {
    const b = new NodeBench((c) => {
      c.position = HERE;
      c.fixedPosition = true;
    });
    b.act((n, now) => n.send(sendRequest(BROADCAST, PortNum.POSITION_APP, PositionCodec.encode({ latitudeI: 1, longitudeI: 2, time: 123 }), 0), now));
    b.advance(10_000);
    // Stripped to its time by the module, then Router::send's precision 13 on a Position without coordinates.
    expect(PositionCodec.decode(b.sent[0].data?.payload ?? new Uint8Array())).toEqual({ ok: true, value: { time: 123, precisionBits: 13 } });
  });
});

describe("DeviceTelemetry.cpp", () => {
  it("a broadcast device-metrics request that took hops is not answered by a CLIENT, only relayed (DeviceTelemetry.cpp 67-70)", () => {
    const b = new NodeBench();
    b.rx(metricsRequest({ to: BROADCAST, hopStart: 3, hopLimit: 2, id: 0x204 }));
    b.advance(30_000);
    expect(b.sent.map((s) => [s.header.from, s.data?.portnum])).toEqual([[0x99, PortNum.TELEMETRY_APP]]);
  });
});

describe("TraceRouteModule.cpp", () => {
  const traceroute = (payload: Uint8Array, over: Parameters<typeof header>[0] = {}) =>
    frameOf(header({ to: 0x55, id: 0x400, ...over }), { portnum: PortNum.TRACEROUTE_APP, payload, wantResponse: true, bitfield: 0 });

  it("a RouteDiscovery that does not decode stops the chain: not relayed or delivered (ProtobufModule.h 88-99)", () => {
    const b = new NodeBench();
    b.rx(traceroute(new Uint8Array([0x0a, 0x05])));
    b.advance(30_000);
    expect([b.sent.length, b.heard().length]).toEqual([0, 0]);
  });

  it("an upgraded copy of a traceroute is relayed with the route rebuilt from it (TraceRouteModule.cpp 328-340; FloodingRouter.cpp 90-116)", () => {
    const b = new NodeBench();
    b.rx(traceroute(RouteDiscoveryCodec.encode({}), { hopStart: 5, hopLimit: 3, relayNode: 0x44 }), 2);
    b.rx(traceroute(RouteDiscoveryCodec.encode({}), { hopStart: 5, hopLimit: 4, relayNode: 0x44 }), 8);
    b.advance(30_000);
    const relays = b.sentOf(0x99, 0x400);
    expect(relays.map((s) => s.header.hopLimit)).toEqual([3]);
    expect(route(relays[0].data)).toEqual([
      [BROADCAST, US],
      [-128, 32],
    ]);
  });

  it("a full route of 8 hops is relayed as it is (TraceRouteModule.cpp 383-417)", () => {
    const b = new NodeBench();
    const full = { route: [1, 2, 3, 4, 5, 6, 7, 8].map((i) => 0x100 + i), snrTowards: [1, 2, 3, 4, 5, 6, 7, 8] };
    b.rx(traceroute(RouteDiscoveryCodec.encode(full), { hopStart: 7, hopLimit: 7 }));
    b.advance(30_000);
    expect(route(b.sentOf(0x99, 0x400)[0].data)).toEqual([full.route, full.snrTowards]);
  });

  it("our app's broadcast traceroute leaves with our id and SNR 0 already in its route (TraceRouteModule.cpp 128-149; Router.cpp 258-260)", () => {
    const b = new NodeBench();
    b.act((n, now) => n.send({ ...sendRequest(BROADCAST, PortNum.TRACEROUTE_APP, RouteDiscoveryCodec.encode({}), 0), wantResponse: true }, now));
    b.advance(10_000);
    expect(route(b.sent[0].data)).toEqual([[US], [0]]);
  });
});

describe("AdminModule.cpp", () => {
  const getOwner = { portnum: PortNum.ADMIN_APP, payload: new Uint8Array([0x18, 0x01]), wantResponse: true, bitfield: 2 };
  const answer = (b: NodeBench, id: number) => b.sent.filter((s) => s.data?.requestId === id).map((s) => [routing(s.data), s.header.to]);

  it("a request on a channel named admin gets NOT_AUTHORIZED: the legacy admin channel is off by default (AdminModule.cpp 91-96)", () => {
    const key = new Uint8Array(16).fill(4);
    const b = new NodeBench((c) => c.channels.push({ role: ChannelRole.SECONDARY, name: "admin", psk: key, uplinkEnabled: false, downlinkEnabled: false, positionPrecision: 0 }));
    b.rx(frameOf(header({ to: US, id: 0x501, channel: channelHash("admin", key) }), getOwner, key));
    b.advance(30_000);
    // The answer goes back on the request's channel, under its key.
    const replies = b.sent.map((s) => DataCodec.decode(new PortableChannelCipher().ctr(key, s.header.id, s.header.from, s.payload))).filter((d) => d.ok && d.value.requestId === 0x501);
    expect(replies.map((d) => d.ok && routing(d.value))).toEqual([RoutingError.NOT_AUTHORIZED]);
  });

  it("a PKI request from a key that is not an admin key gets ADMIN_PUBLIC_KEY_UNAUTHORIZED (AdminModule.cpp 97-118)", () => {
    const b = new NodeBench(undefined, US, nodePki);
    const peer = x25519();
    b.node.nodes.getOrCreate(0x99).user = { longName: "Peer", publicKey: peer.pub };
    const plain = DataCodec.encode(getOwner);
    const sealed = encryptPki(nodePki, peer.priv, b.node.config.publicKey as Uint8Array, 0x502, 0x99, 0x1234, plain) as Uint8Array;
    b.rx(encodeLoraFrame(header({ to: US, id: 0x502, channel: 0 }), sealed));
    b.advance(30_000);
    expect(answer(b, 0x502)).toEqual([[RoutingError.ADMIN_PUBLIC_KEY_UNAUTHORIZED, 0x99]]);
  });
});
