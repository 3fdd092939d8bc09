// Broker faults against a real gateway on loopback (issue 8): mosquitto killed with SIGKILL and
// restarted while the gateway uplinks 20 packets a second; a server that never answers CONNECT; a
// server that cuts the connection in the middle of a packet. Every packet injected into the gateway
// is accounted for: seen by a subscriber on the broker, or dropped by a rule the gateway counts.
//
// SOAK=1 runs the mosquitto case at the issue's full size (2 minutes, a kill every 10 s); the
// default is 3 kill cycles (~35 s).
import net from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PortableChannelCipher } from "../../firmware/crypto/index.js";
import { decodeEnvelope, encodeEnvelope } from "../../firmware/gateway/index.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { SeededRng } from "../../firmware/mesh/rng.js";
import { backoffBaseMs, encodeMqttPacket, MqttClient, MqttCloseReason } from "../../firmware/mqtt/index.js";
import type { BackoffPolicy, MqttClientAction, MqttClientOptions } from "../../firmware/mqtt/index.js";
import { MeshNode } from "../../firmware/node.js";
import { loopbackGatewayNode } from "../support/loopback-gateway.js";
import type { NodeEvent } from "../../firmware/node-events.js";
import { BrokerSocket, NodeDriver } from "../../firmware/platform/node/index.js";
import { DataCodec, PortNum } from "../../firmware/wire/index.js";
import { DEFAULT_KEY, frameOf, header } from "../support/node-bench.js";
import { ReconnectingSubscriber, mosquittoUnavailable, startMosquitto, waitFor } from "../support/brokers.js";

const ROOT = "msh/faults";
const SOAK = process.env.SOAK === "1";
/** Kill cycles: the issue's 2 minutes at one kill every 10 s, or a CI-sized 3. */
const CYCLES = SOAK ? 12 : 3;
const CYCLE_MS = 10_000;
/** How long mosquitto stays dead in each cycle before it is started again. */
const DOWN_MS = 2_000;
const RATE_PER_S = 20;
/** Loopback connect + CONNACK, polling granularity and a busy shared CPU, on top of the backoff bound. */
const RECONNECT_SLACK_MS = 1_000;
/** Before a SIGKILL, a QoS 0 PUBLISH may sit unread in the dying broker's socket buffer. */
const IN_TRANSIT_BEFORE_KILL_MS = 100;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Exceptions and rejections that reach the event loop while a test runs. */
const escaped: unknown[] = [];
const onEscape = (e: unknown) => escaped.push(e);
beforeEach(() => {
  escaped.length = 0;
  process.on("uncaughtException", onEscape);
  process.on("unhandledRejection", onEscape);
});
afterEach(() => {
  process.off("uncaughtException", onEscape);
  process.off("unhandledRejection", onEscape);
});

/** Longest wait the exponential policy can schedule after `failures` consecutive failures. */
function maxDelayMs(p: BackoffPolicy, failures: number): number {
  return Math.min(p.maxMs, 2 * Math.floor(backoffBaseMs(p, failures)));
}

/**
 * Most consecutive failures the client can reach while the broker is away for `downMs`: the first
 * when the connection drops, then one per attempt, and attempt m comes at least
 * sum(base(1..m)) after the drop (each delay is at least its base).
 */
function maxFailuresWhileDown(p: BackoffPolicy, downMs: number): number {
  let failures = 1;
  let t = 0;
  for (;;) {
    t += backoffBaseMs(p, failures);
    if (t > downMs) return failures;
    failures++;
  }
}

interface GatewayUnderTest {
  driver: NodeDriver;
  node: MeshNode;
  client: MqttClient;
  logs: { at: number; message: string }[];
}

function gateway(num: number, port: number): GatewayUnderTest {
  const node = loopbackGatewayNode(num, port, ROOT, num);
  const logs: { at: number; message: string }[] = [];
  const driver: NodeDriver = new NodeDriver(node, { onLog: (message) => logs.push({ at: driver.now(), message }) });
  driver.start();
  const client = node.mqttClient;
  if (client === undefined) throw new Error("the gateway has no MQTT client (direct mode expected)");
  return { driver, node, client, logs };
}

/** A text packet heard on LoRa from a neighbour: hop limit 0, so the gateway uplinks it and does not relay it. */
const SEQ_BASE = 0x100000;
function neighbourFrame(seq: number): Uint8Array {
  const data = { portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode("seq " + seq), bitfield: 1 };
  return frameOf(header({ from: 0x1000 + (seq % 32), id: SEQ_BASE + seq, hopLimit: 0, hopStart: 3, relayNode: 0x10 + (seq % 32) }), data);
}

interface Injected {
  seq: number;
  at: number;
  /** Published at once (client connected) or parked in the offline queue. */
  mode: "direct" | "queued";
}

/** Injects radio-rx frames at RATE_PER_S (catching up if a timer fires late) and records what the gateway did with each. */
function startInjector(g: GatewayUnderTest): { injected: Injected[]; uplinkMisses: number[]; stop: () => void } {
  const injected: Injected[] = [];
  const uplinkMisses: number[] = [];
  const t0 = g.driver.now();
  let seq = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((g.driver.now() - t0) * RATE_PER_S) / 1000);
    const mqtt = g.node.mqtt;
    if (mqtt === undefined) throw new Error("no MQTT module");
    while (seq < due) {
      const uplinked = mqtt.stats.uplinked;
      const queued = mqtt.stats.queued;
      const at = g.driver.now();
      g.driver.handle({ type: "radio-rx", frame: neighbourFrame(seq), rssi: -80, snr: 8 });
      if (mqtt.stats.uplinked !== uplinked + 1) uplinkMisses.push(seq);
      else injected.push({ seq, at, mode: mqtt.stats.queued > queued ? "queued" : "direct" });
      seq++;
    }
  }, 1000 / RATE_PER_S);
  return { injected, uplinkMisses, stop: () => clearInterval(timer) };
}

describe.skipIf(mosquittoUnavailable() !== undefined)(
  `gateway against mosquitto killed with SIGKILL every ${CYCLE_MS / 1000} s${mosquittoUnavailable() ? ` (skipped: ${mosquittoUnavailable()})` : ""}`,
  () => {
    it(
      `${CYCLES} kill/restart cycles at ${RATE_PER_S} packets/s: reconnect within the backoff bound, resubscribe, every packet accounted for`,
      async () => {
        const broker = await startMosquitto({ persistentSessions: true });
        const gw = gateway(0xd1, broker.port);
        const gwId = "!000000d1";
        // A persistent session: messages published while it is reconnecting wait for it in the broker.
        const sub = new ReconnectingSubscriber(broker.port, ROOT + "/2/e/LongFast/+", "faults-subscriber", false, 100);
        const policy = gw.client.config.backoff;
        let injector: ReturnType<typeof startInjector> | undefined;
        const cycles: { killAt: number; restartedAt: number; reconnectMs: number; boundMs: number; failures: number; noticeAt: number; queueDropped: number }[] = [];
        try {
          await waitFor("gateway subscribed and subscriber ready", () => gw.client.isConnected() && gw.client.stats.subAcks > 0 && sub.ready);
          // Let the subscriber's session reach mosquitto's database before the first kill.
          await sleep(300);
          injector = startInjector(gw);
          const start = gw.driver.now();
          for (let c = 0; c < CYCLES; c++) {
            await sleep(Math.max(0, start + 2_000 + c * CYCLE_MS - gw.driver.now()));
            const connects = gw.client.stats.connects;
            const subAcks = gw.client.stats.subAcks;
            const dropsBefore = gw.node.mqtt?.stats.queueDropped ?? 0;
            const logsBefore = gw.logs.length;
            const killAt = gw.driver.now();
            await broker.stop(); // SIGKILL, resolved when the process has exited
            await sleep(DOWN_MS);
            await broker.restart(); // resolved when the port accepts connections
            const restartedAt = gw.driver.now();
            const failures = maxFailuresWhileDown(policy, restartedAt - killAt);
            const boundMs = maxDelayMs(policy, failures);
            await waitFor(`cycle ${c}: gateway reconnects`, () => gw.client.stats.connects > connects, boundMs + RECONNECT_SLACK_MS + 2_000);
            const reconnectMs = gw.driver.now() - restartedAt;
            const notice = gw.logs.slice(logsBefore).find((l) => l.message.startsWith("mqtt: disconnected:"));
            expect(notice, `cycle ${c}: the gateway logs the lost connection`).toBeDefined();
            const failed = gw.logs.slice(logsBefore).filter((l) => l.message.startsWith("mqtt: connect failed:")).length;
            cycles.push({ killAt, restartedAt, reconnectMs, boundMs, failures: 1 + failed, noticeAt: notice?.at ?? NaN, queueDropped: (gw.node.mqtt?.stats.queueDropped ?? 0) - dropsBefore });
            expect(1 + failed, `cycle ${c}: consecutive failures while down`).toBeLessThanOrEqual(failures);
            expect(reconnectMs, `cycle ${c}: reconnect after the restart within the backoff bound`).toBeLessThanOrEqual(boundMs + RECONNECT_SLACK_MS);
            // Resubscribed: the SUBACK for the new session's SUBSCRIBE, then a downlink published now reaches the node.
            await waitFor(`cycle ${c}: gateway resubscribed`, () => gw.client.stats.subAcks > subAcks);
            await waitFor(`cycle ${c}: subscriber back`, () => sub.ready);
            const downlinked = gw.node.mqtt?.stats.downlinked ?? 0;
            const id = 0x777000 + c;
            const data = DataCodec.encode({ portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode("downlink " + c), bitfield: 1 });
            const envelope = encodeEnvelope({ from: 0x4242, to: BROADCAST, id, channel: 8, encrypted: new PortableChannelCipher().ctr(DEFAULT_KEY, id, 0x4242, data), hopLimit: 2, hopStart: 3 }, "LongFast", 0xabcd);
            expect(sub.publish(ROOT + "/2/e/LongFast/!0000abcd", envelope)).toBe(true);
            await waitFor(`cycle ${c}: downlink after the reconnect reaches the gateway`, () => (gw.node.mqtt?.stats.downlinked ?? 0) > downlinked, 5_000);
          }
          await sleep(Math.max(0, start + 2_000 + CYCLES * CYCLE_MS - gw.driver.now()));
          injector.stop();
          const inj = injector;
          const mqtt = gw.node.mqtt;
          if (mqtt === undefined) throw new Error("no MQTT module");
          expect(mqtt.queue.size).toBe(0);

          const fromGateway = () => {
            const seqs: number[] = [];
            for (const m of sub.messages) {
              const e = decodeEnvelope(new Uint8Array(m.payload));
              if (e.ok && e.value.gatewayId === gwId && (e.value.packet.id ?? 0) >= SEQ_BASE) seqs.push((e.value.packet.id ?? 0) - SEQ_BASE);
            }
            return seqs;
          };
          const expected = inj.injected.length - mqtt.stats.queueDropped;
          // QoS 0 over loopback: give the last publishes a moment to come through the broker.
          await waitFor("subscriber has the last publishes", () => fromGateway().length >= expected, 5_000).catch(() => undefined);
          await sleep(200);

          const seen = fromGateway();
          const seenSet = new Set(seen);
          expect(seen.length, "no packet published twice").toBe(seenSet.size);
          expect(inj.uplinkMisses, "every injected packet passed the uplink rules").toEqual([]);
          const missing = inj.injected.filter((p) => !seenSet.has(p.seq));
          const missingQueued = missing.filter((p) => p.mode === "queued");
          // A QoS 0 PUBLISH written just before the SIGKILL, or before the gateway saw the socket close,
          // is lost without notice (MQTT 3.1.1 section 4.3.1: at most once). Allowed only in that window.
          const inTransit = missing.filter((p) => p.mode === "direct" && cycles.some((c) => p.at >= c.killAt - IN_TRANSIT_BEFORE_KILL_MS && p.at <= c.noticeAt));
          const unexplained = missing.filter((p) => p.mode === "direct" && !inTransit.includes(p));
          const queuedTotal = inj.injected.filter((p) => p.mode === "queued").length;
          console.log(
            JSON.stringify({
              cycles: cycles.map((c) => ({ downMs: Math.round(c.restartedAt - c.killAt), noticeMs: Math.round(c.noticeAt - c.killAt), reconnectMs: Math.round(c.reconnectMs), boundMs: c.boundMs, failures: c.failures, queueDropped: c.queueDropped })),
              sent: inj.injected.length,
              direct: inj.injected.length - queuedTotal,
              queued: queuedTotal,
              seenBySubscriber: seen.length,
              queueDroppedCounted: mqtt.stats.queueDropped,
              lostInTransitAtKill: inTransit.length,
              unexplained: unexplained.length,
            }),
          );
          expect(unexplained.map((p) => p.seq), "direct publishes lost outside a kill window").toEqual([]);
          expect(missingQueued.length, "queued packets missing = the gateway's counted drop-oldest drops").toBe(mqtt.stats.queueDropped);
          expect(inj.injected.length).toBe(seen.length + mqtt.stats.queueDropped + inTransit.length);
          // The window is a few milliseconds at 20 packets/s: at most one or two packets per kill.
          expect(inTransit.length).toBeLessThanOrEqual(2 * CYCLES);
          // The offline queue was exercised and stayed bounded.
          expect(mqtt.stats.queueDropped).toBeGreaterThan(0);
          expect(inj.injected.length).toBeGreaterThanOrEqual(RATE_PER_S * (CYCLES * CYCLE_MS) / 1000 * 0.9);
          expect(escaped).toEqual([]);
        } finally {
          injector?.stop();
          sub.stop();
          gw.driver.stop();
          await broker.stop();
        }
      },
      CYCLES * CYCLE_MS + 60_000,
    );
  },
);

/** An MqttClient run at real time over the Node BrokerSocket, recording what it reports. */
class ClientHarness {
  readonly client: MqttClient;
  readonly events: { at: number; action: MqttClientAction }[] = [];
  private readonly socket: BrokerSocket;
  private timer: NodeJS.Timeout | undefined;
  private readonly t0 = performance.now();
  private stopped = false;

  constructor(options: MqttClientOptions) {
    this.client = new MqttClient(options, new SeededRng(9));
    this.socket = new BrokerSocket({ onEvent: (e) => this.handle(e) });
  }

  now(): number {
    return performance.now() - this.t0;
  }

  start(): void {
    this.client.start(this.now());
    this.pump();
  }

  failures(): { at: number; reason: MqttCloseReason; detail: string; retryAtMs: number | undefined }[] {
    const out: { at: number; reason: MqttCloseReason; detail: string; retryAtMs: number | undefined }[] = [];
    for (const { at, action: a } of this.events) if (a.type === "connect-failed" || a.type === "disconnected") out.push({ at, reason: a.reason, detail: a.detail, retryAtMs: a.retryAtMs });
    return out;
  }

  stop(): void {
    this.client.stop(this.now());
    this.pump();
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.socket.close();
  }

  private handle(e: NodeEvent): void {
    if (this.stopped) return;
    const now = this.now();
    if (e.type === "socket-opened") this.client.onSocketOpened(now);
    else if (e.type === "socket-data") this.client.onSocketData(e.bytes, now);
    else if (e.type === "socket-closed") this.client.onSocketClosed(e.reason, now);
    this.client.tick(now);
    this.pump();
  }

  private pump(): void {
    const now = this.now();
    for (const a of this.client.takeActions()) {
      if (a.type === "socket-open") this.socket.open({ ...a, tlsInsecure: false });
      else if (a.type === "socket-write") this.socket.write(a.bytes);
      else if (a.type === "socket-close") this.socket.close();
      else this.events.push({ at: now, action: a });
    }
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const d = this.client.nextDeadline();
    if (d !== undefined && !this.stopped) this.timer = setTimeout(() => this.handle({ type: "tick" }), Math.max(0, d - this.now()));
  }
}

/** A TCP server on 127.0.0.1 that records every connection and hands it to `onConnection`. */
async function faultServer(onConnection: (s: net.Socket, index: number) => void): Promise<{
  port: number;
  accepted: { at: number; bytes: number; closedAt: number | undefined }[];
  maxOpen: number;
  close: () => Promise<void>;
}> {
  const accepted: { at: number; bytes: number; closedAt: number | undefined }[] = [];
  const sockets = new Set<net.Socket>();
  const state = { maxOpen: 0 };
  const server = net.createServer((s) => {
    const rec = { at: performance.now(), bytes: 0, closedAt: undefined as number | undefined };
    accepted.push(rec);
    sockets.add(s);
    state.maxOpen = Math.max(state.maxOpen, sockets.size);
    s.on("data", (b: Buffer) => (rec.bytes += b.length));
    s.on("error", () => {});
    s.on("close", () => {
      rec.closedAt = performance.now();
      sockets.delete(s);
    });
    onConnection(s, accepted.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    accepted,
    get maxOpen() {
      return state.maxOpen;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const CONNACK_OK = [0x20, 0x02, 0x00, 0x00];

describe("a server that accepts and never answers CONNECT", () => {
  it("the client times out per its CONNACK timeout, backs off within the policy, retries and counts each", async () => {
    const server = await faultServer(() => {});
    const policy = { minMs: 100, maxMs: 400 };
    const h = new ClientHarness({ host: "127.0.0.1", port: server.port, tls: false, clientId: "!000000e1", connectTimeoutMs: 300, backoff: policy });
    const connectBytes = encodeMqttPacket({ type: "connect", clientId: "!000000e1", cleanSession: true, keepalive: 15 }).length;
    try {
      h.start();
      await waitFor("four CONNACK timeouts", () => h.client.stats.connAckTimeouts >= 4, 8_000);
      // Publishing meanwhile is refused ("not connected") and counted, never buffered.
      for (let i = 0; i < 100; i++) expect(h.client.publish("msh/x", new Uint8Array(200), 0, false, h.now())).toBe("not connected");
      await waitFor("a fifth attempt", () => server.accepted.length >= 5, 3_000);
    } finally {
      h.stop();
    }
    const f = h.failures();
    expect(f.length).toBeGreaterThanOrEqual(4);
    for (const x of f) {
      expect(x.reason).toBe(MqttCloseReason.ConnAckTimeout);
      expect(x.detail).toBe("no CONNACK after 300 ms");
    }
    const full = { mode: "exponential" as const, fixedMs: 0, ...policy };
    // Each attempt: accepted, then closed by the client ~300 ms later; the next one after the backoff.
    for (let i = 0; i + 1 < Math.min(server.accepted.length, f.length + 1); i++) {
      const a = server.accepted[i];
      const next = server.accepted[i + 1];
      const gap = next.at - a.at;
      expect(gap, `attempt ${i}: CONNACK timeout + backoff`).toBeGreaterThanOrEqual(300 + backoffBaseMs(full, i + 1) - 20);
      expect(gap, `attempt ${i}: CONNACK timeout + backoff`).toBeLessThanOrEqual(300 + maxDelayMs(full, i + 1) + 400);
    }
    for (const a of server.accepted.slice(0, f.length)) expect(a.bytes, "only the CONNECT was written").toBe(connectBytes);
    expect(server.maxOpen, "the client closes the old socket before opening a new one").toBeLessThanOrEqual(2);
    expect(h.client.stats.connAckTimeouts).toBe(f.length);
    expect(h.client.stats.connectAttempts).toBe(server.accepted.length);
    expect(h.client.stats.publishNotConnected).toBe(100);
    expect(h.client.stats.bytesOut).toBe(connectBytes * server.accepted.length);
    await server.close();
    expect(escaped).toEqual([]);
  });

  it("a gateway uplinking 20 packets/s while its CONNECT hangs keeps only its bounded offline queue", async () => {
    const server = await faultServer(() => {});
    const gw = gateway(0xe2, server.port);
    const injector = startInjector(gw);
    let state: string;
    try {
      await sleep(2_500);
      state = gw.client.state;
    } finally {
      injector.stop();
      gw.driver.stop();
    }
    const mqtt = gw.node.mqtt;
    if (mqtt === undefined) throw new Error("no MQTT module");
    const n = injector.injected.length;
    expect(n).toBeGreaterThanOrEqual(40);
    expect(injector.injected.every((p) => p.mode === "queued")).toBe(true);
    expect(mqtt.queue.size).toBe(mqtt.queue.capacity);
    expect(mqtt.stats.queueDropped).toBe(n - mqtt.queue.capacity);
    // Still waiting for the CONNACK: the gateway's connect timeout is the default 15 s.
    expect(state).toBe("awaiting-connack");
    expect(server.accepted.length).toBe(1);
    expect(server.accepted[0].bytes, "nothing but CONNECT reached the socket").toBe(gw.client.stats.bytesOut);
    expect(gw.client.stats.published).toBe(0);
    await server.close();
    expect(escaped).toEqual([]);
  });
});

describe("a server that cuts the connection in the middle of a packet", () => {
  const policy = { minMs: 100, maxMs: 200 };
  const opts = (port: number): MqttClientOptions => ({ host: "127.0.0.1", port, tls: false, clientId: "!000000e3", connectTimeoutMs: 2_000, backoff: policy });

  it("half a CONNACK, then the socket destroyed: connect-failed socket-closed, retried, nothing thrown", async () => {
    const server = await faultServer((s) => s.once("data", () => s.end(Buffer.from(CONNACK_OK.slice(0, 2)), () => s.destroy())));
    const h = new ClientHarness(opts(server.port));
    try {
      h.start();
      await waitFor("three failed attempts", () => h.failures().length >= 3, 5_000);
    } finally {
      h.stop();
      await server.close();
    }
    for (const x of h.failures().slice(0, 3)) {
      expect(x.reason).toBe(MqttCloseReason.SocketClosed);
      expect(x.detail).toBe(`connection closed by 127.0.0.1:${server.port}`);
    }
    expect(h.events.filter((e) => e.action.type === "connect-failed").length).toBeGreaterThanOrEqual(3);
    expect(h.client.stats.connects).toBe(0);
    expect(h.client.stats.socketsClosed).toBeGreaterThanOrEqual(3);
    expect(h.client.stats.bytesIn).toBeGreaterThanOrEqual(2 * 3);
    expect(escaped).toEqual([]);
  });

  it("a CONNACK then half a PUBLISH, then a reset: disconnected with a typed reason, reconnects, nothing thrown", async () => {
    // 0x30 = PUBLISH QoS 0, remaining length 20, topic "msh/x" and the first 2 payload bytes of 13.
    const halfPublish = Buffer.from([0x30, 20, 0x00, 0x05, ...Buffer.from("msh/x"), 0x41, 0x42]);
    const server = await faultServer((s, i) =>
      s.once("data", () => {
        s.write(Buffer.from(CONNACK_OK));
        s.write(halfPublish, () => setTimeout(() => (i % 2 === 0 ? s.resetAndDestroy() : s.destroy()), 20));
      }),
    );
    const h = new ClientHarness(opts(server.port));
    try {
      h.start();
      await waitFor("four connects", () => h.client.stats.connects >= 4, 5_000);
    } finally {
      h.stop();
      await server.close();
    }
    const f = h.failures().filter((x) => x.reason !== MqttCloseReason.Stopped);
    expect(f.length).toBeGreaterThanOrEqual(3);
    for (const x of f) {
      expect(x.reason).toBe(MqttCloseReason.SocketClosed);
      expect([`connection reset by 127.0.0.1:${server.port}`, `connection closed by 127.0.0.1:${server.port}`]).toContain(x.detail);
    }
    expect(f.some((x) => x.detail.startsWith("connection reset"))).toBe(true);
    expect(h.events.filter((e) => e.action.type === "disconnected").length).toBeGreaterThanOrEqual(3);
    // The half packet never reached the application.
    expect(h.events.some((e) => e.action.type === "deliver")).toBe(false);
    expect(h.client.stats.delivered).toBe(0);
    expect(escaped).toEqual([]);
  });

  it("a CONNACK followed by bytes that cannot start a packet: parse-error with the parser's typed MqttError, reconnects", async () => {
    const server = await faultServer((s) => s.once("data", () => s.write(Buffer.from([...CONNACK_OK, 0x00, 0x00]))));
    const h = new ClientHarness(opts(server.port));
    try {
      h.start();
      await waitFor("two parse errors", () => h.client.stats.parseErrors >= 2, 5_000);
    } finally {
      h.stop();
      await server.close();
    }
    const f = h.failures().filter((x) => x.reason !== MqttCloseReason.Stopped);
    expect(f.length).toBeGreaterThanOrEqual(2);
    for (const x of f.slice(0, 2)) {
      expect(x.reason).toBe(MqttCloseReason.ParseError);
      // MqttError.toString(): "<code>: <message>"; packet type 0 is reserved.
      expect(x.detail).toMatch(/^BAD_PACKET_TYPE: /);
    }
    expect(h.client.stats.connects).toBeGreaterThanOrEqual(2);
    expect(escaped).toEqual([]);
  });
});
