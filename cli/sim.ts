// `meshport sim`: the main job. Loads a scenario, runs the simulated mesh (MQTT gateways on an
// embedded aedes broker unless --broker names another), shows progress, prints a summary and
// writes report.json and report.html.
import { statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createIpNetwork } from "../sim/ip-network.js";
import { reportText } from "../sim/report.js";
import { ScenarioInputError, readScenarioFile, runScenario } from "../sim/scenario-run.js";
import type { ScenarioRunOptions } from "../sim/scenario-run.js";
import { UsageError } from "./usage-error.js";

export const DEFAULT_SCENARIO = "sim/scenarios/two-meshes.json";
/** Scenario files larger than this are refused (a 20,000-node scenario is well below). */
const MAX_SCENARIO_BYTES = 8 * 1024 * 1024;

export const SIM_USAGE = `usage: meshport sim [SCENARIO.json] [--seed N] [--duration S] [--out DIR]
                   [--broker mqtt://HOST:PORT] [--latency MS] [--listen PORT] [--realtime] [--quiet]

Runs a simulated mesh (default ${DEFAULT_SCENARIO}): every node is a MeshNode, the LoRa channel
is modelled, and MQTT gateways connect to an embedded aedes broker at virtual time (deterministic:
the same scenario and seed give the same report.json). --broker uses an external broker instead,
--listen PORT lets real MQTT clients watch the embedded broker on 127.0.0.1, --realtime runs at
wall-clock speed; those runs are not reproducible. Writes DIR/report.json and DIR/report.html
(default DIR: sim-out) and prints a summary. Scenario schema: sim/SCENARIOS.md.`;

interface SimArgs {
  file: string;
  seed: number | undefined;
  durationS: number | undefined;
  out: string;
  broker: string | undefined;
  latencyMs: number | undefined;
  listenPort: number | undefined;
  realtime: boolean;
  quiet: boolean;
}

function numberArg(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n < min || n > max) throw new UsageError(`${name} takes a number from ${min} to ${max}`);
  return n;
}

export function parseSimArgs(argv: string[]): SimArgs {
  const a: SimArgs = { file: DEFAULT_SCENARIO, seed: undefined, durationS: undefined, out: "sim-out", broker: undefined, latencyMs: undefined, listenPort: undefined, realtime: false, quiet: false };
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--seed") a.seed = numberArg(arg, argv[++i], 0, 0xffffffff);
    else if (arg === "--duration") a.durationS = numberArg(arg, argv[++i], 1, 7 * 24 * 3600);
    else if (arg === "--out") {
      const v = argv[++i];
      if (v === undefined) throw new UsageError("--out needs a directory");
      a.out = v;
    } else if (arg === "--broker") {
      const v = argv[++i];
      if (v === undefined || !/^mqtts?:\/\//.test(v)) throw new UsageError("--broker takes mqtt://HOST:PORT or mqtts://HOST:PORT");
      a.broker = v;
    } else if (arg === "--latency") a.latencyMs = numberArg(arg, argv[++i], 0, 60_000);
    else if (arg === "--listen") a.listenPort = numberArg(arg, argv[++i], 1, 65535);
    else if (arg === "--realtime") a.realtime = true;
    else if (arg === "--quiet") a.quiet = true;
    else if (arg.startsWith("--")) throw new UsageError(`unknown option ${arg}`);
    else if (file !== undefined) throw new UsageError("give one scenario file");
    else file = arg;
  }
  if (file !== undefined) a.file = file;
  if (a.broker !== undefined && a.listenPort !== undefined) throw new UsageError("--listen is for the embedded broker; real clients can connect to --broker directly");
  return a;
}

export async function runSim(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const a = parseSimArgs(argv);
  const fail = (lines: string[]): number => {
    err.write(lines.map((l) => `meshport sim: ${l}\n`).join(""));
    return 2;
  };
  let json: unknown;
  try {
    if (statSync(a.file).size > MAX_SCENARIO_BYTES) return fail([`${a.file}: larger than ${MAX_SCENARIO_BYTES} bytes`]);
    json = readScenarioFile(a.file);
  } catch (e) {
    if (e instanceof ScenarioInputError) return fail(e.errors.map((x) => `${a.file}: ${x.path}: ${x.message}`));
    return fail([`cannot read ${a.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`]);
  }
  const overrides: ScenarioRunOptions = { simulator: {}, outDir: a.out };
  const sim = overrides.simulator as NonNullable<ScenarioRunOptions["simulator"]>;
  if (a.seed !== undefined) overrides.seed = a.seed;
  if (a.durationS !== undefined) overrides.durationS = a.durationS;
  if (a.broker !== undefined || a.listenPort !== undefined || a.latencyMs !== undefined) {
    const latency = a.latencyMs ?? (json as { mqtt?: { latencyMs?: number } } | null)?.mqtt?.latencyMs;
    sim.ip = createIpNetwork({ broker: a.broker, latencyMs: typeof latency === "number" ? latency : undefined, listenPort: a.listenPort });
  }
  if (a.realtime) sim.realtime = true;
  const t0 = performance.now();
  overrides.onBuilt = (h) => {
    if (!h.sim.reproducible) err.write("meshport sim: this run uses a live broker or listener: its results are not reproducible\n");
    if (a.listenPort !== undefined) err.write(`meshport sim: embedded broker listening on 127.0.0.1:${a.listenPort}\n`);
  };
  if (!a.quiet)
    overrides.onProgress = (t, total) =>
      err.write(`meshport sim: ${Math.round((100 * t) / total)}% (${Math.round(t / 1000)} of ${Math.round(total / 1000)} s simulated, ${((performance.now() - t0) / 1000).toFixed(1)} s wall)\n`);
  let result;
  try {
    result = await runScenario(json, overrides, a.file);
  } catch (e) {
    if (e instanceof ScenarioInputError) return fail(e.errors.map((x) => `${a.file}: ${x.path}: ${x.message}`));
    throw e;
  }
  out.write(reportText(result.report));
  if (result.files !== undefined) out.write(`\nreports: ${result.files.json}, ${result.files.html}\n`);
  return 0;
}
