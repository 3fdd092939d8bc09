// The simulator's driver: full MeshNodes on a simulated LoRa medium under one virtual clock.
//
// The clock jumps to the earlier of the event queue's head (medium events, app sends, generated
// traffic) and the earliest node deadline. Deadlines live in an indexed heap, one entry per node,
// updated after every call into a node, so nothing scans all nodes. At equal times queued events
// run before deadline ticks, and both in a stable order (sequence numbers, node index).
//
// Every random draw comes from a stream named (seed, node index, purpose) (rng-streams.ts): each
// node's MeshNode Rng, its generated traffic and its boot offset, and the per-link offsets. Runs are
// therefore reproducible, and adding a node does not change the draws any other node sees.
//
// Gateways (NodeSpec.mqtt) run their own MQTT client; their socket actions go to the IpNetwork of
// option `ip` (ip-network.ts), whose callbacks wait in a second queue. A broker works
// asynchronously, so a run with IP traffic uses runUntilAsync(), which awaits the network's
// settle() before the clock leaves an instant at which work was handed to it. Without a network the
// loop never awaits; option `realtime` paces virtual time to the wall clock (async loop only).
import { performance } from "node:perf_hooks";
import type { ChannelCipher, PkiPrimitives } from "../firmware/crypto/index.js";
import { MQTT_JSON } from "../firmware/gateway/mqtt-json.js";
import { createChannelCipher } from "../wasm/loader.js";
import type { MqttGatewayConfig } from "../firmware/gateway/mqtt-config.js";
import { frequencySlotForPreset } from "../firmware/mesh/frequency.js";
import { defaultNodeConfig } from "../firmware/mesh/node-config.js";
import type { NodeConfig } from "../firmware/mesh/node-config.js";
import { BROADCAST } from "../firmware/mesh/packet.js";
import type { MeshPacketState } from "../firmware/mesh/packet.js";
import { regionInfo } from "../firmware/mesh/regions.js";
import type { SeededRng } from "../firmware/mesh/rng.js";
import { MeshNode } from "../firmware/node.js";
import type { NodeAction, NodeEvent, SendRequest } from "../firmware/node-events.js";
import { sendRequest } from "../firmware/node-events.js";
import { readU32le } from "../firmware/bytes/le32.js";
import { PortNum } from "../firmware/wire/enums.js";
import { LORA_HEADER_LEN } from "../firmware/wire/lora-header.js";
import { DeadlineHeap, EventQueue, SimEvent } from "./event-queue.js";
import type { IpHost, IpNetwork, IpNetworkMetrics } from "./ip-network.js";
import { Medium, defaultMediumOptions } from "./medium.js";
import type { MediumOptions, MediumSink } from "./medium.js";
import { StreamPurpose, exponential, rngStream, uniform01 } from "./rng-streams.js";

/** Event kinds the simulator itself schedules (the medium uses 1 and 2). */
const SimEventKind = {
  APP_SEND: 16,
  TRAFFIC: 17,
  /** An event for node `a` (ref: NodeEvent) from the simulator itself, e.g. "no IP network". */
  NODE_EVENT: 18,
  /** Actions node `a`'s constructor queued (its MQTT client's first socket-open), run at boot. */
  BOOT_ACTIONS: 19,
} as const;

/** Where a node is and how its radio and firmware are set up. */
export interface NodeSpec {
  x: number;
  y: number;
  /** Antenna height (m); default 1, Meshtasticator's HM. */
  heightM?: number;
  /** Default: the region's power limit (30 dBm in the US, Meshtasticator's PTX). */
  txPowerDbm?: number;
  /** Default 0 dBi (Meshtasticator's GL). */
  antennaGainDbi?: number;
  /** Default 0x10000000 + index (distinct low bytes, i.e. relay ids, for the first 256 nodes). */
  nodeNum?: number;
  /** Boot time; default: now plus a draw from the node's BOOT stream over `bootSpreadMs`. */
  startMs?: number;
  /** Adjusts the firmware defaults (defaultNodeConfig) before the node boots. */
  configure?: (c: NodeConfig) => void;
  /**
   * Makes the node an MQTT gateway (simGatewayConfig() in ip-gateway.ts builds one; the channels
   * also need uplinkEnabled / downlinkEnabled, see enableChannelMqtt). With `enabled` and no proxy
   * mode the node runs its own MQTT client, whose sockets go to the Simulator's IpNetwork.
   */
  mqtt?: MqttGatewayConfig;
}

/** Generated application traffic: each node sends with exponential inter-arrival times. */
export interface TrafficOptions {
  /** Mean time between a node's messages (Meshtasticator PERIOD: 100 s). */
  meanIntervalMs: number;
  /** Payload bytes (Meshtasticator PACKETLENGTH: 40). */
  payloadBytes: number;
  /** Default TEXT_MESSAGE_APP. */
  portnum?: number;
  /** Default broadcast. */
  to?: number;
  wantAck?: boolean;
  /** No message is generated at or after this time. */
  stopMs?: number;
}

export interface SimulatorOptions {
  seed: number;
  medium?: Partial<Omit<MediumOptions, "seed">>;
  traffic?: TrafficOptions;
  /** Nodes without an explicit startMs boot uniformly within this window after being added (default 0). */
  bootSpreadMs?: number;
  /** Unix ms at virtual time 0: node clocks are set from it (default: no valid time, rx_time 0). */
  startEpochMs?: number;
  pki?: PkiPrimitives;
  /** Channel AES for every node: one instance serves them all (the simulator is single-threaded). Default: createChannelCipher(). */
  cipher?: ChannelCipher;
  /** Bound on queued events (event-queue.ts DEFAULT_EVENT_QUEUE_CAPACITY). */
  queueCapacity?: number;
  /** Bound on the delivery log (default 1 Mi records, ~100 B each); later deliveries are counted only. */
  maxDeliveryLog?: number;
  /** Bound on tracked messages (default 1 Mi); later messages are counted in messagesDropped. */
  maxMessages?: number;
  /** Called with every log action of every node. */
  onLog?: (node: number, message: string, now: number) => void;
  /** Called when a node puts a frame on air, with its exact time on air (−1: radio was busy). */
  onTransmit?: (node: number, frame: Uint8Array, now: number, airtimeMs: number) => void;
  /**
   * Where gateway nodes' MQTT sockets go (EmbeddedBrokerNetwork, ExternalBrokerNetwork). Without
   * one, a gateway's socket-open fails at once ("no IP network") and its client backs off.
   */
  ip?: IpNetwork;
  /** runUntilAsync paces virtual time to the wall clock (virtual ms = wall ms since the run began). */
  realtime?: boolean;
}

/** One packet handed to a node's app. */
export interface DeliveryRecord {
  atMs: number;
  /** Index of the receiving node. */
  node: number;
  from: number;
  id: number;
  portnum: number;
  /** Time since the message was created (sent by the app, or first put on air); NaN if unknown. */
  latencyMs: number;
  /** The node's app had already been given this message. */
  duplicate: boolean;
  /** The packet came through an MQTT broker somewhere on its way (MeshPacket.via_mqtt). */
  viaMqtt: boolean;
}

/** What happened to one message. */
export interface MessageSummary {
  from: number;
  /** Packet id; 0 when the sender's router refused the message (queue full, duty cycle, ...). */
  id: number;
  /** Index of the originating node. */
  origin: number;
  createdMs: number;
  /** Distinct nodes (other than the origin) whose app got it. */
  deliveredTo: number;
  /** The origin's router refused it: it never went on air (counted as reaching nobody). */
  refused: boolean;
  /** Port number and destination the origin gave it (-1 / broadcast for a refused one). */
  portnum: number;
  to: number;
  /**
   * The origin transmitted it at least once. False for an accepted message the firmware cancelled
   * before it reached the air (a NodeInfo replaced by a newer one, a position superseded, the TX
   * queue full): counted as reaching nobody, like a refused one.
   */
  onAir: boolean;
}

export interface NodeMetrics {
  index: number;
  nodeNum: number;
  /** Frames put on air (own and relayed). */
  sent: number;
  /** Of which relays of other nodes' packets (router txRelay). */
  relayed: number;
  /** Messages this node created (accepted by its router). */
  originated: number;
  /** App sends its router refused (TX queue full, duty cycle, too large). */
  refused: number;
  airtimeMs: number;
  /** Frames decoded by the radio. */
  received: number;
  /** Decodable frames lost to collisions here. */
  collisions: number;
  /** Decodable frames missed while transmitting. */
  halfDuplexLosses: number;
  /** Frames the router dropped as already seen (router rxDupe). */
  duplicates: number;
  /** Distinct messages handed to the app. */
  delivered: number;
  /** Messages handed to the app again. */
  duplicateDeliveries: number;
}

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

export interface SimMetrics {
  nowMs: number;
  /** Queue events processed, deadline ticks run, and calls into nodes (handle/send). */
  queueEvents: number;
  deadlineTicks: number;
  nodeCalls: number;
  nodes: NodeMetrics[];
  /** Messages created, refused ones included. */
  messages: number;
  /** First deliveries summed over messages. */
  deliveries: number;
  meanDeliveriesPerMessage: number;
  /** deliveries / (messages · (nodes − 1)), Meshtasticator's "reachability". */
  reachability: number;
  /** End-to-end latency of first deliveries in the delivery log. */
  latencyMs: LatencySummary;
  collisions: number;
  dropped: { queue: number; deliveryLog: number; messages: number; stalledDeadlines: number };
}

class MessageRecord {
  readonly from: number;
  readonly id: number;
  readonly origin: number;
  readonly createdMs: number;
  readonly portnum: number;
  readonly to: number;
  deliveredTo = 0;
  refused = false;
  onAir = false;
  /** Bit per node index: the node's app has it. */
  seen: Uint8Array;

  constructor(from: number, id: number, origin: number, createdMs: number, nodes: number, portnum: number, to: number) {
    this.from = from;
    this.id = id;
    this.origin = origin;
    this.createdMs = createdMs;
    this.portnum = portnum;
    this.to = to;
    this.seen = new Uint8Array((nodes + 7) >> 3);
  }

  /** Marks node i; false when it was already marked. */
  mark(i: number): boolean {
    const byte = i >> 3;
    if (byte >= this.seen.length) {
      const s = new Uint8Array(byte + 1);
      s.set(this.seen);
      this.seen = s;
    }
    const bit = 1 << (i & 7);
    if ((this.seen[byte] & bit) !== 0) return false;
    this.seen[byte] |= bit;
    return true;
  }
}

/** MQTT counters of one gateway node (its client and its MQTT module). */
export interface GatewayMetrics {
  index: number;
  nodeNum: number;
  connected: boolean;
  connectAttempts: number;
  /** CONNACK 0 received. */
  connects: number;
  /** PUBLISH packets the gateway wrote (uplinks, JSON, map reports). */
  publishes: number;
  /** PUBLISH packets from the broker handed to the MQTT module. */
  messagesDelivered: number;
  bytesOut: number;
  bytesIn: number;
  /** Packets the module decided to uplink / injected from the broker. */
  uplinked: number;
  downlinked: number;
  /** Uplinks parked in the offline queue, and dropped from it. */
  queued: number;
  queueDropped: number;
}

export interface IpMetrics {
  /** False when the network (an external broker, a listener real clients can use) makes runs differ. */
  reproducible: boolean;
  realtime: boolean;
  network: IpNetworkMetrics | undefined;
  gateways: GatewayMetrics[];
}

interface SimNodeState {
  num: number;
  originated: number;
  refused: number;
  delivered: number;
  duplicateDeliveries: number;
  traffic: SeededRng | undefined;
  trafficSeq: number;
  /** Consecutive ticks at one instant that left the deadline at or before it. */
  sameInstantTicks: number;
}

const TICK: NodeEvent = { type: "tick" };
const TWO_POW_32 = 4294967296;
const DEFAULT_MAX_LOG = 1 << 20;
const DEFAULT_MAX_MESSAGES = 1 << 20;
/** A node whose deadline stays at `now` after this many ticks is pushed 1 ms on (a stall guard). */
const MAX_SAME_INSTANT_TICKS = 1000;
/** A realtime loop running behind the wall clock yields to sockets and timers after this many steps. */
const REALTIME_YIELD_EVERY = 256;

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export class Simulator implements MediumSink {
  readonly options: SimulatorOptions;
  readonly medium: Medium;
  readonly nodes: MeshNode[] = [];
  /** Deliveries in order (bounded by maxDeliveryLog). */
  readonly deliveries: DeliveryRecord[] = [];
  private nowMs = 0;
  private readonly queue: EventQueue;
  private readonly deadlines = new DeadlineHeap();
  private readonly ev = new SimEvent();
  private readonly state: SimNodeState[] = [];
  private readonly messageIndex = new Map<number, MessageRecord>();
  private readonly messageList: MessageRecord[] = [];
  private readonly maxLog: number;
  private readonly maxMessages: number;
  private queueEvents = 0;
  private deadlineTicks = 0;
  private nodeCalls = 0;
  private logDropped = 0;
  private messagesDropped = 0;
  private stalledDeadlines = 0;
  private readonly ip: IpNetwork | undefined;
  /** IpNetwork callbacks (ref: () => void), after queue events and before deadline ticks at one instant. */
  private readonly ipQueue = new EventQueue();
  private running = false;
  /** Realtime pacing: virtual = paceVirtual0 + (wall − paceWall0). */
  private paceWall0 = 0;
  private paceVirtual0 = 0;
  private sleeping = false;
  private wake: (() => void) | undefined;
  private readonly cipher: ChannelCipher;

  constructor(options: SimulatorOptions) {
    this.options = options;
    // WASM unless WebAssembly is missing or MESHPORT_FORCE_TS=1 (wasm/loader.ts).
    this.cipher = options.cipher !== undefined ? options.cipher : createChannelCipher();
    this.queue = new EventQueue(options.queueCapacity);
    this.medium = new Medium(this.queue, this, { ...defaultMediumOptions(options.seed), ...options.medium, seed: options.seed });
    this.maxLog = options.maxDeliveryLog !== undefined ? options.maxDeliveryLog : DEFAULT_MAX_LOG;
    this.maxMessages = options.maxMessages !== undefined ? options.maxMessages : DEFAULT_MAX_MESSAGES;
    this.ip = options.ip;
    if (this.ip !== undefined) this.ip.attach(this.ipHost());
  }

  /** False when results depend on more than the seed (an external broker, a listener for real clients). */
  get reproducible(): boolean {
    return this.ip === undefined || this.ip.reproducible;
  }

  /** The attached IP network, if any. */
  get ipNetwork(): IpNetwork | undefined {
    return this.ip;
  }

  /** Current virtual time (ms). */
  get now(): number {
    return this.nowMs;
  }

  /** Adds a node (it can hear the channel at once; its timers start from its boot time). */
  addNode(spec: NodeSpec): number {
    const i = this.nodes.length;
    const seed = this.options.seed;
    const config = defaultNodeConfig(spec.nodeNum !== undefined ? spec.nodeNum : (0x10000000 + i) >>> 0);
    if (spec.configure !== undefined) spec.configure(config);
    const spread = this.options.bootSpreadMs !== undefined ? this.options.bootSpreadMs : 0;
    const startMs = spec.startMs !== undefined ? spec.startMs : this.nowMs + (spread > 0 ? uniform01(rngStream(seed, i, StreamPurpose.BOOT)) * spread : 0);
    const st: SimNodeState = { num: config.nodeNum, originated: 0, refused: 0, delivered: 0, duplicateDeliveries: 0, traffic: undefined, trafficSeq: 0, sameInstantTicks: 0 };
    this.state.push(st);
    const node = new MeshNode({
      config: config,
      rng: rngStream(seed, i, StreamPurpose.NODE),
      cipher: this.cipher,
      pki: this.options.pki,
      startMs: startMs,
      epochMs: this.options.startEpochMs !== undefined ? this.options.startEpochMs + startMs : undefined,
      maxNodes: 0,
      mqtt: spec.mqtt,
      mqttJson: MQTT_JSON,
      // Every own packet is a tracked message from the moment it exists, whether the radio or a
      // gateway's uplink carries it first.
      observer: { originated: (id, portnum, to) => this.registerMessage(i, st.num, id, portnum, to) },
    });
    this.nodes.push(node);
    // A gateway's MQTT client opens its socket from the constructor, "at" its boot time.
    const bootActions = node.takeActions();
    if (bootActions.length > 0) this.queue.push(startMs > this.nowMs ? startMs : this.nowMs, SimEventKind.BOOT_ACTIONS, i, 0, bootActions);
    const c = node.config;
    const region = regionInfo(c.region);
    const primary = node.channels.get(node.channels.primaryIndex);
    const slot = frequencySlotForPreset(c.region, c.modemPreset, c.channelNum, primary !== undefined ? primary.name : "");
    this.medium.addRadio({
      x: spec.x,
      y: spec.y,
      heightM: spec.heightM !== undefined ? spec.heightM : 1,
      txPowerDbm: spec.txPowerDbm !== undefined ? spec.txPowerDbm : region.powerLimitDbm,
      antennaGainDbi: spec.antennaGainDbi !== undefined ? spec.antennaGainDbi : 0,
      modulation: node.timing.modulation,
      freqMhz: slot !== null ? slot.freqMhz : region.freqStartMhz,
    });
    this.deadlines.set(i, node.nextDeadline());
    const t = this.options.traffic;
    if (t !== undefined) {
      st.traffic = rngStream(seed, i, StreamPurpose.TRAFFIC);
      this.scheduleTraffic(i, startMs);
    }
    return i;
  }

  /** Node i's app sends `request` at `atMs` (default now). */
  send(i: number, request: SendRequest, atMs?: number): void {
    const at = atMs !== undefined && atMs > this.nowMs ? atMs : this.nowMs;
    this.queue.push(at, SimEventKind.APP_SEND, i, 0, request);
  }

  /** Node i's app sends a text message on its primary channel at `atMs` (default now). */
  sendText(i: number, to: number, text: string, atMs?: number): void {
    const payload = new TextEncoder().encode(text);
    this.send(i, sendRequest(to, PortNum.TEXT_MESSAGE_APP, payload, this.nodes[i].channels.primaryIndex), atMs);
  }

  /**
   * Runs every event and deadline up to and including `untilMs`, then sets the clock to it.
   * Synchronous: for radio-only runs. It throws when IP work is due (a broker is asynchronous; use
   * runUntilAsync) and in realtime mode.
   */
  runUntil(untilMs: number): void {
    if (this.running) throw new Error("Simulator.runUntil: a runUntilAsync is in progress");
    if (this.options.realtime === true) throw new Error("Simulator.runUntil: a realtime simulation runs with await runUntilAsync()");
    if (this.ip !== undefined) {
      this.runUntilWithIpSync(untilMs);
      return;
    }
    const ev = this.ev;
    for (;;) {
      const tq = this.queue.peekTime();
      const td = this.deadlines.peekTime();
      if (tq <= td) {
        if (tq > untilMs) break;
        this.queue.pop(ev);
        if (ev.time > this.nowMs) this.nowMs = ev.time;
        this.queueEvents++;
        this.dispatch(ev);
      } else {
        if (td > untilMs) break;
        const i = this.deadlines.peekKey();
        if (td > this.nowMs) this.nowMs = td;
        this.deadlineTicks++;
        this.tick(i);
      }
    }
    if (untilMs > this.nowMs) this.nowMs = untilMs;
  }

  /** runUntil with a network attached: fine until the network has work, then a clear error. */
  private runUntilWithIpSync(untilMs: number): void {
    const ip = this.ip as IpNetwork;
    for (;;) {
      const t = this.nextTime();
      if (t > untilMs) break;
      if (ip.hasPendingWork() || this.ipQueue.peekTime() <= t) throw this.needsAsync(ip);
      this.step();
    }
    if (ip.hasPendingWork()) throw this.needsAsync(ip);
    if (untilMs > this.nowMs) this.nowMs = untilMs;
  }

  private needsAsync(ip: IpNetwork): Error {
    return new Error(
      "Simulator.runUntil: the IP network (" + ip.kind + ") has work pending at " + this.nowMs + " ms; a broker works asynchronously, so run this simulation with await runUntilAsync()",
    );
  }

  /**
   * Runs every event and deadline up to and including `untilMs`, then sets the clock to it, letting
   * the IP network work: before the clock leaves an instant at which work was handed to the network
   * it awaits ip.settle(), and with `realtime` it waits for the wall clock before each instant.
   * Without a network and without realtime this is runUntil (nothing is awaited).
   */
  async runUntilAsync(untilMs: number): Promise<void> {
    const ip = this.ip;
    const realtime = this.options.realtime === true;
    if (ip === undefined && !realtime) {
      this.runUntil(untilMs);
      return;
    }
    if (this.running) throw new Error("Simulator.runUntilAsync: already running");
    this.running = true;
    try {
      if (ip !== undefined) await ip.start();
      if (realtime) {
        this.paceWall0 = performance.now();
        this.paceVirtual0 = this.nowMs;
      }
      let sinceYield = 0;
      for (;;) {
        const t = this.nextTime();
        if (ip !== undefined && (t > this.nowMs || t > untilMs) && ip.hasPendingWork()) {
          await ip.settle();
          continue;
        }
        if (realtime) {
          const target = t < untilMs ? t : untilMs;
          const wall = this.pacedNow();
          if (target > wall) {
            await this.sleep(target - wall);
            sinceYield = 0;
            continue;
          }
          // Behind the wall clock: catch up, but let sockets and timers run now and then.
          if (++sinceYield >= REALTIME_YIELD_EVERY && (ip === undefined || !ip.hasPendingWork())) {
            sinceYield = 0;
            await new Promise<void>((resolve) => setImmediate(resolve));
            continue;
          }
        }
        if (t > untilMs) break;
        this.step();
      }
      if (untilMs > this.nowMs) this.nowMs = untilMs;
    } finally {
      this.running = false;
    }
  }

  /** Stops the attached IP network (its broker, listener and sockets). */
  async close(): Promise<void> {
    if (this.ip !== undefined) await this.ip.stop();
  }

  /** Per-gateway MQTT counters and the network's own. */
  ipMetrics(): IpMetrics {
    const gateways: GatewayMetrics[] = [];
    for (let i = 0; i < this.nodes.length; i++) {
      const n = this.nodes[i];
      const c = n.mqttClient;
      const m = n.mqtt;
      if (m === undefined) continue;
      gateways.push({
        index: i,
        nodeNum: n.nodeNum,
        connected: c !== undefined && c.isConnected(),
        connectAttempts: c !== undefined ? c.stats.connectAttempts : 0,
        connects: c !== undefined ? c.stats.connects : 0,
        publishes: c !== undefined ? c.stats.published : 0,
        messagesDelivered: c !== undefined ? c.stats.delivered : 0,
        bytesOut: c !== undefined ? c.stats.bytesOut : 0,
        bytesIn: c !== undefined ? c.stats.bytesIn : 0,
        uplinked: m.stats.uplinked,
        downlinked: m.stats.downlinked,
        queued: m.stats.queued,
        queueDropped: m.stats.queueDropped,
      });
    }
    return { reproducible: this.reproducible, realtime: this.options.realtime === true, network: this.ip !== undefined ? this.ip.metrics() : undefined, gateways };
  }

  /** Earliest of the event queue, the IP queue and the node deadlines. */
  private nextTime(): number {
    const tq = this.queue.peekTime();
    const ti = this.ipQueue.peekTime();
    const td = this.deadlines.peekTime();
    const t = tq < ti ? tq : ti;
    return t < td ? t : td;
  }

  /** Runs the next thing: a queued event, then an IP callback, then a deadline tick (at equal times). */
  private step(): void {
    const ev = this.ev;
    const tq = this.queue.peekTime();
    const ti = this.ipQueue.peekTime();
    const td = this.deadlines.peekTime();
    if (tq <= ti && tq <= td) {
      this.queue.pop(ev);
      if (ev.time > this.nowMs) this.nowMs = ev.time;
      this.queueEvents++;
      this.dispatch(ev);
    } else if (ti <= td) {
      this.ipQueue.pop(ev);
      if (ev.time > this.nowMs) this.nowMs = ev.time;
      const run = ev.ref as () => void;
      ev.ref = undefined;
      run();
    } else {
      const i = this.deadlines.peekKey();
      if (td > this.nowMs) this.nowMs = td;
      this.deadlineTicks++;
      this.tick(i);
    }
  }

  private pacedNow(): number {
    return this.paceVirtual0 + (performance.now() - this.paceWall0);
  }

  /** Waits `ms` of wall time, or until the network reports an arrival (ipWake). */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        this.sleeping = false;
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, Math.ceil(ms)));
      this.wake = done;
      this.sleeping = true;
    });
  }

  private ipHost(): IpHost {
    return {
      realtime: this.options.realtime === true,
      ipNow: () => {
        if (!this.sleeping) return this.nowMs;
        const w = this.pacedNow();
        return w > this.nowMs ? w : this.nowMs;
      },
      ipSchedule: (atMs, run) => {
        if (!this.ipQueue.push(atMs > this.nowMs ? atMs : this.nowMs, 0, 0, 0, run)) throw new Error("Simulator: the IP event queue is full");
      },
      ipHandle: (node, ev) => {
        this.nodeCalls++;
        this.nodes[node].handle(ev, this.nowMs);
        this.collect(node);
      },
      ipWake: () => {
        if (this.wake !== undefined) this.wake();
      },
    };
  }

  /** MediumSink: what node i's radio reports. */
  radioEvent(node: number, ev: NodeEvent, now: number): void {
    this.nodeCalls++;
    this.nodes[node].handle(ev, now);
    this.collect(node);
  }

  /** Every tracked message with its delivery count. */
  messages(): MessageSummary[] {
    const out: MessageSummary[] = [];
    for (let k = 0; k < this.messageList.length; k++) {
      const m = this.messageList[k];
      out.push({ from: m.from, id: m.id, origin: m.origin, createdMs: m.createdMs, deliveredTo: m.deliveredTo, refused: m.refused, portnum: m.portnum, to: m.to, onAir: m.onAir });
    }
    return out;
  }

  metrics(): SimMetrics {
    const nodes: NodeMetrics[] = [];
    let collisions = 0;
    for (let i = 0; i < this.nodes.length; i++) {
      const r = this.medium.radioCounters(i);
      const s = this.state[i];
      const rs = this.nodes[i].router.stats;
      collisions += r.rxCollided;
      nodes.push({
        index: i,
        nodeNum: s.num,
        sent: r.txPackets,
        relayed: rs.txRelay,
        originated: s.originated,
        refused: s.refused,
        airtimeMs: r.txAirtimeMs,
        received: r.rxOk,
        collisions: r.rxCollided,
        halfDuplexLosses: r.rxHalfDuplex,
        duplicates: rs.rxDupe,
        delivered: s.delivered,
        duplicateDeliveries: s.duplicateDeliveries,
      });
    }
    let deliveries = 0;
    for (let k = 0; k < this.messageList.length; k++) deliveries += this.messageList[k].deliveredTo;
    const msgs = this.messageList.length;
    let n = 0;
    for (let k = 0; k < this.deliveries.length; k++) if (!this.deliveries[k].duplicate && !isNaN(this.deliveries[k].latencyMs)) n++;
    const lat = new Float64Array(n);
    let sum = 0;
    n = 0;
    for (let k = 0; k < this.deliveries.length; k++) {
      const d = this.deliveries[k];
      if (d.duplicate || isNaN(d.latencyMs)) continue;
      lat[n++] = d.latencyMs;
      sum += d.latencyMs;
    }
    lat.sort();
    const others = this.nodes.length - 1;
    return {
      nowMs: this.nowMs,
      queueEvents: this.queueEvents,
      deadlineTicks: this.deadlineTicks,
      nodeCalls: this.nodeCalls,
      nodes: nodes,
      messages: msgs,
      deliveries: deliveries,
      meanDeliveriesPerMessage: msgs > 0 ? deliveries / msgs : 0,
      reachability: msgs > 0 && others > 0 ? deliveries / (msgs * others) : 0,
      latencyMs: { count: n, mean: n > 0 ? sum / n : NaN, p50: percentile(lat, 0.5), p95: percentile(lat, 0.95), max: n > 0 ? lat[n - 1] : NaN },
      collisions: collisions,
      dropped: { queue: this.queue.dropped, deliveryLog: this.logDropped, messages: this.messagesDropped, stalledDeadlines: this.stalledDeadlines },
    };
  }

  // ---------------------------------------------------------------- internals

  private dispatch(ev: SimEvent): void {
    if (this.medium.onEvent(ev)) return;
    if (ev.kind === SimEventKind.APP_SEND) this.appSend(ev.a, ev.ref as SendRequest);
    else if (ev.kind === SimEventKind.TRAFFIC) this.traffic(ev.a);
    else if (ev.kind === SimEventKind.NODE_EVENT) {
      this.nodeCalls++;
      this.nodes[ev.a].handle(ev.ref as NodeEvent, this.nowMs);
      this.collect(ev.a);
    } else if (ev.kind === SimEventKind.BOOT_ACTIONS) {
      this.runActions(ev.a, ev.ref as NodeAction[]);
      this.deadlines.set(ev.a, this.nodes[ev.a].nextDeadline());
    }
  }

  private tick(i: number): void {
    this.nodeCalls++;
    this.nodes[i].handle(TICK, this.nowMs);
    this.collect(i);
    const st = this.state[i];
    if (this.deadlines.get(i) <= this.nowMs) {
      if (++st.sameInstantTicks > MAX_SAME_INSTANT_TICKS) {
        this.stalledDeadlines++;
        st.sameInstantTicks = 0;
        this.deadlines.set(i, this.nowMs + 1);
      }
    } else st.sameInstantTicks = 0;
  }

  private appSend(i: number, req: SendRequest): void {
    this.nodeCalls++;
    const id = this.nodes[i].send(req, this.nowMs);
    // Accepted sends were registered by the node's observer.
    if (id === 0) this.registerRefused(i);
    this.collect(i);
  }

  private scheduleTraffic(i: number, fromMs: number): void {
    const t = this.options.traffic as TrafficOptions;
    const rng = this.state[i].traffic as SeededRng;
    const at = fromMs + exponential(rng, t.meanIntervalMs);
    if (t.stopMs !== undefined && at >= t.stopMs) return;
    this.queue.push(at, SimEventKind.TRAFFIC, i, 0, undefined);
  }

  private traffic(i: number): void {
    const t = this.options.traffic as TrafficOptions;
    const st = this.state[i];
    const payload = new Uint8Array(t.payloadBytes);
    // Printable filler with the node index and sequence in front, so payloads differ.
    const head = "n" + i + "#" + st.trafficSeq++ + " ";
    for (let k = 0; k < payload.length; k++) payload[k] = k < head.length ? head.charCodeAt(k) : 0x61 + (k % 26);
    const req = sendRequest(t.to !== undefined ? t.to : BROADCAST, t.portnum !== undefined ? t.portnum : PortNum.TEXT_MESSAGE_APP, payload, this.nodes[i].channels.primaryIndex);
    req.wantAck = t.wantAck === true;
    this.appSend(i, req);
    this.scheduleTraffic(i, this.nowMs);
  }

  private collect(i: number): void {
    const node = this.nodes[i];
    this.runActions(i, node.takeActions());
    this.deadlines.set(i, node.nextDeadline());
  }

  private runActions(i: number, acts: NodeAction[]): void {
    for (let k = 0; k < acts.length; k++) {
      const a = acts[k];
      if (a.type === "radio-tx") {
        const toa = this.medium.transmit(i, a.frame, this.nowMs);
        this.noteOwnTransmission(i, a.frame);
        if (this.options.onTransmit !== undefined) this.options.onTransmit(i, a.frame, this.nowMs, toa);
      } else if (a.type === "deliver") this.noteDelivery(i, a.packet);
      else if (a.type === "log") {
        if (this.options.onLog !== undefined) this.options.onLog(i, a.message, this.nowMs);
      } else if (a.type === "socket-open") {
        if (this.ip !== undefined) this.ip.open(i, a, this.nowMs);
        else this.queue.push(this.nowMs, SimEventKind.NODE_EVENT, i, 0, { type: "socket-closed", reason: "no IP network in this simulation (Simulator option ip)" });
      } else if (a.type === "socket-write") {
        if (this.ip !== undefined) this.ip.write(i, a.bytes, this.nowMs);
      } else if (a.type === "socket-close") {
        if (this.ip !== undefined) this.ip.close(i, this.nowMs);
      }
    }
  }

  private registerMessage(origin: number, from: number, id: number, portnum: number, to: number): void {
    const key = from * TWO_POW_32 + id;
    if (this.messageIndex.has(key)) return;
    if (this.messageList.length >= this.maxMessages) {
      this.messagesDropped++;
      return;
    }
    const m = new MessageRecord(from, id, origin, this.nowMs, this.nodes.length, portnum, to);
    this.messageIndex.set(key, m);
    this.messageList.push(m);
    this.state[origin].originated++;
  }

  /** Marks the message a node's own frame carries (from = the node) as on air. */
  private noteOwnTransmission(i: number, frame: Uint8Array): void {
    if (frame.length < LORA_HEADER_LEN) return;
    const from = readU32le(frame, 4);
    if (from !== this.state[i].num) return;
    const m = this.messageIndex.get(from * TWO_POW_32 + readU32le(frame, 8));
    if (m !== undefined) m.onAir = true;
  }

  private registerRefused(origin: number): void {
    this.state[origin].refused++;
    if (this.messageList.length >= this.maxMessages) {
      this.messagesDropped++;
      return;
    }
    const m = new MessageRecord(this.state[origin].num, 0, origin, this.nowMs, 0, -1, BROADCAST);
    m.refused = true;
    this.messageList.push(m);
  }

  private noteDelivery(i: number, p: MeshPacketState): void {
    const st = this.state[i];
    // Packets the node made for itself (ACK/NAK of its own sends) are not deliveries, nor are what
    // the firmware also hands the app: packets it could not decrypt, another pair's changed NodeInfo.
    if (p.from === st.num || p.decoded === undefined || (p.to !== st.num && p.to !== BROADCAST)) return;
    const m = this.messageIndex.get(p.from * TWO_POW_32 + p.id);
    let duplicate = false;
    let latency = NaN;
    if (m !== undefined) {
      latency = this.nowMs - m.createdMs;
      if (m.mark(i)) {
        m.deliveredTo++;
        st.delivered++;
      } else duplicate = true;
    } else st.delivered++;
    if (duplicate) st.duplicateDeliveries++;
    if (this.deliveries.length >= this.maxLog) {
      this.logDropped++;
      return;
    }
    const d = p.decoded;
    this.deliveries.push({ atMs: this.nowMs, node: i, from: p.from, id: p.id, portnum: d !== undefined ? d.portnum || 0 : 0, latencyMs: latency, duplicate: duplicate, viaMqtt: p.viaMqtt });
  }
}

/** Silences a node's NodeInfo, position and telemetry modules (meshport switches, for quiet scenarios). */
export function disablePeriodicBroadcasts(c: NodeConfig): void {
  c.sendNodeInfo = false;
  c.sendPosition = false;
  c.deviceTelemetryEnabled = false;
}
