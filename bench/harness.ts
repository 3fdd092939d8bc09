// Side-by-side measurement: every implementation of a case runs in the same process, in
// interleaved rounds after a warm-up, and is reported as the median rate and its ratio to the
// case's baseline measured in the same run (absolute times on shared machines are noise).
import { performance } from "node:perf_hooks";

export interface Impl {
  impl: string;
  run: () => unknown;
  /**
   * Work one op stands for, by unit (e.g. { events: 51234 } when one op is a whole simulator
   * run): each unit is reported as `<unit>PerSec` next to opsPerSec, which alone would hide it.
   */
  perOp?: Record<string, number>;
}

export interface BenchCase {
  suite: string;
  case: string;
  /** Name of the impl the ratios are relative to. */
  baseline: string;
  impls: Impl[];
  /** Things the reader needs to know about the case (e.g. an impl that could not be included). */
  notes?: string[];
}

export interface BenchResult {
  suite: string;
  case: string;
  impl: string;
  opsPerSec: number;
  /** opsPerSec / baseline opsPerSec (1 for the baseline itself). */
  ratio: number;
  /** `<unit>PerSec` for each unit of the impl's perOp. */
  [unitPerSec: string]: string | number;
}

export interface BenchSettings {
  rounds: number;
  /** Target wall time of one timed batch. */
  batchMs: number;
  /**
   * Untimed running of each impl before calibration, so the optimising JIT has compiled it: a few
   * milliseconds of calibration alone leave short functions in the baseline tier, which made quick
   * runs rank the same code differently from one case to the next.
   */
  warmupMs?: number;
}

export const FULL: BenchSettings = { rounds: 9, batchMs: 60, warmupMs: 150 };
export const QUICK: BenchSettings = { rounds: 3, batchMs: 15, warmupMs: 40 };

/** Keeps results observable so the JIT cannot drop the work. */
let sink: unknown;

function timeBatch(run: () => unknown, n: number): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink = run();
  return performance.now() - t0;
}

/** Runs `run` for about `ms` of wall time, untimed. */
function warmUp(run: () => unknown, ms: number): void {
  const end = performance.now() + ms;
  let n = 1;
  while (performance.now() < end) {
    timeBatch(run, n);
    if (n < 1 << 16) n *= 2;
  }
}

/** Iterations that take about `batchMs`, found by doubling. */
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
  // Checked first so a misnamed baseline fails before seconds of timing, not after.
  const base = c.impls.findIndex((i) => i.impl === c.baseline);
  if (base < 0) throw new Error(`${c.suite}/${c.case}: baseline ${c.baseline} is not among the impls`);
  for (const i of c.impls) warmUp(i.run, settings.warmupMs ?? 0);
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
  if (sink === Symbol.for("never")) console.log(sink);
  return c.impls.map((impl, i) => {
    const r: BenchResult = { suite: c.suite, case: c.case, impl: impl.impl, opsPerSec: rates[i], ratio: rates[i] / rates[base] };
    for (const unit of Object.keys(impl.perOp ?? {})) r[`${unit}PerSec`] = (impl.perOp?.[unit] ?? 0) * rates[i];
    return r;
  });
}
