// Full MeshNodes in the simulated medium. Unless a test says otherwise: LONG_FAST, US region
// (906.875 MHz), 30 dBm, 1 m antennas, 3GPP suburban path loss and no per-link offsets, so the
// geometry decides who hears whom exactly:
//   PL(d) = 44.9·log10(d_km) + 45.5 + 34.36·log10(906.875) + 0.7 = 44.9·log10(d_km) + 147.821 dB
//   1500 m: 147.821 + 44.9·0.176091 = 155.728 → −125.73 dBm (sensitivity −131.52: heard)
//   3000 m: 147.821 + 44.9·0.477121 = 169.244 → −139.24 dBm (below the −134.52 CAD threshold: not
//   even sensed)
// so nodes 1500 m apart on a line hear only their neighbours.
import { describe, expect, it } from "vitest";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { PortNum, Role } from "../../firmware/wire/enums.js";
import { Simulator, disablePeriodicBroadcasts, randomPlacement } from "../../sim/index.js";
import type { SimulatorOptions } from "../../sim/index.js";

interface Tx {
  node: number;
  at: number;
  from: number;
  hopLimit: number;
}

const SPACING_M = 1500;

function line(n: number, configure: (c: NodeConfig, i: number) => void = () => {}, o: Partial<SimulatorOptions> = {}) {
  const txs: Tx[] = [];
  const sim = new Simulator({
    seed: 1,
    medium: { linkOffsetSigmaDb: 0 },
    onTransmit: (node, frame, at) => txs.push({ node, at, from: frame[4] | (frame[5] << 8) | (frame[6] << 16) | (frame[7] << 24), hopLimit: frame[12] & 7 }),
    ...o,
  });
  for (let i = 0; i < n; i++)
    sim.addNode({
      x: i * SPACING_M,
      y: 0,
      configure: (c) => {
        disablePeriodicBroadcasts(c);
        configure(c, i);
      },
    });
  return { sim, txs };
}

function texts(sim: Simulator, node: number) {
  return sim.deliveries.filter((d) => d.node === node && d.portnum === PortNum.TEXT_MESSAGE_APP);
}

describe("a line of nodes", () => {
  it("carries a broadcast end to end", () => {
    const { sim, txs } = line(3);
    expect(sim.medium.receiversOf(0)).toEqual([1]);
    expect(sim.medium.receiversOf(1)).toEqual([0, 2]);
    sim.sendText(0, BROADCAST, "hello", 1000);
    sim.runUntil(60_000);
    expect(texts(sim, 1)).toHaveLength(1);
    expect(texts(sim, 2)).toHaveLength(1);
    expect(texts(sim, 2)[0].from).toBe(sim.nodes[0].nodeNum);
    // A sends, B relays, C relays too (hop limit left) though nobody new hears it.
    expect(txs.map((t) => t.node)).toEqual([0, 1, 2]);
    const m = sim.metrics();
    expect(m.messages).toBe(1);
    expect(m.deliveries).toBe(2);
    expect(m.reachability).toBe(1);
    expect(m.latencyMs.count).toBe(2);
    expect(m.latencyMs.max).toBeGreaterThan(m.latencyMs.p50);
  });

  it("is cut by a CLIENT_MUTE in the middle", () => {
    const { sim, txs } = line(3, (c, i) => {
      if (i === 1) c.role = Role.CLIENT_MUTE;
    });
    sim.sendText(0, BROADCAST, "hello", 1000);
    sim.runUntil(60_000);
    expect(texts(sim, 1)).toHaveLength(1); // the mute node still hears and delivers it
    expect(texts(sim, 2)).toHaveLength(0);
    expect(txs.map((t) => t.node)).toEqual([0]);
  });
});

describe("hop limit", () => {
  // The issue asked for "delivers with hop limit >= 2 and not with 1" on a 3-node line. That
  // contradicts the firmware (NextHopRouter::perhapsRebroadcast, spec 6.5): a packet received with
  // hop_limit > 0 is relayed with hop_limit − 1, so a packet sent with hop limit H is relayed H
  // times and crosses H + 1 links. These tests follow the firmware: H = 1 reaches the third node of a
  // 3-node line, H = 0 does not.
  it("hop limit 1 reaches the third node of a 3-node line, hop limit 0 does not", () => {
    let r = line(3, (c, i) => {
      if (i === 0) c.hopLimit = 1;
    });
    r.sim.sendText(0, BROADCAST, "one hop", 1000);
    r.sim.runUntil(60_000);
    expect(texts(r.sim, 2)).toHaveLength(1);
    expect(r.txs.map((t) => [t.node, t.hopLimit])).toEqual([
      [0, 1],
      [1, 0],
    ]);

    r = line(3, (c, i) => {
      if (i === 0) c.hopLimit = 0;
    });
    r.sim.sendText(0, BROADCAST, "no hop", 1000);
    r.sim.runUntil(60_000);
    expect(texts(r.sim, 1)).toHaveLength(1);
    expect(texts(r.sim, 2)).toHaveLength(0);
    expect(r.txs.map((t) => [t.node, t.hopLimit])).toEqual([[0, 0]]);
  });

  it("a broadcast sent with hop limit H is relayed H times and crosses H + 1 links", () => {
    for (let h = 0; h <= 3; h++) {
      const { sim, txs } = line(5, (c, i) => {
        if (i === 0) c.hopLimit = h;
      });
      sim.sendText(0, BROADCAST, "hops", 1000);
      sim.runUntil(120_000);
      const reached = [1, 2, 3, 4].filter((k) => texts(sim, k).length === 1);
      expect(reached, "H = " + h).toEqual([1, 2, 3, 4].slice(0, h + 1));
      expect(txs.filter((t) => t.node !== 0)).toHaveLength(h);
      expect(txs.map((t) => t.hopLimit)).toEqual(Array.from({ length: h + 1 }, (_, k) => h - k));
    }
  });
});

describe("roles", () => {
  it("a ROUTER relays before a CLIENT that heard the packet at the same SNR", () => {
    // S at the origin, R (ROUTER) 1 km east, C (CLIENT) 1 km north: same loss from S, so the same
    // SNR; R and C are 1414 m apart and hear each other. The router draws from [0, 2·CW) slots, the
    // client waits 2·CW_MAX = 16 slots first: with SNR −3.8 dB (CW = 5) the router always wins.
    for (let seed = 1; seed <= 10; seed++) {
      const txs: number[] = [];
      const sim = new Simulator({ seed, medium: { linkOffsetSigmaDb: 0 }, onTransmit: (node) => txs.push(node) });
      sim.addNode({ x: 0, y: 0, configure: disablePeriodicBroadcasts });
      sim.addNode({ x: 1000, y: 0, configure: (c) => (disablePeriodicBroadcasts(c), (c.role = Role.ROUTER)) });
      sim.addNode({ x: 0, y: 1000, configure: disablePeriodicBroadcasts });
      expect(sim.medium.linkRssiDbm(0, 1)).toBe(sim.medium.linkRssiDbm(0, 2));
      sim.sendText(0, BROADCAST, "who relays first?", 1000);
      sim.runUntil(60_000);
      expect(txs, "seed " + seed).toEqual([0, 1]);
      // The client heard the router's relay and cancelled its own.
      expect(sim.nodes[2].router.stats.txRelayCanceled).toBe(1);
      expect(texts(sim, 2)).toHaveLength(1);
    }
  });
});

describe("hidden terminal with full nodes", () => {
  it("A and C send together; B, between them, gets neither", () => {
    const { sim, txs } = line(3);
    sim.sendText(0, BROADCAST, "from A", 1000);
    sim.sendText(2, BROADCAST, "from C", 1000);
    sim.runUntil(60_000);
    expect(txs.map((t) => t.node).sort()).toEqual([0, 2]);
    expect(sim.deliveries).toEqual([]);
    const m = sim.metrics();
    expect(m.nodes[1].collisions).toBe(2);
    // Neither end ever sensed the other.
    expect(sim.medium.radioCounters(0)).toMatchObject({ rxOk: 0, rxWeak: 0, rxCollided: 0 });
    expect(sim.medium.radioCounters(2)).toMatchObject({ rxOk: 0, rxWeak: 0, rxCollided: 0 });
  });
});

describe("determinism", () => {
  const layout = randomPlacement({ count: 20, seed: 3, widthM: 6000, depthM: 6000, connectRangeM: 1500 });

  function run(seed: number, extraNode: boolean, periodic: boolean) {
    const sim = new Simulator({
      seed,
      bootSpreadMs: 30_000,
      traffic: { meanIntervalMs: 60_000, payloadBytes: 40 },
    });
    for (const p of layout) sim.addNode({ x: p.x, y: p.y, configure: periodic ? undefined : disablePeriodicBroadcasts });
    if (extraNode) sim.addNode({ x: 3000, y: 3000, configure: periodic ? undefined : disablePeriodicBroadcasts });
    sim.runUntil(10 * 60_000);
    return sim;
  }

  it("the same seed gives identical delivery logs and metrics; another seed changes the timing", () => {
    const a = run(11, false, true);
    const b = run(11, false, true);
    expect(a.deliveries.length).toBeGreaterThan(100);
    expect(b.deliveries).toEqual(a.deliveries);
    expect(b.metrics()).toEqual(a.metrics());
    const c = run(12, false, true);
    const times = (s: Simulator) => s.deliveries.map((d) => d.node + "@" + d.atMs);
    expect(times(c)).not.toEqual(times(a));
  });

  it("adding a node leaves the other nodes' traffic schedule and links unchanged", () => {
    const a = run(11, false, false);
    const b = run(11, true, false);
    const schedule = (s: Simulator) =>
      s
        .messages()
        .filter((m) => m.origin < 20)
        .map((m) => m.origin + "@" + m.createdMs)
        .sort();
    expect(schedule(a).length).toBeGreaterThan(50);
    expect(schedule(b)).toEqual(schedule(a));
    for (let i = 0; i < 20; i += 3) expect(b.medium.linkRssiDbm(i, (i + 1) % 20)).toBe(a.medium.linkRssiDbm(i, (i + 1) % 20));
  });
});

describe("listen before talk", () => {
  it("in a saturated cluster no radio starts a frame while it hears another", () => {
    // 40 nodes within earshot of most others, a 40-byte broadcast every 20 s each: frames end
    // while others are on air all the time, which is when a core that forgot the channel state
    // would transmit over them.
    const layout = randomPlacement({ count: 40, seed: 5, widthM: 3000, depthM: 3000, connectRangeM: 1500 });
    const sim = new Simulator({ seed: 5, bootSpreadMs: 10_000, traffic: { meanIntervalMs: 20_000, payloadBytes: 40 } });
    for (const p of layout) sim.addNode({ x: p.x, y: p.y });
    sim.runUntil(10 * 60_000);
    let sent = 0;
    let overBusy = 0;
    for (let i = 0; i < 40; i++) {
      sent += sim.medium.radioCounters(i).txPackets;
      overBusy += sim.medium.radioCounters(i).txOverBusy;
    }
    expect(sent).toBeGreaterThan(500);
    expect(sim.metrics().collisions).toBeGreaterThan(0);
    expect(overBusy).toBe(0);
  });
});
