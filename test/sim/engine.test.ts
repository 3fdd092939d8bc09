// The clock structures, random streams and spatial index, each checked against a brute-force model.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeadlineHeap, EventQueue, SimEvent } from "../../sim/event-queue.js";
import { StreamPurpose, exponential, gaussian, linkOffsetDb, rngStream, streamSeed, uniform01 } from "../../sim/rng-streams.js";
import { SpatialGrid } from "../../sim/spatial-index.js";

describe("EventQueue", () => {
  it("pops in (time, insertion) order, like a stable sort", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), (times) => {
        const q = new EventQueue();
        times.forEach((t, i) => q.push(t, 1, i, 0, undefined));
        const expected = times.map((t, i) => ({ t, i })).sort((x, y) => x.t - y.t || x.i - y.i);
        const ev = new SimEvent();
        const got: { t: number; i: number }[] = [];
        while (q.pop(ev)) got.push({ t: ev.time, i: ev.a });
        expect(got).toEqual(expected);
      }),
    );
  });

  it("interleaves pushes and pops correctly", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(-1)), { maxLength: 300 }), (ops) => {
        const q = new EventQueue();
        const model: { t: number; i: number }[] = [];
        const ev = new SimEvent();
        ops.forEach((op, i) => {
          if (op < 0) {
            model.sort((x, y) => x.t - y.t || x.i - y.i);
            const want = model.shift();
            expect(q.pop(ev)).toBe(want !== undefined);
            if (want !== undefined) expect([ev.time, ev.a]).toEqual([want.t, want.i]);
          } else {
            q.push(op, 0, i, 0, undefined);
            model.push({ t: op, i });
          }
          expect(q.size).toBe(model.length);
        });
      }),
    );
  });

  it("carries kind, two integers and a reference, and counts drops when full", () => {
    const q = new EventQueue(2);
    const ref = { x: 1 };
    expect(q.push(5, 7, 8, 9, ref)).toBe(true);
    expect(q.push(1, 2, 3, 4, undefined)).toBe(true);
    expect(q.push(0, 0, 0, 0, undefined)).toBe(false);
    expect(q.dropped).toBe(1);
    const ev = new SimEvent();
    q.pop(ev);
    expect([ev.time, ev.kind, ev.a, ev.b]).toEqual([1, 2, 3, 4]);
    q.pop(ev);
    expect([ev.time, ev.kind, ev.a, ev.b, ev.ref]).toEqual([5, 7, 8, 9, ref]);
    expect(q.peekTime()).toBe(Infinity);
  });
});

describe("DeadlineHeap", () => {
  it("always reports the earliest (time, key) after arbitrary sets and removals", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constant(Infinity))), { maxLength: 400 }),
        (ops) => {
          const h = new DeadlineHeap();
          const model = new Map<number, number>();
          for (const [key, t] of ops) {
            h.set(key, t);
            if (t === Infinity) model.delete(key);
            else model.set(key, t);
            let best = -1;
            let bestT = Infinity;
            for (const [k, v] of model) if (v < bestT || (v === bestT && k < best)) [best, bestT] = [k, v];
            expect(h.peekTime()).toBe(bestT);
            expect(h.peekKey()).toBe(best);
            expect(h.size).toBe(model.size);
            expect(h.get(key)).toBe(model.has(key) ? model.get(key) : Infinity);
          }
        },
      ),
    );
  });

  it("treats undefined as no deadline", () => {
    const h = new DeadlineHeap();
    h.set(3, 10);
    h.set(3, undefined);
    expect(h.size).toBe(0);
    expect(h.peekKey()).toBe(-1);
  });
});

describe("random streams", () => {
  const draws = (seed: number, index: number, purpose: number, n = 8) => {
    const r = rngStream(seed, index, purpose);
    return Array.from({ length: n }, () => r.nextU32());
  };

  it("are reproducible and differ by seed, node and purpose", () => {
    expect(draws(1, 2, StreamPurpose.NODE)).toEqual(draws(1, 2, StreamPurpose.NODE));
    const a = draws(1, 2, StreamPurpose.NODE);
    expect(draws(2, 2, StreamPurpose.NODE)).not.toEqual(a);
    expect(draws(1, 3, StreamPurpose.NODE)).not.toEqual(a);
    expect(draws(1, 2, StreamPurpose.TRAFFIC)).not.toEqual(a);
    // Seeds beyond 32 bits still matter.
    expect(streamSeed(2 ** 32 + 1, 0, 1)).not.toBe(streamSeed(1, 0, 1));
  });

  it("stream seeds of neighbouring names look independent (no shared bits pattern)", () => {
    // Bit balance over 4096 stream seeds from consecutive node indices: each bit set ~50 %.
    const counts = new Array(32).fill(0);
    for (let i = 0; i < 4096; i++) {
      const s = streamSeed(42, i, StreamPurpose.NODE);
      for (let b = 0; b < 32; b++) if ((s >>> b) & 1) counts[b]++;
    }
    for (const c of counts) expect(Math.abs(c - 2048)).toBeLessThan(200);
  });

  it("uniform, exponential and Gaussian draws have the right moments", () => {
    const r = rngStream(9, 0, StreamPurpose.TRAFFIC);
    const n = 20000;
    let su = 0;
    let se = 0;
    let sg = 0;
    let sg2 = 0;
    for (let i = 0; i < n; i++) {
      const u = uniform01(r);
      expect(u >= 0 && u < 1).toBe(true);
      su += u;
      se += exponential(r, 100);
      const g = gaussian(r);
      sg += g;
      sg2 += g * g;
    }
    expect(su / n).toBeCloseTo(0.5, 1);
    expect(se / n / 100).toBeCloseTo(1, 1);
    expect(sg / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(sg2 / n)).toBeCloseTo(1, 1);
  });

  it("link offsets are N(0, σ) per directed link, clamped, and 0 with σ = 0", () => {
    let s = 0;
    let s2 = 0;
    let n = 0;
    for (let tx = 0; tx < 100; tx++)
      for (let rx = 0; rx < 100; rx++) {
        if (tx === rx) continue;
        const o = linkOffsetDb(7, tx, rx, 3, 12);
        expect(Math.abs(o)).toBeLessThanOrEqual(12);
        s += o;
        s2 += o * o;
        n++;
      }
    expect(s / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(s2 / n)).toBeGreaterThan(2.9);
    expect(Math.sqrt(s2 / n)).toBeLessThan(3.1);
    expect(linkOffsetDb(7, 1, 2, 3, 12)).not.toBe(linkOffsetDb(7, 2, 1, 3, 12));
    expect(linkOffsetDb(7, 1, 2, 0, 0)).toBe(0);
  });
});

describe("SpatialGrid", () => {
  it("returns exactly the points within the radius, in id order", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -5000, max: 5000, noNaN: true }), fc.double({ min: -5000, max: 5000, noNaN: true })), { minLength: 1, maxLength: 80 }),
        fc.double({ min: 10, max: 3000, noNaN: true }),
        fc.double({ min: 1, max: 3000, noNaN: true }),
        (pts, cell, radius) => {
          const g = new SpatialGrid(cell);
          pts.forEach(([x, y], i) => g.insert(i, x, y));
          // Move a third of the points to check that cells follow them.
          pts.forEach(([x, y], i) => {
            if (i % 3 === 0) {
              pts[i] = [y, -x];
              g.move(i, y, -x);
            }
          });
          for (let q = 0; q < pts.length; q += 7) {
            const [qx, qy] = pts[q];
            const out: number[] = [];
            g.query(qx, qy, radius, out);
            const want = pts.map(([x, y], i) => ((x - qx) ** 2 + (y - qy) ** 2 <= radius * radius ? i : -1)).filter((i) => i >= 0);
            expect(out).toEqual(want);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
