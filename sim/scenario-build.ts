// buildSimulation: a parsed Scenario → a Simulator with its nodes placed and configured, the
// scenario's traffic scheduled, and the handles a CLI needs (node names and indices, gateways, a
// run function, a summary). Gateway settings are computed here and applied to the simulator
// options and node specs by applyGatewaySettings, the one place that knows how the simulator
// takes them.
import { readU32le } from "../firmware/bytes/le32.js";
import { utf8Encode } from "../firmware/bytes/utf8.js";
import { createChannelCipher } from "../wasm/loader.js";
import { decryptWithChannels } from "../firmware/crypto/channel-decrypt.js";
import { defaultMqttConfig } from "../firmware/gateway/mqtt-config.js";
import type { MqttGatewayConfig } from "../firmware/gateway/mqtt-config.js";
import { presetModulation } from "../firmware/mesh/airtime.js";
import { frequencySlotForPreset } from "../firmware/mesh/frequency.js";
import { effectiveChannelName } from "../firmware/mesh/modem-preset.js";
import { setRole } from "../firmware/mesh/node-config.js";
import type { ChannelConfig, NodeConfig } from "../firmware/mesh/node-config.js";
import { BROADCAST } from "../firmware/mesh/packet.js";
import { regionInfo } from "../firmware/mesh/regions.js";
import type { SeededRng } from "../firmware/mesh/rng.js";
import { sendRequest } from "../firmware/node-events.js";
import { nodePki } from "../firmware/platform/node/index.js";
import { ChannelRole, PortNum } from "../firmware/wire/enums.js";
import { UserCodec } from "../firmware/wire/messages.js";
import { ownerUser } from "../firmware/modules/node-info.js";
import { LORA_HEADER_LEN } from "../firmware/wire/lora-header.js";
import { EmbeddedBrokerNetwork } from "./ip-network.js";
import { maxRangeM } from "./path-loss.js";
import { DEFAULT_NOISE_FIGURE_DB, sensitivityDbm } from "./phy.js";
import { randomPlacement } from "./placement.js";
import { StreamPurpose, exponential, hashWords, rngStream, uniform01 } from "./rng-streams.js";
import type { NodeSpec, SimulatorOptions } from "./simulator.js";
import { Simulator } from "./simulator.js";
import { defaultTrafficStopS } from "./scenario-parse.js";
import { buildReport, reportText, runInfo } from "./report.js";
import type { WallInfo } from "./report.js";
import { messageKey } from "./scenario-schema.js";
import type { GeneratedText, NodeSettings, Scenario, ScenarioChannel, ScenarioMqtt } from "./scenario-schema.js";
import { bytes32FromRng } from "../firmware/mesh/key-pair.js";

/** A node of the scenario with its place fixed (random groups expanded). */
export interface PlacedNode {
  index: number;
  name: string;
  x: number;
  y: number;
  /** undefined = the simulator's default, 0x10000000 + index. */
  nodeNum: number | undefined;
  settings: NodeSettings;
  channels: ScenarioChannel[];
}

export interface BuildOverrides {
  /** Replaces the scenario's seed (the run seed: MAC draws, link offsets, traffic, and placement unless a group fixes it). */
  seed?: number;
  /** Replaces the scenario's duration. */
  durationS?: number;
  /**
   * Extra simulator options (onLog, bounds, realtime, ...); onTransmit is chained after the report's
   * observer. `ip` replaces the IP network gateways use (default: an EmbeddedBrokerNetwork with the
   * scenario's mqtt.latencyMs), e.g. createIpNetwork({ broker: "mqtt://..." }) for the CLI's --broker.
   */
  simulator?: Partial<Omit<SimulatorOptions, "seed">>;
}

/** What the scenario asks of the simulator's IP side (MQTT broker and links). */
export interface IpPlan {
  /** One-way delay between a gateway and the broker (ms). */
  latencyMs: number;
  /** The broker address the gateways are configured with. */
  brokerAddress: string;
}

/** Gateway nodes and their MQTT module settings. */
export interface GatewayPlan {
  /** Node indices, ascending. */
  nodes: number[];
  /** Per gateway node index: the MqttGatewayConfig its MeshNode gets. */
  mqtt: Map<number, MqttGatewayConfig>;
  /** undefined when the scenario has no gateway. */
  ip: IpPlan | undefined;
}

/** An explicit `messages` entry as scheduled. */
export interface ScheduledMessage {
  /** Position in scenario.messages. */
  index: number;
  node: number;
  atMs: number;
  /** Target node index, or -1 for broadcast. */
  to: number;
  text: string;
  wantAck: boolean;
  channel: number;
}

/** What the observer learnt about one message from its first transmission by its origin. */
export interface ObservedMessage {
  /** PortNum, or -1 when the origin's own channels could not decode it. */
  portnum: number;
  to: number;
  wantAck: boolean;
  /** PKI-encrypted (a DM; counted as text, the only PKI port the simulated apps send). */
  pki: boolean;
}

/**
 * Watches every transmission: busy time per node (own frames and frames above its CAD threshold,
 * overlaps counted once), the port and destination of each message from its first frame, and frames
 * put on LoRa with the via-MQTT bit (downlinks by gateways).
 */
export class RunObserver {
  /** Per node: milliseconds the channel was busy there (union of intervals). */
  readonly busyMs: Float64Array;
  private readonly busyUntil: Float64Array;
  private readonly hearers: (Int32Array | undefined)[];
  private readonly nodeNums: number[] = [];
  readonly messages = new Map<number, ObservedMessage>();
  /** Message key → node indices that put it on LoRa with via_mqtt set. */
  readonly viaMqttOnAir = new Map<number, number[]>();
  viaMqttFrames = 0;
  private readonly cipher = createChannelCipher();
  private sim: Simulator | undefined;

  constructor(nodes: number) {
    this.busyMs = new Float64Array(nodes);
    this.busyUntil = new Float64Array(nodes);
    this.hearers = new Array<Int32Array | undefined>(nodes);
  }

  attach(sim: Simulator): void {
    this.sim = sim;
    for (let i = 0; i < sim.nodes.length; i++) this.nodeNums.push(sim.nodes[i].nodeNum);
  }

  onTransmit(node: number, frame: Uint8Array, now: number, airtimeMs: number): void {
    const sim = this.sim;
    if (sim === undefined || airtimeMs < 0) return;
    const end = now + airtimeMs;
    this.addBusy(node, now, end);
    const hs = this.hearersOf(sim, node);
    for (let k = 0; k < hs.length; k++) this.addBusy(hs[k], now, end);
    if (frame.length < LORA_HEADER_LEN) return;
    const from = readU32le(frame, 4);
    const id = readU32le(frame, 8);
    const key = messageKey(from, id);
    if ((frame[12] & 0x10) !== 0) {
      this.viaMqttFrames++;
      let l = this.viaMqttOnAir.get(key);
      if (l === undefined) {
        l = [];
        this.viaMqttOnAir.set(key, l);
      }
      if (!l.includes(node)) l.push(node);
    }
    if (from === this.nodeNums[node] && !this.messages.has(key)) {
      const n = sim.nodes[node];
      const to = readU32le(frame, 0);
      const dec = decryptWithChannels(this.cipher, n.channels.keys, frame[13], id, from, frame.subarray(LORA_HEADER_LEN));
      let portnum = dec !== undefined ? dec.data.portnum || 0 : -1;
      // Channel byte 0 on a unicast that no channel decodes: a PKI DM, which only text DMs are here.
      const pki = dec === undefined && frame[13] === 0 && to !== BROADCAST;
      if (pki) portnum = PortNum.TEXT_MESSAGE_APP;
      this.messages.set(key, { portnum, to, wantAck: (frame[12] & 0x08) !== 0, pki });
    }
  }

  // Intervals arrive in start order (the clock only moves forward), so a running end per node gives the union.
  private addBusy(i: number, start: number, end: number): void {
    const u = this.busyUntil[i];
    if (end <= u) return;
    this.busyMs[i] += end - (start > u ? start : u);
    this.busyUntil[i] = end;
  }

  private hearersOf(sim: Simulator, tx: number): Int32Array {
    const cached = this.hearers[tx];
    if (cached !== undefined) return cached;
    const all = sim.medium.receiversOf(tx);
    const out: number[] = [];
    for (const rx of all) if (sim.medium.linkRssiDbm(tx, rx) >= sim.medium.radioThresholds(rx).cadThresholdDbm) out.push(rx);
    const a = Int32Array.from(out);
    this.hearers[tx] = a;
    return a;
  }
}

export { messageKey };

/** Everything a CLI or a test needs after buildSimulation. */
export interface SimulationHandles {
  sim: Simulator;
  scenario: Scenario;
  seed: number;
  durationMs: number;
  nodes: PlacedNode[];
  /** Gateway node indices (ascending). */
  gateways: number[];
  gatewayPlan: GatewayPlan;
  /** The simulator options the run was built with (gateway settings applied). */
  options: SimulatorOptions;
  /** The node specs handed to addNode, in index order. */
  specs: NodeSpec[];
  scheduled: ScheduledMessage[];
  observer: RunObserver;
  /** Node index by name. */
  indexOf(name: string): number | undefined;
  /** Runs to `untilMs` (default: the scenario's end), scheduling generated traffic window by window. */
  run(untilMs?: number): Promise<void>;
  /** Stops the IP network (broker, sockets); call once after the last run. */
  close(): Promise<void>;
  /** A few lines about the run so far (report.ts reportText of buildReport). */
  summary(wall?: WallInfo): string;
}

/** Rectangle-relative random layouts and fixed nodes, in scenario order. */
export function layoutNodes(scenario: Scenario, seed: number): PlacedNode[] {
  const out: PlacedNode[] = [];
  const mod = presetModulation(scenario.preset.code, regionInfo(scenario.region.code).wideLora);
  const sens = sensitivityDbm(mod.sf, mod.bwKhz, DEFAULT_NOISE_FIGURE_DB);
  let group = 0;
  for (const e of scenario.nodes) {
    const channels = e.settings.channels !== undefined ? e.settings.channels : scenario.channels;
    if (e.kind === "fixed") {
      out.push({ index: out.length, name: e.name, x: e.x, y: e.y, nodeNum: e.nodeNum, settings: e.settings, channels });
      continue;
    }
    const s = e.settings;
    const power = s.txPowerDbm !== undefined ? s.txPowerDbm : regionInfo(scenario.region.code).powerLimitDbm;
    const freq = frequencyOf(scenario, channels);
    const range = maxRangeM(scenario.medium.pathLoss.code, power + 2 * s.antennaGainDbi - sens, freq, s.heightM, s.heightM, scenario.medium.logDistance);
    const pts = randomPlacement({
      count: e.count,
      seed: hashWords(e.seed !== undefined ? e.seed : seed, 0x706c6163, group),
      widthM: e.rect.widthM,
      depthM: e.rect.depthM,
      minDistanceM: e.minDistanceM,
      connectRangeM: e.mustHear ? range : undefined,
      maxTries: e.maxTries,
    });
    for (let k = 0; k < pts.length; k++) out.push({ index: out.length, name: e.namePrefix + k, x: e.rect.x + pts[k].x, y: e.rect.y + pts[k].y, nodeNum: undefined, settings: s, channels });
    group++;
  }
  return out;
}

function frequencyOf(scenario: Scenario, channels: ScenarioChannel[]): number {
  const slot = frequencySlotForPreset(scenario.region.code, scenario.preset.code, 0, effectiveChannelName(channels[0].name, true, scenario.preset.code));
  return slot !== null ? slot.freqMhz : regionInfo(scenario.region.code).freqStartMhz;
}

/** The MQTT module settings of a gateway node. */
export function gatewayMqttConfig(m: ScenarioMqtt): MqttGatewayConfig {
  const c = defaultMqttConfig();
  c.enabled = true;
  c.address = m.address;
  c.root = m.root;
  c.encryptionEnabled = m.encryptionEnabled;
  c.jsonEnabled = m.jsonEnabled;
  return c;
}

export function gatewayPlan(scenario: Scenario, nodes: PlacedNode[]): GatewayPlan {
  const idx: number[] = [];
  const mqtt = new Map<number, MqttGatewayConfig>();
  for (const n of nodes) {
    if (!n.settings.gateway) continue;
    idx.push(n.index);
    mqtt.set(n.index, gatewayMqttConfig(scenario.mqtt));
  }
  return { nodes: idx, mqtt, ip: idx.length > 0 ? { latencyMs: scenario.mqtt.latencyMs, brokerAddress: scenario.mqtt.address } : undefined };
}

/**
 * Applies a gateway plan to the simulator options and the node specs: each gateway's spec gets
 * `mqtt` (its MqttGatewayConfig), and when there is a gateway and the options have no IP network
 * yet, they get an EmbeddedBrokerNetwork (aedes in this process, reproducible) with the scenario's
 * latency. The one place that knows how the simulator takes gateway settings.
 */
export function applyGatewaySettings(options: SimulatorOptions, specs: NodeSpec[], plan: GatewayPlan): void {
  for (const [i, cfg] of plan.mqtt) specs[i].mqtt = cfg;
  if (plan.ip !== undefined && options.ip === undefined) options.ip = new EmbeddedBrokerNetwork({ latencyMs: plan.ip.latencyMs });
}

function toChannelConfigs(chs: ScenarioChannel[]): ChannelConfig[] {
  return chs.map((ch, i) => ({
    role: i === 0 ? ChannelRole.PRIMARY : ChannelRole.SECONDARY,
    name: ch.name,
    psk: ch.psk.slice(),
    uplinkEnabled: ch.uplink,
    downlinkEnabled: ch.downlink,
    positionPrecision: ch.positionPrecision,
  }));
}

function shortNameOf(name: string): string {
  let s = "";
  for (let i = 0; i < name.length && s.length < 4; i++) {
    const c = name.charCodeAt(i);
    if (c > 32 && c < 127) s += name.charAt(i);
  }
  return s.length > 0 ? s : "node";
}

/** Degrees per metre of latitude (spherical Earth, R = 6 371 km). */
const DEG_PER_M = 180 / (Math.PI * 6371000);

function configure(c: NodeConfig, scenario: Scenario, n: PlacedNode): void {
  const s = n.settings;
  // As set up in the app: region first (ignore_mqtt in duty-cycle regions), then the role with its
  // defaults, then what the scenario sets explicitly.
  c.region = scenario.region.code;
  c.ignoreMqtt = s.ignoreMqtt !== undefined ? s.ignoreMqtt : regionInfo(scenario.region.code).dutyCyclePercent < 100;
  setRole(c, s.role.code);
  if (s.rebroadcastMode !== undefined) c.rebroadcastMode = s.rebroadcastMode.code;
  c.hopLimit = s.hopLimit;
  c.modemPreset = scenario.preset.code;
  c.usePreset = true;
  c.configOkToMqtt = s.okToMqtt;
  c.channels = toChannelConfigs(n.channels);
  c.longName = n.name;
  c.shortName = shortNameOf(n.name);
  const lat = scenario.origin.lat + n.y * DEG_PER_M;
  const lon = scenario.origin.lon + (n.x * DEG_PER_M) / Math.cos((scenario.origin.lat * Math.PI) / 180);
  c.position = { latitudeI: Math.round(lat * 1e7), longitudeI: Math.round(lon * 1e7), altitude: Math.round(s.heightM) };
  c.fixedPosition = true;
  const t = scenario.traffic;
  if (t.positionIntervalS === 0) c.sendPosition = false;
  else if (t.positionIntervalS !== undefined) c.positionBroadcastSecs = t.positionIntervalS;
  if (t.smartPosition !== undefined) c.positionSmartEnabled = t.smartPosition;
  if (t.telemetryIntervalS !== undefined && t.telemetryIntervalS > 0) {
    c.deviceTelemetryEnabled = true;
    c.telemetryIntervalSecs = t.telemetryIntervalS;
  }
  if (t.nodeInfoIntervalS === 0) c.sendNodeInfo = false;
  else if (t.nodeInfoIntervalS !== undefined) c.nodeInfoBroadcastSecs = t.nodeInfoIntervalS;
}

/** A node's X25519 private key: 32 bytes from its own stream, so keys are reproducible per seed. */
export function privateKeyOf(seed: number, index: number): Uint8Array {
  return bytes32FromRng(rngStream(hashWords(seed, 0x706b6921, 0), index, StreamPurpose.NODE));
}

const KIND_TEXT = 0;
const KIND_DIRECT = 1;

/** Min-heap of generated sends ordered by (time, node, kind), for a deterministic schedule. */
class SendHeap {
  private at: number[] = [];
  private node: number[] = [];
  private kind: number[] = [];

  get size(): number {
    return this.at.length;
  }

  peekTime(): number {
    return this.at.length > 0 ? this.at[0] : Infinity;
  }

  push(at: number, node: number, kind: number): void {
    this.at.push(at);
    this.node.push(node);
    this.kind.push(kind);
    let i = this.at.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): { at: number; node: number; kind: number } {
    const r = { at: this.at[0], node: this.node[0], kind: this.kind[0] };
    const last = this.at.length - 1;
    this.swap(0, last);
    this.at.pop();
    this.node.pop();
    this.kind.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const rr = l + 1;
      let m = i;
      if (l < this.at.length && this.less(l, m)) m = l;
      if (rr < this.at.length && this.less(rr, m)) m = rr;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return r;
  }

  private less(a: number, b: number): boolean {
    if (this.at[a] !== this.at[b]) return this.at[a] < this.at[b];
    if (this.node[a] !== this.node[b]) return this.node[a] < this.node[b];
    return this.kind[a] < this.kind[b];
  }

  private swap(a: number, b: number): void {
    const t = this.at[a];
    this.at[a] = this.at[b];
    this.at[b] = t;
    const n = this.node[a];
    this.node[a] = this.node[b];
    this.node[b] = n;
    const k = this.kind[a];
    this.kind[a] = this.kind[b];
    this.kind[b] = k;
  }
}

/** Generated traffic is put on the simulator's queue one window of simulated time ahead. */
const TRAFFIC_WINDOW_MS = 60_000;

function filler(head: string, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let k = 0; k < bytes; k++) out[k] = k < head.length ? head.charCodeAt(k) : 0x61 + (k % 26);
  return out;
}

/** Builds the simulator for a parsed scenario (see BuildOverrides for seed and duration). */
export function buildSimulation(scenario: Scenario, overrides?: BuildOverrides): SimulationHandles {
  const o = overrides !== undefined ? overrides : {};
  const seed = o.seed !== undefined ? o.seed : scenario.seed;
  const durationMs = o.durationS !== undefined ? o.durationS * 1000 : scenario.durationMs;
  const nodes = layoutNodes(scenario, seed);
  const observer = new RunObserver(nodes.length);
  const extra = o.simulator !== undefined ? o.simulator : {};
  const userTx = extra.onTransmit;
  const m = scenario.medium;
  const options: SimulatorOptions = {
    ...extra,
    seed,
    bootSpreadMs: extra.bootSpreadMs !== undefined ? extra.bootSpreadMs : scenario.bootSpreadMs,
    startEpochMs: scenario.startEpochMs,
    medium: {
      pathLossModel: m.pathLoss.code,
      linkOffsetSigmaDb: m.linkOffsetSigmaDb,
      sumInterference: m.sumInterference,
      ...(m.logDistance !== undefined ? { logDistance: m.logDistance } : {}),
      ...extra.medium,
    },
    onTransmit: (node, frame, now, airtimeMs) => {
      observer.onTransmit(node, frame, now, airtimeMs);
      if (userTx !== undefined) userTx(node, frame, now, airtimeMs);
    },
  };
  if (scenario.pki && options.pki === undefined) options.pki = nodePki;
  const specs: NodeSpec[] = nodes.map((n) => {
    const key = scenario.pki ? privateKeyOf(seed, n.index) : undefined;
    const spec: NodeSpec = {
      x: n.x,
      y: n.y,
      heightM: n.settings.heightM,
      antennaGainDbi: n.settings.antennaGainDbi,
      configure: (c) => {
        configure(c, scenario, n);
        if (key !== undefined) {
          c.privateKey = key;
          c.publicKey = nodePki.publicKeyFor(key);
        }
      },
    };
    if (n.settings.txPowerDbm !== undefined) spec.txPowerDbm = n.settings.txPowerDbm;
    if (n.nodeNum !== undefined) spec.nodeNum = n.nodeNum;
    return spec;
  });
  const plan = gatewayPlan(scenario, nodes);
  applyGatewaySettings(options, specs, plan);
  const sim = new Simulator(options);
  for (const s of specs) sim.addNode(s);
  observer.attach(sim);

  // Explicit messages.
  const scheduled: ScheduledMessage[] = [];
  scenario.messages.forEach((msg, k) => {
    // A shortened run (duration override) leaves out what falls after its end.
    if (msg.atMs > durationMs) return;
    const to = msg.to.kind === "node" ? msg.to.index : -1;
    const dest = to >= 0 ? sim.nodes[to].nodeNum : BROADCAST;
    // "Exchange user info" in the apps: our User to the node, asking for theirs.
    const req = msg.kind === "nodeinfo" ? sendRequest(dest, PortNum.NODEINFO_APP, UserCodec.encode(ownerUser(sim.nodes[msg.from].config)), msg.channel) : sendRequest(dest, PortNum.TEXT_MESSAGE_APP, utf8Encode(msg.text), msg.channel);
    req.wantAck = msg.wantAck;
    req.wantResponse = msg.kind === "nodeinfo";
    sim.send(msg.from, req, msg.atMs);
    scheduled.push({ index: k, node: msg.from, atMs: msg.atMs, to, text: msg.text, wantAck: msg.wantAck, channel: msg.channel });
  });

  // Generated traffic: one stream per (node, kind), independent of the placement and of other nodes.
  const t = scenario.traffic;
  const kinds: (GeneratedText | null)[] = [t.text, t.direct];
  const rngs: (SeededRng | undefined)[][] = [[], []];
  const seqs = [new Int32Array(nodes.length), new Int32Array(nodes.length)];
  const heap = new SendHeap();
  const stopMs = t.stopSet ? Math.min(t.stopMs, durationMs) : Math.max(t.startMs, defaultTrafficStopS(durationMs / 1000) * 1000);
  for (let kind = 0; kind < 2; kind++) {
    const g = kinds[kind];
    for (let i = 0; i < nodes.length; i++) {
      if (g === null || !nodes[i].settings.generate || (kind === KIND_DIRECT && nodes.length < 2)) {
        rngs[kind].push(undefined);
        continue;
      }
      const rng = rngStream(hashWords(seed, 0x74726166, kind), i, StreamPurpose.TRAFFIC);
      rngs[kind].push(rng);
      const at = t.startMs + exponential(rng, g.meanIntervalMs);
      if (at < stopMs) heap.push(at, i, kind);
    }
  }
  const emit = (at: number, i: number, kind: number): void => {
    const g = kinds[kind] as GeneratedText;
    const rng = rngs[kind][i] as SeededRng;
    const seq = seqs[kind][i]++;
    let to = BROADCAST;
    if (kind === KIND_DIRECT) {
      let d = Math.floor(uniform01(rng) * (nodes.length - 1));
      if (d >= i) d++;
      to = sim.nodes[d].nodeNum;
    }
    const req = sendRequest(to, PortNum.TEXT_MESSAGE_APP, filler((kind === KIND_TEXT ? "n" : "d") + i + "#" + seq + " ", g.payloadBytes), g.channel);
    req.wantAck = g.wantAck;
    sim.send(i, req, at);
    const next = at + exponential(rng, g.meanIntervalMs);
    if (next < stopMs) heap.push(next, i, kind);
  };

  const byName = new Map<string, number>();
  for (const n of nodes) byName.set(n.name, n.index);

  const run = async (untilMs?: number): Promise<void> => {
    const end = untilMs !== undefined ? untilMs : durationMs;
    while (sim.now < end) {
      const windowEnd = Math.min(end, Math.floor(sim.now / TRAFFIC_WINDOW_MS) * TRAFFIC_WINDOW_MS + TRAFFIC_WINDOW_MS);
      while (heap.peekTime() < windowEnd) {
        const e = heap.pop();
        emit(e.at, e.node, e.kind);
      }
      // Without an IP network this is the synchronous runUntil; with one, the broker gets its turns.
      await sim.runUntilAsync(windowEnd);
    }
  };

  const handles: SimulationHandles = {
    sim,
    scenario,
    seed,
    durationMs,
    nodes,
    gateways: plan.nodes,
    gatewayPlan: plan,
    options,
    specs,
    scheduled,
    observer,
    indexOf: (name) => byName.get(name),
    run,
    close: () => sim.close(),
    summary: (wall) => reportText(buildReport(sim, scenario, runInfo(handles, wall))),
  };
  return handles;
}
