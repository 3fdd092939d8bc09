// A speed data point comparable to the spec's Meshtasticator measurement (simulation-model.md 1.9):
// N nodes placed at random in a 15 km square (10 m apart at least, each within nominal LONG_FAST
// range of an earlier one), 3GPP suburban path loss with 3 dB link offsets, each node sending a
// 40-byte broadcast with exponential inter-arrival times of mean 100 s, plus what firmware 2.7.26
// nodes send on their own with factory settings (NodeInfo at boot and to nodes met for the first
// time; no telemetry; these nodes know no position), for 30 simulated minutes.
//
//   npx tsx bench/sim-scale.ts [nodes=100] [minutes=30] [seed=44]
import { maxRangeM } from "../sim/path-loss.js";
import { randomPlacement } from "../sim/placement.js";
import { Simulator } from "../sim/simulator.js";

const nodes = Number(process.argv[2] ?? 100);
const minutes = Number(process.argv[3] ?? 30);
const seed = Number(process.argv[4] ?? 44);

// Nominal range: 30 dBm against the −131.5 dBm LONG_FAST sensitivity at 906.875 MHz, 1 m antennas.
const range = maxRangeM(5, 30 + 131.5, 906.875, 1, 1);
const layout = randomPlacement({ count: nodes, seed, widthM: 15000, depthM: 15000, minDistanceM: 10, connectRangeM: range });
const sim = new Simulator({ seed, bootSpreadMs: 100_000, traffic: { meanIntervalMs: 100_000, payloadBytes: 40 } });
for (const p of layout) sim.addNode({ x: p.x, y: p.y });

const t0 = performance.now();
sim.runUntil(minutes * 60_000);
const wallMs = performance.now() - t0;
const m = sim.metrics();
const events = m.queueEvents + m.deadlineTicks;
let sent = 0;
let received = 0;
let airtime = 0;
let refused = 0;
let txOverBusy = 0;
for (let i = 0; i < nodes; i++) txOverBusy += sim.medium.radioCounters(i).txOverBusy;
for (const n of m.nodes) {
  sent += n.sent;
  received += n.received;
  airtime += n.airtimeMs;
  refused += n.refused;
}
console.log(
  JSON.stringify(
    {
      nodes,
      simulatedMinutes: minutes,
      wallSeconds: +(wallMs / 1000).toFixed(2),
      speedUp: Math.round((minutes * 60_000) / wallMs),
      events,
      eventsPerSecond: Math.round(events / (wallMs / 1000)),
      nodeCalls: m.nodeCalls,
      nodeCallsPerSecond: Math.round(m.nodeCalls / (wallMs / 1000)),
      messages: m.messages,
      refused,
      framesSent: sent,
      txOverBusy,
      framesReceived: received,
      collisions: m.collisions,
      meanTxAirUtilPercent: +((100 * airtime) / (nodes * minutes * 60_000)).toFixed(2),
      reachability: +m.reachability.toFixed(3),
      latencyMs: { p50: Math.round(m.latencyMs.p50), p95: Math.round(m.latencyMs.p95) },
      hearingRangeM: Math.round(sim.medium.hearingRangeM()),
      dropped: m.dropped,
    },
    null,
    1,
  ),
);
