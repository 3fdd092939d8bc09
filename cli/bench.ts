// `meshport bench [--json] [--quick] [SUITE...]`
import os from "node:os";
import { FULL, QUICK, runCase } from "../bench/harness.js";
import type { BenchResult } from "../bench/harness.js";
import { SUITES } from "../bench/suites.js";
import { UsageError } from "./usage-error.js";

export const BENCH_USAGE = `usage: meshport bench [--json] [--quick] [SUITE...]

Runs the benchmark suites (${Object.keys(SUITES).join(", ")}; default all). Every implementation of a
case runs in the same process, interleaved, and is reported with its ratio to the case's baseline.
--json prints [{suite, case, impl, opsPerSec, ratio}]; --quick runs fewer, shorter rounds.`;

function formatRate(x: number): string {
  if (x >= 1e6) return (x / 1e6).toFixed(2) + " M/s";
  if (x >= 1e3) return (x / 1e3).toFixed(1) + " k/s";
  return x.toFixed(0) + " /s";
}

export async function runBench(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let json = false;
  let quick = false;
  const names: string[] = [];
  for (const a of argv) {
    if (a === "--json") json = true;
    else if (a === "--quick") quick = true;
    else if (a.startsWith("--")) throw new UsageError(`unknown option ${a}`);
    else if (SUITES[a] === undefined) throw new UsageError(`unknown suite ${a} (have: ${Object.keys(SUITES).join(", ")})`);
    else names.push(a);
  }
  const settings = quick ? QUICK : FULL;
  const results: BenchResult[] = [];
  for (const name of names.length > 0 ? names : Object.keys(SUITES)) {
    for (const c of SUITES[name]()) {
      err.write(`bench: ${c.suite} / ${c.case} ...\n`);
      results.push(...runCase(c, settings));
    }
  }
  if (json) {
    out.write(JSON.stringify(results) + "\n");
    return 0;
  }
  out.write(`node ${process.version}, ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores\n`);
  for (const r of results) out.write(`${r.suite.padEnd(9)} ${r.case.padEnd(34)} ${r.impl.padEnd(40)} ${formatRate(r.opsPerSec).padStart(11)}  x${r.ratio.toFixed(2)}\n`);
  return 0;
}
