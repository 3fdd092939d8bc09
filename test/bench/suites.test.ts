// Smoke test of the benchmark suites (issue 6): every case builds, which runs its pre-timing check
// that all impls compute the same result; the harness returns well-formed rows with tiny settings;
// and `meshport bench --json --quick mqtt` prints the documented shape. Nothing here asserts a
// speed: on a shared machine that would be noise.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { runCase } from "../../bench/harness.js";
import type { BenchCase, BenchResult, BenchSettings } from "../../bench/harness.js";
import { assertSame, samplePublishBytes, sampleEnvelope } from "../../bench/samples.js";
import { SUITES } from "../../bench/suites/index.js";
import { simSuite } from "../../bench/suites/sim.js";
import { runBench } from "../../cli/bench.js";
import { UsageError } from "../../cli/usage-error.js";

const TINY: BenchSettings = { rounds: 1, batchMs: 1, warmupMs: 0 };

/** The suites as registered, except sim on a scenario small enough for a test (same code path). */
function build(name: string): BenchCase[] {
  return name === "sim" ? simSuite({ nodes: 4, minutes: 2, seed: 7 }) : SUITES[name]();
}

function checkRows(c: BenchCase, rows: BenchResult[]): void {
  expect(rows.map((r) => r.impl)).toEqual(c.impls.map((i) => i.impl));
  const base = rows.find((r) => r.impl === c.baseline);
  expect(base?.ratio).toBe(1);
  for (const r of rows) {
    expect(r.suite).toBe(c.suite);
    expect(r.case).toBe(c.case);
    expect(Number.isFinite(r.opsPerSec) && r.opsPerSec > 0).toBe(true);
    expect(r.ratio).toBeCloseTo(r.opsPerSec / (base?.opsPerSec ?? NaN), 12);
  }
}

function collect(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join("") };
}

describe("benchmark suites", () => {
  it("registers the five suites of issue 6", () => {
    expect(Object.keys(SUITES)).toEqual(["protobuf", "aes-ctr", "mqtt", "uplink", "sim"]);
  });

  for (const name of Object.keys(SUITES)) {
    it(`${name}: every case builds (its impls agree), names its baseline among >= 2 distinct impls, and times with tiny settings`, () => {
      const cases = build(name);
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) {
        expect(c.suite).toBe(name);
        const names = c.impls.map((i) => i.impl);
        expect(new Set(names).size).toBe(names.length);
        expect(names.length).toBeGreaterThanOrEqual(2);
        expect(names).toContain(c.baseline);
        checkRows(c, runCase(c, TINY));
      }
    });
  }

  it("protobuf: the baseline is @bufbuild/protobuf (proto/gen) and the four libraries are in every case", () => {
    for (const c of SUITES.protobuf()) {
      expect(c.baseline).toBe("@bufbuild/protobuf (proto/gen)");
      expect(c.impls.map((i) => i.impl)).toEqual(expect.arrayContaining(["meshport TS", "@bufbuild/protobuf (proto/gen)", "@meshtastic/protobufs", "protobufjs"]));
    }
    expect(SUITES.protobuf().map((c) => c.case.replace(/ \(\d+ B\)$/, ""))).toEqual([
      "decode ServiceEnvelope (encrypted)",
      "encode ServiceEnvelope (encrypted)",
      "decode MeshPacket (TEXT decoded)",
      "encode MeshPacket (TEXT decoded)",
      "decode MeshPacket (POSITION decoded)",
      "encode MeshPacket (POSITION decoded)",
    ]);
  });

  it("sim: one op is a run, and the rows carry events/s and node-seconds/s consistent with it", () => {
    const [c] = simSuite({ nodes: 3, minutes: 1, seed: 3 });
    const events = Number(/, (\d+) events$/.exec(c.case)?.[1]);
    expect(events).toBeGreaterThan(0);
    for (const r of runCase(c, TINY)) {
      expect(Number(r.eventsPerSec) / r.opsPerSec).toBeCloseTo(events, 6);
      expect(Number(r.nodeSecondsPerSec) / r.opsPerSec).toBeCloseTo(3 * 60, 6);
    }
  });

  it("the pre-timing check refuses implementations that disagree", () => {
    expect(() => assertSame("x", new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toThrow(/disagree/);
    expect(() => assertSame("x", { a: 1 }, { a: 1 })).not.toThrow();
  });

  it("the samples are the sizes the issue names (envelope ~220 B, PUBLISH ~250 B)", () => {
    expect(sampleEnvelope().length).toBeGreaterThanOrEqual(200);
    expect(sampleEnvelope().length).toBeLessThanOrEqual(240);
    expect(samplePublishBytes(0).length).toBeGreaterThanOrEqual(240);
    expect(samplePublishBytes(1).length).toBeLessThanOrEqual(270);
  });

  it("runCase refuses a case whose baseline is not one of its impls", () => {
    const c: BenchCase = { suite: "t", case: "c", baseline: "missing", impls: [{ impl: "a", run: () => 1 }] };
    expect(() => runCase(c, TINY)).toThrow(/baseline missing/);
  });
});

describe("meshport bench", () => {
  it("--json --quick mqtt prints [{suite, case, impl, opsPerSec, ratio}] for the mqtt cases", async () => {
    const out = collect();
    const err = collect();
    expect(await runBench(["--json", "--quick", "mqtt"], out.stream, err.stream)).toBe(0);
    const rows = JSON.parse(out.text()) as Record<string, unknown>[];
    expect(rows.length).toBe(SUITES.mqtt().reduce((n, c) => n + c.impls.length, 0));
    const baselines = new Map(SUITES.mqtt().map((c) => [c.case, c.baseline]));
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(["case", "impl", "opsPerSec", "ratio", "suite"]);
      expect(r.suite).toBe("mqtt");
      expect(typeof r.case).toBe("string");
      expect(typeof r.impl).toBe("string");
      expect(typeof r.opsPerSec === "number" && Number.isFinite(r.opsPerSec) && r.opsPerSec > 0).toBe(true);
      expect(typeof r.ratio === "number" && Number.isFinite(r.ratio) && r.ratio > 0).toBe(true);
      if (baselines.get(r.case as string) === r.impl) expect(r.ratio).toBe(1);
    }
    expect(new Set(rows.map((r) => r.case))).toEqual(new Set(baselines.keys()));
    expect(err.text()).toMatch(/^bench: mqtt \/ parse PUBLISH QoS 0/m);
  });

  it("refuses an unknown suite or option", async () => {
    const out = collect();
    await expect(runBench(["nope"], out.stream, out.stream)).rejects.toThrow(UsageError);
    await expect(runBench(["--fast"], out.stream, out.stream)).rejects.toThrow(UsageError);
  });
});
