// The MQTT client state machine at virtual time: each test drives it through its entry points with
// raw bytes (the lwIP habit) and names the rule it checks (shared spec meshtastic-wire.md 5.3-5.5, 9).
import { describe, expect, it } from "vitest";
import { SeededRng } from "../../firmware/mesh/rng.js";
import {
  backoffBaseMs,
  decodeMqttPacket,
  defaultBackoffPolicy,
  encodeMqttPacket,
  MqttClient,
  MqttClientState,
  MqttCloseReason,
  MqttError,
  MqttErrorCode,
} from "../../firmware/mqtt/index.js";
import type { MqttClientAction, MqttClientOptions, MqttPacket } from "../../firmware/mqtt/index.js";
import { concat, hex } from "./support.js";

const OPTIONS: MqttClientOptions = { host: "mqtt.meshtastic.org", port: 1883, tls: false, clientId: "!12345678", username: "meshdev", password: "large4cats" };

function bytesOf(p: MqttPacket): Uint8Array {
  return encodeMqttPacket(p);
}

const CONNACK_OK = bytesOf({ type: "connack", sessionPresent: false, returnCode: 0 });
const PINGRESP = bytesOf({ type: "pingresp" });

/** A driver at virtual time: records every action with the time it was taken. */
class Harness {
  readonly client: MqttClient;
  now = 0;

  constructor(options?: Partial<MqttClientOptions>, seed?: number) {
    this.client = new MqttClient({ ...OPTIONS, ...options }, new SeededRng(seed ?? 1));
  }

  take(): MqttClientAction[] {
    return this.client.takeActions();
  }

  /** Runs tick() at every deadline up to `to` (like the driver's timer), returning all actions. */
  advance(to: number): MqttClientAction[] {
    const out: MqttClientAction[] = [];
    for (let guard = 0; guard < 10000; guard++) {
      const d = this.client.nextDeadline();
      if (d === undefined || d > to) break;
      this.now = Math.max(this.now, d);
      this.client.tick(this.now);
      out.push(...this.take());
    }
    this.now = to;
    return out;
  }

  /** start (or wait for the backoff), open the socket, answer CONNACK 0; returns what was written after CONNACK. */
  connect(): MqttPacket[] {
    if (this.client.state === MqttClientState.Disconnected) this.client.start(this.now);
    else this.advance(this.client.nextDeadline() as number);
    this.take();
    expect(this.client.state).toBe(MqttClientState.Connecting);
    this.client.onSocketOpened(this.now);
    this.take();
    this.client.onSocketData(CONNACK_OK, this.now);
    expect(this.client.state).toBe(MqttClientState.Connected);
    return writes(this.take());
  }

  data(p: MqttPacket): MqttClientAction[] {
    this.client.onSocketData(bytesOf(p), this.now);
    return this.take();
  }
}

function writes(actions: MqttClientAction[]): MqttPacket[] {
  const out: MqttPacket[] = [];
  for (const a of actions) {
    if (a.type !== "socket-write") continue;
    const r = decodeMqttPacket(a.bytes);
    if (!r.ok) throw new Error(r.error.toString());
    out.push(r.value);
  }
  return out;
}

function ofType<T extends MqttClientAction["type"]>(actions: MqttClientAction[], type: T): Extract<MqttClientAction, { type: T }>[] {
  return actions.filter((a): a is Extract<MqttClientAction, { type: T }> => a.type === type);
}

describe("MQTT client: connection (spec 5.3)", () => {
  it("start opens a socket to the broker; on open it sends CONNECT: clean session, keepalive 15 s, client id = node id, user name and password", () => {
    const h = new Harness();
    expect(h.client.start(0)).toBe(true);
    expect(h.take()).toEqual([{ type: "socket-open", host: "mqtt.meshtastic.org", port: 1883, tls: false }]);
    expect(h.client.state).toBe(MqttClientState.Connecting);
    h.client.onSocketOpened(10);
    expect(h.client.state).toBe(MqttClientState.AwaitingConnAck);
    expect(writes(h.take())).toEqual([
      { type: "connect", clientId: "!12345678", cleanSession: true, keepalive: 15, username: "meshdev", password: new TextEncoder().encode("large4cats") },
    ]);
    expect(h.client.start(20)).toBe(false); // already running
  });

  it("connect success: CONNACK 0 reports connected and sends one QoS 1 SUBSCRIBE for the remembered filters", () => {
    const h = new Harness();
    expect(h.client.subscribe(["msh/US/2/e/LongFast/+", "msh/US/2/e/PKI/+"], 0)).toBe("remembered");
    h.client.start(0);
    h.client.onSocketOpened(5);
    h.take();
    h.client.onSocketData(CONNACK_OK, 6);
    const actions = h.take();
    expect(ofType(actions, "connected")).toEqual([{ type: "connected", sessionPresent: false }]);
    const sent = writes(actions);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      type: "subscribe",
      subscriptions: [
        { topicFilter: "msh/US/2/e/LongFast/+", qos: 1 },
        { topicFilter: "msh/US/2/e/PKI/+", qos: 1 },
      ],
    });
    expect(h.client.isConnected()).toBe(true);
    expect(h.client.stats.connects).toBe(1);
  });

  it("CONNACK split across TCP segments, and CONNACK followed by a PUBLISH in one segment, both work", () => {
    const h = new Harness();
    h.client.start(0);
    h.client.onSocketOpened(0);
    h.client.onSocketData(CONNACK_OK.subarray(0, 1), 1);
    expect(h.client.state).toBe(MqttClientState.AwaitingConnAck);
    h.client.onSocketData(CONNACK_OK.subarray(1), 2);
    expect(h.client.state).toBe(MqttClientState.Connected);

    const g = new Harness();
    g.client.start(0);
    g.client.onSocketOpened(0);
    g.take();
    g.client.onSocketData(concat(CONNACK_OK, bytesOf({ type: "publish", topic: "a", payload: hex("01"), qos: 0, retain: true, dup: false })), 1);
    expect(ofType(g.take(), "deliver")).toEqual([{ type: "deliver", topic: "a", payload: hex("01"), retain: true, qos: 0, dup: false }]);
  });

  it("connect timeout: no TCP connection within 15 s closes the attempt and backs off", () => {
    const h = new Harness();
    h.client.start(0);
    h.take();
    expect(h.client.nextDeadline()).toBe(15000);
    expect(h.advance(14999)).toEqual([]);
    const actions = h.advance(15000);
    expect(actions[0]).toEqual({ type: "socket-close" });
    const failed = ofType(actions, "connect-failed")[0];
    expect(failed).toMatchObject({ reason: MqttCloseReason.ConnectTimeout, returnCode: undefined });
    expect(h.client.state).toBe(MqttClientState.Backoff);
    expect(failed.retryAtMs - 15000).toBeGreaterThanOrEqual(1000);
    expect(failed.retryAtMs - 15000).toBeLessThanOrEqual(2000);
    expect(h.client.stats.connectTimeouts).toBe(1);
    // The backoff ends with a new attempt.
    expect(ofType(h.advance(failed.retryAtMs), "socket-open")).toHaveLength(1);
    expect(h.client.state).toBe(MqttClientState.Connecting);
  });

  it("CONNACK timeout: no CONNACK within 15 s of the socket opening closes and backs off", () => {
    const h = new Harness();
    h.client.start(0);
    h.client.onSocketOpened(3000);
    h.take();
    expect(h.client.nextDeadline()).toBe(18000);
    const actions = h.advance(18000);
    expect(actions[0]).toEqual({ type: "socket-close" });
    expect(ofType(actions, "connect-failed")[0].reason).toBe(MqttCloseReason.ConnAckTimeout);
    expect(h.client.stats.connAckTimeouts).toBe(1);
  });

  it("CONNACK refused: each return code is reported as a readable reason and the client backs off", () => {
    const reasons: [number, string][] = [
      [1, "unacceptable protocol version"],
      [2, "client identifier rejected"],
      [3, "server unavailable"],
      [4, "bad user name or password"],
      [5, "not authorized"],
      [9, "refused with reserved return code 9"],
    ];
    for (const [code, text] of reasons) {
      const h = new Harness();
      h.client.start(0);
      h.client.onSocketOpened(0);
      h.take();
      const actions = h.data({ type: "connack", sessionPresent: false, returnCode: code });
      expect(actions[0]).toEqual({ type: "socket-close" });
      expect(ofType(actions, "connect-failed")[0]).toMatchObject({ reason: MqttCloseReason.Refused, detail: text, returnCode: code });
      expect(ofType(actions, "log")[0].message).toContain(text);
      expect(h.client.state).toBe(MqttClientState.Backoff);
      expect(h.client.stats.connectRefused).toBe(1);
    }
  });

  it("the first packet from the broker must be CONNACK [MQTT-3.2.0-1]: anything else is a protocol error", () => {
    const h = new Harness();
    h.client.start(0);
    h.client.onSocketOpened(0);
    h.take();
    const actions = h.data({ type: "pingresp" });
    expect(ofType(actions, "connect-failed")[0].reason).toBe(MqttCloseReason.ProtocolError);
    expect(h.client.stats.protocolErrors).toBe(1);
  });

  it("bytes the parser refuses close the connection (parse error with the typed code) and reconnect", () => {
    const h = new Harness();
    h.connect();
    h.client.onSocketData(hex("34 05 00 01 74 00 01"), 100); // QoS 2 PUBLISH
    const actions = h.take();
    expect(actions[0]).toEqual({ type: "socket-close" });
    const d = ofType(actions, "disconnected")[0];
    expect(d.reason).toBe(MqttCloseReason.ParseError);
    expect(d.detail).toContain(MqttErrorCode.Qos2Unsupported);
    expect(h.client.stats.parseErrors).toBe(1);
    // The next connection starts with a fresh parser.
    h.connect();
  });

  it("a packet only a client sends (SUBSCRIBE, PINGREQ, CONNECT) from the broker is refused by the parser: UNEXPECTED_PACKET", () => {
    for (const p of [
      { type: "subscribe", packetId: 7, subscriptions: [{ topicFilter: "a/#", qos: 0 }] },
      { type: "pingreq" },
      { type: "connect", clientId: "x", cleanSession: true, keepalive: 10 },
    ] as MqttPacket[]) {
      const h = new Harness();
      h.connect();
      h.client.onSocketData(encodeMqttPacket(p), 100);
      const d = ofType(h.take(), "disconnected")[0];
      expect(d.reason).toBe(MqttCloseReason.ParseError);
      expect(d.detail).toContain(MqttErrorCode.UnexpectedPacket);
      expect(h.client.stats.parseErrors).toBe(1);
    }
  });

  it("a socket closed by the peer while connected reports disconnected and reconnects after the backoff", () => {
    const h = new Harness();
    h.connect();
    h.client.onSocketClosed("ECONNRESET", 500);
    const actions = h.take();
    expect(ofType(actions, "socket-close")).toEqual([]); // already closed
    expect(ofType(actions, "disconnected")[0]).toMatchObject({ reason: MqttCloseReason.SocketClosed, detail: "ECONNRESET" });
    expect(h.client.state).toBe(MqttClientState.Backoff);
    h.connect();
    expect(h.client.stats.connects).toBe(2);
  });

  it("socket events with no socket (Disconnected, Backoff) are ignored and counted as stale", () => {
    const h = new Harness();
    h.client.onSocketOpened(0);
    h.client.onSocketData(CONNACK_OK, 0);
    h.client.onSocketClosed("late", 0);
    expect(h.take()).toEqual([]);
    expect(h.client.stats.staleEvents).toBe(3);
    expect(h.client.state).toBe(MqttClientState.Disconnected);
  });

  it("an invalid configuration is a typed error at construction", () => {
    expect(() => new MqttClient({ ...OPTIONS, username: undefined }, new SeededRng(1))).toThrow(MqttError); // password without user name
    expect(() => new MqttClient({ ...OPTIONS, keepaliveSeconds: 70000 }, new SeededRng(1))).toThrow(MqttError);
    expect(() => new MqttClient({ ...OPTIONS, backoff: { minMs: 5000, maxMs: 1000 } }, new SeededRng(1))).toThrow(MqttError);
    expect(() => new MqttClient({ ...OPTIONS, clientId: "a\u0000" }, new SeededRng(1))).toThrow(MqttError);
  });
});

describe("MQTT client: keepalive and watchdog", () => {
  it("keepalive: PINGREQ when nothing was sent for 15 s; sending anything restarts the period", () => {
    const h = new Harness();
    h.connect(); // t = 0
    expect(h.client.nextDeadline()).toBe(15000);
    expect(writes(h.advance(14999))).toEqual([]);
    h.client.onSocketData(PINGRESP, 14999); // receiving does not count as sending
    expect(writes(h.advance(15000))).toEqual([{ type: "pingreq" }]);
    expect(h.client.stats.pingsSent).toBe(1);
    h.client.onSocketData(PINGRESP, 15100);
    expect(h.client.publish("t", new Uint8Array(1), 0, false, 20000)).toBe("sent");
    h.take();
    expect(h.client.nextDeadline()).toBe(35000);
    expect(writes(h.advance(34999))).toEqual([]);
  });

  it("watchdog: nothing received for 1.5 × keepalive (22.5 s) closes the connection and reconnects", () => {
    const h = new Harness();
    h.connect(); // last received at 0
    const actions = h.advance(22500);
    expect(writes(actions)).toEqual([{ type: "pingreq" }]); // at 15 s, unanswered
    expect(actions.some((a) => a.type === "socket-close")).toBe(true);
    expect(ofType(actions, "disconnected")[0]).toMatchObject({ reason: MqttCloseReason.KeepaliveTimeout });
    expect(h.client.stats.keepaliveTimeouts).toBe(1);
    expect(h.client.state).toBe(MqttClientState.Backoff);
  });

  it("a broker that answers every PINGREQ keeps the connection up for an hour", () => {
    const h = new Harness();
    h.connect();
    for (let t = 0; t < 3600000; ) {
      const d = h.client.nextDeadline() as number;
      h.now = d;
      h.client.tick(d);
      const sent = writes(h.take());
      if (sent.length > 0) h.client.onSocketData(PINGRESP, d + 50);
      t = d;
    }
    expect(h.client.state).toBe(MqttClientState.Connected);
    expect(h.client.stats.pingsSent).toBe(240);
    expect(h.client.stats.pingResps).toBe(240);
  });

  it("keepalive 0 turns off PINGREQ and the watchdog (section 3.1.2.10)", () => {
    const h = new Harness({ keepaliveSeconds: 0 });
    h.connect();
    expect(h.client.nextDeadline()).toBeUndefined();
  });
});

describe("MQTT client: reconnect backoff (spec 9)", () => {
  function failOnce(h: Harness): number {
    // The attempt's socket is refused at once: the delay is retryAtMs - now.
    if (h.client.state === MqttClientState.Disconnected) h.client.start(h.now);
    else h.advance(h.client.nextDeadline() as number);
    h.take();
    h.client.onSocketClosed("ECONNREFUSED", h.now);
    const failed = ofType(h.take(), "connect-failed")[0];
    return failed.retryAtMs - h.now;
  }

  it("exponential backoff with equal jitter: delay n is in [base, 2·base] with base = 1 s × 2^(n−1), bounded by [1 s, 60 s]", () => {
    const h = new Harness(undefined, 42);
    const policy = defaultBackoffPolicy();
    const delays: number[] = [];
    for (let n = 1; n <= 12; n++) {
      const d = failOnce(h);
      const base = backoffBaseMs(policy, n);
      expect(d).toBeGreaterThanOrEqual(Math.max(1000, base));
      expect(d).toBeLessThanOrEqual(Math.min(60000, 2 * base));
      delays.push(d);
    }
    expect(delays[0]).toBeLessThanOrEqual(2000);
    for (const d of delays.slice(6)) expect(d).toBeGreaterThanOrEqual(30000); // capped range [30 s, 60 s]
    expect(new Set(delays.slice(6)).size).toBeGreaterThan(1); // jittered, not a fixed step
  });

  it("the backoff resets after a successful CONNACK", () => {
    const h = new Harness(undefined, 7);
    for (let n = 0; n < 8; n++) failOnce(h);
    expect(h.client.consecutiveFailures).toBe(8);
    h.connect();
    expect(h.client.consecutiveFailures).toBe(0);
    h.client.onSocketClosed("EPIPE", h.now);
    const d = ofType(h.take(), "disconnected")[0];
    expect(d.retryAtMs! - h.now).toBeGreaterThanOrEqual(1000);
    expect(d.retryAtMs! - h.now).toBeLessThanOrEqual(2000);
  });

  it("custom bounds are respected (min 500 ms, max 4 s)", () => {
    const h = new Harness({ backoff: { minMs: 500, maxMs: 4000 } }, 3);
    for (let n = 1; n <= 10; n++) {
      const d = failOnce(h);
      expect(d).toBeGreaterThanOrEqual(500);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it("the fixed option waits exactly 30 s after every failure, like the firmware (MQTT::runOnce)", () => {
    const h = new Harness({ backoff: { mode: "fixed" } });
    for (let n = 0; n < 5; n++) expect(failOnce(h)).toBe(30000);
  });

  it("the fixed option reconnects on the firmware's next loop (20 ms) when an established connection drops (MQTT.cpp 625-646), then waits 30 s if that fails", () => {
    const h = new Harness({ backoff: { mode: "fixed" } });
    h.connect();
    h.now = 5000;
    h.client.onSocketClosed("EPIPE", h.now);
    expect(ofType(h.take(), "disconnected")[0].retryAtMs).toBe(5020);
    expect(ofType(h.advance(5020), "socket-open")).toHaveLength(1);
    h.client.onSocketClosed("ECONNREFUSED", h.now);
    expect(ofType(h.take(), "connect-failed")[0].retryAtMs).toBe(35020);
  });

  it("different seeds spread the retries of gateways that failed together", () => {
    const first = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => {
      const h = new Harness(undefined, seed);
      failOnce(h);
      return failOnce(h);
    });
    expect(new Set(first).size).toBeGreaterThan(4);
  });
});

describe("MQTT client: subscriptions (spec 5.5)", () => {
  it("resubscribe after reconnect: every remembered filter is subscribed again at QoS 1", () => {
    const h = new Harness();
    h.connect();
    expect(h.client.subscribe(["msh/US/2/e/LongFast/+"], h.now)).toBe("sent");
    expect(writes(h.take())).toMatchObject([{ type: "subscribe", subscriptions: [{ topicFilter: "msh/US/2/e/LongFast/+", qos: 1 }] }]);
    expect(h.client.subscribe(["msh/US/2/e/PKI/+"], h.now)).toBe("sent");
    h.take();
    h.client.onSocketClosed("network down", 1000);
    h.take();
    const sent = h.connect();
    expect(sent).toMatchObject([
      {
        type: "subscribe",
        subscriptions: [
          { topicFilter: "msh/US/2/e/LongFast/+", qos: 1 },
          { topicFilter: "msh/US/2/e/PKI/+", qos: 1 },
        ],
      },
    ]);
  });

  it("SUBSCRIBE packets are packed to fit maxPacketBytes, with distinct non-zero packet ids", () => {
    const h = new Harness({ maxPacketBytes: 64 });
    const filters = ["msh/US/2/e/LongFast/+", "msh/US/2/e/MediumSlow/+", "msh/US/2/e/ShortFast/+", "msh/US/2/e/PKI/+"];
    expect(h.client.subscribe(filters, 0)).toBe("remembered");
    const sent = h.connect();
    expect(sent.length).toBeGreaterThan(1);
    const got: string[] = [];
    const ids = new Set<number>();
    for (const p of sent) {
      if (p.type !== "subscribe") throw new Error("expected SUBSCRIBE");
      expect(encodeMqttPacket(p).length).toBeLessThanOrEqual(64);
      expect(p.packetId).toBeGreaterThan(0);
      ids.add(p.packetId);
      got.push(...p.subscriptions.map((s) => s.topicFilter));
    }
    expect(got).toEqual(filters);
    expect(ids.size).toBe(sent.length);
  });

  it("a refused subscription (SUBACK 0x80) is counted and logged with its filter", () => {
    const h = new Harness();
    h.client.subscribe(["a/+", "b/#"], 0);
    const sub = h.connect()[0];
    if (sub.type !== "subscribe") throw new Error("expected SUBSCRIBE");
    const actions = h.data({ type: "suback", packetId: sub.packetId, returnCodes: [1, 0x80] });
    expect(h.client.stats).toMatchObject({ subAcks: 1, subscriptionsRefused: 1 });
    expect(ofType(actions, "log")[0].message).toContain("b/#");
    h.data({ type: "suback", packetId: sub.packetId, returnCodes: [1, 1] });
    expect(h.client.stats.unexpectedSubAcks).toBe(1);
  });

  it("invalid filters and too many filters are refused whole and counted", () => {
    const h = new Harness({ maxSubscriptions: 2 });
    expect(h.client.subscribe(["ok/+", "bad/#/x"], 0)).toBe("invalid topic filter");
    expect(h.client.subscribe([""], 0)).toBe("invalid topic filter");
    expect(h.client.subscriptions()).toEqual([]);
    expect(h.client.subscribe(["a", "b", "c"], 0)).toBe("too many");
    expect(h.client.subscribe(["a", "b"], 0)).toBe("remembered");
    expect(h.client.subscribe(["a"], 0)).toBe("already subscribed");
    expect(h.client.stats).toMatchObject({ subscribeInvalid: 2, subscribeTooMany: 1 });
    // A 32-byte SUBSCRIBE does not fit 30 bytes (the 23-byte CONNECT does).
    const small = new Harness({ maxPacketBytes: 30, username: undefined, password: undefined });
    expect(small.client.subscribe(["a/very/long/filter/name/+"], 0)).toBe("too large");
    expect(small.client.stats.subscribeTooLarge).toBe(1);
    // A CONNECT that cannot fit is a configuration error.
    expect(() => new Harness({ maxPacketBytes: 16 })).toThrow(MqttError);
  });

  it("setSubscriptions unsubscribes what is gone and subscribes what is new", () => {
    const h = new Harness();
    h.client.subscribe(["a/+", "b/+"], 0);
    h.connect();
    expect(h.client.setSubscriptions(["b/+", "c/+"], h.now)).toBe("sent");
    expect(writes(h.take())).toMatchObject([
      { type: "unsubscribe", topicFilters: ["a/+"] },
      { type: "subscribe", subscriptions: [{ topicFilter: "c/+", qos: 1 }] },
    ]);
    expect(h.client.subscriptions()).toEqual(["b/+", "c/+"]);
    expect(h.client.unsubscribe(["zzz"], h.now)).toBe("not subscribed");
  });
});

describe("MQTT client: publish and deliver", () => {
  it("publish while not connected returns 'not connected' and is counted", () => {
    const h = new Harness();
    expect(h.client.publish("msh/US/2/e/LongFast/!12345678", new Uint8Array(4), 0, false, 0)).toBe("not connected");
    h.client.start(0);
    h.client.onSocketOpened(0);
    expect(h.client.publish("t", new Uint8Array(4), 0, false, 0)).toBe("not connected"); // before CONNACK
    expect(h.client.stats.publishNotConnected).toBe(2);
    expect(writes(h.take())).toEqual([expect.objectContaining({ type: "connect" })]);
  });

  it("publish QoS 0 (the firmware's uplink) writes one PUBLISH; too large and invalid topics are refused and counted", () => {
    const h = new Harness({ maxPacketBytes: 128 });
    h.connect();
    expect(h.client.publish("msh/US/2/e/LongFast/!12345678", hex("0a 0b"), 0, false, 100)).toBe("sent");
    expect(writes(h.take())).toEqual([{ type: "publish", topic: "msh/US/2/e/LongFast/!12345678", payload: hex("0a 0b"), qos: 0, retain: false, dup: false }]);
    expect(h.client.publish("t", new Uint8Array(200), 0, false, 100)).toBe("too large");
    expect(h.client.publish("msh/+/x", new Uint8Array(1), 0, false, 100)).toBe("invalid topic");
    expect(h.take()).toEqual([]);
    expect(h.client.stats).toMatchObject({ published: 1, publishTooLarge: 1, publishInvalid: 1 });
  });

  it("outgoing QoS 1 publishes hold an in-flight slot until PUBACK; when full the result is 'in flight full'", () => {
    const h = new Harness({ maxInflight: 2 });
    h.connect();
    expect(h.client.publish("t", hex("01"), 1, false, 0)).toBe("sent");
    expect(h.client.publish("t", hex("02"), 1, false, 0)).toBe("sent");
    expect(h.client.publish("t", hex("03"), 1, false, 0)).toBe("in flight full");
    const sent = writes(h.take());
    const ids = sent.map((p) => (p.type === "publish" ? p.packetId : -1));
    expect(ids[0]).not.toBe(ids[1]);
    h.data({ type: "puback", packetId: ids[0] as number });
    expect(h.client.publish("t", hex("03"), 1, false, 0)).toBe("sent");
    h.data({ type: "puback", packetId: 999 });
    expect(h.client.stats).toMatchObject({ publishAcked: 1, publishInflightFull: 1, unknownPubAcks: 1 });
    // Clean session: unacknowledged QoS 1 publishes are counted, not resent, when the connection ends.
    h.client.onSocketClosed("gone", 10);
    expect(h.client.stats.publishUnacked).toBe(2);
  });

  it("QoS 1 PUBLISH from the broker is delivered and answered with PUBACK carrying its packet id [MQTT-4.3.2-2]", () => {
    const h = new Harness();
    h.connect();
    const actions = h.data({ type: "publish", topic: "msh/US/2/e/LongFast/!abcdef01", payload: hex("99"), qos: 1, retain: false, dup: false, packetId: 77 });
    expect(ofType(actions, "deliver")).toEqual([{ type: "deliver", topic: "msh/US/2/e/LongFast/!abcdef01", payload: hex("99"), retain: false, qos: 1, dup: false }]);
    expect(writes(actions)).toEqual([{ type: "puback", packetId: 77 }]);
    expect(h.client.stats).toMatchObject({ delivered: 1, pubAcksSent: 1 });
    // QoS 0 needs no answer.
    expect(writes(h.data({ type: "publish", topic: "x", payload: hex("01"), qos: 0, retain: false, dup: false }))).toEqual([]);
  });

  it("client-to-server packets from the broker (e.g. SUBSCRIBE, a second CONNACK) are protocol errors", () => {
    const h = new Harness();
    h.connect();
    expect(ofType(h.data({ type: "connack", sessionPresent: false, returnCode: 0 }), "disconnected")[0].reason).toBe(MqttCloseReason.ProtocolError);
  });
});

describe("MQTT client: stop", () => {
  it("a clean stop sends DISCONNECT, closes the socket, reports disconnected and leaves no timer", () => {
    const h = new Harness();
    h.client.subscribe(["a/+"], 0);
    h.connect();
    h.client.stop(1000);
    const actions = h.take();
    expect(writes(actions)).toEqual([{ type: "disconnect" }]);
    expect(actions.map((a) => a.type)).toEqual(["socket-write", "socket-close", "disconnected"]);
    expect(ofType(actions, "disconnected")[0]).toMatchObject({ reason: MqttCloseReason.Stopped, retryAtMs: undefined });
    expect(h.client.state).toBe(MqttClientState.Disconnected);
    expect(h.client.nextDeadline()).toBeUndefined();
    // Filters are kept for the next start.
    h.now = 2000;
    expect(h.connect()).toMatchObject([{ type: "subscribe" }]);
  });

  it("stop during a connect attempt closes the socket; stop during backoff cancels the retry", () => {
    const h = new Harness();
    h.client.start(0);
    h.take();
    h.client.stop(5);
    expect(ofType(h.take(), "socket-close")).toHaveLength(1);
    expect(h.client.state).toBe(MqttClientState.Disconnected);
    h.client.start(10);
    h.client.onSocketClosed("refused", 11);
    h.take();
    expect(h.client.state).toBe(MqttClientState.Backoff);
    h.client.stop(12);
    expect(h.take()).toEqual([]);
    expect(h.client.nextDeadline()).toBeUndefined();
  });
});
