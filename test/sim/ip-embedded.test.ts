// Two LoRa islands bridged by their gateways through the embedded aedes broker, at virtual time.
import { afterEach, describe, expect, it } from "vitest";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { EmbeddedBrokerNetwork, Simulator, disablePeriodicBroadcasts, enableChannelMqtt, simGatewayConfig } from "../../sim/index.js";
import { GATEWAY_A, GATEWAY_B, ISLAND_A, ISLAND_B, ISLAND_GAP_M, deliveryLog, islands, sendBothWays, textDeliveries } from "./ip-support.js";

const open: Simulator[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function bridged(latencyMs: number, runMs = 90_000): Promise<Simulator> {
  const sim = islands(new EmbeddedBrokerNetwork({ latencyMs }));
  open.push(sim);
  sendBothWays(sim);
  await sim.runUntilAsync(runMs);
  return sim;
}

describe("islands bridged through the embedded broker", () => {
  it("carries a text from island A to every node of island B, and back", async () => {
    const sim = await bridged(50);
    const ab = textDeliveries(sim, ISLAND_A[0]);
    expect(ab.map((d) => d.node).sort()).toEqual([1, 2, 3, 4, 5]);
    for (const d of ab) expect(d.viaMqtt).toBe(ISLAND_B.includes(d.node));
    const ba = textDeliveries(sim, ISLAND_B[2]);
    expect(ba.map((d) => d.node).sort()).toEqual([0, 1, 2, 3, 4]);
    for (const d of ba) expect(d.viaMqtt).toBe(ISLAND_A.includes(d.node));
    // One-way latency 50 ms: the remote gateway delivers 2 × 50 ms after the local one heard it.
    const at = (node: number) => (ab.find((d) => d.node === node) as { atMs: number }).atMs;
    expect(at(GATEWAY_B) - at(GATEWAY_A)).toBeCloseTo(100, 6);

    const m = sim.ipMetrics();
    expect(m.reproducible).toBe(true);
    expect(sim.reproducible).toBe(true);
    expect(m.gateways.map((g) => g.index)).toEqual([GATEWAY_A, GATEWAY_B]);
    for (const g of m.gateways) {
      expect(g.connects).toBe(1);
      expect(g.publishes).toBe(1);
      // Its own uplink echoed back plus the other island's.
      expect(g.messagesDelivered).toBe(2);
      expect(g.uplinked).toBe(1);
      expect(g.downlinked).toBe(1);
      expect(g.bytesOut).toBeGreaterThan(0);
      expect(g.bytesIn).toBeGreaterThan(0);
    }
    const n = m.network!;
    expect(n.kind).toBe("embedded");
    expect(n.connections).toBe(2);
    expect(n.openConnections).toBe(2);
    expect(n.settleCapHits).toBe(0);
    expect(n.bytesToBroker).toBe(m.gateways[0].bytesOut + m.gateways[1].bytesOut);
    expect(n.bytesFromBroker).toBe(m.gateways[0].bytesIn + m.gateways[1].bytesIn);
  });

  it("tracks a gateway's own module broadcasts from creation, though MQTT carries them before the radio", async () => {
    const sim = islands(new EmbeddedBrokerNetwork({ latencyMs: 5 }), {}, true);
    open.push(sim);
    await sim.runUntilAsync(20 * 60_000);
    const gw = [sim.nodes[GATEWAY_A].nodeNum, sim.nodes[GATEWAY_B].nodeNum];
    const fromGateways = sim.deliveries.filter((d) => gw.includes(d.from) && !d.duplicate);
    // NodeInfo at least: each gateway's reaches the other island over MQTT and its own by radio.
    expect(fromGateways.filter((d) => d.viaMqtt).length).toBeGreaterThanOrEqual(2);
    for (const d of fromGateways) expect(d.latencyMs, JSON.stringify(d)).toBeGreaterThanOrEqual(0);
    const m = sim.metrics();
    for (const i of [GATEWAY_A, GATEWAY_B]) expect(m.nodes[i].originated).toBeGreaterThan(0);
    // Every non-duplicate delivery belongs to a tracked message.
    expect(m.deliveries).toBe(sim.deliveries.filter((d) => !d.duplicate).length);
  });

  it("gives identical delivery logs for the same seed, MQTT-crossed deliveries included", async () => {
    const a = deliveryLog(await bridged(50));
    const b = deliveryLog(await bridged(50));
    expect(a.filter((l) => l.endsWith(" mqtt")).length).toBeGreaterThanOrEqual(6);
    expect(b).toEqual(a);
  });

  it("shifts exactly the MQTT-crossed deliveries when the latency changes", async () => {
    const fast = await bridged(20);
    const slow = await bridged(70);
    expect(slow.deliveries.length).toBe(fast.deliveries.length);
    let crossed = 0;
    for (let k = 0; k < fast.deliveries.length; k++) {
      const f = fast.deliveries[k];
      const s = slow.deliveries.find((d) => d.node === f.node && d.from === f.from && d.id === f.id && d.duplicate === f.duplicate)!;
      expect(s.viaMqtt).toBe(f.viaMqtt);
      // Gateway → broker → gateway is two one-way legs.
      if (f.viaMqtt) {
        crossed++;
        expect(s.atMs - f.atMs).toBeCloseTo(2 * 50, 6);
      } else expect(s.atMs).toBe(f.atMs);
    }
    expect(crossed).toBeGreaterThanOrEqual(6);
  });

  it("keeps the gateways connected across keepalives for a simulated hour", async () => {
    const sim = islands(new EmbeddedBrokerNetwork({ latencyMs: 30 }));
    open.push(sim);
    sim.sendText(ISLAND_A[0], BROADCAST, "late", 3_500_000);
    await sim.runUntilAsync(3_600_000);
    const m = sim.ipMetrics();
    for (const g of m.gateways) {
      expect(g.connected).toBe(true);
      expect(g.connects).toBe(1);
    }
    expect(sim.nodes[GATEWAY_A].mqttClient!.stats.pingResps).toBeGreaterThan(200);
    expect(textDeliveries(sim, ISLAND_A[0]).filter((d) => d.viaMqtt).length).toBe(3);
  });

  it("reports a connection the broker closes: two gateways with one client id take each other's session over", async () => {
    const run = async () => {
      const sim = new Simulator({ seed: 2, ip: new EmbeddedBrokerNetwork({ latencyMs: 10 }) });
      open.push(sim);
      for (let k = 0; k < 2; k++) sim.addNode({ x: k * ISLAND_GAP_M, y: 0, nodeNum: 0x4242, mqtt: simGatewayConfig(), startMs: k * 2000, configure: quietGateway });
      await sim.runUntilAsync(120_000);
      return sim;
    };
    const sim = await run();
    const [a, b] = sim.nodes.map((n) => n.mqttClient!.stats);
    // b's CONNECT at 2 s takes a's session over; a reconnects after its backoff and takes b's, ...
    expect(a.socketsClosed).toBeGreaterThan(0);
    expect(b.socketsClosed).toBeGreaterThan(0);
    expect(a.connects + b.connects).toBeGreaterThan(3);
    const again = await run();
    expect(again.ipMetrics()).toEqual(sim.ipMetrics());
  });

  it("refuses a synchronous run once the broker has work, with a clear error", () => {
    const sim = islands(new EmbeddedBrokerNetwork({ latencyMs: 50 }));
    open.push(sim);
    // The socket-open is answered after the latency; the CONNECT then has to reach aedes.
    expect(() => sim.runUntil(10_000)).toThrow(/runUntilAsync/);
    expect(sim.now).toBeLessThan(10_000);
  });
});

/** A gateway with MQTT on its channel (the firmware runs no MQTT without one) and its own traffic off. */
function quietGateway(c: Parameters<typeof disablePeriodicBroadcasts>[0]): void {
  disablePeriodicBroadcasts(c);
  enableChannelMqtt(c);
}

describe("without an IP network", () => {
  it("a gateway's connect fails at once and the radio-only run stays synchronous", () => {
    const logs: string[] = [];
    const sim = new Simulator({ seed: 3, onLog: (_n, m) => logs.push(m) });
    sim.addNode({ x: 0, y: 0, mqtt: simGatewayConfig(), configure: quietGateway });
    sim.runUntil(10_000);
    expect(logs.some((l) => l.includes("no IP network"))).toBe(true);
    expect(sim.nodes[0].mqttClient!.stats.connects).toBe(0);
    expect(sim.ipMetrics().network).toBeUndefined();
  });

  it("runUntilAsync without a network is runUntil", async () => {
    const make = () => {
      const sim = new Simulator({ seed: 5, medium: { linkOffsetSigmaDb: 0 } });
      for (let i = 0; i < 3; i++) sim.addNode({ x: i * 1500, y: 0, configure: disablePeriodicBroadcasts });
      sim.sendText(0, BROADCAST, "radio only", 1000);
      return sim;
    };
    const a = make();
    a.runUntil(60_000);
    const b = make();
    const p = b.runUntilAsync(60_000);
    // Nothing is awaited: the run is already over when the promise is handed back.
    expect(b.now).toBe(60_000);
    await p;
    expect(deliveryLog(b)).toEqual(deliveryLog(a));
  });
});
