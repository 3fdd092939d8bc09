// The fuzz engine itself: it must catch what the decoder fuzz tests rely on it catching (an untyped
// exception with the input as hex, a slow input, a growing heap), and be reproducible from a seed.
import { describe, expect, it } from "vitest";
import { byteInputs, findGc, formatFailures, fromHex, MUTATIONS, passed, Rng, runFuzz, toHex } from "./engine.js";
import type { FuzzTarget, Outcome } from "./engine.js";
import { jsonText } from "./targets.js";

const seeds = [new Uint8Array([0x0a, 0x03, 0x61, 0x62, 0x63, 0x10, 0x01]), new Uint8Array([0x12, 0x02, 0x08, 0x7f]), new Uint8Array(0)];

function target(name: string, run: (b: Uint8Array) => Outcome): FuzzTarget {
  return { name, next: byteInputs({ seeds, maxLen: 64 }), run, show: toHex };
}

describe("fuzz engine", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const gen = byteInputs({ seeds, maxLen: 64 });
    const draw = (seed: number): string[] => {
      const rng = new Rng(seed);
      return Array.from({ length: 200 }, () => toHex(gen(rng)));
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });

  it("keeps inputs within maxLen, mixes random and mutated inputs, and reaches every length", () => {
    const gen = byteInputs({ seeds, maxLen: 64, dictionary: [new Uint8Array([0xee, 0xee])] });
    const rng = new Rng(1);
    const lengths = new Set<number>();
    let withToken = 0;
    let seedPrefix = 0;
    for (let i = 0; i < 20_000; i++) {
      const b = gen(rng);
      expect(b.length).toBeLessThanOrEqual(64);
      lengths.add(b.length);
      if (toHex(b).includes("eeee")) withToken++;
      if (b.length >= 2 && b[0] === 0x0a && b[1] === 0x03) seedPrefix++;
    }
    expect(lengths.size).toBe(65);
    expect(withToken).toBeGreaterThan(100);
    expect(seedPrefix).toBeGreaterThan(1000);
    expect(MUTATIONS.length).toBe(10);
  });

  it("reports an untyped exception with the input as hex that replays it", () => {
    const decode = (b: Uint8Array): Outcome => {
      if (b.length > 3 && b[3] === 0x63) throw new TypeError("boom");
      return b.length % 2 === 0 ? "value" : "typed";
    };
    const r = runFuzz(target("thrower", decode), { inputs: 5000, seed: 1, maxFailures: 2 });
    expect(passed(r, 5000)).toBe(false);
    expect(r.failures.length).toBe(2);
    expect(r.failures[0].kind).toBe("exception");
    expect(r.failures[0].message).toContain("TypeError: boom");
    expect(formatFailures(r)).toContain("input: " + r.failures[0].input);
    expect(() => decode(fromHex(r.failures[0].input))).toThrow("boom");
  });

  it("reports an input slower than the bound on every re-run as a hang candidate", () => {
    const spin = (b: Uint8Array): Outcome => {
      if (b.length === 5) {
        const end = performance.now() + 30;
        while (performance.now() < end) {
          // busy: a decoder stuck on this input
        }
      }
      return "typed";
    };
    const r = runFuzz(target("slow", spin), { inputs: 2000, seed: 1, maxMsPerInput: 10, maxFailures: 2 });
    expect(r.failures.length).toBeGreaterThan(0);
    expect(r.failures.every((f) => f.kind === "slow")).toBe(true);
    // (a fast input starved on all its re-runs by a loaded machine could add another; the stuck one is there)
    expect(r.failures.some((f) => fromHex(f.input).length === 5)).toBe(true);
    expect(r.failures[0].message).toContain("hang candidate");
    expect(r.maxMs).toBeGreaterThanOrEqual(30);
  });

  it("passes a decoder that only returns values and typed errors, and counts both", () => {
    const r = runFuzz(
      target("fine", (b) => (b.length > 4 ? "value" : "typed")),
      { inputs: 3000, seed: 2 },
    );
    expect(r.failures).toEqual([]);
    expect(r.values + r.typed).toBe(3000);
    expect(r.values).toBeGreaterThan(0);
    expect(r.typed).toBeGreaterThan(0);
  });

  it("fails a decoder whose heap grows, when GC is available", () => {
    const gc = findGc();
    if (gc === undefined) {
      console.log("memory check skipped: no GC function");
      return;
    }
    const kept: Uint8Array[] = [];
    const leak = (b: Uint8Array): Outcome => {
      kept.push(new Uint8Array(1024 + b.length));
      return "value";
    };
    const r = runFuzz(target("leak", leak), { inputs: 20_000, seed: 3, gc, heapToleranceBytes: 4 * 1024 * 1024 });
    expect(r.memoryOk, r.memory).toBe(false);
    expect(r.heapLast! - r.heapFirst!).toBeGreaterThan(4 * 1024 * 1024);
    const flat = runFuzz(target("flat", () => "value"), { inputs: 20_000, seed: 3, gc, heapToleranceBytes: 4 * 1024 * 1024 });
    expect(flat.memoryOk, flat.memory).toBe(true);
    expect(kept.length).toBe(20_000);
  });

  it("writes scenario inputs as JSON text that parses back to the same value", () => {
    const v = { a: [Infinity, -Infinity, -0, 1.5, null, true, "x\u0000"], b: { c: {} } };
    const back = JSON.parse(jsonText(v)) as typeof v;
    expect(back.a[0]).toBe(Infinity);
    expect(back.a[1]).toBe(-Infinity);
    expect(Object.is(back.a[2], -0)).toBe(true);
    expect(back).toEqual(v);
  });
});
