// Runs fuzz families as vitest tests: one test per decoder, CI size (issue 8: 100,000 inputs per
// decoder; FUZZ_N raises it, never below that), the run's SEED from FUZZ_SEED (default 1).
import { describe, expect, it } from "vitest";
import { findGc, formatFailures, formatReportLine, runFuzz } from "./engine.js";
import { targetsOf } from "./targets.js";
import type { Family } from "./targets.js";

export const CI_INPUTS = 100_000;

function envInt(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(name + " must be a non-negative integer, got " + v);
  return n;
}

export const FUZZ_N = Math.max(CI_INPUTS, envInt("FUZZ_N", CI_INPUTS));
export const FUZZ_SEED = envInt("FUZZ_SEED", 1);

/** Generous: a 100k run takes 1-15 s alone, several times that when the machine is shared. */
const TEST_TIMEOUT_MS = 600_000;

export function fuzzFamilies(families: readonly Family[]): void {
  const gc = findGc();
  for (const family of families) {
    describe("fuzz: " + family, () => {
      for (const target of targetsOf(family)) {
        it(
          target.name + " (" + FUZZ_N + " inputs)",
          () => {
            const r = runFuzz(target, { inputs: FUZZ_N, seed: FUZZ_SEED, gc });
            console.log(formatReportLine(r) + "\n  " + r.memory);
            expect(r.failures, formatFailures(r)).toEqual([]);
            expect(r.inputs).toBe(FUZZ_N);
            expect(r.values + r.typed).toBe(FUZZ_N);
            // The generator reaches both outcomes: valid inputs decode, broken ones are refused.
            expect(r.values, "no input decoded").toBeGreaterThan(0);
            expect(r.typed, "no input refused").toBeGreaterThan(0);
            if (gc !== undefined) expect(r.memoryOk, r.memory).toBe(true);
          },
          TEST_TIMEOUT_MS,
        );
      }
    });
  }
}
