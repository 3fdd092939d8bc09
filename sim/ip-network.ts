// The simulator's IP side: where the MQTT sockets of gateway nodes go.
//
// A gateway MeshNode runs its own MQTT client (firmware/mqtt/client.ts) and asks its driver for
// socket-open / socket-write / socket-close; the Simulator hands those actions to an IpNetwork and
// the network answers with socket-opened / socket-data / socket-closed events at virtual times.
//
// - EmbeddedBrokerNetwork (the default): one aedes broker in this process. Every simulated
//   connection is an in-memory stream handed to aedes.handle(). Bytes a node writes reach the broker
//   `latencyMs` (virtual) later; bytes the broker writes reach the node `latencyMs` after the virtual
//   instant they were produced at. aedes is asynchronous (setImmediate, nextTick, promises), so the
//   Simulator awaits settle() before its clock leaves an instant at which bytes were handed to aedes:
//   settle() turns the event loop until aedes is quiescent, and everything aedes wrote meanwhile
//   belongs to that instant. No real timer or socket is involved, so runs are reproducible.
//   Optionally (`listenPort`) the same aedes also listens on a real TCP port, so mosquitto_sub or
//   `meshport listen` can watch; real clients can publish too, which makes a run not reproducible.
// - ExternalBrokerNetwork: real TCP/TLS sockets (BrokerSocket) to one broker for every gateway, so
//   several simulator processes can share a broker. At virtual time settle() waits (wall clock)
//   until no socket event arrived for `settleQuietMs` and no connect is in progress; whatever
//   arrived is stamped with the current virtual time + `latencyMs`. What arrives, and when, depends
//   on the real network and on other clients: such runs are never reproducible. Bridging several
//   processes is meaningful with `realtime: true` in each (virtual ms = wall ms).
import net from "node:net";
import { performance } from "node:perf_hooks";
import { Duplex } from "node:stream";
import type { Aedes } from "aedes";
import type { NodeEvent, SocketClosedEvent, SocketDataEvent, SocketOpenAction, SocketOpenedEvent } from "../firmware/node-events.js";
import { BrokerSocket } from "../firmware/platform/node/broker-socket.js";

/** What a network tells a node. */
export type IpNodeEvent = SocketOpenedEvent | SocketDataEvent | SocketClosedEvent;

/** What the Simulator offers the network it drives (attach() receives one). */
export interface IpHost {
  /** True when the Simulator paces virtual time to the wall clock. */
  readonly realtime: boolean;
  /** The virtual time to stamp something that happens now (in a realtime wait: the paced clock). */
  ipNow(): number;
  /** Runs `run` inside the simulation loop at virtual time `atMs` (never before the current instant). */
  ipSchedule(atMs: number, run: () => void): void;
  /** Hands `ev` to node `node` at the current instant; only from inside an ipSchedule callback. */
  ipHandle(node: number, ev: NodeEvent): void;
  /** Something arrived from outside: a realtime loop waiting for the wall clock looks again. */
  ipWake(): void;
}

/** Per simulated node (by node index). */
export interface IpNodeCounters {
  node: number;
  /** Connections the node opened. */
  connections: number;
  bytesToBroker: number;
  bytesFromBroker: number;
}

export interface IpNetworkMetrics {
  kind: "embedded" | "external";
  reproducible: boolean;
  /** One-way node ↔ broker latency that is modelled (virtual ms). */
  latencyMs: number;
  /** Connections opened by simulated nodes; ids are 1, 2, ... in the order of the socket-open actions. */
  connections: number;
  openConnections: number;
  bytesToBroker: number;
  bytesFromBroker: number;
  /** Events for a connection the node had already closed or replaced (dropped, as the client contract asks). */
  staleEvents: number;
  /** settle() calls, and their cost: event-loop rounds (embedded) or wall ms waited (external). */
  settles: number;
  settleWork: number;
  /** Settles that stopped at their bound (maxDrainRounds / settleMaxMs) instead of quiescence. */
  settleCapHits: number;
  /** Real MQTT clients that connected to the embedded broker's listener. */
  listenerClients: number;
  nodes: IpNodeCounters[];
}

/** The interface the Simulator drives (option `ip`). */
export interface IpNetwork {
  readonly kind: "embedded" | "external";
  /** The same seed gives the same results (false: external brokers, and a listener real clients can use). */
  readonly reproducible: boolean;
  /** One line for the CLI: what the network is, and whether its results are reproducible. */
  describe(): string;
  /** Called once by the Simulator constructor. */
  attach(host: IpHost): void;
  /** Starts the embedded broker (nothing to do for an external one); idempotent, awaited by runUntilAsync. */
  start(): Promise<void>;
  open(node: number, a: SocketOpenAction, now: number): void;
  write(node: number, bytes: Uint8Array, now: number): void;
  close(node: number, now: number): void;
  /** Work was handed to asynchronous code: the clock must not leave the current instant before settle(). */
  hasPendingWork(): boolean;
  /** Lets the asynchronous work finish; what it produces is scheduled from the current instant. */
  settle(): Promise<void>;
  metrics(): IpNetworkMetrics;
  /** Closes every connection (and the broker and listener it owns). */
  stop(): Promise<void>;
}

/** Default one-way latency between a gateway and the broker (virtual ms). */
export const DEFAULT_IP_LATENCY_MS = 50;
/** Bound on event-loop rounds of one embedded drain (a healthy drain takes 2 to 4). */
export const DEFAULT_MAX_DRAIN_ROUNDS = 10_000;
/**
 * A drain also ends after this many event-loop rounds in a row without broker output, even if
 * setImmediate callbacks of other code are waiting. aedes needs 1 to 3 rounds per exchange
 * (connect, subscribe, publish fan-out); a drain of 10 islands' traffic never took more than 4.
 */
export const DRAIN_SILENT_ROUNDS = 64;
/** Quiet period that ends an external settle at virtual time (wall ms). */
export const DEFAULT_SETTLE_QUIET_MS = 50;
/** Longest wall time one external settle waits. */
export const DEFAULT_SETTLE_MAX_MS = 5_000;
/**
 * aedes' heartbeat interval for the embedded broker: effectively never (its wall-clock heartbeat
 * has no meaning at virtual time). aedes also runs a will sweep at 4 × this, and setInterval
 * overflows above 2^31 − 1 ms, so it must stay below 2^31 / 4.
 */
const EMBEDDED_HEARTBEAT_MS = 500_000_000;

class NodeCounters {
  connections = 0;
  bytesToBroker = 0;
  bytesFromBroker = 0;
}

/** Counters shared by both networks. */
class IpStats {
  connections = 0;
  bytesToBroker = 0;
  bytesFromBroker = 0;
  staleEvents = 0;
  settles = 0;
  settleWork = 0;
  settleCapHits = 0;
  listenerClients = 0;
  readonly perNode: NodeCounters[] = [];

  node(i: number): NodeCounters {
    let c = this.perNode[i];
    if (c === undefined) {
      c = new NodeCounters();
      this.perNode[i] = c;
    }
    return c;
  }

  snapshot(kind: "embedded" | "external", reproducible: boolean, latencyMs: number, open: number): IpNetworkMetrics {
    const nodes: IpNodeCounters[] = [];
    for (let i = 0; i < this.perNode.length; i++) {
      const c = this.perNode[i];
      if (c !== undefined) nodes.push({ node: i, connections: c.connections, bytesToBroker: c.bytesToBroker, bytesFromBroker: c.bytesFromBroker });
    }
    return {
      kind,
      reproducible,
      latencyMs,
      connections: this.connections,
      openConnections: open,
      bytesToBroker: this.bytesToBroker,
      bytesFromBroker: this.bytesFromBroker,
      staleEvents: this.staleEvents,
      settles: this.settles,
      settleWork: this.settleWork,
      settleCapHits: this.settleCapHits,
      listenerClients: this.listenerClients,
      nodes,
    };
  }

  /**
   * The write bookkeeping both networks share: a write on a node with no connection is stale and
   * counted; otherwise the bytes are counted and the connection returned.
   */
  connForWrite<C>(current: (C | undefined)[], node: number, bytes: Uint8Array): C | undefined {
    const conn = current[node];
    if (conn === undefined) {
      this.staleEvents++;
      return undefined;
    }
    this.bytesToBroker += bytes.length;
    this.node(node).bytesToBroker += bytes.length;
    return conn;
  }
}

function nextImmediate(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A setImmediate callback is waiting somewhere in this process (aedes defers its work with them). */
function immediatesPending(): boolean {
  return process.getActiveResourcesInfo().indexOf("Immediate") >= 0;
}

function checkLatency(ms: number | undefined, fallback: number): number {
  const v = ms === undefined ? fallback : ms;
  if (!(v >= 0) || !isFinite(v)) throw new Error("IP latency must be a finite number of ms >= 0, got " + String(ms));
  return v;
}

// ---------------------------------------------------------------- embedded aedes

/** The broker's end of one simulated connection: aedes reads what push() gives and writes to us. */
class BrokerEnd extends Duplex {
  private readonly sink: (chunk: Buffer | null) => void;

  constructor(sink: (chunk: Buffer | null) => void) {
    super();
    this.sink = sink;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.sink(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.sink(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.sink(null);
    callback(error);
  }
}

class EmbeddedConn {
  readonly id: number;
  readonly node: number;
  stream: BrokerEnd | undefined;
  /** Broker output not yet handed to the node. */
  out: Buffer[] = [];
  /** The node closed this connection or opened another one: nothing more is reported to it. */
  nodeGone = false;
  /** The node's close reached the broker (EOF pushed). */
  eofSent = false;
  /** The broker ended the connection. */
  brokerClosed = false;
  /** ... and the node still has to be told. */
  closeToReport = false;
  queuedForFlush = false;

  constructor(id: number, node: number) {
    this.id = id;
    this.node = node;
  }
}

export interface EmbeddedBrokerOptions {
  /** One-way node ↔ broker latency in virtual ms (default DEFAULT_IP_LATENCY_MS). */
  latencyMs?: number;
  /**
   * Also accept real MQTT clients on this TCP port (0: any free port, see listenAddress after
   * start()). Off by default. Real clients can publish into the simulation: the run is then not
   * reproducible. Meant for `realtime: true`, so they watch at wall-clock speed.
   */
  listenPort?: number;
  /** Default 127.0.0.1. */
  listenHost?: string;
  /** Remote address reported to the nodes (default 127.0.0.1: a private broker, as for a local aedes). */
  remoteAddress?: string;
  /** Bound on event-loop rounds of one drain (default DEFAULT_MAX_DRAIN_ROUNDS). */
  maxDrainRounds?: number;
}

export class EmbeddedBrokerNetwork implements IpNetwork {
  readonly kind = "embedded" as const;
  readonly latencyMs: number;
  private readonly o: EmbeddedBrokerOptions;
  private host: IpHost | undefined;
  private broker: Aedes | undefined;
  private server: net.Server | undefined;
  private readonly listenerSockets = new Set<net.Socket>();
  private starting: Promise<void> | undefined;
  private address: { host: string; port: number } | undefined;
  private readonly current: (EmbeddedConn | undefined)[] = [];
  private readonly streams = new Set<BrokerEnd>();
  private readonly flushList: EmbeddedConn[] = [];
  private nextId = 1;
  private pending = false;
  private draining = false;
  private flushScheduled = false;
  /** Bumped by every byte or close the broker produces; a drain ends when it stops moving. */
  private activity = 0;
  private stopped = false;
  private readonly stats = new IpStats();

  constructor(o: EmbeddedBrokerOptions = {}) {
    this.o = o;
    this.latencyMs = checkLatency(o.latencyMs, DEFAULT_IP_LATENCY_MS);
  }

  get reproducible(): boolean {
    return this.o.listenPort === undefined;
  }

  /** Where the listener accepts real clients (after start(); undefined without listenPort). */
  get listenAddress(): { host: string; port: number } | undefined {
    return this.address;
  }

  /** The aedes instance (after start()). */
  get aedes(): Aedes | undefined {
    return this.broker;
  }

  describe(): string {
    const l = this.address !== undefined ? "; also listening on " + this.address.host + ":" + this.address.port : this.o.listenPort !== undefined ? "; with a listener" : "";
    return "embedded aedes broker (in-process, one-way latency " + this.latencyMs + " ms" + l + ")" + (this.reproducible ? "" : ": real clients can take part, results are not reproducible");
  }

  attach(host: IpHost): void {
    if (this.host !== undefined && this.host !== host) throw new Error("EmbeddedBrokerNetwork: already attached to another Simulator");
    this.host = host;
  }

  start(): Promise<void> {
    if (this.starting === undefined) this.starting = this.doStart();
    return this.starting;
  }

  private async doStart(): Promise<void> {
    // Loaded on first use, so radio-only simulations do not pay for the broker.
    const aedes = await import("aedes");
    const broker = await aedes.Aedes.createBroker({
      heartbeatInterval: EMBEDDED_HEARTBEAT_MS,
      // aedes' keepalive watchdog runs on the wall clock; for simulated connections the node's own
      // client watchdog (at virtual time) is the one that counts, so the broker's is turned off.
      preConnect: (client, packet, callback) => {
        if (client.conn instanceof BrokerEnd) packet.keepalive = 0;
        callback(null, true);
      },
    });
    this.broker = broker;
    const port = this.o.listenPort;
    if (port === undefined) return;
    const host = this.o.listenHost !== undefined ? this.o.listenHost : "127.0.0.1";
    const server = net.createServer((socket) => {
      this.stats.listenerClients++;
      this.listenerSockets.add(socket);
      socket.on("close", () => this.listenerSockets.delete(socket));
      broker.handle(socket);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const a = server.address() as net.AddressInfo;
    this.address = { host, port: a.port };
  }

  private hostOrThrow(): IpHost {
    if (this.host === undefined) throw new Error("EmbeddedBrokerNetwork: not attached to a Simulator (pass it as the `ip` option)");
    return this.host;
  }

  open(node: number, _a: SocketOpenAction, now: number): void {
    const host = this.hostOrThrow();
    this.retire(node, now);
    const conn = new EmbeddedConn(this.nextId++, node);
    this.current[node] = conn;
    this.stats.connections++;
    this.stats.node(node).connections++;
    const remoteAddress = this.o.remoteAddress !== undefined ? this.o.remoteAddress : "127.0.0.1";
    // Whatever host and port the node asked for, the embedded broker answers.
    host.ipSchedule(now + this.latencyMs, () => {
      if (this.current[node] === conn) host.ipHandle(node, { type: "socket-opened", remoteAddress });
      else this.stats.staleEvents++;
    });
  }

  write(node: number, bytes: Uint8Array, now: number): void {
    const conn = this.stats.connForWrite(this.current, node, bytes);
    if (conn === undefined) return;
    this.hostOrThrow().ipSchedule(now + this.latencyMs, () => this.input(conn, bytes));
  }

  close(node: number, now: number): void {
    this.retire(node, now);
  }

  /** The node is done with its current connection: its EOF reaches the broker after the latency. */
  private retire(node: number, now: number): void {
    const conn = this.current[node];
    if (conn === undefined) return;
    this.current[node] = undefined;
    conn.nodeGone = true;
    conn.out = [];
    this.hostOrThrow().ipSchedule(now + this.latencyMs, () => this.eof(conn));
  }

  private input(conn: EmbeddedConn, bytes: Uint8Array): void {
    if (conn.eofSent || conn.brokerClosed) {
      this.stats.staleEvents++;
      return;
    }
    const broker = this.broker;
    if (broker === undefined) throw new Error("EmbeddedBrokerNetwork: bytes reached the broker before start(); run the Simulator with runUntilAsync()");
    let s = conn.stream;
    if (s === undefined) {
      // The broker accepts the connection when its first bytes arrive.
      s = new BrokerEnd((chunk) => this.onBrokerOutput(conn, chunk));
      conn.stream = s;
      this.streams.add(s);
      broker.handle(s);
    }
    s.push(Buffer.from(bytes));
    this.pending = true;
  }

  private eof(conn: EmbeddedConn): void {
    if (conn.eofSent) return;
    conn.eofSent = true;
    if (conn.stream !== undefined && !conn.brokerClosed) {
      conn.stream.push(null);
      this.pending = true;
    }
  }

  private onBrokerOutput(conn: EmbeddedConn, chunk: Buffer | null): void {
    this.activity++;
    if (chunk === null) {
      if (conn.brokerClosed) return;
      conn.brokerClosed = true;
      if (conn.stream !== undefined) this.streams.delete(conn.stream);
      if (!conn.nodeGone) {
        conn.closeToReport = true;
        this.queueFlush(conn);
      }
      return;
    }
    this.stats.bytesFromBroker += chunk.length;
    this.stats.node(conn.node).bytesFromBroker += chunk.length;
    if (conn.nodeGone) return;
    conn.out.push(chunk);
    this.queueFlush(conn);
  }

  private queueFlush(conn: EmbeddedConn): void {
    if (!conn.queuedForFlush) {
      conn.queuedForFlush = true;
      this.flushList.push(conn);
    }
    // Outside a drain (a real client published through the listener) nobody will call flush().
    if (!this.draining && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        if (this.draining || this.stopped) return;
        this.flush();
        this.host?.ipWake();
      });
    }
  }

  /** Hands the broker's output to the nodes, stamped latencyMs after the current instant. */
  private flush(): void {
    if (this.flushList.length === 0) return;
    const host = this.hostOrThrow();
    const list = this.flushList.splice(0, this.flushList.length);
    list.sort((x, y) => x.id - y.id);
    const at = host.ipNow() + this.latencyMs;
    for (let k = 0; k < list.length; k++) {
      const conn = list[k];
      conn.queuedForFlush = false;
      if (conn.nodeGone) continue;
      if (conn.out.length > 0) {
        const bytes = conn.out.length === 1 ? conn.out[0] : Buffer.concat(conn.out);
        conn.out = [];
        const ev: SocketDataEvent = { type: "socket-data", bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
        host.ipSchedule(at, () => this.toNode(conn, ev));
      }
      if (conn.closeToReport) {
        conn.closeToReport = false;
        host.ipSchedule(at, () => this.toNode(conn, { type: "socket-closed", reason: "connection closed by the embedded broker" }));
      }
    }
  }

  private toNode(conn: EmbeddedConn, ev: IpNodeEvent): void {
    if (this.current[conn.node] !== conn) {
      this.stats.staleEvents++;
      return;
    }
    // Once told the connection closed, the node is done with it (it may open another at once).
    if (ev.type === "socket-closed") this.current[conn.node] = undefined;
    this.hostOrThrow().ipHandle(conn.node, ev);
  }

  hasPendingWork(): boolean {
    return this.pending || this.flushList.length > 0;
  }

  /**
   * Turns the event loop until aedes is quiescent: two rounds in a row in which the broker wrote
   * nothing and no setImmediate callback is waiting (aedes defers with setImmediate; nextTicks and
   * promises run out before each round ends). When other code in the process keeps setImmediate
   * callbacks waiting, DRAIN_SILENT_ROUNDS rounds without output also end it. Bounded by
   * maxDrainRounds.
   */
  async settle(): Promise<void> {
    this.pending = false;
    this.stats.settles++;
    const maxRounds = this.o.maxDrainRounds !== undefined ? this.o.maxDrainRounds : DEFAULT_MAX_DRAIN_ROUNDS;
    this.draining = true;
    try {
      let quiet = 0;
      let silent = 0;
      let rounds = 0;
      while (quiet < 2 && silent < DRAIN_SILENT_ROUNDS) {
        const before = this.activity;
        await nextImmediate();
        rounds++;
        if (this.activity === before) {
          silent++;
          if (!immediatesPending()) quiet++;
          else quiet = 0;
        } else {
          silent = 0;
          quiet = 0;
        }
        if (rounds >= maxRounds) {
          this.stats.settleCapHits++;
          break;
        }
      }
      this.stats.settleWork += rounds;
    } finally {
      this.draining = false;
    }
    this.flush();
  }

  metrics(): IpNetworkMetrics {
    let open = 0;
    for (let i = 0; i < this.current.length; i++) if (this.current[i] !== undefined) open++;
    return this.stats.snapshot(this.kind, this.reproducible, this.latencyMs, open);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const s of this.streams) s.destroy();
    this.streams.clear();
    for (const s of this.listenerSockets) s.destroy();
    this.listenerSockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (this.starting !== undefined) await this.starting.catch(() => undefined);
    const broker = this.broker;
    this.broker = undefined;
    if (broker !== undefined) await new Promise<void>((resolve) => broker.close(() => resolve()));
  }
}

// ---------------------------------------------------------------- external broker

class ExternalConn {
  readonly id: number;
  readonly node: number;
  readonly socket: BrokerSocket;
  opening = true;
  gone = false;

  constructor(id: number, node: number, ca: string | Buffer | undefined, onEvent: (c: ExternalConn, e: NodeEvent) => void) {
    this.id = id;
    this.node = node;
    this.socket = new BrokerSocket({ ca, onEvent: (e) => onEvent(this, e) });
  }
}

export interface ExternalBrokerOptions {
  host: string;
  port: number;
  /** Default: what each node's MQTT config asks for. */
  tls?: boolean;
  tlsInsecure?: boolean;
  /** Extra CA certificates (PEM) for the broker's TLS certificate. */
  ca?: string | Buffer;
  /**
   * Modelled latency added to the stamp of everything received (virtual ms, default 0). The real
   * network's own delay is on top in realtime runs; at virtual time it collapses into the settle.
   */
  latencyMs?: number;
  /** At virtual time: a settle ends after this long (wall ms) without a socket event. Default DEFAULT_SETTLE_QUIET_MS. */
  settleQuietMs?: number;
  /** At virtual time: the longest one settle waits (wall ms). Default DEFAULT_SETTLE_MAX_MS. */
  settleMaxMs?: number;
}

/**
 * Every gateway connects to one real broker. Not reproducible: the broker, the network and other
 * clients decide what arrives when.
 *
 * Keeping the virtual clock with the network: at virtual time, after a node opened or wrote to a
 * socket, the Simulator awaits settle() before its clock moves on; settle waits until every connect
 * in progress has finished and no socket event arrived for settleQuietMs (at most settleMaxMs), and
 * what arrived is stamped at the current virtual time + latencyMs. So a CONNECT/CONNACK,
 * SUBSCRIBE/SUBACK or PINGREQ/PINGRESP exchange, and a publish relayed to another gateway of the
 * same process, complete at one virtual instant, and the clock cannot outrun a connect. Messages
 * from other processes arrive whenever this one awaits. With `realtime: true` nothing is awaited
 * besides the wall clock: events are stamped when they arrive.
 */
export class ExternalBrokerNetwork implements IpNetwork {
  readonly kind = "external" as const;
  readonly reproducible = false;
  readonly latencyMs: number;
  private readonly o: ExternalBrokerOptions;
  private host: IpHost | undefined;
  private readonly current: (ExternalConn | undefined)[] = [];
  private nextId = 1;
  private opening = 0;
  private dirty = false;
  private lastEventWall = 0;
  private readonly stats = new IpStats();

  constructor(o: ExternalBrokerOptions) {
    if (!(o.port > 0 && o.port < 65536)) throw new Error("ExternalBrokerNetwork: bad port " + String(o.port));
    this.o = o;
    this.latencyMs = checkLatency(o.latencyMs, 0);
  }

  describe(): string {
    return "external broker " + (this.o.tls === true ? "mqtts://" : "mqtt://") + this.o.host + ":" + this.o.port + ": results are not reproducible (the real broker, network and other clients decide what arrives when)";
  }

  attach(host: IpHost): void {
    if (this.host !== undefined && this.host !== host) throw new Error("ExternalBrokerNetwork: already attached to another Simulator");
    this.host = host;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  private hostOrThrow(): IpHost {
    if (this.host === undefined) throw new Error("ExternalBrokerNetwork: not attached to a Simulator (pass it as the `ip` option)");
    return this.host;
  }

  open(node: number, a: SocketOpenAction, _now: number): void {
    this.hostOrThrow();
    this.close(node, _now);
    const id = this.nextId++;
    const conn = new ExternalConn(id, node, this.o.ca, (c, e) => this.onSocketEvent(c, e));
    this.current[node] = conn;
    this.opening++;
    this.dirty = true;
    this.stats.connections++;
    this.stats.node(node).connections++;
    conn.socket.open({
      type: "socket-open",
      host: this.o.host,
      port: this.o.port,
      tls: this.o.tls !== undefined ? this.o.tls : a.tls,
      tlsInsecure: this.o.tlsInsecure !== undefined ? this.o.tlsInsecure : a.tlsInsecure,
    });
  }

  write(node: number, bytes: Uint8Array, _now: number): void {
    const conn = this.stats.connForWrite(this.current, node, bytes);
    if (conn === undefined) return;
    conn.socket.write(bytes);
    this.dirty = true;
  }

  close(node: number, _now: number): void {
    const conn = this.current[node];
    if (conn === undefined) return;
    this.current[node] = undefined;
    this.endConn(conn);
    conn.socket.close();
  }

  private endConn(conn: ExternalConn): void {
    if (conn.opening) {
      conn.opening = false;
      this.opening--;
    }
    conn.gone = true;
  }

  private onSocketEvent(conn: ExternalConn, e: NodeEvent): void {
    this.lastEventWall = performance.now();
    if (conn.gone) {
      this.stats.staleEvents++;
      return;
    }
    if (e.type === "socket-opened" && conn.opening) {
      conn.opening = false;
      this.opening--;
    } else if (e.type === "socket-closed") this.endConn(conn);
    else if (e.type === "socket-data") {
      this.stats.bytesFromBroker += e.bytes.length;
      this.stats.node(conn.node).bytesFromBroker += e.bytes.length;
    }
    const host = this.hostOrThrow();
    host.ipSchedule(host.ipNow() + this.latencyMs, () => {
      if (this.current[conn.node] !== conn) {
        this.stats.staleEvents++;
        return;
      }
      if (e.type === "socket-closed") this.current[conn.node] = undefined;
      host.ipHandle(conn.node, e);
    });
    host.ipWake();
  }

  hasPendingWork(): boolean {
    // In a realtime run the wall clock is the only pacing: events are stamped when they arrive.
    return this.dirty && this.host !== undefined && !this.host.realtime;
  }

  async settle(): Promise<void> {
    this.dirty = false;
    this.stats.settles++;
    const quietMs = this.o.settleQuietMs !== undefined ? this.o.settleQuietMs : DEFAULT_SETTLE_QUIET_MS;
    const maxMs = this.o.settleMaxMs !== undefined ? this.o.settleMaxMs : DEFAULT_SETTLE_MAX_MS;
    const start = performance.now();
    for (;;) {
      const now = performance.now();
      if (now - start >= maxMs) {
        this.stats.settleCapHits++;
        break;
      }
      const quietFor = now - Math.max(start, this.lastEventWall);
      if (this.opening === 0 && quietFor >= quietMs) break;
      const wait = this.opening === 0 ? quietMs - quietFor : quietMs;
      await sleepMs(Math.max(1, Math.min(wait, maxMs - (now - start))));
    }
    this.stats.settleWork += performance.now() - start;
  }

  metrics(): IpNetworkMetrics {
    let open = 0;
    for (let i = 0; i < this.current.length; i++) if (this.current[i] !== undefined) open++;
    return this.stats.snapshot(this.kind, this.reproducible, this.latencyMs, open);
  }

  stop(): Promise<void> {
    for (let i = 0; i < this.current.length; i++) {
      const c = this.current[i];
      if (c === undefined) continue;
      this.current[i] = undefined;
      this.endConn(c);
      c.socket.close();
    }
    return Promise.resolve();
  }
}

// ---------------------------------------------------------------- choosing a network

export interface BrokerUrl {
  host: string;
  port: number;
  tls: boolean;
  username: string | undefined;
  password: string | undefined;
}

/** `mqtt://host[:port]` (1883) or `mqtts://host[:port]` (8883), optionally with user:password@. */
export function parseBrokerUrl(url: string): BrokerUrl {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error("not a broker URL: " + url + " (expected mqtt://host:port or mqtts://host:port)");
  }
  const tls = u.protocol === "mqtts:";
  if (!tls && u.protocol !== "mqtt:" && u.protocol !== "tcp:") throw new Error("unsupported broker URL scheme " + u.protocol + " in " + url + " (expected mqtt:// or mqtts://)");
  const host = u.hostname.charAt(0) === "[" ? u.hostname.substring(1, u.hostname.length - 1) : u.hostname;
  if (host === "") throw new Error("no host in broker URL " + url);
  const port = u.port === "" ? (tls ? 8883 : 1883) : parseInt(u.port, 10);
  return {
    host,
    port,
    tls,
    username: u.username !== "" ? decodeURIComponent(u.username) : undefined,
    password: u.password !== "" ? decodeURIComponent(u.password) : undefined,
  };
}

export interface IpNetworkChoice {
  /** `mqtt://host:port`: an external broker; undefined: the embedded aedes. */
  broker?: string;
  latencyMs?: number;
  /** Embedded broker only: also listen for real clients on this port. */
  listenPort?: number;
}

/** The CLI's `--broker`, `--latency` and `--listen` choices as a network. */
export function createIpNetwork(c: IpNetworkChoice): IpNetwork {
  if (c.broker === undefined) return new EmbeddedBrokerNetwork({ latencyMs: c.latencyMs, listenPort: c.listenPort });
  if (c.listenPort !== undefined) throw new Error("a listener is only for the embedded broker; real clients can connect to " + c.broker + " directly");
  const b = parseBrokerUrl(c.broker);
  return new ExternalBrokerNetwork({ host: b.host, port: b.port, tls: b.tls, latencyMs: c.latencyMs });
}
