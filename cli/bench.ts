// `meshport bench [--json] [--quick] [SUITE...]`
import { useBytePool } from "../firmware/platform/node/index.js";
import os from "node:os";
import { FULL, QUICK, runCase } from "../bench/harness.js";
import type { BenchResult } from "../bench/harness.js";
import { SUITES } from "../bench/suites/index.js";
import { UsageError } from "./usage-error.js";

export const BENCH_USAGE = `usage: meshport bench [--json] [--quick] [SUITE...]

Runs the benchmark suites (${Object.keys(SUITES).join(", ")}; default all). Every implementation of a
case runs in the same process, interleaved, and is reported with its ratio to the case's baseline.
--json prints [{suite, case, impl, opsPerSec, ratio}] (the sim suite adds eventsPerSec and
nodeSecondsPerSec: one of its ops is a whole simulator run); --quick runs fewer, shorter rounds.`;

function formatRate(x: number): string {
  if (x >= 1e6) return (x / 1e6).toFixed(2) + " M/s";
  if (x >= 1e3) return (x / 1e3).toFixed(1) + " k/s";
  return x.toFixed(0) + " /s";
}

export async function runBench(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  useBytePool();
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
  // A note (e.g. an impl left out) is printed once however many cases carry it.
  const notes: string[] = [];
  for (const name of names.length > 0 ? names : Object.keys(SUITES)) {
    for (const c of SUITES[name]()) {
      err.write(`bench: ${c.suite} / ${c.case} ...\n`);
      results.push(...runCase(c, settings));
      for (const n of c.notes ?? []) if (!notes.includes(`${c.suite}: ${n}`)) notes.push(`${c.suite}: ${n}`);
    }
  }
  if (json) {
    out.write(JSON.stringify(results) + "\n");
    for (const n of notes) err.write(`note: ${n}\n`);
    return 0;
  }
  out.write(`node ${process.version}, ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores\n`);
  const caseWidth = Math.max(34, ...results.map((r) => r.case.length));
  const implWidth = Math.max(40, ...results.map((r) => r.impl.length));
  for (const r of results) {
    let line = `${r.suite.padEnd(9)} ${r.case.padEnd(caseWidth)} ${r.impl.padEnd(implWidth)} ${formatRate(r.opsPerSec).padStart(11)}  x${r.ratio.toFixed(2)}`;
    for (const k of Object.keys(r)) if (k.endsWith("PerSec") && k !== "opsPerSec") line += `  ${k.slice(0, -"PerSec".length)} ${formatRate(Number(r[k]))}`;
    out.write(line + "\n");
  }
  for (const n of notes) out.write(`note: ${n}\n`);
  return 0;
}
