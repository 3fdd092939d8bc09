// Side-by-side measurement: every implementation of a case runs in the same process, in
// interleaved rounds after a warm-up, and is reported as the median rate and its ratio to the
// case's baseline measured in the same run (absolute times on shared machines are noise).
import { performance } from "node:perf_hooks";

export interface Impl {
  impl: string;
  run: () => unknown;
}

export interface BenchCase {
  suite: string;
  case: string;
  /** Name of the impl the ratios are relative to. */
  baseline: string;
  impls: Impl[];
}

export interface BenchResult {
  suite: string;
  case: string;
  impl: string;
  opsPerSec: number;
  /** opsPerSec / baseline opsPerSec (1 for the baseline itself). */
  ratio: number;
}

export interface BenchSettings {
  rounds: number;
  /** Target wall time of one timed batch. */
  batchMs: number;
}

export const FULL: BenchSettings = { rounds: 9, batchMs: 60 };
export const QUICK: BenchSettings = { rounds: 3, batchMs: 15 };

/** Keeps results observable so the JIT cannot drop the work. */
let sink: unknown;

function timeBatch(run: () => unknown, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink = run();
  return performance.now() - t0;
}

/** Iterations that take about `batchMs`, found by doubling (which also warms the code up). */
function calibrate(run: () => unknown, batchMs: number): number {
  let n = 1;
  for (;;) {
    const ms = timeBatch(run, n);
    if (ms >= batchMs / 4 || n >= 1 << 24) return Math.max(1, Math.round((n * batchMs) / Math.max(ms, 0.001)));
    n *= 2;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function runCase(c: BenchCase, settings: BenchSettings): BenchResult[] {
  const sizes = c.impls.map((i) => calibrate(i.run, settings.batchMs));
  const samples: number[][] = c.impls.map(() => []);
  for (let r = 0; r < settings.rounds; r++) {
    // Rotate the starting impl each round so no impl always runs right after the same neighbour.
    for (let k = 0; k < c.impls.length; k++) {
      const i = (k + r) % c.impls.length;
      const ms = timeBatch(c.impls[i].run, sizes[i]);
      samples[i].push((sizes[i] * 1000) / ms);
    }
  }
  const rates = samples.map(median);
  const base = c.impls.findIndex((i) => i.impl === c.baseline);
  if (base < 0) throw new Error(`${c.suite}/${c.case}: baseline ${c.baseline} is not among the impls`);
  if (sink === Symbol.for("never")) console.log(sink);
  return c.impls.map((impl, i) => ({ suite: c.suite, case: c.case, impl: impl.impl, opsPerSec: rates[i], ratio: rates[i] / rates[base] }));
}
