// `make fuzz`: every decoder under the fuzz engine of test/fuzz/ at full size (issue 8).
//
//   node --expose-gc --import tsx scripts/fuzz.ts [N] [SEED] [family,...]
//   make fuzz N=5000000 SEED=7 FAMILIES=mqtt,json
//
// Prints per decoder: inputs, values vs typed errors, max and mean time per input, heapUsed + arrayBuffers after
// GC after the first tenth and at the end; then every failure with its input as hex, and a final
// PASS/FAIL line. Exits 1 on any failure.
import { performance } from "node:perf_hooks";
import { DEFAULT_HEAP_TOLERANCE_BYTES, DEFAULT_MAX_MS_PER_INPUT, findGc, formatFailures, formatReportLine, mib, passed, runFuzz } from "../test/fuzz/engine.js";
import type { FuzzReport } from "../test/fuzz/engine.js";
import { FAMILIES, targetsOf } from "../test/fuzz/targets.js";
import type { Family } from "../test/fuzz/targets.js";

function usage(message: string): never {
  console.error("fuzz: " + message + "\nusage: scripts/fuzz.ts [N] [SEED] [family,...]   families: " + FAMILIES.join(","));
  process.exit(2);
}

const args = process.argv.slice(2);
const n = args[0] === undefined || args[0] === "" ? 1_000_000 : Number(args[0]);
const seed = args[1] === undefined || args[1] === "" ? 1 : Number(args[1]);
if (!Number.isInteger(n) || n < 10) usage("N must be an integer >= 10, got " + args[0]);
if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) usage("SEED must be an integer 0..4294967295, got " + args[1]);
const families = (args[2] === undefined || args[2] === "" ? FAMILIES.join(",") : args[2]).split(",") as Family[];
for (const f of families) if (!FAMILIES.includes(f)) usage("unknown family " + f);

const gc = findGc();
console.log(
  "fuzz: " + n + " inputs per decoder, seed " + seed + ", bound " + DEFAULT_MAX_MS_PER_INPUT + " ms per input, heap tolerance +" + mib(DEFAULT_HEAP_TOLERANCE_BYTES) +
    (gc === undefined ? " (no GC: memory check skipped; run node with --expose-gc)" : ""),
);
const t0 = performance.now();
const reports: FuzzReport[] = [];
for (const family of families) {
  for (const target of targetsOf(family)) {
    const r = runFuzz(target, { inputs: n, seed, gc });
    reports.push(r);
    console.log(formatReportLine(r) + (passed(r, n) ? "" : "  <-- FAIL"));
  }
}
const bad = reports.filter((r) => !passed(r, n));
const inputs = reports.reduce((s, r) => s + r.inputs, 0);
const seconds = (performance.now() - t0) / 1000;
for (const r of bad) {
  if (r.failures.length > 0) console.log("\n" + formatFailures(r));
  if (!r.memoryOk) console.log("\n" + r.name + ": heap grew: " + r.memory);
}
const noise = reports.reduce((s, r) => s + r.slowNoise, 0);
console.log(
  "\n" + (bad.length === 0 ? "PASS" : "FAIL") + ": " + reports.length + " decoders, " + inputs + " inputs in " + seconds.toFixed(1) + " s" +
    (bad.length === 0 ? "" : ", " + bad.length + " failing (" + bad.map((r) => r.name).join(", ") + ")") +
    (noise > 0 ? "; " + noise + " calls over the bound were fast on re-run (machine noise)" : "") +
    (gc === undefined ? "; memory not checked" : ""),
);
process.exit(bad.length === 0 ? 0 : 1);
