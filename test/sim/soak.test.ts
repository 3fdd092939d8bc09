// CI-sized soak (issue 8): scripts/soak.ts at 60 nodes x 2 simulated hours in a child process with
// --expose-gc (vitest's workers have no gc()), heap sampled every 10 simulated minutes and required
// flat after warm-up; the same seed twice must give the same report. The full size is `make soak`.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { heapVerdict, reproducibleReport, runSoak } from "../../scripts/soak.js";
import type { HeapVerdict, SoakSample } from "../../scripts/soak.js";

interface SoakJson {
  summary: { nodes: number; simulatedHours: number; messages: number; wallSeconds: number };
  samples: SoakSample[];
  verdict: HeapVerdict;
  deterministic: boolean;
  determinism: { options: { nodes: number; hours: number }; wallSeconds: number[]; messagesHash: string };
}

describe("soak (CI size)", () => {
  it("60 nodes x 2 simulated hours: heap flat after warm-up, same seed gives the same report", () => {
    const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", "scripts/soak.ts", "--json"], {
      env: {
        ...process.env,
        NODES: "60",
        HOURS: "2",
        SAMPLE_MINUTES: "10",
        // Caps that fill within the first half hour at 60 nodes, so 9 samples follow the warm-up.
        MAX_MESSAGES: "800",
        MAX_LOG: "8000",
        WARMUP_HOURS: "0.5",
        DET_NODES: "60",
        DET_HOURS: "2",
      },
      encoding: "utf8",
      timeout: 120_000,
    });
    const r = JSON.parse(out.trim().split("\n").pop() as string) as SoakJson;
    console.log(JSON.stringify({ summary: r.summary, heapMB: r.samples.map((s) => +s.heapMB.toFixed(2)), verdict: r.verdict, determinism: r.determinism }));
    expect(r.samples).toHaveLength(13);
    expect(r.samples.every((s) => Number.isFinite(s.heapMB) && s.heapMB > 0)).toBe(true);
    // Traffic kept flowing to the end (a stalled simulation would look flat too).
    const last = r.samples[r.samples.length - 1];
    const mid = r.samples[6];
    expect(last.framesSent).toBeGreaterThan(mid.framesSent * 1.5);
    expect(r.verdict.warmupSample).toBeGreaterThanOrEqual(3);
    expect(r.verdict.warmupSample).toBeLessThanOrEqual(6);
    expect(r.verdict.ok, r.verdict.reason).toBe(true);
    expect(r.deterministic).toBe(true);
  }, 120_000);

  it("the heap verdict fails a heap that keeps growing after warm-up, and is not fooled by a run that never warmed up", () => {
    const s = (simMinutes: number, heapMB: number, full: boolean): SoakSample => ({
      simMinutes,
      heapMB,
      wallSeconds: 0,
      messages: 0,
      deliveryLog: 0,
      messagesDropped: full ? 1 : 0,
      deliveryLogDropped: full ? 1 : 0,
      queueEvents: 0,
      framesSent: 0,
    });
    const flat = [s(0, 8, false), s(30, 18, false), s(60, 20, true), s(90, 20.2, true), s(120, 20.1, true), s(150, 20.3, true)];
    expect(heapVerdict(flat, 1).ok).toBe(true);
    // 2 MB per half hour after the tables are full: a leak.
    const leak = [s(0, 8, false), s(30, 18, false), s(60, 20, true), s(90, 22, true), s(120, 24, true), s(150, 26, true)];
    const v = heapVerdict(leak, 1);
    expect(v.ok).toBe(false);
    expect(v.growthMB).toBeCloseTo(6, 5);
    const cold = [s(0, 8, false), s(60, 18, false), s(120, 28, false)];
    expect(heapVerdict(cold, 1).ok).toBe(false);
    expect(heapVerdict(cold, 1).warmupSample).toBe(-1);
  });

  it("the determinism check can tell two seeds apart", () => {
    const o = { nodes: 20, hours: 0.5, sampleMinutes: 15, maxMessages: 1000, maxDeliveryLog: 10_000 };
    // Compared without the options (which name the seed): the simulated outcome itself differs.
    const outcome = (seed: number) => {
      const r = JSON.parse(reproducibleReport(runSoak({ ...o, seed }))) as { options?: unknown };
      delete r.options;
      return JSON.stringify(r);
    };
    const a = outcome(1);
    expect(outcome(2)).not.toBe(a);
    expect(outcome(1)).toBe(a);
  });
});
