// The MQTT 3.1.1 client as a sans-IO state machine (ARCHITECTURE.md "The core is sans-IO"; the
// lwIP habit: one state enum, fixed buffers, "not connected" instead of growing). It replaces the
// firmware's PubSubClient use in src/mqtt/MQTT.cpp (shared spec meshtastic-wire.md sections 5.3-5.5):
// clean session, keepalive 15 s, client id = the node id, QoS 0 publishes, QoS 1 subscriptions sent
// again after every connect; and section 9: exponential backoff with jitter instead of a fixed 30 s.
//
// Driver contract (a platform driver is ~50 lines):
// - call start(now), stop(now), publish/subscribe/unsubscribe as the application wants;
// - run takeActions() after every call: socket-open {host, port, tls} opens a new TCP (or TLS)
//   connection, socket-write {bytes} writes in order, socket-close closes it;
// - report onSocketOpened(now), onSocketData(bytes, now) and onSocketClosed(reason, now) for the
//   socket of the last socket-open; after the core asked for socket-close, report nothing more about
//   that socket (the core has already moved on);
// - call tick(now) at nextDeadline() (calling it early or late is harmless).
// The bytes in a socket-write belong to the driver; the client keeps no reference to them.
import { utf8Encode, utf8Length } from "../bytes/utf8.js";
import type { Rng } from "../mesh/rng.js";
import { defaultBackoffPolicy, reconnectDelayMs } from "./backoff.js";
import type { BackoffPolicy } from "./backoff.js";
import { MqttError, MqttErrorCode } from "./mqtt-error.js";
import { SERVER_TO_CLIENT_PACKETS } from "./mqtt-decode.js";
import { MqttParser } from "./mqtt-parser.js";
import { encodeMqttPacket, remainingLengthSize } from "./mqtt-serialize.js";
import { isEncodableMqttString, isValidTopicFilter, MQTT_MAX_STRING_BYTES } from "./mqtt-strings.js";
import { ConnAckCode, MQTT_MAX_PACKET_BYTES, SUBACK_FAILURE } from "./packets.js";
import type { ConnectPacket, MqttPacket, MqttQos, MqttSubscription, PublishPacket } from "./packets.js";

/** PubSubClient's MQTT_KEEPALIVE, used by the firmware (section 5.3). */
export const MQTT_DEFAULT_KEEPALIVE_S = 15;
/** PubSubClient's MQTT_SOCKET_TIMEOUT (15 s), applied to the TCP connect and to the CONNACK wait. */
export const MQTT_DEFAULT_CONNECT_TIMEOUT_MS = 15000;
/**
 * Remembered subscription filters. The firmware subscribes to at most 8 channels × (/2/e/ and 2.7's
 * /2/json/) + /2/e/PKI/+ = 17 filters; 24 leaves room. Memory: ~24 short strings, about 2 KB on
 * Espruino when full (plus the same number of pending-SUBSCRIBE slots, a few bytes each).
 */
export const MQTT_MAX_SUBSCRIPTIONS = 24;
/** Outgoing QoS 1 publishes awaiting PUBACK. Memory: one packet id each (8 numbers). */
export const MQTT_MAX_INFLIGHT = 8;

/** The client's one state variable. */
export const MqttClientState = {
  /** Not started, or stopped: no socket, no timer. */
  Disconnected: "disconnected",
  /** socket-open issued, waiting for onSocketOpened (connect timeout running). */
  Connecting: "connecting",
  /** CONNECT written, waiting for CONNACK (connect timeout running). */
  AwaitingConnAck: "awaiting-connack",
  /** CONNACK 0 received: publish, subscribe, keepalive and watchdog timers run. */
  Connected: "connected",
  /** Waiting out the reconnect delay; the socket is closed. */
  Backoff: "backoff",
} as const;
export type MqttClientState = (typeof MqttClientState)[keyof typeof MqttClientState];

/** Why a connection attempt failed or an established connection ended. */
export const MqttCloseReason = {
  /** The TCP/TLS connect did not complete within the connect timeout. */
  ConnectTimeout: "connect-timeout",
  /** No CONNACK within the connect timeout after the socket opened. */
  ConnAckTimeout: "connack-timeout",
  /** CONNACK with a non-zero return code (see connAckRefusalText). */
  Refused: "refused",
  /** The driver reported the socket closed (peer, network, TLS failure). */
  SocketClosed: "socket-closed",
  /** Nothing received for 1.5 × keepalive. */
  KeepaliveTimeout: "keepalive-timeout",
  /** The broker sent bytes the parser refused (typed MqttError in the detail). */
  ParseError: "parse-error",
  /** A well-formed packet the broker must not send now (e.g. not CONNACK first, a second CONNACK). */
  ProtocolError: "protocol-error",
  /** stop() was called. */
  Stopped: "stopped",
} as const;
export type MqttCloseReason = (typeof MqttCloseReason)[keyof typeof MqttCloseReason];

export type PublishResult = "sent" | "not connected" | "too large" | "invalid topic" | "invalid" | "in flight full";
export type SubscribeResult = "sent" | "remembered" | "already subscribed" | "invalid topic filter" | "too large" | "too many";
export type UnsubscribeResult = "sent" | "removed" | "not subscribed";

export interface MqttClientOptions {
  host: string;
  port: number;
  tls: boolean;
  /** The gateway passes the node id "!xxxxxxxx" (section 5.3). */
  clientId: string;
  username?: string;
  /** Sent as the UTF-8 bytes of this string; only with a username ([MQTT-3.1.2-22]). */
  password?: string;
  /** Default MQTT_DEFAULT_KEEPALIVE_S; 0 turns off PINGREQ and the server watchdog. */
  keepaliveSeconds?: number;
  /** Default MQTT_DEFAULT_CONNECT_TIMEOUT_MS, for the TCP connect and again for the CONNACK. */
  connectTimeoutMs?: number;
  /** Fields left out take defaultBackoffPolicy()'s values (exponential, 1 s to 60 s). */
  backoff?: Partial<BackoffPolicy>;
  /** Largest packet sent or accepted (fixed header included). Default MQTT_MAX_PACKET_BYTES. */
  maxPacketBytes?: number;
  /** Default MQTT_MAX_SUBSCRIPTIONS. */
  maxSubscriptions?: number;
  /** Default MQTT_MAX_INFLIGHT. */
  maxInflight?: number;
}

export interface MqttClientConfig {
  host: string;
  port: number;
  tls: boolean;
  clientId: string;
  username: string | undefined;
  password: string | undefined;
  keepaliveSeconds: number;
  connectTimeoutMs: number;
  backoff: BackoffPolicy;
  maxPacketBytes: number;
  maxSubscriptions: number;
  maxInflight: number;
}

export type MqttClientAction =
  | { type: "socket-open"; host: string; port: number; tls: boolean }
  | { type: "socket-write"; bytes: Uint8Array }
  | { type: "socket-close" }
  | { type: "deliver"; topic: string; payload: Uint8Array; retain: boolean; qos: MqttQos; dup: boolean }
  | { type: "connected"; sessionPresent: boolean }
  /** An established connection ended; retryAtMs is when the next attempt starts (undefined: stopped). */
  | { type: "disconnected"; reason: MqttCloseReason; detail: string; retryAtMs: number | undefined }
  /** An attempt failed before CONNACK 0; returnCode is set for Refused. */
  | { type: "connect-failed"; reason: MqttCloseReason; detail: string; returnCode: number | undefined; retryAtMs: number }
  | { type: "log"; level: "info" | "warn"; message: string };

/** Counters: every refusal and drop is counted, by the rule that caused it. */
export interface MqttClientStats {
  connectAttempts: number;
  /** CONNACK 0 received. */
  connects: number;
  connectTimeouts: number;
  connAckTimeouts: number;
  /** CONNACK with a non-zero return code. */
  connectRefused: number;
  /** Sockets the driver reported closed while opening or open. */
  socketsClosed: number;
  keepaliveTimeouts: number;
  parseErrors: number;
  protocolErrors: number;
  pingsSent: number;
  pingResps: number;
  /** PUBLISH packets written. */
  published: number;
  /** QoS 1 publishes acknowledged by PUBACK. */
  publishAcked: number;
  publishNotConnected: number;
  publishTooLarge: number;
  publishInvalid: number;
  publishInflightFull: number;
  /** QoS 1 publishes without PUBACK when their connection ended (clean session: not resent). */
  publishUnacked: number;
  /** PUBACK for a packet id we are not waiting for. */
  unknownPubAcks: number;
  /** PUBLISH packets from the broker handed to the application. */
  delivered: number;
  pubAcksSent: number;
  subscribePackets: number;
  unsubscribePackets: number;
  /** Filters the broker refused (SUBACK 0x80). */
  subscriptionsRefused: number;
  subscribeInvalid: number;
  subscribeTooLarge: number;
  subscribeTooMany: number;
  /** SUBACKs that answered a SUBSCRIBE we sent. */
  subAcks: number;
  /** SUBACK for an unknown packet id, or with the wrong number of codes. */
  unexpectedSubAcks: number;
  unsubAcks: number;
  /** Pending-SUBSCRIBE slots reused while full (their SUBACK then counts as unexpected). */
  pendingSubscribesEvicted: number;
  /** Socket events reported in a state with no socket (ignored). */
  staleEvents: number;
  bytesIn: number;
  bytesOut: number;
}

function newStats(): MqttClientStats {
  return {
    connectAttempts: 0,
    connects: 0,
    connectTimeouts: 0,
    connAckTimeouts: 0,
    connectRefused: 0,
    socketsClosed: 0,
    keepaliveTimeouts: 0,
    parseErrors: 0,
    protocolErrors: 0,
    pingsSent: 0,
    pingResps: 0,
    published: 0,
    publishAcked: 0,
    publishNotConnected: 0,
    publishTooLarge: 0,
    publishInvalid: 0,
    publishInflightFull: 0,
    publishUnacked: 0,
    unknownPubAcks: 0,
    delivered: 0,
    pubAcksSent: 0,
    subscribePackets: 0,
    unsubscribePackets: 0,
    subscriptionsRefused: 0,
    subscribeInvalid: 0,
    subscribeTooLarge: 0,
    subscribeTooMany: 0,
    subAcks: 0,
    unexpectedSubAcks: 0,
    unsubAcks: 0,
    pendingSubscribesEvicted: 0,
    staleEvents: 0,
    bytesIn: 0,
    bytesOut: 0,
  };
}

/** A readable reason for a CONNACK return code (section 3.2.2.3, table 3.1). */
export function connAckRefusalText(code: number): string {
  switch (code) {
    case ConnAckCode.Accepted:
      return "accepted";
    case ConnAckCode.UnacceptableProtocolVersion:
      return "unacceptable protocol version";
    case ConnAckCode.IdentifierRejected:
      return "client identifier rejected";
    case ConnAckCode.ServerUnavailable:
      return "server unavailable";
    case ConnAckCode.BadUserNameOrPassword:
      return "bad user name or password";
    case ConnAckCode.NotAuthorized:
      return "not authorized";
    default:
      return "refused with reserved return code " + code;
  }
}

function badConfig(message: string): never {
  throw new MqttError(MqttErrorCode.BadValue, message, "");
}

function positiveInt(v: number | undefined, fallback: number, what: string, min: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== "number" || v !== Math.floor(v) || v < min) badConfig(what + " must be an integer >= " + min);
  return v;
}

/** Fills defaults and checks ranges; throws MqttError (BAD_VALUE) for a bad option. */
export function resolveMqttClientConfig(o: MqttClientOptions): MqttClientConfig {
  const d = defaultBackoffPolicy();
  const b = o.backoff;
  const backoff: BackoffPolicy = {
    mode: b !== undefined && b.mode !== undefined ? b.mode : d.mode,
    minMs: positiveInt(b === undefined ? undefined : b.minMs, d.minMs, "backoff.minMs", 1),
    maxMs: positiveInt(b === undefined ? undefined : b.maxMs, d.maxMs, "backoff.maxMs", 1),
    fixedMs: positiveInt(b === undefined ? undefined : b.fixedMs, d.fixedMs, "backoff.fixedMs", 0),
  };
  if (backoff.mode !== "exponential" && backoff.mode !== "fixed") badConfig("backoff.mode must be exponential or fixed");
  if (backoff.maxMs < backoff.minMs) badConfig("backoff.maxMs must be >= backoff.minMs");
  const keepaliveSeconds = positiveInt(o.keepaliveSeconds, MQTT_DEFAULT_KEEPALIVE_S, "keepaliveSeconds", 0);
  if (keepaliveSeconds > 65535) badConfig("keepaliveSeconds must be <= 65535");
  const port = positiveInt(o.port, 1883, "port", 1);
  if (port > 65535) badConfig("port must be <= 65535");
  return {
    host: o.host,
    port,
    tls: o.tls,
    clientId: o.clientId,
    username: o.username,
    password: o.password,
    keepaliveSeconds,
    connectTimeoutMs: positiveInt(o.connectTimeoutMs, MQTT_DEFAULT_CONNECT_TIMEOUT_MS, "connectTimeoutMs", 1),
    backoff,
    // Large enough for a SUBSCRIBE of one short filter; the parser checks the upper bound.
    maxPacketBytes: positiveInt(o.maxPacketBytes, MQTT_MAX_PACKET_BYTES, "maxPacketBytes", 16),
    maxSubscriptions: positiveInt(o.maxSubscriptions, MQTT_MAX_SUBSCRIPTIONS, "maxSubscriptions", 1),
    maxInflight: positiveInt(o.maxInflight, MQTT_MAX_INFLIGHT, "maxInflight", 1),
  };
}

/** Bytes of a SUBSCRIBE (subscribe = true) or UNSUBSCRIBE whose filters add up to `filterBytes`. */
function filterPacketBytes(filterBytes: number): number {
  const body = 2 + filterBytes;
  return 1 + remainingLengthSize(body) + body;
}

/** Size one filter adds to a SUBSCRIBE (string + QoS byte) or UNSUBSCRIBE (string). */
function filterFieldBytes(filter: string, subscribe: boolean): number {
  return 2 + utf8Length(filter) + (subscribe ? 1 : 0);
}

export class MqttClient {
  readonly config: MqttClientConfig;
  readonly stats: MqttClientStats = newStats();

  private st: MqttClientState = MqttClientState.Disconnected;
  private readonly rng: Rng;
  private readonly parser: MqttParser;
  /** The CONNECT packet, encoded once at construction (it never changes). */
  private readonly connectBytes: Uint8Array;
  private actions: MqttClientAction[] = [];
  /** Connecting, AwaitingConnAck: the timeout; Backoff: when to retry. */
  private deadline = 0;
  private lastSentAt = 0;
  private lastReceivedAt = 0;
  /** Consecutive failed attempts since the last CONNACK 0 (drives the backoff). */
  private failures = 0;
  private lastPacketId = 0;
  /** Remembered filters, subscribed with QoS 1 after every connect (at most maxSubscriptions). */
  private readonly filters: string[] = [];
  /** Packet ids of QoS 1 publishes awaiting PUBACK; 0 = free slot. */
  private readonly inflight: number[] = [];
  /** Packet ids of SUBSCRIBEs awaiting SUBACK (0 = free) and the filters each carried. */
  private readonly pendingSubIds: number[] = [];
  private readonly pendingSubFilters: string[][] = [];
  private pendingSubNext = 0;

  /** Throws MqttError for an invalid configuration (bad numbers, client id, user name). */
  constructor(options: MqttClientOptions, rng: Rng) {
    this.config = resolveMqttClientConfig(options);
    this.rng = rng;
    this.parser = new MqttParser({ accept: SERVER_TO_CLIENT_PACKETS, maxPacketBytes: this.config.maxPacketBytes });
    const connect: ConnectPacket = { type: "connect", clientId: this.config.clientId, cleanSession: true, keepalive: this.config.keepaliveSeconds };
    if (this.config.username !== undefined) connect.username = this.config.username;
    if (this.config.password !== undefined) connect.password = utf8Encode(this.config.password);
    this.connectBytes = encodeMqttPacket(connect, this.config.maxPacketBytes);
    for (let i = 0; i < this.config.maxInflight; i++) this.inflight.push(0);
    for (let i = 0; i < this.config.maxSubscriptions; i++) {
      this.pendingSubIds.push(0);
      this.pendingSubFilters.push([]);
    }
  }

  get state(): MqttClientState {
    return this.st;
  }

  isConnected(): boolean {
    return this.st === MqttClientState.Connected;
  }

  /** The remembered filters (a copy). */
  subscriptions(): string[] {
    return this.filters.slice();
  }

  /** Consecutive failed attempts since the last successful CONNACK. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  takeActions(): MqttClientAction[] {
    const out = this.actions;
    this.actions = [];
    return out;
  }

  /** When tick() must run next; undefined when no timer runs (Disconnected, or keepalive 0). */
  nextDeadline(): number | undefined {
    switch (this.st) {
      case MqttClientState.Connecting:
      case MqttClientState.AwaitingConnAck:
      case MqttClientState.Backoff:
        return this.deadline;
      case MqttClientState.Connected: {
        const k = this.keepaliveMs();
        if (k === 0) return undefined;
        return Math.min(this.lastSentAt + k, this.lastReceivedAt + this.watchdogMs());
      }
      default:
        return undefined;
    }
  }

  /** Disconnected -> Connecting. False (and nothing happens) in any other state. */
  start(now: number): boolean {
    if (this.st !== MqttClientState.Disconnected) return false;
    this.failures = 0;
    this.open(now);
    return true;
  }

  /**
   * Ends the session: in Connected a DISCONNECT is written and the socket closed ([MQTT-3.14.4-1]:
   * the client closes the connection after DISCONNECT); a connect in progress is abandoned; a
   * backoff is cancelled. Always ends in Disconnected. Remembered filters are kept for start().
   */
  stop(now: number): void {
    const was = this.st;
    if (was === MqttClientState.Disconnected) return;
    this.st = MqttClientState.Disconnected;
    if (was === MqttClientState.Connected) {
      this.write(encodeMqttPacket({ type: "disconnect" }), now);
      this.actions.push({ type: "socket-close" });
      this.dropSessionState();
      this.actions.push({ type: "disconnected", reason: MqttCloseReason.Stopped, detail: "stopped", retryAtMs: undefined });
    } else if (was === MqttClientState.Connecting || was === MqttClientState.AwaitingConnAck) {
      this.actions.push({ type: "socket-close" });
      this.log("info", "connect abandoned: stopped");
    }
  }

  onSocketOpened(now: number): void {
    if (this.st !== MqttClientState.Connecting) {
      this.stats.staleEvents++;
      return;
    }
    this.st = MqttClientState.AwaitingConnAck;
    this.deadline = now + this.config.connectTimeoutMs;
    this.parser.reset();
    this.lastReceivedAt = now;
    this.write(new Uint8Array(this.connectBytes), now);
  }

  onSocketData(bytes: Uint8Array, now: number): void {
    if (!this.hasSession()) {
      this.stats.staleEvents++;
      return;
    }
    this.stats.bytesIn += bytes.length;
    this.lastReceivedAt = now;
    const r = this.parser.push(bytes);
    for (let i = 0; i < r.packets.length && this.hasSession(); i++) this.handlePacket(r.packets[i], now);
    if (r.error !== undefined && this.hasSession()) {
      this.stats.parseErrors++;
      this.fail(MqttCloseReason.ParseError, r.error.toString(), now, true, undefined);
    }
  }

  onSocketClosed(reason: string, now: number): void {
    if (this.st !== MqttClientState.Connecting && !this.hasSession()) {
      this.stats.staleEvents++;
      return;
    }
    this.stats.socketsClosed++;
    this.fail(MqttCloseReason.SocketClosed, reason, now, false, undefined);
  }

  /** Runs whatever is due at `now`: timeouts, PINGREQ, the server watchdog, the next attempt. */
  tick(now: number): void {
    switch (this.st) {
      case MqttClientState.Connecting:
        if (now >= this.deadline) {
          this.stats.connectTimeouts++;
          this.fail(MqttCloseReason.ConnectTimeout, "no connection after " + this.config.connectTimeoutMs + " ms", now, true, undefined);
        }
        return;
      case MqttClientState.AwaitingConnAck:
        if (now >= this.deadline) {
          this.stats.connAckTimeouts++;
          this.fail(MqttCloseReason.ConnAckTimeout, "no CONNACK after " + this.config.connectTimeoutMs + " ms", now, true, undefined);
        }
        return;
      case MqttClientState.Connected: {
        const k = this.keepaliveMs();
        if (k === 0) return;
        // The server closes a client silent for 1.5 × keepalive ([MQTT-3.1.2-24]); we hold the
        // server to the same bound, which a PINGREQ at 1 × keepalive gives time to answer.
        if (now - this.lastReceivedAt >= this.watchdogMs()) {
          this.stats.keepaliveTimeouts++;
          this.fail(MqttCloseReason.KeepaliveTimeout, "nothing received for " + this.watchdogMs() + " ms", now, true, undefined);
          return;
        }
        // [MQTT-3.1.2-23]: no more than keepalive between two packets we send; PINGREQ fills the gap.
        if (now - this.lastSentAt >= k) {
          this.write(encodeMqttPacket({ type: "pingreq" }), now);
          this.stats.pingsSent++;
        }
        return;
      }
      case MqttClientState.Backoff:
        if (now >= this.deadline) this.open(now);
        return;
      default:
        return;
    }
  }

  /**
   * Publishes now, or says why not; nothing is queued here (the gateway's offline queue owns that).
   * QoS 1 takes an in-flight slot until its PUBACK; with a clean session it is not resent after a
   * reconnect ([MQTT-4.4.0-1] applies to CleanSession 0 only) but counted in publishUnacked.
   */
  publish(topic: string, payload: Uint8Array, qos: MqttQos, retain: boolean, now: number): PublishResult {
    if (this.st !== MqttClientState.Connected) {
      this.stats.publishNotConnected++;
      return "not connected";
    }
    let slot = -1;
    const p: PublishPacket = { type: "publish", topic, payload, qos, retain, dup: false };
    if (qos === 1) {
      slot = this.inflight.indexOf(0);
      if (slot < 0) {
        this.stats.publishInflightFull++;
        return "in flight full";
      }
      p.packetId = this.allocPacketId();
    }
    let bytes: Uint8Array;
    try {
      bytes = encodeMqttPacket(p, this.config.maxPacketBytes);
    } catch (e) {
      if (!(e instanceof MqttError)) throw e;
      if (e.code === MqttErrorCode.Oversize) {
        this.stats.publishTooLarge++;
        return "too large";
      }
      this.stats.publishInvalid++;
      return e.code === MqttErrorCode.BadTopic || e.code === MqttErrorCode.BadUtf8 ? "invalid topic" : "invalid";
    }
    if (slot >= 0) this.inflight[slot] = p.packetId as number;
    this.write(bytes, now);
    this.stats.published++;
    return "sent";
  }

  /**
   * Remembers `filters` (QoS 1) and subscribes now when connected; they are subscribed again after
   * every (re)connect. All-or-nothing: one bad filter or too many refuses the whole call (counted).
   */
  subscribe(filters: string[], now: number): SubscribeResult {
    const added: string[] = [];
    for (let i = 0; i < filters.length; i++) {
      const f = filters[i];
      const check = this.checkFilter(f);
      if (check !== undefined) return check;
      if (this.filters.indexOf(f) < 0 && added.indexOf(f) < 0) added.push(f);
    }
    if (added.length === 0) return "already subscribed";
    if (this.filters.length + added.length > this.config.maxSubscriptions) {
      this.stats.subscribeTooMany++;
      return "too many";
    }
    for (let i = 0; i < added.length; i++) this.filters.push(added[i]);
    if (this.st !== MqttClientState.Connected) return "remembered";
    this.sendFilters(added, true, now);
    return "sent";
  }

  /** Forgets `filters`; when connected, UNSUBSCRIBEs the ones that were remembered. */
  unsubscribe(filters: string[], now: number): UnsubscribeResult {
    const removed: string[] = [];
    for (let i = 0; i < filters.length; i++) {
      const at = this.filters.indexOf(filters[i]);
      if (at < 0) continue;
      this.filters.splice(at, 1);
      removed.push(filters[i]);
    }
    if (removed.length === 0) return "not subscribed";
    if (this.st !== MqttClientState.Connected) return "removed";
    this.sendFilters(removed, false, now);
    return "sent";
  }

  /**
   * Makes the remembered set equal `filters` (what the gateway's MqttLink.setSubscriptions needs):
   * unsubscribes the filters no longer wanted and subscribes the new ones. Checked first, so a bad
   * or oversized set changes nothing.
   */
  setSubscriptions(filters: string[], now: number): SubscribeResult {
    let unique = 0;
    for (let i = 0; i < filters.length; i++) {
      const check = this.checkFilter(filters[i]);
      if (check !== undefined) return check;
      if (filters.indexOf(filters[i]) === i) unique++;
    }
    if (unique > this.config.maxSubscriptions) {
      this.stats.subscribeTooMany++;
      return "too many";
    }
    const gone: string[] = [];
    for (let i = 0; i < this.filters.length; i++) if (filters.indexOf(this.filters[i]) < 0) gone.push(this.filters[i]);
    if (gone.length > 0) this.unsubscribe(gone, now);
    return this.subscribe(filters, now);
  }

  // ---- internals ----

  private keepaliveMs(): number {
    return this.config.keepaliveSeconds * 1000;
  }

  private watchdogMs(): number {
    return this.config.keepaliveSeconds * 1500;
  }

  /** A socket is open at the MQTT level (CONNECT sent). */
  private hasSession(): boolean {
    return this.st === MqttClientState.AwaitingConnAck || this.st === MqttClientState.Connected;
  }

  private log(level: "info" | "warn", message: string): void {
    this.actions.push({ type: "log", level, message });
  }

  private open(now: number): void {
    this.st = MqttClientState.Connecting;
    this.deadline = now + this.config.connectTimeoutMs;
    this.stats.connectAttempts++;
    this.actions.push({ type: "socket-open", host: this.config.host, port: this.config.port, tls: this.config.tls });
  }

  private write(bytes: Uint8Array, now: number): void {
    this.actions.push({ type: "socket-write", bytes });
    this.stats.bytesOut += bytes.length;
    this.lastSentAt = now;
  }

  /** Clean session: in-flight publishes and pending SUBSCRIBEs die with the connection. */
  private dropSessionState(): void {
    for (let i = 0; i < this.inflight.length; i++) {
      if (this.inflight[i] !== 0) this.stats.publishUnacked++;
      this.inflight[i] = 0;
    }
    for (let i = 0; i < this.pendingSubIds.length; i++) {
      this.pendingSubIds[i] = 0;
      this.pendingSubFilters[i] = [];
    }
  }

  /** Ends the attempt or the connection and waits out the backoff (state Backoff). */
  private fail(reason: MqttCloseReason, detail: string, now: number, closeSocket: boolean, returnCode: number | undefined): void {
    const wasConnected = this.st === MqttClientState.Connected;
    if (closeSocket) this.actions.push({ type: "socket-close" });
    this.dropSessionState();
    this.failures++;
    const delay = reconnectDelayMs(this.config.backoff, this.failures, this.rng, wasConnected);
    this.st = MqttClientState.Backoff;
    this.deadline = now + delay;
    if (wasConnected) this.actions.push({ type: "disconnected", reason, detail, retryAtMs: this.deadline });
    else this.actions.push({ type: "connect-failed", reason, detail, returnCode, retryAtMs: this.deadline });
    this.log("warn", (wasConnected ? "disconnected: " : "connect failed: ") + reason + " (" + detail + "), retry in " + delay + " ms");
  }

  private protocolError(detail: string, now: number): void {
    this.stats.protocolErrors++;
    this.fail(MqttCloseReason.ProtocolError, detail, now, true, undefined);
  }

  private handlePacket(p: MqttPacket, now: number): void {
    if (this.st === MqttClientState.AwaitingConnAck) {
      // [MQTT-3.2.0-1]: the first packet from the server is CONNACK.
      if (p.type !== "connack") return this.protocolError(p.type + " before CONNACK [MQTT-3.2.0-1]", now);
      if (p.returnCode !== ConnAckCode.Accepted) {
        this.stats.connectRefused++;
        return this.fail(MqttCloseReason.Refused, connAckRefusalText(p.returnCode), now, true, p.returnCode);
      }
      this.st = MqttClientState.Connected;
      this.failures = 0;
      this.stats.connects++;
      this.actions.push({ type: "connected", sessionPresent: p.sessionPresent });
      // Resubscribe after every connect (MQTT::reconnect calls sendSubscriptions, shared spec 5.4):
      // a clean session starts without subscriptions ([MQTT-3.1.2-6]).
      if (this.filters.length > 0) this.sendFilters(this.filters, true, now);
      return;
    }
    switch (p.type) {
      case "publish":
        this.stats.delivered++;
        this.actions.push({ type: "deliver", topic: p.topic, payload: p.payload, retain: p.retain, qos: p.qos, dup: p.dup });
        if (p.qos === 1) {
          // [MQTT-4.3.2-2]: answer a QoS 1 PUBLISH with a PUBACK carrying its packet id.
          this.write(encodeMqttPacket({ type: "puback", packetId: p.packetId as number }), now);
          this.stats.pubAcksSent++;
        }
        return;
      case "puback": {
        const at = this.inflight.indexOf(p.packetId);
        if (at < 0) this.stats.unknownPubAcks++;
        else {
          this.inflight[at] = 0;
          this.stats.publishAcked++;
        }
        return;
      }
      case "suback":
        return this.handleSubAck(p.packetId, p.returnCodes);
      case "unsuback":
        this.stats.unsubAcks++;
        return;
      case "pingresp":
        this.stats.pingResps++;
        return;
      default:
        // A second CONNACK. CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ and DISCONNECT flow client to
        // server only (table 2.1): the parser refuses them (UNEXPECTED_PACKET), a parse error.
        return this.protocolError("server sent " + p.type, now);
    }
  }

  private handleSubAck(packetId: number, codes: number[]): void {
    const at = this.pendingSubIds.indexOf(packetId);
    if (at < 0) {
      this.stats.unexpectedSubAcks++;
      return;
    }
    this.stats.subAcks++;
    const sent = this.pendingSubFilters[at];
    this.pendingSubIds[at] = 0;
    this.pendingSubFilters[at] = [];
    // [MQTT-3.8.4-5]: one return code per filter, in order.
    if (codes.length !== sent.length) this.stats.unexpectedSubAcks++;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] !== SUBACK_FAILURE) continue;
      this.stats.subscriptionsRefused++;
      this.log("warn", "broker refused subscription " + (i < sent.length ? sent[i] : "#" + i));
    }
  }

  /** undefined when `f` is a filter we can send; otherwise the refusal (counted). */
  private checkFilter(f: string): SubscribeResult | undefined {
    if (typeof f !== "string" || !isEncodableMqttString(f) || !isValidTopicFilter(f) || utf8Length(f) > MQTT_MAX_STRING_BYTES) {
      this.stats.subscribeInvalid++;
      return "invalid topic filter";
    }
    if (filterPacketBytes(filterFieldBytes(f, true)) > this.config.maxPacketBytes) {
      this.stats.subscribeTooLarge++;
      return "too large";
    }
    return undefined;
  }

  private idInUse(id: number): boolean {
    return this.inflight.indexOf(id) >= 0 || this.pendingSubIds.indexOf(id) >= 0;
  }

  /** Next non-zero packet id ([MQTT-2.3.1-1]) not used by an unacknowledged packet ([MQTT-2.3.1-2]). */
  private allocPacketId(): number {
    for (let tries = 0; tries < 65535; tries++) {
      this.lastPacketId = this.lastPacketId >= 65535 ? 1 : this.lastPacketId + 1;
      if (!this.idInUse(this.lastPacketId)) break;
    }
    return this.lastPacketId;
  }

  private trackSubscribe(packetId: number, filters: string[]): void {
    let at = this.pendingSubIds.indexOf(0);
    if (at < 0) {
      // Full (only after many subscribe/unsubscribe calls without SUBACKs): reuse the oldest-written slot.
      at = this.pendingSubNext;
      this.stats.pendingSubscribesEvicted++;
    }
    this.pendingSubIds[at] = packetId;
    this.pendingSubFilters[at] = filters;
    this.pendingSubNext = (at + 1) % this.pendingSubIds.length;
  }

  /**
   * Writes SUBSCRIBE (QoS 1 for every filter, section 5.3) or UNSUBSCRIBE packets for `list`,
   * packing as many filters per packet as fit in maxPacketBytes (each filter fits alone: checkFilter).
   */
  private sendFilters(list: string[], subscribe: boolean, now: number): void {
    let i = 0;
    while (i < list.length) {
      const batch: string[] = [];
      let bytes = 0;
      while (i < list.length) {
        const add = filterFieldBytes(list[i], subscribe);
        if (batch.length > 0 && filterPacketBytes(bytes + add) > this.config.maxPacketBytes) break;
        batch.push(list[i]);
        bytes += add;
        i++;
      }
      const packetId = this.allocPacketId();
      let packet: MqttPacket;
      if (subscribe) {
        const subscriptions: MqttSubscription[] = [];
        for (let k = 0; k < batch.length; k++) subscriptions.push({ topicFilter: batch[k], qos: 1 });
        packet = { type: "subscribe", packetId, subscriptions };
        this.trackSubscribe(packetId, batch);
        this.stats.subscribePackets++;
      } else {
        packet = { type: "unsubscribe", packetId, topicFilters: batch };
        this.stats.unsubscribePackets++;
      }
      this.write(encodeMqttPacket(packet, this.config.maxPacketBytes), now);
    }
  }
}
