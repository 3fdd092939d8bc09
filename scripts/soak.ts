// Long run of the simulator (issue 8): NODES nodes (default 500) for HOURS simulated hours (default
// 24) in bench/sim-scale.ts's layout and traffic, the V8 heap sampled after a full GC every
// SAMPLE_MINUTES simulated minutes (default 60), then two verdicts:
//
// - heap: flat once the bounded structures are full. Everything the simulator and its nodes keep
//   is bounded: the message table (MAX_MESSAGES, default 40 per node), the delivery log (MAX_LOG,
//   default 500 per node), the event queue, each node's NodeDB (100 entries), dedup history, TX
//   queue and MQTT queue. The two accounting tables (about 370 bytes per message) are capped low
//   here so that they fill in the first simulated hour; at the simulator's defaults (1 Mi each)
//   they would grow through the whole day, bounded but not yet full. The "warm-up"
//   ends at the first sample where both are full and at least WARMUP_HOURS have passed (NodeDB
//   entries fill as NodeInfo is heard). After it, the mean of the last third of the samples may
//   exceed the mean of the first third by at most TOLERANCE_MB + TOLERANCE_PCT of the warm-up
//   heap: what stays is noise from packets in flight (event queue, TX queues, both bounded) and
//   V8's own lazily compiled code and feedback, measured under 0.4 MB at 60, 100 and 500 nodes
//   (the megabyte leaves room for other V8 versions); a per-message or per-frame leak
//   grows with traffic (hundreds of thousands of messages and millions of frames a day at 500
//   nodes) and passes that quickly.
// - determinism: the same seed twice at DET_NODES x DET_HOURS (default 100 x 2) gives the same
//   report (sim.metrics(), the message table and the sampled counters; wall-clock and heap figures
//   left out).
//
//   node --expose-gc --import tsx scripts/soak.ts          (make soak; NODES=.. HOURS=.. SEED=..)
//   ... scripts/soak.ts --json                              one JSON object on stdout, for tests
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { maxRangeM } from "../sim/path-loss.js";
import { randomPlacement } from "../sim/placement.js";
import { Simulator } from "../sim/simulator.js";
import type { SimMetrics } from "../sim/simulator.js";

export interface SoakOptions {
  nodes: number;
  hours: number;
  seed: number;
  sampleMinutes: number;
  maxMessages: number;
  maxDeliveryLog: number;
}

export interface SoakSample {
  simMinutes: number;
  /** process.memoryUsage().heapUsed after gc(), MB; NaN without --expose-gc. */
  heapMB: number;
  wallSeconds: number;
  messages: number;
  deliveryLog: number;
  messagesDropped: number;
  deliveryLogDropped: number;
  queueEvents: number;
  framesSent: number;
}

export interface SoakRun {
  options: SoakOptions;
  samples: SoakSample[];
  metrics: SimMetrics;
  /** sha256 of sim.messages() as JSON. */
  messagesHash: string;
  wallSeconds: number;
}

function heapMB(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return NaN;
  gc();
  gc();
  return process.memoryUsage().heapUsed / (1 << 20);
}

/** The bench/sim-scale.ts scenario: random layout in a 15 km square, 40-byte broadcasts every ~100 s per node. */
export function runSoak(o: SoakOptions): SoakRun {
  const range = maxRangeM(5, 30 + 131.5, 906.875, 1, 1);
  const layout = randomPlacement({ count: o.nodes, seed: o.seed, widthM: 15000, depthM: 15000, minDistanceM: 10, connectRangeM: range });
  const sim = new Simulator({
    seed: o.seed,
    bootSpreadMs: 100_000,
    traffic: { meanIntervalMs: 100_000, payloadBytes: 40 },
    maxMessages: o.maxMessages,
    maxDeliveryLog: o.maxDeliveryLog,
  });
  for (const p of layout) sim.addNode({ x: p.x, y: p.y });
  const samples: SoakSample[] = [];
  const t0 = performance.now();
  const sample = (simMinutes: number) => {
    const m = sim.metrics();
    let framesSent = 0;
    for (const n of m.nodes) framesSent += n.sent;
    samples.push({
      simMinutes,
      heapMB: heapMB(),
      wallSeconds: (performance.now() - t0) / 1000,
      messages: m.messages,
      deliveryLog: sim.deliveries.length,
      messagesDropped: m.dropped.messages,
      deliveryLogDropped: m.dropped.deliveryLog,
      queueEvents: m.queueEvents,
      framesSent,
    });
  };
  sample(0);
  const steps = Math.round((o.hours * 60) / o.sampleMinutes);
  for (let k = 1; k <= steps; k++) {
    sim.runUntil(k * o.sampleMinutes * 60_000);
    sample(k * o.sampleMinutes);
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const messagesHash = createHash("sha256").update(JSON.stringify(sim.messages())).digest("hex");
  return { options: o, samples, metrics: sim.metrics(), messagesHash, wallSeconds };
}

/** The run without wall-clock and heap figures: equal for equal seeds. */
export function reproducibleReport(r: SoakRun): string {
  const samples = r.samples.map((s) => ({ ...s, heapMB: 0, wallSeconds: 0 }));
  return JSON.stringify({ options: r.options, samples, metrics: r.metrics, messagesHash: r.messagesHash });
}

export interface HeapVerdict {
  ok: boolean;
  /** Index of the first sample after warm-up, or -1 when the run never got there. */
  warmupSample: number;
  warmupHeapMB: number;
  firstThirdMB: number;
  lastThirdMB: number;
  growthMB: number;
  toleranceMB: number;
  reason: string;
}

export const TOLERANCE_MB = 1;
export const TOLERANCE_PCT = 2;
export const WARMUP_HOURS = 1;

export function heapVerdict(samples: SoakSample[], warmupHours = WARMUP_HOURS, toleranceMb = TOLERANCE_MB, tolerancePct = TOLERANCE_PCT): HeapVerdict {
  const no = (reason: string): HeapVerdict => ({ ok: false, warmupSample: -1, warmupHeapMB: NaN, firstThirdMB: NaN, lastThirdMB: NaN, growthMB: NaN, toleranceMB: NaN, reason });
  if (samples.some((s) => isNaN(s.heapMB))) return no("no heap figures: run node with --expose-gc");
  const w = samples.findIndex((s) => s.simMinutes >= warmupHours * 60 && s.messagesDropped > 0 && s.deliveryLogDropped > 0);
  if (w < 0) return no("the bounded tables never filled (raise HOURS or lower MAX_MESSAGES / MAX_LOG)");
  const after = samples.slice(w);
  if (after.length < 3) return no("fewer than 3 samples after warm-up (raise HOURS or lower SAMPLE_MINUTES)");
  const third = Math.max(1, Math.floor(after.length / 3));
  const mean = (xs: SoakSample[]) => xs.reduce((a, s) => a + s.heapMB, 0) / xs.length;
  const firstThirdMB = mean(after.slice(0, third));
  const lastThirdMB = mean(after.slice(after.length - third));
  const growthMB = lastThirdMB - firstThirdMB;
  const toleranceMB = toleranceMb + (tolerancePct / 100) * after[0].heapMB;
  const ok = growthMB <= toleranceMB;
  return {
    ok,
    warmupSample: w,
    warmupHeapMB: after[0].heapMB,
    firstThirdMB,
    lastThirdMB,
    growthMB,
    toleranceMB,
    reason: ok ? "flat" : `heap grew ${growthMB.toFixed(2)} MB after warm-up (tolerance ${toleranceMB.toFixed(2)} MB)`,
  };
}

function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not ${JSON.stringify(v)}`);
  return n;
}

function pad(s: string | number, n: number): string {
  return String(s).padStart(n);
}

function main(): void {
  const json = process.argv.includes("--json");
  const seed = envNumber("SEED", 44);
  const main: SoakOptions = {
    nodes: envNumber("NODES", 500),
    hours: envNumber("HOURS", 24),
    seed,
    sampleMinutes: envNumber("SAMPLE_MINUTES", 60),
    maxMessages: 0,
    maxDeliveryLog: 0,
  };
  // About an hour of messages and half an hour of deliveries at this scenario's traffic.
  main.maxMessages = envNumber("MAX_MESSAGES", main.nodes * 40);
  main.maxDeliveryLog = envNumber("MAX_LOG", main.nodes * 500);
  const detNodes = envNumber("DET_NODES", 100);
  const det: SoakOptions = { ...main, nodes: detNodes, hours: envNumber("DET_HOURS", 2), maxMessages: detNodes * 40, maxDeliveryLog: detNodes * 500 };
  const warmup = envNumber("WARMUP_HOURS", WARMUP_HOURS);
  if ((globalThis as { gc?: () => void }).gc === undefined) console.error("soak: no gc(); run node with --expose-gc for heap figures");
  const run = runSoak(main);
  const verdict = heapVerdict(run.samples, warmup);
  const a = runSoak(det);
  const b = runSoak(det);
  const deterministic = reproducibleReport(a) === reproducibleReport(b);
  const m = run.metrics;
  const summary = {
    nodes: main.nodes,
    simulatedHours: main.hours,
    seed,
    wallSeconds: +run.wallSeconds.toFixed(1),
    wallSecondsPerSimHour: +(run.wallSeconds / main.hours).toFixed(2),
    messages: m.messages + m.dropped.messages,
    reachability: +m.reachability.toFixed(3),
    queueEvents: m.queueEvents,
    dropped: m.dropped,
  };
  if (json) {
    console.log(JSON.stringify({ summary, samples: run.samples, verdict, deterministic, determinism: { options: det, wallSeconds: [a.wallSeconds, b.wallSeconds], messagesHash: a.messagesHash } }));
  } else {
    console.log(`soak: ${main.nodes} nodes, ${main.hours} simulated hours, seed ${seed}, heap sampled every ${main.sampleMinutes} simulated min`);
    console.log(`${pad("sim h", 6)} ${pad("heap MB", 8)} ${pad("wall s", 8)} ${pad("messages", 9)} ${pad("msg cap", 8)} ${pad("log", 8)} ${pad("log cap", 8)} ${pad("frames", 9)}`);
    for (const s of run.samples) {
      console.log(
        `${pad((s.simMinutes / 60).toFixed(1), 6)} ${pad(s.heapMB.toFixed(2), 8)} ${pad(s.wallSeconds.toFixed(1), 8)} ${pad(s.messages, 9)} ${pad(s.messagesDropped > 0 ? "full" : "-", 8)} ${pad(s.deliveryLog, 8)} ${pad(s.deliveryLogDropped > 0 ? "full" : "-", 8)} ${pad(s.framesSent, 9)}`,
      );
    }
    console.log(JSON.stringify(summary));
    console.log(
      verdict.warmupSample < 0
        ? `heap: NOT CHECKED: ${verdict.reason}`
        : `heap: ${verdict.ok ? "FLAT" : "GROWING"}: after warm-up (sample ${verdict.warmupSample}, ${verdict.warmupHeapMB.toFixed(2)} MB) first third ${verdict.firstThirdMB.toFixed(2)} MB, last third ${verdict.lastThirdMB.toFixed(2)} MB, growth ${verdict.growthMB.toFixed(2)} MB, tolerance ${verdict.toleranceMB.toFixed(2)} MB (${TOLERANCE_MB} MB + ${TOLERANCE_PCT}%)`,
    );
    console.log(`determinism: ${deterministic ? "SAME" : "DIFFERENT"} report for seed ${seed} twice at ${det.nodes} nodes x ${det.hours} h (${a.wallSeconds.toFixed(1)} s, ${b.wallSeconds.toFixed(1)} s)`);
  }
  if (!verdict.ok || !deterministic) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
