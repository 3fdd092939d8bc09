// Gateways of one simulation connected to a real broker over loopback sockets (aedes started by the
// test on 127.0.0.1), at virtual time.
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { ExternalBrokerNetwork, EmbeddedBrokerNetwork, Simulator, createIpNetwork, parseBrokerUrl } from "../../sim/index.js";
import { type TestBroker, freePort, startAedes } from "../support/brokers.js";
import { ISLAND_A, ISLAND_B, islands, sendBothWays, textDeliveries } from "./ip-support.js";

const open: Simulator[] = [];
let broker: TestBroker | undefined;
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
  await broker?.stop();
  broker = undefined;
});

describe("an external broker", () => {
  it("bridges two islands through a real broker; the run says it is not reproducible", async () => {
    broker = await startAedes();
    const seen = broker.collect!("msh/sim/#");
    const ip = new ExternalBrokerNetwork({ host: "127.0.0.1", port: broker.port, settleQuietMs: 20 });
    const sim = islands(ip);
    open.push(sim);
    sendBothWays(sim);
    await sim.runUntilAsync(90_000);

    const ab = textDeliveries(sim, ISLAND_A[0]);
    for (const n of ISLAND_B) expect(ab.find((d) => d.node === n)?.viaMqtt).toBe(true);
    const ba = textDeliveries(sim, ISLAND_B[2]);
    for (const n of ISLAND_A) expect(ba.find((d) => d.node === n)?.viaMqtt).toBe(true);

    expect(sim.reproducible).toBe(false);
    expect(ip.describe()).toMatch(/not reproducible/);
    const m = sim.ipMetrics();
    expect(m.reproducible).toBe(false);
    expect(m.network!.kind).toBe("external");
    for (const g of m.gateways) {
      expect(g.connects).toBe(1);
      expect(g.publishes).toBe(1);
    }
    // The real broker saw both uplinks.
    expect(seen.length).toBe(2);
  }, 30_000);

  it("works in realtime too: events are stamped when they arrive", async () => {
    broker = await startAedes();
    const sim = islands(new ExternalBrokerNetwork({ host: "127.0.0.1", port: broker.port }), { realtime: true });
    open.push(sim);
    sim.sendText(ISLAND_A[0], BROADCAST, "live over a real broker", 300);
    const t0 = performance.now();
    await sim.runUntilAsync(1800);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1750);
    const ab = textDeliveries(sim, ISLAND_A[0]);
    for (const n of ISLAND_B) expect(ab.find((d) => d.node === n)?.viaMqtt).toBe(true);
    expect(sim.ipMetrics().network!.settles).toBe(0);
  }, 15_000);

  it("a broker that refuses connections: the gateways back off and the run still ends", async () => {
    const port = await freePort();
    const sim = islands(new ExternalBrokerNetwork({ host: "127.0.0.1", port, settleQuietMs: 5 }));
    open.push(sim);
    await sim.runUntilAsync(30_000);
    for (const g of sim.ipMetrics().gateways) {
      expect(g.connects).toBe(0);
      expect(g.connectAttempts).toBeGreaterThan(2);
    }
  }, 30_000);
});

describe("choosing the network", () => {
  it("parses broker URLs", () => {
    expect(parseBrokerUrl("mqtt://localhost:1884")).toEqual({ host: "localhost", port: 1884, tls: false, username: undefined, password: undefined });
    expect(parseBrokerUrl("mqtts://u:p%40ss@broker.example")).toEqual({ host: "broker.example", port: 8883, tls: true, username: "u", password: "p@ss" });
    expect(parseBrokerUrl("mqtt://[::1]:1883").host).toBe("::1");
    expect(() => parseBrokerUrl("http://x:1")).toThrow(/scheme/);
    expect(() => parseBrokerUrl("localhost:1883")).toThrow();
  });

  it("embedded by default, external with a broker URL", () => {
    const e = createIpNetwork({ latencyMs: 7 });
    expect(e).toBeInstanceOf(EmbeddedBrokerNetwork);
    expect(e.reproducible).toBe(true);
    expect(e.metrics().latencyMs).toBe(7);
    const x = createIpNetwork({ broker: "mqtt://127.0.0.1:1883" });
    expect(x).toBeInstanceOf(ExternalBrokerNetwork);
    expect(x.reproducible).toBe(false);
    expect(() => createIpNetwork({ broker: "mqtt://127.0.0.1:1883", listenPort: 1 })).toThrow(/listener/);
    expect(() => createIpNetwork({ latencyMs: -1 })).toThrow(/latency/);
  });
});
