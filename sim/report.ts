// Run reports: buildReport gathers what a person wants to see after a run (the layout with its
// links, delivery statistics, per-node counters, the scenario's own messages, and what crossed
// the MQTT broker) into one JSON-serialisable object. reportJson writes it byte-for-byte the same
// for the same scenario and seed (keys sorted, numbers rounded); only `wall` (date, elapsed time)
// differs between runs. reportHtml (report-html.ts) renders it as one self-contained page.
import { nodeIdOf } from "../firmware/gateway/node-id.js";
import { PortNum } from "../firmware/wire/enums.js";
import { BROADCAST } from "../firmware/mesh/packet.js";
import type { MessageSummary, Simulator } from "./simulator.js";
import type { PlacedNode, RunObserver, ScheduledMessage, SimulationHandles } from "./scenario-build.js";
import { messageKey, nameOf } from "./scenario-schema.js";
import type { Scenario } from "./scenario-schema.js";

export { reportHtml } from "./report-html.js";

export const REPORT_FORMAT = "meshport-sim-report";
export const REPORT_VERSION = 1;

/** Bounds on the lists in a report (the counts are always complete). */
export const REPORT_LIMITS = {
  /** Node pairs drawn on the map. */
  maxLinks: 20_000,
  /** Rows in the per-message list. */
  maxMessages: 2_000,
  /** Messages listed as having crossed the broker. */
  maxCrossed: 500,
  /** Node names listed per message. */
  maxNamesPerMessage: 50,
} as const;

/** Wall-clock facts: the only part of a report that differs between identical runs. */
export interface WallInfo {
  /** ISO 8601 time the run started. */
  startedAt: string;
  elapsedS: number;
  /** Simulated seconds per wall second. */
  speedup: number;
}

/** What buildReport needs besides the simulator and the scenario (runInfo(handles) makes it). */
export interface ReportRunInfo {
  seed: number;
  durationMs: number;
  nodes: PlacedNode[];
  gateways: number[];
  observer?: RunObserver;
  scheduled?: ScheduledMessage[];
  wall?: WallInfo;
}

export function runInfo(h: SimulationHandles, wall?: WallInfo): ReportRunInfo {
  return { seed: h.seed, durationMs: h.durationMs, nodes: h.nodes, gateways: h.gateways, observer: h.observer, scheduled: h.scheduled, wall };
}

export interface Percentiles {
  count: number;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface ReportScenario {
  name: string;
  description: string;
  region: string;
  preset: string;
  pathLoss: string;
  linkOffsetSigmaDb: number;
  area: { widthM: number; depthM: number };
  nodes: number;
  channels: { name: string; uplink: boolean; downlink: boolean }[];
  traffic: {
    text: { meanIntervalS: number; payloadBytes: number; wantAck: boolean } | null;
    direct: { meanIntervalS: number; payloadBytes: number; wantAck: boolean } | null;
    /** The scenario's settings; null = the firmware's role-aware default, 0 = off. */
    positionIntervalS: number | null;
    telemetryIntervalS: number | null;
    nodeInfoIntervalS: number | null;
  };
  scheduledMessages: number;
}

export interface ReportSummary {
  nodes: number;
  gateways: number;
  islands: number;
  /** Messages created (refused ones included). */
  messages: number;
  refused: number;
  /** Accepted messages the firmware cancelled before they reached the air (MessageSummary.onAir). */
  notSent: number;
  /** First deliveries summed over messages. */
  deliveries: number;
  /** deliveries / (messages · (nodes − 1)) (Meshtasticator's reachability). */
  reachability: number;
  /** Broadcasts only: mean share of the other nodes each reached. */
  broadcastReach: number | null;
  /** Direct messages whose destination got them / direct messages sent. */
  directDelivered: number;
  directSent: number;
  /** Unique deliveries / frames decoded (Meshtasticator's usefulness). */
  usefulness: number;
  framesSent: number;
  framesRelayed: number;
  framesReceived: number;
  collisions: number;
  halfDuplexLosses: number;
  /** Frames the routers dropped as already seen. */
  duplicates: number;
  duplicateDeliveries: number;
  /** Mean over nodes of own airtime / duration. */
  txAirUtilPercent: number;
  /** Channel busy at a node (own frames and frames above its CAD threshold) / duration: mean and max. */
  channelUtilPercent: number | null;
  channelUtilMaxPercent: number | null;
  /** First deliveries that crossed the MQTT broker. */
  mqttCrossedDeliveries: number;
}

export interface ReportNode {
  index: number;
  name: string;
  id: string;
  x: number;
  y: number;
  heightM: number;
  role: string;
  hopLimit: number;
  gateway: boolean;
  island: number;
  /** Nodes that decode this node's frames (nominal, offsets included). */
  heardBy: number;
  sent: number;
  relayed: number;
  originated: number;
  refused: number;
  received: number;
  collisions: number;
  halfDuplexLosses: number;
  duplicates: number;
  delivered: number;
  duplicateDeliveries: number;
  airtimeS: number;
  txUtilPercent: number;
  channelUtilPercent: number | null;
}

/** A pair of nodes with at least one direction decodable; rssi null = that direction is not. */
export interface ReportLink {
  a: number;
  b: number;
  rssiAb: number | null;
  rssiBa: number | null;
}

export interface ReportMessage {
  origin: number;
  originName: string;
  from: string;
  id: number;
  port: string;
  /** "broadcast" or the destination's name (or node id when not in the scenario). */
  to: string;
  createdS: number;
  refused: boolean;
  /** The origin transmitted it (false: refused, or cancelled before the air). */
  onAir: boolean;
  deliveredTo: number;
  reachPercent: number;
  firstLatencyMs: number | null;
  lastLatencyMs: number | null;
  crossedMqtt: number;
}

export interface ReportPortRow {
  port: string;
  messages: number;
  deliveries: number;
  /** Mean share of the other nodes reached. */
  reachPercent: number;
}

export interface ReportScheduled {
  index: number;
  atS: number;
  from: string;
  to: string;
  text: string;
  wantAck: boolean;
  /** Packet id, 0 when the sender refused it or it could not be matched. */
  id: number;
  refused: boolean;
  deliveredTo: number;
  receivers: string[];
  /** Receivers on another LoRa island than the sender (reached through the broker). */
  crossedTo: string[];
  firstLatencyMs: number | null;
}

export interface ReportCrossed {
  originName: string;
  from: string;
  id: number;
  port: string;
  text: string | null;
  createdS: number;
  crossedCount: number;
  crossedTo: string[];
  firstCrossLatencyMs: number | null;
}

export interface ReportGateway {
  index: number;
  name: string;
  island: number;
  connected: boolean;
  connects: number;
  /** Packets the MQTT module uplinked / injected from the broker. */
  uplinked: number;
  downlinked: number;
  /** PUBLISH packets written, and received from the broker. */
  publishes: number;
  messagesDelivered: number;
  queueDropped: number;
}

export interface ReportMqtt {
  gateways: ReportGateway[];
  brokerAddress: string;
  root: string;
  encryptionEnabled: boolean;
  jsonEnabled: boolean;
  latencyMs: number;
  /** Frames put on LoRa with the via-MQTT bit (gateway downlinks and their relays). */
  viaMqttFrames: number;
  crossedMessages: number;
  crossedDeliveries: number;
  crossed: ReportCrossed[];
  crossedOmitted: number;
}

export interface Report {
  format: string;
  version: number;
  scenario: ReportScenario;
  run: {
    seed: number;
    /** False when the results depend on more than the seed (an external broker). */
    reproducible: boolean;
    durationS: number;
    simulatedS: number;
    queueEvents: number;
    deadlineTicks: number;
    nodeCalls: number;
    dropped: { queue: number; deliveryLog: number; messages: number; stalledDeadlines: number };
  };
  summary: ReportSummary;
  latencyMs: Percentiles;
  byPort: ReportPortRow[];
  /** Messages (refused excluded) by share of other nodes reached: [0,10), [10,20) ... [90,100]. */
  reachHistogram: number[];
  nodes: ReportNode[];
  links: { pairs: number; drawn: ReportLink[]; omitted: number };
  messages: { total: number; listed: ReportMessage[]; omitted: number };
  scheduled: ReportScheduled[];
  mqtt: ReportMqtt | null;
  wall: WallInfo | null;
}

function portName(p: number): string {
  if (p < 0) return "UNDECODED";
  return nameOf(PortNum as unknown as Record<string, number>, p);
}

function percentiles(sorted: Float64Array): Percentiles {
  const n = sorted.length;
  const at = (q: number): number | null => (n === 0 ? null : sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  return { count: n, mean: n > 0 ? sum / n : null, p50: at(0.5), p90: at(0.9), p95: at(0.95), p99: at(0.99), max: n > 0 ? sorted[n - 1] : null };
}

/** Union-find over the heard links: LoRa islands, numbered by their lowest node index. */
function islandsOf(n: number, pairs: ReportLink[]): Int32Array {
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  for (const l of pairs) {
    const ra = find(l.a);
    const rb = find(l.b);
    if (ra !== rb) parent[ra > rb ? ra : rb] = ra < rb ? ra : rb;
  }
  const label = new Int32Array(n).fill(-1);
  const out = new Int32Array(n);
  let next = 0;
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (label[r] < 0) label[r] = next++;
    out[i] = label[r];
  }
  return out;
}

/** Every node pair that can decode each other in at least one direction, strongest first. */
function heardLinks(sim: Simulator): ReportLink[] {
  const m = sim.medium;
  const n = sim.nodes.length;
  const dir = new Map<number, number>();
  const out: ReportLink[] = [];
  for (let tx = 0; tx < n; tx++) {
    for (const rx of m.receiversOf(tx)) {
      const rssi = m.linkRssiDbm(tx, rx);
      if (rssi < m.radioThresholds(rx).sensitivityDbm) continue;
      dir.set(tx * n + rx, rssi);
    }
  }
  for (const [k, rssi] of dir) {
    const tx = Math.floor(k / n);
    const rx = k - tx * n;
    if (tx < rx) out.push({ a: tx, b: rx, rssiAb: rssi, rssiBa: dir.has(rx * n + tx) ? (dir.get(rx * n + tx) as number) : null });
    else if (!dir.has(rx * n + tx)) out.push({ a: rx, b: tx, rssiAb: null, rssiBa: rssi });
  }
  const best = (l: ReportLink): number => Math.max(l.rssiAb !== null ? l.rssiAb : -Infinity, l.rssiBa !== null ? l.rssiBa : -Infinity);
  out.sort((p, q) => best(q) - best(p) || p.a - q.a || p.b - q.b);
  return out;
}

interface MessageAgg {
  first: number;
  last: number;
  receivers: number[];
  crossed: number[];
  crossedFirst: number;
  port: number;
}

/** Gathers the run into a Report (see the file comment). */
export function buildReport(sim: Simulator, scenario: Scenario, run: ReportRunInfo): Report {
  const n = sim.nodes.length;
  const metrics = sim.metrics();
  const durationMs = run.durationMs;
  const obs = run.observer;
  const names = run.nodes.map((p) => p.name);
  const byNum = new Map<number, number>();
  for (let i = 0; i < n; i++) byNum.set(sim.nodes[i].nodeNum, i);
  const nameOfNum = (num: number): string => {
    if (num === BROADCAST) return "broadcast";
    const i = byNum.get(num);
    return i !== undefined ? names[i] : nodeIdOf(num);
  };

  const pairs = heardLinks(sim);
  const island = islandsOf(n, pairs);
  let islands = 0;
  for (let i = 0; i < n; i++) if (island[i] + 1 > islands) islands = island[i] + 1;
  const heardBy = new Int32Array(n);
  for (const l of pairs) {
    if (l.rssiAb !== null) heardBy[l.a]++;
    if (l.rssiBa !== null) heardBy[l.b]++;
  }

  // Messages and their deliveries.
  const msgs = sim.messages();
  const originOf = new Map<number, number>();
  for (const m of msgs) if (!m.refused) originOf.set(messageKey(m.from, m.id), m.origin);
  const agg = new Map<number, MessageAgg>();
  let crossedDeliveries = 0;
  for (const d of sim.deliveries) {
    const key = messageKey(d.from, d.id);
    let a = agg.get(key);
    if (a === undefined) {
      a = { first: Infinity, last: -Infinity, receivers: [], crossed: [], crossedFirst: Infinity, port: d.portnum };
      agg.set(key, a);
    }
    if (d.duplicate) continue;
    a.receivers.push(d.node);
    if (!Number.isNaN(d.latencyMs)) {
      if (d.latencyMs < a.first) a.first = d.latencyMs;
      if (d.latencyMs > a.last) a.last = d.latencyMs;
    }
    const origin = originOf.get(key);
    if (origin !== undefined && (d.viaMqtt || island[d.node] !== island[origin])) {
      a.crossed.push(d.node);
      crossedDeliveries++;
      if (!Number.isNaN(d.latencyMs) && d.latencyMs < a.crossedFirst) a.crossedFirst = d.latencyMs;
    }
  }
  // Port and destination as the origin's router took the message; for an untracked key, what the
  // radio observer decoded from its first frame, else what a receiver's app saw.
  const recordOf = new Map<number, MessageSummary>();
  for (const m of msgs) if (!m.refused) recordOf.set(messageKey(m.from, m.id), m);
  const portOf = (key: number): number => {
    const r = recordOf.get(key);
    if (r !== undefined) return r.portnum;
    const o = obs !== undefined ? obs.messages.get(key) : undefined;
    if (o !== undefined && o.portnum >= 0) return o.portnum;
    const a = agg.get(key);
    if (a !== undefined) return a.port;
    return o !== undefined ? o.portnum : -1;
  };
  const toOf = (key: number): number => {
    const r = recordOf.get(key);
    if (r !== undefined) return r.to;
    const o = obs !== undefined ? obs.messages.get(key) : undefined;
    return o !== undefined ? o.to : BROADCAST;
  };

  // Latency of first deliveries.
  let nl = 0;
  for (const d of sim.deliveries) if (!d.duplicate && !Number.isNaN(d.latencyMs)) nl++;
  const lat = new Float64Array(nl);
  nl = 0;
  for (const d of sim.deliveries) if (!d.duplicate && !Number.isNaN(d.latencyMs)) lat[nl++] = d.latencyMs;
  lat.sort();

  // Per message rows, per port, histogram, direct-message outcome.
  const others = n > 1 ? n - 1 : 1;
  const hist = new Array<number>(10).fill(0);
  const ports = new Map<number, ReportPortRow>();
  const listed: ReportMessage[] = [];
  let refused = 0;
  let notSent = 0;
  let bcCount = 0;
  let bcReach = 0;
  let directSent = 0;
  let directDelivered = 0;
  let crossedMessages = 0;
  const crossedList: ReportCrossed[] = [];
  const scheduledRows = matchScheduled(sim, run, names, agg, island);
  const textOf = scheduledRows.texts;
  for (const m of msgs) {
    if (m.refused) refused++;
    else if (!m.onAir) notSent++;
    const key = messageKey(m.from, m.id);
    const port = m.refused ? -2 : portOf(key);
    const to = m.refused ? BROADCAST : toOf(key);
    const a = agg.get(key);
    const reach = m.deliveredTo / others;
    if (!m.refused) {
      hist[Math.min(9, Math.floor(reach * 10))]++;
      const pr = ports.get(port);
      if (pr === undefined) ports.set(port, { port: portName(port), messages: 1, deliveries: m.deliveredTo, reachPercent: 0 });
      else {
        pr.messages++;
        pr.deliveries += m.deliveredTo;
      }
      if (to === BROADCAST) {
        bcCount++;
        bcReach += reach;
      } else if (port === PortNum.TEXT_MESSAGE_APP) {
        directSent++;
        const dest = byNum.get(to);
        if (dest !== undefined && a !== undefined && a.receivers.includes(dest)) directDelivered++;
      }
    }
    if (listed.length < REPORT_LIMITS.maxMessages)
      listed.push({
        origin: m.origin,
        originName: names[m.origin],
        from: nodeIdOf(m.from),
        id: m.id,
        port: m.refused ? "REFUSED" : portName(port),
        to: nameOfNum(to),
        createdS: m.createdMs / 1000,
        refused: m.refused,
        onAir: m.onAir,
        deliveredTo: m.deliveredTo,
        reachPercent: 100 * reach,
        firstLatencyMs: a !== undefined && a.first !== Infinity ? a.first : null,
        lastLatencyMs: a !== undefined && a.last !== -Infinity ? a.last : null,
        crossedMqtt: a !== undefined ? a.crossed.length : 0,
      });
    if (a !== undefined && a.crossed.length > 0) {
      crossedMessages++;
      if (crossedList.length < REPORT_LIMITS.maxCrossed)
        crossedList.push({
          originName: names[m.origin],
          from: nodeIdOf(m.from),
          id: m.id,
          port: portName(port),
          text: textOf.has(key) ? (textOf.get(key) as string) : null,
          createdS: m.createdMs / 1000,
          crossedCount: a.crossed.length,
          crossedTo: a.crossed.slice(0, REPORT_LIMITS.maxNamesPerMessage).map((i) => names[i]),
          firstCrossLatencyMs: a.crossedFirst !== Infinity ? a.crossedFirst : null,
        });
    }
  }
  const byPort = Array.from(ports.keys())
    .sort((p, q) => p - q)
    .map((k) => {
      const r = ports.get(k) as ReportPortRow;
      r.reachPercent = (100 * r.deliveries) / (r.messages * others);
      return r;
    });

  // Per node.
  let sent = 0;
  let relayed = 0;
  let received = 0;
  let halfDuplex = 0;
  let dupes = 0;
  let dupDeliveries = 0;
  let airtime = 0;
  let utilSum = 0;
  let utilMax = 0;
  const nodes: ReportNode[] = metrics.nodes.map((nm, i) => {
    const p = run.nodes[i];
    sent += nm.sent;
    relayed += nm.relayed;
    received += nm.received;
    halfDuplex += nm.halfDuplexLosses;
    dupes += nm.duplicates;
    dupDeliveries += nm.duplicateDeliveries;
    airtime += nm.airtimeMs;
    const util = obs !== undefined && durationMs > 0 ? (100 * obs.busyMs[i]) / durationMs : null;
    if (util !== null) {
      utilSum += util;
      if (util > utilMax) utilMax = util;
    }
    return {
      index: i,
      name: p.name,
      id: nodeIdOf(nm.nodeNum),
      x: p.x,
      y: p.y,
      heightM: p.settings.heightM,
      role: p.settings.role.name,
      hopLimit: p.settings.hopLimit,
      gateway: p.settings.gateway,
      island: island[i],
      heardBy: heardBy[i],
      sent: nm.sent,
      relayed: nm.relayed,
      originated: nm.originated,
      refused: nm.refused,
      received: nm.received,
      collisions: nm.collisions,
      halfDuplexLosses: nm.halfDuplexLosses,
      duplicates: nm.duplicates,
      delivered: nm.delivered,
      duplicateDeliveries: nm.duplicateDeliveries,
      airtimeS: nm.airtimeMs / 1000,
      txUtilPercent: durationMs > 0 ? (100 * nm.airtimeMs) / durationMs : 0,
      channelUtilPercent: util,
    };
  });

  const t = scenario.traffic;
  const gen = (g: typeof t.text): { meanIntervalS: number; payloadBytes: number; wantAck: boolean } | null =>
    g === null ? null : { meanIntervalS: g.meanIntervalMs / 1000, payloadBytes: g.payloadBytes, wantAck: g.wantAck };

  const mqtt: ReportMqtt | null =
    run.gateways.length === 0
      ? null
      : {
          gateways: gatewayRows(sim, run.gateways, names, island),
          brokerAddress: scenario.mqtt.address,
          root: scenario.mqtt.root,
          encryptionEnabled: scenario.mqtt.encryptionEnabled,
          jsonEnabled: scenario.mqtt.jsonEnabled,
          latencyMs: scenario.mqtt.latencyMs,
          viaMqttFrames: obs !== undefined ? obs.viaMqttFrames : 0,
          crossedMessages,
          crossedDeliveries,
          crossed: crossedList,
          crossedOmitted: crossedMessages - crossedList.length,
        };

  const drawn = pairs.slice(0, REPORT_LIMITS.maxLinks);
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    scenario: {
      name: scenario.name,
      description: scenario.description,
      region: scenario.region.name,
      preset: scenario.preset.name,
      pathLoss: scenario.medium.pathLoss.name,
      linkOffsetSigmaDb: scenario.medium.linkOffsetSigmaDb,
      area: { widthM: scenario.area.widthM, depthM: scenario.area.depthM },
      nodes: n,
      channels: scenario.channels.map((c) => ({ name: c.name, uplink: c.uplink, downlink: c.downlink })),
      traffic: {
        text: gen(t.text),
        direct: gen(t.direct),
        positionIntervalS: t.positionIntervalS === undefined ? null : t.positionIntervalS,
        telemetryIntervalS: t.telemetryIntervalS === undefined ? null : t.telemetryIntervalS,
        nodeInfoIntervalS: t.nodeInfoIntervalS === undefined ? null : t.nodeInfoIntervalS,
      },
      scheduledMessages: scenario.messages.length,
    },
    run: {
      seed: run.seed,
      reproducible: sim.reproducible,
      durationS: durationMs / 1000,
      simulatedS: metrics.nowMs / 1000,
      queueEvents: metrics.queueEvents,
      deadlineTicks: metrics.deadlineTicks,
      nodeCalls: metrics.nodeCalls,
      dropped: { ...metrics.dropped },
    },
    summary: {
      nodes: n,
      gateways: run.gateways.length,
      islands,
      messages: metrics.messages,
      refused,
      notSent,
      deliveries: metrics.deliveries,
      reachability: metrics.reachability,
      broadcastReach: bcCount > 0 ? bcReach / bcCount : null,
      directDelivered,
      directSent,
      usefulness: received > 0 ? metrics.deliveries / received : 0,
      framesSent: sent,
      framesRelayed: relayed,
      framesReceived: received,
      collisions: metrics.collisions,
      halfDuplexLosses: halfDuplex,
      duplicates: dupes,
      duplicateDeliveries: dupDeliveries,
      txAirUtilPercent: n > 0 && durationMs > 0 ? (100 * airtime) / (n * durationMs) : 0,
      channelUtilPercent: obs !== undefined && n > 0 ? utilSum / n : null,
      channelUtilMaxPercent: obs !== undefined && n > 0 ? utilMax : null,
      mqttCrossedDeliveries: crossedDeliveries,
    },
    latencyMs: percentiles(lat),
    byPort,
    reachHistogram: hist,
    nodes,
    links: { pairs: pairs.length, drawn, omitted: pairs.length - drawn.length },
    messages: { total: msgs.length, listed, omitted: msgs.length - listed.length },
    scheduled: scheduledRows.rows,
    mqtt,
    wall: run.wall !== undefined ? run.wall : null,
  };
}

function gatewayRows(sim: Simulator, gateways: number[], names: string[], island: Int32Array): ReportGateway[] {
  const ip = sim.ipMetrics();
  return gateways.map((i) => {
    const g = ip.gateways.find((x) => x.index === i);
    return {
      index: i,
      name: names[i],
      island: island[i],
      connected: g !== undefined && g.connected,
      connects: g !== undefined ? g.connects : 0,
      uplinked: g !== undefined ? g.uplinked : 0,
      downlinked: g !== undefined ? g.downlinked : 0,
      publishes: g !== undefined ? g.publishes : 0,
      messagesDelivered: g !== undefined ? g.messagesDelivered : 0,
      queueDropped: g !== undefined ? g.queueDropped : 0,
    };
  });
}

/** Pairs each scheduled message with the simulator's record of it: same origin and creation time, in order. */
function matchScheduled(
  sim: Simulator,
  run: ReportRunInfo,
  names: string[],
  agg: Map<number, MessageAgg>,
  island: Int32Array,
): { rows: ReportScheduled[]; texts: Map<number, string> } {
  const texts = new Map<number, string>();
  const sched = run.scheduled !== undefined ? run.scheduled : [];
  if (sched.length === 0) return { rows: [], texts };
  const queues = new Map<string, { id: number; from: number; refused: boolean }[]>();
  for (const m of sim.messages()) {
    const k = m.origin + "@" + m.createdMs;
    let q = queues.get(k);
    if (q === undefined) {
      q = [];
      queues.set(k, q);
    }
    q.push({ id: m.id, from: m.from, refused: m.refused });
  }
  const order = sched.slice().sort((a, b) => a.atMs - b.atMs || a.index - b.index);
  const rows: ReportScheduled[] = [];
  for (const s of order) {
    const q = queues.get(s.node + "@" + s.atMs);
    const m = q !== undefined ? q.shift() : undefined;
    if (m !== undefined && !m.refused) texts.set(messageKey(m.from, m.id), s.text);
    const a = m !== undefined && !m.refused ? agg.get(messageKey(m.from, m.id)) : undefined;
    const receivers = a !== undefined ? a.receivers.slice().sort((x, y) => x - y) : [];
    rows.push({
      index: s.index,
      atS: s.atMs / 1000,
      from: names[s.node],
      to: s.to >= 0 ? names[s.to] : "broadcast",
      text: s.text,
      wantAck: s.wantAck,
      id: m !== undefined ? m.id : 0,
      refused: m !== undefined ? m.refused : false,
      deliveredTo: receivers.length,
      receivers: receivers.slice(0, REPORT_LIMITS.maxNamesPerMessage).map((i) => names[i]),
      crossedTo: receivers
        .filter((i) => island[i] !== island[s.node])
        .slice(0, REPORT_LIMITS.maxNamesPerMessage)
        .map((i) => names[i]),
      firstLatencyMs: a !== undefined && a.first !== Infinity ? a.first : null,
    });
  }
  rows.sort((p, q) => p.index - q.index);
  return { rows, texts };
}

/** Decimals kept for non-integer numbers in report.json. */
export const REPORT_DECIMALS = 3;

function num(v: number): string {
  if (!Number.isFinite(v)) return "null";
  if (Number.isInteger(v)) return Object.is(v, -0) ? "0" : String(v);
  const f = 10 ** REPORT_DECIMALS;
  const r = Math.round(v * f) / f;
  return Object.is(r, -0) ? "0" : String(r);
}

function ser(v: unknown, indent: string, out: string[]): void {
  if (v === null || v === undefined) out.push("null");
  else if (typeof v === "number") out.push(num(v));
  else if (typeof v === "boolean") out.push(v ? "true" : "false");
  else if (typeof v === "string") out.push(JSON.stringify(v));
  else if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push("[]");
      return;
    }
    const flat = v.every((x) => x === null || typeof x !== "object");
    if (flat) {
      out.push("[");
      v.forEach((x, i) => {
        if (i > 0) out.push(", ");
        ser(x, indent, out);
      });
      out.push("]");
      return;
    }
    const inner = indent + "  ";
    out.push("[\n");
    v.forEach((x, i) => {
      out.push(inner);
      ser(x, inner, out);
      out.push(i < v.length - 1 ? ",\n" : "\n");
    });
    out.push(indent + "]");
  } else if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    if (keys.length === 0) {
      out.push("{}");
      return;
    }
    const inner = indent + "  ";
    out.push("{\n");
    keys.forEach((k, i) => {
      out.push(inner + JSON.stringify(k) + ": ");
      ser(o[k], inner, out);
      out.push(i < keys.length - 1 ? ",\n" : "\n");
    });
    out.push(indent + "}");
  } else out.push("null");
}

/**
 * report.json: keys sorted, non-integers rounded to REPORT_DECIMALS, non-finite numbers as null,
 * arrays of plain values on one line. With `wall: false` the wall-clock part is left out, which is
 * what two runs of the same scenario and seed agree on byte for byte.
 */
export function reportJson(report: Report, options?: { wall?: boolean }): string {
  const withWall = options === undefined || options.wall !== false;
  const r = withWall ? report : { ...report, wall: null };
  const out: string[] = [];
  ser(r, "", out);
  return out.join("") + "\n";
}

function pct(v: number | null): string {
  return v === null ? "n/a" : v.toFixed(1) + " %";
}

function ms(v: number | null): string {
  return v === null ? "n/a" : v >= 10_000 ? (v / 1000).toFixed(1) + " s" : Math.round(v) + " ms";
}

/** A few lines for a terminal. */
export function reportText(r: Report): string {
  const s = r.summary;
  const lines = [
    r.scenario.name + ": " + s.nodes + " nodes" + (s.gateways > 0 ? " (" + s.gateways + " gateways)" : "") + ", " + s.islands + " LoRa island" + (s.islands === 1 ? "" : "s") + ", " + r.scenario.preset + " " + r.scenario.region + ", seed " + r.run.seed + ", " + r.run.simulatedS + " s simulated",
    "messages " + s.messages + " (refused " + s.refused + ", cancelled before the air " + s.notSent + "), deliveries " + s.deliveries + ", reachability " + pct(100 * s.reachability) + (s.broadcastReach !== null ? ", broadcast reach " + pct(100 * s.broadcastReach) : "") + (s.directSent > 0 ? ", DMs delivered " + s.directDelivered + "/" + s.directSent : ""),
    "latency p50 " + ms(r.latencyMs.p50) + ", p95 " + ms(r.latencyMs.p95) + ", max " + ms(r.latencyMs.max),
    "frames sent " + s.framesSent + " (relays " + s.framesRelayed + "), received " + s.framesReceived + ", collisions " + s.collisions + ", duplicates " + s.duplicates + ", tx air util " + pct(s.txAirUtilPercent) + ", channel util " + pct(s.channelUtilPercent) + " (max " + pct(s.channelUtilMaxPercent) + ")",
  ];
  if (r.mqtt !== null) lines.push("mqtt: " + r.mqtt.crossedMessages + " messages crossed the broker, " + r.mqtt.crossedDeliveries + " deliveries on other islands, " + r.mqtt.viaMqttFrames + " via-MQTT frames on air");
  const shown = r.scheduled.slice(0, 20);
  for (const m of shown) lines.push("  [" + m.atS + " s] " + m.from + " → " + m.to + ' "' + m.text + '": ' + (m.refused ? "refused" : m.deliveredTo + " nodes" + (m.crossedTo.length > 0 ? ", across the broker to " + m.crossedTo.join(", ") : "")));
  if (r.scheduled.length > shown.length) lines.push("  ... and " + (r.scheduled.length - shown.length) + " more scenario messages in report.json");
  return lines.join("\n");
}
