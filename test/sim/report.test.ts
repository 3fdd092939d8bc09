// Run reports: report.json is byte-identical for the same scenario and seed (wall-clock part aside)
// and differs for another seed; its numbers agree with the simulator's own metrics; the two-meshes
// example shows its texts crossing the broker.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { buildReport, reportJson, reportText, runInfo } from "../../sim/report.js";
import type { Report } from "../../sim/report.js";
import { buildSimulation, formatScenarioErrors, parseScenario, runScenario } from "../../sim/scenario.js";
import type { Scenario, SimulationHandles } from "../../sim/scenario.js";

const DIR = join(import.meta.dirname, "../../sim/scenarios");

function load(name: string): Scenario {
  const r = parseScenario(JSON.parse(readFileSync(join(DIR, name), "utf8")));
  if (!r.ok) throw new Error(formatScenarioErrors(r.errors));
  return r.scenario;
}

async function run(s: Scenario, seed?: number): Promise<{ h: SimulationHandles; report: Report }> {
  const h = buildSimulation(s, seed !== undefined ? { seed } : {});
  try {
    await h.run();
  } finally {
    await h.close();
  }
  return { h, report: buildReport(h.sim, h.scenario, runInfo(h, { startedAt: new Date().toISOString(), elapsedS: Math.random(), speedup: 1 })) };
}

// A small radio-only scenario: generated broadcasts and DMs, a few periodic broadcasts.
const SMALL = {
  name: "small",
  durationS: 900,
  bootSpreadS: 60,
  area: { widthM: 5000, depthM: 5000 },
  traffic: { text: { meanIntervalS: 120, payloadBytes: 30 }, direct: { meanIntervalS: 300, payloadBytes: 12 }, nodeInfoIntervalS: 300, positionIntervalS: 0, telemetryIntervalS: 0 },
  nodes: [{ count: 8, namePrefix: "s", placement: { seed: 1 } }],
  messages: [{ atS: 400, from: "s0", text: "scheduled hello" }],
};

function small(): Scenario {
  const r = parseScenario(SMALL);
  if (!r.ok) throw new Error(formatScenarioErrors(r.errors));
  return r.scenario;
}

describe("report.json is deterministic", () => {
  it("same scenario and seed: byte-identical without the wall-clock part; another seed: different", async () => {
    const a = await run(small());
    const b = await run(small());
    const c = await run(small(), 45);
    const ja = reportJson(a.report, { wall: false });
    expect(reportJson(b.report, { wall: false })).toBe(ja);
    expect(reportJson(c.report, { wall: false })).not.toBe(ja);
    // The wall-clock part is the only difference when it is included.
    expect(reportJson(a.report)).not.toBe(reportJson(b.report));
    expect(JSON.parse(reportJson(a.report)).wall.speedup).toBe(1);
    expect(JSON.parse(ja).wall).toBeNull();
    expect(a.report.summary.messages).toBeGreaterThan(20);
  });

  it("two-meshes through the embedded broker: identical for the same seed", async () => {
    const s = load("two-meshes.json");
    const a = await run(s);
    const b = await run(s);
    expect(reportJson(b.report, { wall: false })).toBe(reportJson(a.report, { wall: false }));
    expect(a.report.run.reproducible).toBe(true);
  });

  it("keys sorted, numbers rounded to 3 decimals, no NaN", async () => {
    const { report } = await run(small());
    const text = reportJson(report);
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(text).not.toMatch(/\d\.\d{4,}/);
    const checkSorted = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(checkSorted);
      else if (v !== null && typeof v === "object") {
        const keys = Object.keys(v);
        expect(keys).toEqual([...keys].sort());
        for (const k of keys) checkSorted((v as Record<string, unknown>)[k]);
      }
    };
    checkSorted(JSON.parse(text));
  });
});

describe("report content", () => {
  it("agrees with the simulator's metrics and delivery log", async () => {
    const { h, report } = await run(small());
    const m = h.sim.metrics();
    const s = report.summary;
    expect(s.nodes).toBe(8);
    expect(s.messages).toBe(m.messages);
    expect(s.deliveries).toBe(m.deliveries);
    expect(s.reachability).toBe(m.reachability);
    expect(s.collisions).toBe(m.collisions);
    expect(report.latencyMs.count).toBe(m.latencyMs.count);
    expect(report.latencyMs.p50).toBe(m.latencyMs.p50);
    expect(report.latencyMs.p95).toBe(m.latencyMs.p95);
    expect(report.latencyMs.max).toBe(m.latencyMs.max);
    expect(s.framesSent).toBe(m.nodes.reduce((t, n) => t + n.sent, 0));
    expect(s.framesReceived).toBe(m.nodes.reduce((t, n) => t + n.received, 0));
    expect(s.duplicates).toBe(m.nodes.reduce((t, n) => t + n.duplicates, 0));
    // Per-node rows are the simulator's counters.
    report.nodes.forEach((n, i) => {
      expect(n.sent).toBe(m.nodes[i].sent);
      expect(n.delivered).toBe(m.nodes[i].delivered);
      expect(n.collisions).toBe(m.nodes[i].collisions);
      expect(n.channelUtilPercent).not.toBeNull();
      expect(n.channelUtilPercent as number).toBeGreaterThanOrEqual(n.txUtilPercent - 1e-9);
      expect(n.channelUtilPercent as number).toBeLessThanOrEqual(100);
    });
    // Deliveries counted from the log, message by message.
    const firsts = h.sim.deliveries.filter((d) => !d.duplicate).length;
    expect(report.messages.listed.reduce((t, r) => t + r.deliveredTo, 0)).toBe(m.deliveries);
    expect(firsts).toBe(m.deliveries);
    expect(report.messages.total).toBe(m.messages);
    expect(report.reachHistogram.reduce((t, k) => t + k, 0)).toBe(m.messages - s.refused);
    expect(report.byPort.reduce((t, p) => t + p.messages, 0)).toBe(m.messages - s.refused);
    expect(report.byPort.map((p) => p.port)).toEqual(expect.arrayContaining(["TEXT_MESSAGE_APP", "NODEINFO_APP"]));
    // DMs: the destination's app got it.
    expect(s.directSent).toBeGreaterThan(0);
    let delivered = 0;
    for (const r of report.messages.listed) {
      if (r.to === "broadcast" || r.port !== "TEXT_MESSAGE_APP") continue;
      if (h.sim.deliveries.some((d) => !d.duplicate && d.id === r.id && report.nodes[d.node].name === r.to)) delivered++;
    }
    expect(s.directDelivered).toBe(delivered);
    // The scheduled broadcast.
    expect(report.scheduled).toHaveLength(1);
    const sch = report.scheduled[0];
    expect(sch.from).toBe("s0");
    expect(sch.text).toBe("scheduled hello");
    expect(sch.id).not.toBe(0);
    expect(sch.deliveredTo).toBe(h.sim.deliveries.filter((d) => !d.duplicate && d.id === sch.id && d.from === h.sim.nodes[0].nodeNum).length);
    // Links: what the medium says can be decoded.
    for (const l of report.links.drawn) {
      if (l.rssiAb !== null) expect(l.rssiAb).toBeGreaterThanOrEqual(h.sim.medium.radioThresholds(l.b).sensitivityDbm);
      expect(h.sim.medium.receiversOf(l.a)).toContain(l.b);
    }
    expect(report.mqtt).toBeNull();
    expect(reportText(report)).toContain("small: 8 nodes");
    expect(h.summary()).toBe(reportText(report));
  });

  it("two-meshes: two islands; both scheduled texts and the DM cross the broker", async () => {
    const { h, report } = await run(load("two-meshes.json"));
    expect(report.summary.islands).toBe(2);
    expect(report.mqtt).not.toBeNull();
    const q = report.mqtt!;
    expect(q.gateways.map((g) => g.name)).toEqual(["A-gw", "B-gw"]);
    expect(q.gateways.every((g) => g.connected && g.uplinked > 0 && g.downlinked > 0)).toBe(true);
    expect(new Set(q.gateways.map((g) => g.island)).size).toBe(2);
    const islandOf = new Map(report.nodes.map((n) => [n.name, n.island]));
    const [fromA, fromB, exchange, dm] = report.scheduled;
    expect(fromA.from).toBe("A2");
    expect(fromA.crossedTo).toEqual(expect.arrayContaining(["B1", "B2", "B3", "B4"]));
    expect(fromB.crossedTo).toEqual(expect.arrayContaining(["A1", "A2", "A3", "A4"]));
    for (const n of fromA.crossedTo) expect(islandOf.get(n)).not.toBe(islandOf.get("A2"));
    // A1 exchanges user info with B4 first: B-gw learns A1 from it and then forwards the PKI DM.
    expect(exchange.to).toBe("B4");
    expect(exchange.crossedTo).toEqual(["B4"]);
    expect(dm.to).toBe("B4");
    expect(dm.crossedTo).toEqual(["B4"]);
    // Crossings are also visible in the delivery log (via_mqtt) and in the MQTT section.
    const viaMqtt = h.sim.deliveries.filter((d) => !d.duplicate && d.viaMqtt).length;
    expect(viaMqtt).toBeGreaterThan(0);
    expect(q.crossedDeliveries).toBeGreaterThanOrEqual(viaMqtt);
    expect(q.crossed.some((c) => c.text === "Hello from island A")).toBe(true);
    expect(q.crossed.some((c) => c.text === "Hello from island B")).toBe(true);
    expect(q.viaMqttFrames).toBeGreaterThan(0);
  });

  it("runScenario validates, runs and reports; invalid input lists every field", async () => {
    const r = await runScenario({ ...SMALL, durationS: 120, messages: [] });
    expect(r.report.run.simulatedS).toBe(120);
    expect(r.report.wall?.elapsedS).toBeGreaterThan(0);
    await expect(runScenario({ nodes: [{ x: 0, y: 0, role: "BOSS" }] }, {}, "bad.json")).rejects.toThrow(/bad\.json: invalid scenario\nnodes\[0\]\.role: unknown role "BOSS"/);
  });

  it("a message to a node resolves the destination name", async () => {
    const { report } = await run(small());
    const dm = report.messages.listed.find((r) => r.port === "TEXT_MESSAGE_APP" && r.to !== "broadcast");
    expect(dm).toBeDefined();
    expect(report.nodes.map((n) => n.name)).toContain(dm!.to);
    expect(BROADCAST).toBe(0xffffffff);
  });
});
