// sim: the simulator on a fixed small scenario, one op = one whole run: 50 nodes of
// bench/sim-scale.ts' layout (random in a 15 km square, LONG_FAST, 40-byte broadcasts every 100 s
// on average plus the firmware's own NodeInfo and telemetry) for 10 simulated minutes. Besides
// runs/s each impl reports simulator events/s and node-seconds simulated per wall second.
//
// The impls differ only in the channel cipher every node uses (SimulatorOptions.cipher); they
// compute the same bytes, so each run must end in exactly the same state, which is checked first.
import type { ChannelCipher } from "../../firmware/crypto/index.js";
import { NodeChannelCipher } from "../../firmware/platform/node/index.js";
import { maxRangeM } from "../../sim/path-loss.js";
import { randomPlacement } from "../../sim/placement.js";
import { Simulator } from "../../sim/simulator.js";
import type { SimulatorOptions } from "../../sim/simulator.js";
import type { BenchCase, Impl } from "../harness.js";
import { assertSame } from "../samples.js";
import { loadWasm, WASM_ABSENT_NOTE } from "../wasm-hooks.js";

export const SIM_BASELINE = "portable TS cipher";

export interface SimScenario {
  nodes: number;
  minutes: number;
  seed: number;
}

export const SIM_SCENARIO: SimScenario = { nodes: 50, minutes: 10, seed: 44 };

/** What one run did; equal for every cipher (they compute the same bytes), checked before timing. */
export interface SimRunSummary {
  events: number;
  nodeCalls: number;
  messages: number;
  deliveries: number;
  collisions: number;
}

/** One run of the scenario (bench/sim-scale.ts' setup); without `cipher`, the Simulator's default (portable). */
export function runSimScenario(s: SimScenario, cipher: ChannelCipher | undefined): SimRunSummary {
  // Nominal range: 30 dBm against the -131.5 dBm LONG_FAST sensitivity at 906.875 MHz, 1 m antennas.
  const range = maxRangeM(5, 30 + 131.5, 906.875, 1, 1);
  const layout = randomPlacement({ count: s.nodes, seed: s.seed, widthM: 15000, depthM: 15000, minDistanceM: 10, connectRangeM: range });
  const options: SimulatorOptions = { seed: s.seed, bootSpreadMs: 100_000, traffic: { meanIntervalMs: 100_000, payloadBytes: 40 } };
  if (cipher !== undefined) options.cipher = cipher;
  const sim = new Simulator(options);
  for (const p of layout) sim.addNode({ x: p.x, y: p.y });
  sim.runUntil(s.minutes * 60_000);
  const m = sim.metrics();
  return { events: m.queueEvents + m.deadlineTicks, nodeCalls: m.nodeCalls, messages: m.messages, deliveries: m.deliveries, collisions: m.collisions };
}

export function simSuite(scenario?: SimScenario): BenchCase[] {
  const s = scenario ?? SIM_SCENARIO;
  const wasm = loadWasm();
  const reference = runSimScenario(s, undefined);
  const perOp = { events: reference.events, nodeSeconds: s.nodes * s.minutes * 60 };
  const impls: Impl[] = [{ impl: SIM_BASELINE, run: () => runSimScenario(s, undefined), perOp }];
  const notes: string[] = [];
  const ciphers: [string, ChannelCipher][] = [["node:crypto cipher", new NodeChannelCipher()]];
  // Hook: "WASM cipher" (WasmChannelCipher from wasm/loader.ts via bench/wasm-hooks.ts).
  if (wasm !== undefined) ciphers.push(["WASM cipher", wasm.cipher]);
  else notes.push(WASM_ABSENT_NOTE);
  for (const [name, cipher] of ciphers) {
    assertSame(`sim (${name})`, runSimScenario(s, cipher), reference);
    impls.push({ impl: name, run: () => runSimScenario(s, cipher), perOp });
  }
  return [{ suite: "sim", case: `${s.nodes} nodes, ${s.minutes} sim-min, ${reference.events} events`, baseline: SIM_BASELINE, impls, notes }];
}
