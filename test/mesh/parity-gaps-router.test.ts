// Router rules of firmware 2.7.26 (src/mesh/Router.cpp, FloodingRouter.cpp, NextHopRouter.cpp,
// ReliableRouter.cpp, PacketHistory.cpp, MeshPacketQueue.cpp) that docs/firmware-parity.md marks
// "same" and no other MeshNode-level test pins: frames in, frames and deliveries out, at virtual time.
import { describe, expect, it } from "vitest";
import { setRole } from "../../firmware/mesh/node-config.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { sendRequest } from "../../firmware/node-events.js";
import { nodePki } from "../../firmware/platform/node/index.js";
import { DataCodec, PortNum, Role, RouteDiscoveryCodec, RoutingCodec, RoutingError, TelemetryCodec } from "../../firmware/wire/index.js";
import type { Data } from "../../firmware/wire/index.js";
import { NodeBench, frameOf, header } from "../support/node-bench.js";
import { US, routing, text } from "../support/factory-bench.js";

const telemetry = (wantResponse = false): Data => ({ portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ deviceMetrics: { batteryLevel: 50 } }), wantResponse: wantResponse || undefined, bitfield: 0 });
const ack = (requestId: number): Data => ({ portnum: PortNum.ROUTING_APP, payload: RoutingCodec.encode({ errorReason: RoutingError.NONE }), requestId, bitfield: 0 });

describe("Router.cpp", () => {
  it("a ROUTER's own NodeDB entry counts as a favourite router for the hop limit (Router.cpp 102-127 scan from index 0)", () => {
    const b = new NodeBench((c) => {
      setRole(c, Role.ROUTER);
      c.favorites = [US];
    });
    // Relayed by a neighbour whose last byte is ours (0x10): our own entry matches it.
    b.rx(frameOf(header({ id: 0x1234, hopStart: 3, hopLimit: 2, relayNode: 0x10 }), text("kept")));
    b.advance(30_000);
    expect(b.sentOf(0x99, 0x1234).map((s) => s.header.hopLimit)).toEqual([2]);
  });

  it("our app's want_ack packet with hop limit 0 goes out with the configured hop limit (Router.cpp 270-273)", () => {
    const b = new NodeBench((c) => (c.hopLimit = 4));
    b.act((n, now) => {
      const r = sendRequest(0x55, PortNum.TEXT_MESSAGE_APP, new TextEncoder().encode("dm"), 0);
      r.wantAck = true;
      r.hopLimitExact = true;
      n.send(r, now);
    });
    b.advance(10_000);
    expect([b.sent[0].header.hopLimit, b.sent[0].header.hopStart]).toEqual([4, 4]);
  });

  it("an encode failure drops our packet: nothing on the air, a NAK to our app (Router.cpp 372-377; a DM to a node without a known key, 660-664)", () => {
    const b = new NodeBench(undefined, US, nodePki);
    let id = -1;
    b.act((n, now) => (id = n.sendText(0x55, "x", 0, false, now)));
    b.advance(10_000);
    expect(id).toBe(0);
    expect(b.sent).toEqual([]);
    const nak = b.delivered.filter((p) => p.decoded?.portnum === PortNum.ROUTING_APP);
    expect(nak.map((p) => routing(p.decoded))).toEqual([RoutingError.PKI_SEND_FAIL_PUBLIC_KEY]);
  });

  it("packets from an ignored node or from the broadcast address are dropped (Router.cpp 855-866)", () => {
    const b = new NodeBench();
    b.node.nodes.getOrCreate(0x98).isIgnored = true;
    b.rx(frameOf(header({ from: 0x98, relayNode: 0x98, id: 1 }), text("ignored")));
    b.rx(frameOf(header({ from: BROADCAST, relayNode: 0x98, id: 2 }), text("from all")));
    b.advance(30_000);
    expect([b.sent.length, b.heard().length]).toEqual([0, 0]);
    expect([b.node.router.stats.drops["ignored-node"], b.node.router.stats.drops["from-broadcast"]]).toEqual([1, 1]);
  });
});

describe("FloodingRouter.cpp", () => {
  it("an upgraded copy replaces our queued relay of the worse one; it is delivered once (FloodingRouter.cpp 67-88; RadioLibInterface.cpp 486-495)", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ id: 0x500, hopStart: 3, hopLimit: 1, relayNode: 0x42 }), telemetry()));
    expect(b.node.router.queue.find(0x99, 0x500)?.hopLimit).toBe(0);
    b.rx(frameOf(header({ id: 0x500, hopStart: 3, hopLimit: 3, relayNode: 0x99 }), telemetry()));
    expect(b.node.router.queue.toArray().map((p) => p.hopLimit)).toEqual([2]);
    b.advance(30_000);
    expect(b.sentOf(0x99, 0x500).map((s) => s.header.hopLimit)).toEqual([2]);
    expect(b.heard().filter((p) => p.id === 0x500)).toHaveLength(1);
    expect(b.node.router.stats.rxDupe).toBe(1);
  });

  it("an originator's repeat of a traceroute is relayed again with our hop added once (FloodingRouter.cpp 90-116; TraceRouteModule.cpp 328-340)", () => {
    const b = new NodeBench();
    const req = frameOf(header({ to: 0x77, id: 0x600, hopStart: 3, hopLimit: 3 }), { portnum: PortNum.TRACEROUTE_APP, payload: RouteDiscoveryCodec.encode({}), wantResponse: true, bitfield: 0 });
    b.rx(req);
    b.advance(20_000);
    b.rx(req);
    b.advance(20_000);
    const relays = b.sentOf(0x99, 0x600);
    expect(relays.map((s) => s.header.hopLimit)).toEqual([2, 2]);
    for (const r of relays) {
      const rd = RouteDiscoveryCodec.decode(r.data?.payload ?? new Uint8Array());
      expect(rd.ok && rd.value.route).toEqual([US]);
    }
  });

  it("CLIENT_BASE does not cancel its relay of a favourite's packet on a duplicate; of others it does (FloodingRouter.cpp 118-136)", () => {
    const relayed = (from: number) => {
      const b = new NodeBench((c) => {
        setRole(c, Role.CLIENT_BASE);
        c.favorites = [0x98];
      });
      b.rx(frameOf(header({ from, relayNode: from, id: 0x700 }), text("hi")));
      b.rx(frameOf(header({ from, relayNode: 0x42, id: 0x700, hopLimit: 2 }), text("hi")));
      b.advance(60_000);
      return b.sentOf(from, 0x700).length;
    };
    expect([relayed(0x98), relayed(0x99)]).toEqual([1, 0]);
  });
});

describe("NextHopRouter.cpp", () => {
  /** 0x77 is reached through 0x55; a DM 0x99 → 0x77 names us as its next hop. */
  const viaUs = (configure?: (c: NodeConfig) => void) => {
    const b = new NodeBench(configure);
    b.node.nodes.getOrCreate(0x77).nextHop = 0x55;
    b.rx(frameOf(header({ to: 0x77, id: 0xa00, nextHop: 0x10, relayNode: 0x44, hopStart: 3, hopLimit: 2 }), telemetry()));
    return b;
  };

  it("a relay with a next hop keeps an intermediate record: one retry that floods and forgets the next hop (NextHopRouter.cpp 20-35, 265-328)", () => {
    const b = viaUs();
    b.advance(120_000);
    expect(b.sentOf(0x99, 0xa00).map((s) => [s.header.nextHop, s.header.hopLimit])).toEqual([
      [0x55, 1],
      [0, 1],
    ]);
    expect(b.node.nodes.get(0x77)?.nextHop).toBe(0);
  });

  it("a duplicate relayed by the next hop stops our record; a CLIENT also cancels its queued relay, a ROUTER does not (NextHopRouter.cpp 53-56, 208-244)", () => {
    const sent = (role: number) => {
      const b = viaUs((c) => setRole(c, role));
      b.rx(frameOf(header({ to: 0x77, id: 0xa00, nextHop: 0x55, relayNode: 0x33, hopStart: 3, hopLimit: 1 }), telemetry()));
      const pending = b.node.router.pending.find(0x99, 0xa00) !== undefined;
      b.advance(120_000);
      return [pending, b.sentOf(0x99, 0xa00).length];
    };
    expect(sent(Role.CLIENT)).toEqual([false, 0]);
    expect(sent(Role.ROUTER)).toEqual([false, 1]);
  });

  it("an originator's repeat of a want_ack packet to us is ACKed again, with hop limit 0, and delivered once (NextHopRouter.cpp 64-75)", () => {
    const b = new NodeBench();
    const f = frameOf(header({ to: US, id: 0x800, wantAck: true }), telemetry());
    b.rx(f);
    b.advance(20_000);
    b.rx(f);
    b.advance(20_000);
    const acks = b.sent.filter((s) => s.data?.portnum === PortNum.ROUTING_APP && s.data.requestId === 0x800);
    expect(acks.map((s) => s.header.hopLimit)).toEqual([2, 0]);
    expect(b.heard().filter((p) => p.id === 0x800)).toHaveLength(1);
  });
});

describe("ReliableRouter.cpp", () => {
  function pendingDm(b: NodeBench): () => number {
    let id = 0;
    b.act((n, now) => (id = n.sendText(0x55, "are you there", 0, true, now)));
    return () => b.node.router.pending.find(US, id)?.nextTxMs ?? NaN;
  }

  it("our next packet's airtime, Data + 16 bytes, pushes back every pending retransmission (ReliableRouter.cpp 27-34)", () => {
    const b = new NodeBench();
    const next = pendingDm(b);
    const before = next();
    b.act((n, now) => n.sendText(BROADCAST, "meanwhile", 0, false, now));
    const data = DataCodec.encode({ portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode("meanwhile") });
    expect(next() - before).toBe(b.node.timing.airtimeMs(16 + data.length));
  });

  it("a received frame's airtime pushes back every pending retransmission (ReliableRouter.cpp 68-75)", () => {
    const b = new NodeBench();
    const next = pendingDm(b);
    const before = next();
    const f = frameOf(header({ id: 0x900, hopLimit: 0 }), text("x".repeat(40)));
    b.rx(f);
    expect(next() - before).toBe(b.node.timing.airtimeMs(f.length));
  });
});

describe("PacketHistory.cpp", () => {
  it("the history holds max(2·MAX_NUM_NODES, 100) records, MAX_NUM_NODES being the NodeDB's (PacketHistory.cpp 10-24)", () => {
    const size = (maxNodes: number) => new NodeBench(undefined, US, undefined, 7, { maxNodes }).node.router.history.capacity;
    // 0: the hardware model's MAX_NUM_NODES, 200 for the Heltec V3 the defaults describe.
    expect([size(0), size(250), size(80), size(10)]).toEqual([400, 500, 160, 100]);
  });

  /** A DM 0x99 → 0x55 (known, no next hop) that we relay, then 0x55's ACK relayed by 0x55 itself. */
  function relayThenAck(b: NodeBench, id: number, between?: () => void): void {
    b.node.nodes.getOrCreate(0x55);
    b.rx(frameOf(header({ to: 0x55, id, hopStart: 4, hopLimit: 3 }), telemetry()));
    between?.();
    b.advance(30_000);
    b.rx(frameOf(header({ from: 0x55, to: 0x99, id: id + 1, relayNode: 0x55, hopStart: 3, hopLimit: 3 }), ack(id)));
  }

  it("an ACK heard directly from the destination, when we were the only relayer, teaches its next hop (PacketHistory.cpp 332-388; NextHopRouter.cpp 96-107)", () => {
    const b = new NodeBench();
    relayThenAck(b, 0x900);
    expect(b.node.nodes.get(0x55)?.nextHop).toBe(0x55);
  });

  it("a cancelled relay removes us as relayer, so the ACK teaches nothing (PacketHistory.cpp 391-430; Router.cpp 399-407)", () => {
    const b = new NodeBench();
    relayThenAck(b, 0x600, () => b.rx(frameOf(header({ to: 0x55, id: 0x600, relayNode: 0x42, hopStart: 4, hopLimit: 0 }), telemetry())));
    expect(b.sentOf(0x99, 0x600)).toEqual([]);
    expect(b.node.nodes.get(0x55)?.nextHop).toBe(0);
  });
});

describe("MeshPacketQueue.cpp", () => {
  it("at equal priority another node's packet goes before ours (MeshPacketQueue.cpp 16-29)", () => {
    const b = new NodeBench();
    b.act((n, now) => n.handle({ type: "channel-busy", busy: true }, now));
    b.act((n, now) => n.sendText(BROADCAST, "ours", 0, false, now));
    b.rx(frameOf(header({ id: 0x321 }), text("theirs")), 6, -90, true);
    b.act((n, now) => n.handle({ type: "channel-busy", busy: false }, now));
    b.advance(30_000);
    expect(b.sent.map((s) => s.header.from)).toEqual([0x99, US]);
  });

  it("a full queue evicts a lower-priority packet for ours, and refuses what it cannot place (MeshPacketQueue.cpp 68-90, 151-211)", () => {
    const b = new NodeBench();
    b.act((n, now) => n.handle({ type: "channel-busy", busy: true }, now));
    for (let i = 0; i < 16; i++) b.rx(frameOf(header({ id: 0x1000 + i }), telemetry()), 6, -90, true);
    expect(b.node.router.queue.size).toBe(16);
    b.act((n, now) => n.sendText(BROADCAST, "urgent", 0, false, now));
    expect(b.node.router.queue.size).toBe(16);
    expect(b.node.router.queue.peek()?.from).toBe(US);
    b.rx(frameOf(header({ id: 0x1010 }), telemetry()), 6, -90, true);
    expect([b.node.router.stats.drops["queue-evicted"], b.node.router.stats.drops["queue-full"]]).toEqual([1, 1]);
  });
});
