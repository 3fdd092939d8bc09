// One call for a CLI: scenario JSON (a file or a parsed value) → validated → simulated → report.json
// and report.html in an output directory. Validation problems come back as a ScenarioInputError
// listing every field path and reason.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildReport, reportHtml, reportJson, runInfo } from "./report.js";
import type { Report } from "./report.js";
import { buildSimulation } from "./scenario-build.js";
import type { BuildOverrides, SimulationHandles } from "./scenario-build.js";
import { formatScenarioErrors, parseScenario } from "./scenario-parse.js";
import type { ScenarioError } from "./scenario-parse.js";

/** Progress is reported in tenths of the simulated time. */
const PROGRESS_STEPS = 10;

/** The scenario did not validate (or was not JSON); `errors` has every field path and reason. */
export class ScenarioInputError extends Error {
  readonly errors: ScenarioError[];

  constructor(source: string, errors: ScenarioError[]) {
    super(source + ": invalid scenario\n" + formatScenarioErrors(errors));
    this.name = "ScenarioInputError";
    this.errors = errors;
  }
}

export interface ScenarioRunOptions extends BuildOverrides {
  /** Write report.json and report.html here (created if missing). */
  outDir?: string;
  /** Called with the handles before the run starts (to attach listeners, print the gateways, ...). */
  onBuilt?: (h: SimulationHandles) => void;
  /** Called after each tenth of the simulated time with (simulated ms so far, total ms). */
  onProgress?: (simulatedMs: number, durationMs: number) => void;
}

export interface ScenarioRunResult {
  report: Report;
  handles: SimulationHandles;
  /** Paths written (when outDir was given). */
  files: { json: string; html: string } | undefined;
}

/** Reads and parses a scenario file; JSON syntax errors become a ScenarioInputError at "(root)". */
export function readScenarioFile(path: string): unknown {
  const text = readFileSync(path, "utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ScenarioInputError(path, [{ path: "(root)", message: "not valid JSON: " + (e as Error).message }]);
  }
}

/** Validates, builds, runs to the end, reports (and writes the files); stops the IP network afterwards. */
export async function runScenario(json: unknown, o: ScenarioRunOptions = {}, source = "scenario"): Promise<ScenarioRunResult> {
  const parsed = parseScenario(json);
  if (!parsed.ok) throw new ScenarioInputError(source, parsed.errors);
  const h = buildSimulation(parsed.scenario, o);
  if (o.onBuilt !== undefined) o.onBuilt(h);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  try {
    if (o.onProgress === undefined) await h.run();
    else
      for (let step = 1; step <= PROGRESS_STEPS; step++) {
        const t = Math.round((h.durationMs * step) / PROGRESS_STEPS);
        await h.run(t);
        o.onProgress(t, h.durationMs);
      }
  } finally {
    await h.close();
  }
  const elapsedS = (performance.now() - t0) / 1000;
  const report = buildReport(h.sim, h.scenario, runInfo(h, { startedAt, elapsedS, speedup: elapsedS > 0 ? h.durationMs / 1000 / elapsedS : 0 }));
  let files: { json: string; html: string } | undefined;
  if (o.outDir !== undefined) {
    mkdirSync(o.outDir, { recursive: true });
    files = { json: join(o.outDir, "report.json"), html: join(o.outDir, "report.html") };
    writeFileSync(files.json, reportJson(report));
    writeFileSync(files.html, reportHtml(report));
  }
  return { report, handles: h, files };
}

/** runScenario on a file. */
export async function runScenarioFile(path: string, o: ScenarioRunOptions = {}): Promise<ScenarioRunResult> {
  return runScenario(readScenarioFile(path), o, path);
}
