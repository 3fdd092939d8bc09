// Realtime runs: virtual time paced to the wall clock, and the embedded broker's optional listener
// through which real MQTT clients watch the simulated gateways.
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { decodeEnvelope } from "../../firmware/gateway/index.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { EmbeddedBrokerNetwork, Simulator } from "../../sim/index.js";
import { freePort, waitFor } from "../support/brokers.js";
import { GATEWAY_A, ISLAND_A, ISLAND_B, deliveryLog, islands, watch } from "./ip-support.js";
import type { Watcher } from "./ip-support.js";

const open: Simulator[] = [];
const watchers: Watcher[] = [];
afterEach(async () => {
  for (const w of watchers.splice(0)) w.stop();
  for (const s of open.splice(0)) await s.close();
});

describe("realtime", () => {
  it("a real client on the listener sees the uplinked envelope of a live run", async () => {
    const port = await freePort();
    const ip = new EmbeddedBrokerNetwork({ latencyMs: 5, listenPort: port });
    const sim = islands(ip, { realtime: true });
    open.push(sim);
    await ip.start();
    expect(ip.listenAddress).toEqual({ host: "127.0.0.1", port });
    const w = watch(port, "msh/sim/#");
    watchers.push(w);
    await waitFor("the watcher subscribed", w.subscribed, 3000);

    sim.sendText(ISLAND_A[0], BROADCAST, "live", 200);
    const t0 = performance.now();
    await sim.runUntilAsync(1500);
    const wallMs = performance.now() - t0;
    // Paced to the wall clock (a little slack for timer granularity).
    expect(wallMs).toBeGreaterThanOrEqual(1450);
    expect(wallMs).toBeLessThan(4000);

    await waitFor("the envelope reached the watcher", () => w.got.length > 0, 1000);
    const gw = sim.nodes[GATEWAY_A].nodeNum.toString(16).padStart(8, "0");
    const env = w.got.find((g) => g.topic.endsWith("/!" + gw));
    expect(env).toBeDefined();
    expect(env!.topic).toMatch(/^msh\/sim\/2\/e\/[A-Za-z]+\/!/);
    const r = decodeEnvelope(env!.payload);
    if (!r.ok) throw new Error("bad envelope: " + r.error.toString());
    expect(r.value.gatewayId).toBe("!" + gw);
    expect(r.value.packet.from).toBe(sim.nodes[ISLAND_A[0]].nodeNum);
    // The same envelope also crossed to island B inside the simulation.
    expect(sim.deliveries.some((d) => d.viaMqtt && ISLAND_B.includes(d.node))).toBe(true);

    // Real clients could have published: the run says it is not reproducible.
    expect(ip.reproducible).toBe(false);
    expect(sim.reproducible).toBe(false);
    expect(sim.ipMetrics().network!.listenerClients).toBe(1);
  }, 15_000);

  it("without a listener the embedded broker opens no port, and realtime does not change the results", async () => {
    const virtualSim = islands(new EmbeddedBrokerNetwork({ latencyMs: 5 }));
    open.push(virtualSim);
    virtualSim.sendText(ISLAND_A[0], BROADCAST, "same", 100);
    await virtualSim.runUntilAsync(1200);

    const ip = new EmbeddedBrokerNetwork({ latencyMs: 5 });
    const live = islands(ip, { realtime: true });
    open.push(live);
    live.sendText(ISLAND_A[0], BROADCAST, "same", 100);
    await live.runUntilAsync(1200);
    expect(ip.listenAddress).toBeUndefined();
    expect(live.reproducible).toBe(true);
    expect(deliveryLog(live)).toEqual(deliveryLog(virtualSim));
    expect(live.deliveries.some((d) => d.viaMqtt)).toBe(true);
  }, 15_000);

  it("runUntil refuses a realtime simulation", () => {
    const sim = new Simulator({ seed: 1, realtime: true });
    expect(() => sim.runUntil(10)).toThrow(/realtime/);
  });
});
