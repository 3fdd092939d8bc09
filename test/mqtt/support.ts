// Shared by the MQTT codec suites: fast-check arbitraries for valid 3.1.1 packets, and the mapping
// between our packets and mqtt-packet's (the oracle, ARCHITECTURE.md "Two codecs, one contract").
import fc from "fast-check";
import mqttPacket from "mqtt-packet";
import type { MqttPacket, MqttSubscription, MqttWill } from "../../firmware/mqtt/index.js";

/** Hex from fixture parts, ignoring spaces: hex("10", "2a 00") -> bytes 10 2a 00. */
export function hex(...parts: string[]): Uint8Array {
  const s = parts.join("").replace(/\s+/g, "");
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function ascii(s: string): Uint8Array {
  return new Uint8Array([...s].map((c) => c.charCodeAt(0)));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---- arbitraries ----

/** A string of any Unicode scalar values except U+0000 (UTF-8 encodable per [MQTT-1.5.3-1/2]). */
function mqttString(forbidden: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  const unit = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  );
  return fc
    .array(unit, { minLength, maxLength })
    .map((cs) => cs.join(""))
    .filter((s) => ![...s].some((c) => c === "\u0000" || forbidden.includes(c)));
}

export const anyString = mqttString("", 0, 12);
export const topicName = mqttString("+#", 1, 16);

/** Filters built from levels: plain levels, '+' levels, an optional trailing '#'. */
export const topicFilter: fc.Arbitrary<string> = fc
  .tuple(fc.array(fc.oneof(mqttString("+#/", 0, 6), fc.constant("+")), { minLength: 0, maxLength: 4 }), fc.boolean())
  .map(([levels, hash]) => (hash ? [...levels, "#"] : levels).join("/"))
  .filter((f) => f.length > 0);

const bytes = fc.uint8Array({ maxLength: 64 });
const packetId = fc.integer({ min: 1, max: 65535 });
const anyQos = fc.constantFrom(0 as const, 1 as const, 2 as const);

const will: fc.Arbitrary<MqttWill> = fc.record({ topic: topicName, payload: bytes, qos: anyQos, retain: fc.boolean() });

const connect = fc
  .record({
    clientId: anyString,
    cleanSession: fc.boolean(),
    keepalive: fc.integer({ min: 0, max: 65535 }),
    will: fc.option(will, { nil: undefined }),
    username: fc.option(anyString, { nil: undefined }),
    password: fc.option(bytes, { nil: undefined }),
  })
  .map((r): MqttPacket => {
    const p: MqttPacket = { type: "connect", clientId: r.clientId, cleanSession: r.cleanSession || r.clientId.length === 0, keepalive: r.keepalive };
    if (r.will !== undefined) p.will = r.will;
    if (r.username !== undefined) {
      p.username = r.username;
      if (r.password !== undefined) p.password = r.password;
    }
    return p;
  });

const connack = fc
  .record({ sessionPresent: fc.boolean(), returnCode: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 255 })) })
  .map((r): MqttPacket => ({ type: "connack", sessionPresent: r.returnCode === 0 && r.sessionPresent, returnCode: r.returnCode }));

const publish = fc
  .record({ topic: topicName, payload: fc.uint8Array({ maxLength: 300 }), qos: fc.constantFrom(0 as const, 1 as const), retain: fc.boolean(), dup: fc.boolean(), packetId })
  .map((r): MqttPacket =>
    r.qos === 0
      ? { type: "publish", topic: r.topic, payload: r.payload, qos: 0, retain: r.retain, dup: false }
      : { type: "publish", topic: r.topic, payload: r.payload, qos: 1, retain: r.retain, dup: r.dup, packetId: r.packetId },
  );

const subscription: fc.Arbitrary<MqttSubscription> = fc.record({ topicFilter, qos: anyQos });

export const validPacket: fc.Arbitrary<MqttPacket> = fc.oneof(
  connect,
  connack,
  publish,
  packetId.map((id): MqttPacket => ({ type: "puback", packetId: id })),
  fc.record({ packetId, subscriptions: fc.array(subscription, { minLength: 1, maxLength: 5 }) }).map((r): MqttPacket => ({ type: "subscribe", ...r })),
  fc
    .record({ packetId, returnCodes: fc.array(fc.constantFrom(0, 1, 2, 0x80), { minLength: 1, maxLength: 5 }) })
    .map((r): MqttPacket => ({ type: "suback", ...r })),
  fc.record({ packetId, topicFilters: fc.array(topicFilter, { minLength: 1, maxLength: 5 }) }).map((r): MqttPacket => ({ type: "unsubscribe", ...r })),
  packetId.map((id): MqttPacket => ({ type: "unsuback", packetId: id })),
  fc.constant<MqttPacket>({ type: "pingreq" }),
  fc.constant<MqttPacket>({ type: "pingresp" }),
  fc.constant<MqttPacket>({ type: "disconnect" }),
);

// ---- the oracle ----

type OraclePacket = mqttPacket.Packet;

/** Our packet as mqtt-packet's generate() takes it. */
export function toOracle(p: MqttPacket): OraclePacket {
  switch (p.type) {
    case "connect": {
      const o: mqttPacket.IConnectPacket = { cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: p.cleanSession, clientId: p.clientId, keepalive: p.keepalive };
      if (p.will !== undefined) o.will = { topic: p.will.topic, payload: Buffer.from(p.will.payload), qos: p.will.qos, retain: p.will.retain };
      if (p.username !== undefined) o.username = p.username;
      if (p.password !== undefined) o.password = Buffer.from(p.password);
      return o;
    }
    case "connack":
      return { cmd: "connack", sessionPresent: p.sessionPresent, returnCode: p.returnCode };
    case "publish":
      return { cmd: "publish", topic: p.topic, payload: Buffer.from(p.payload), qos: p.qos, retain: p.retain, dup: p.dup, messageId: p.packetId };
    case "puback":
      return { cmd: "puback", messageId: p.packetId };
    case "subscribe":
      return { cmd: "subscribe", messageId: p.packetId, subscriptions: p.subscriptions.map((s) => ({ topic: s.topicFilter, qos: s.qos })) };
    case "suback":
      return { cmd: "suback", messageId: p.packetId, granted: p.returnCodes };
    case "unsubscribe":
      return { cmd: "unsubscribe", messageId: p.packetId, unsubscriptions: p.topicFilters };
    case "unsuback":
      // The typings require MQTT 5's `granted`; a 3.1.1 UNSUBACK has none.
      return { cmd: "unsuback", messageId: p.packetId } as OraclePacket;
    default:
      return { cmd: p.type } as OraclePacket;
  }
}

/** A packet mqtt-packet's parser emitted, as ours. */
export function fromOracle(o: any): MqttPacket {
  switch (o.cmd) {
    case "connect": {
      const p: MqttPacket = { type: "connect", clientId: o.clientId, cleanSession: o.clean, keepalive: o.keepalive };
      if (o.will) p.will = { topic: o.will.topic, payload: new Uint8Array(o.will.payload), qos: o.will.qos, retain: o.will.retain };
      if (o.username !== undefined) p.username = o.username;
      if (o.password !== undefined) p.password = new Uint8Array(o.password);
      return p;
    }
    case "connack":
      return { type: "connack", sessionPresent: o.sessionPresent, returnCode: o.returnCode };
    case "publish":
      return o.qos === 0
        ? { type: "publish", topic: o.topic, payload: new Uint8Array(o.payload), qos: 0, retain: o.retain, dup: o.dup }
        : { type: "publish", topic: o.topic, payload: new Uint8Array(o.payload), qos: o.qos, retain: o.retain, dup: o.dup, packetId: o.messageId };
    case "puback":
      return { type: "puback", packetId: o.messageId };
    case "subscribe":
      return { type: "subscribe", packetId: o.messageId, subscriptions: o.subscriptions.map((s: any) => ({ topicFilter: s.topic, qos: s.qos })) };
    case "suback":
      return { type: "suback", packetId: o.messageId, returnCodes: o.granted };
    case "unsubscribe":
      return { type: "unsubscribe", packetId: o.messageId, topicFilters: o.unsubscriptions };
    case "unsuback":
      return { type: "unsuback", packetId: o.messageId };
    default:
      return { type: o.cmd } as MqttPacket;
  }
}

/** mqtt-packet's generate() for MQTT 3.1.1, as a Uint8Array. */
export function oracleGenerate(p: MqttPacket): Uint8Array {
  return new Uint8Array(mqttPacket.generate(toOracle(p), { protocolVersion: 4 }));
}

/** Everything mqtt-packet's 3.1.1 parser emits for `bytes`; throws what it reports as an error. */
export function oracleParse(bytes: Uint8Array): any[] {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const out: any[] = [];
  let error: unknown;
  parser.on("packet", (p: any) => out.push(p));
  parser.on("error", (e: unknown) => {
    error = e;
  });
  parser.parse(Buffer.from(bytes));
  if (error !== undefined) throw error;
  return out;
}
