// Gateway policies beyond the firmware (spec section 9; MqttGatewayConfig zeroHopDownlink,
// downlinkRateLimit, publicPortAllowList): each off by default (firmware 2.7 behaviour), and each
// tested enabled, with its bounds and the rate limiter's eviction rule.
import { describe, expect, it } from "vitest";
import { PortableChannelCipher, expandPsk } from "../../firmware/crypto/index.js";
import { DownlinkDrop } from "../../firmware/gateway/downlink-drops.js";
import { isPublicKey, portAllowed } from "../../firmware/gateway/downlink-policy.js";
import {
  DOWNLINK_RATE_BYTES_PER_NODE,
  DOWNLINK_RATE_DEFAULT_MAX_NODES,
  DOWNLINK_RATE_MAX_NODES_LIMIT,
  DownlinkRateLimiter,
} from "../../firmware/gateway/downlink-rate-limit.js";
import { defaultMqttConfig } from "../../firmware/gateway/mqtt-config.js";
import type { MqttGatewayConfig } from "../../firmware/gateway/mqtt-config.js";
import { MQTT_JSON } from "../../firmware/gateway/mqtt-json.js";
import { encodeEnvelope } from "../../firmware/gateway/index.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { DataCodec, PortNum, PositionCodec } from "../../firmware/wire/index.js";
import { DEFAULT_KEY, NodeBench } from "../support/node-bench.js";
import { RecordingLink } from "../support/recording-link.js";

const US = 0x10;
const TOPIC = "msh/US/2/e/LongFast/!00000abc";
const cipher = new PortableChannelCipher();
const enc = new TextEncoder();
const PRIVATE_PSK = new Uint8Array(16).map((_, i) => 0x30 + i);


function gateway(mqtt: (m: MqttGatewayConfig) => void = () => {}, node: (c: NodeConfig) => void = () => {}) {
  const m = defaultMqttConfig();
  m.enabled = true;
  m.address = "10.0.0.2";
  m.root = "msh/US";
  mqtt(m);
  return new NodeBench(
    (c) => {
      c.channels[0].uplinkEnabled = true;
      c.channels[0].downlinkEnabled = true;
      node(c);
    },
    US,
    undefined,
    7,
    { mqtt: m, mqttLink: new RecordingLink(), mqttJson: MQTT_JSON },
  );
}

interface Over {
  from?: number;
  id?: number;
  hopLimit?: number;
  hopStart?: number;
  portnum?: number;
  channelId?: string;
  key?: Uint8Array;
  hash?: number;
  decoded?: boolean;
}

function envelope(o: Over = {}): Uint8Array {
  const from = o.from ?? 0x77;
  const id = o.id ?? 0x4321;
  const data = { portnum: o.portnum ?? PortNum.TEXT_MESSAGE_APP, payload: enc.encode("hi"), bitfield: 1 };
  const hops = { hopLimit: o.hopLimit ?? 2, hopStart: o.hopStart ?? 3 };
  const packet = o.decoded
    ? { from, to: BROADCAST, id, decoded: data, ...hops }
    : { from, to: BROADCAST, id, channel: o.hash ?? 8, encrypted: cipher.ctr(o.key ?? DEFAULT_KEY, id, from, DataCodec.encode(data)), ...hops };
  return encodeEnvelope(packet, o.channelId ?? "LongFast", 0xabc);
}

function down(b: NodeBench, bytes: Uint8Array, topic = TOPIC): void {
  b.act((n, now) => n.mqtt?.onMessage(topic, bytes, now));
}

function dropsOf(b: NodeBench): Record<string, number> {
  return b.node.mqtt?.stats.downlinkDrops ?? {};
}

describe("defaults keep firmware behaviour", () => {
  it("zero-hop off, no rate limit, no port allow list", () => {
    const c = defaultMqttConfig();
    expect(c.zeroHopDownlink).toBe(false);
    expect(c.downlinkRateLimit.packets).toBe(0);
    expect(c.downlinkRateLimit.maxNodes).toBe(DOWNLINK_RATE_DEFAULT_MAX_NODES);
    expect(c.publicPortAllowList).toEqual([]);
    const b = gateway();
    expect(b.node.mqtt?.downlinkPolicy.limiter).toBeUndefined();
  });
});

describe("strictDownlink", () => {
  const OTHER_TOPIC = "msh/US/2/e/LongFast/!00000abd";

  it("on: hop_start < hop_limit and an envelope not matching its topic are refused and counted", () => {
    const b = gateway((m) => (m.strictDownlink = true));
    down(b, envelope({ id: 1, hopLimit: 3, hopStart: 0 }));
    down(b, envelope({ id: 2 }), OTHER_TOPIC);
    b.advance(30_000);
    expect(b.delivered).toEqual([]);
    expect(dropsOf(b)).toMatchObject({ "hop-start-below-limit": 1, "topic-mismatch": 1 });
  });

  it("off (default): both are accepted as firmware 2.7 accepts them (pre-2.3 senders, topic-rewriting bridges)", () => {
    expect(defaultMqttConfig().strictDownlink).toBe(false);
    const b = gateway();
    down(b, envelope({ id: 1, hopLimit: 3, hopStart: 0 }));
    down(b, envelope({ id: 2 }), OTHER_TOPIC);
    b.advance(30_000);
    expect(b.delivered.map((p) => p.id).sort()).toEqual([1, 2]);
    expect(dropsOf(b)).toEqual({});
  });
});

describe("zeroHopDownlink", () => {
  it("disabled: a downlink is relayed on LoRa with hop_limit − 1 (firmware)", () => {
    const b = gateway();
    down(b, envelope({ hopLimit: 3, hopStart: 3 }));
    b.advance(30_000);
    expect(b.sentOf(0x77, 0x4321).map((s) => s.header.hopLimit)).toEqual([2]);
  });

  it("enabled: the LoRa copy carries hop_limit 0 and keeps hop_start; the app still gets it", () => {
    const b = gateway((m) => (m.zeroHopDownlink = true));
    down(b, envelope({ hopLimit: 5, hopStart: 7 }));
    expect(b.delivered.map((p) => p.id)).toEqual([0x4321]);
    b.advance(30_000);
    expect(b.sentOf(0x77, 0x4321).map((s) => [s.header.hopLimit, s.header.hopStart, s.header.viaMqtt])).toEqual([[0, 7, true]]);
  });

  it("enabled: a downlink already at hop_limit 0 is consumed by the gateway, not sent (firmware rule kept)", () => {
    const b = gateway((m) => (m.zeroHopDownlink = true));
    down(b, envelope({ hopLimit: 0, hopStart: 3 }));
    b.advance(30_000);
    expect(b.delivered.map((p) => p.id)).toEqual([0x4321]);
    expect(b.sent).toEqual([]);
  });

  it("enabled: decoded downlinks (encryption_enabled off) are clamped too", () => {
    const b = gateway((m) => {
      m.zeroHopDownlink = true;
      m.encryptionEnabled = false;
    });
    down(b, envelope({ decoded: true, hopLimit: 4, hopStart: 4 }));
    b.advance(30_000);
    expect(b.sentOf(0x77, 0x4321).map((s) => s.header.hopLimit)).toEqual([0]);
  });
});

describe("zeroHopDownlink and JSON downlinks", () => {
  function jsonGateway(zeroHop: boolean) {
    return gateway(
      (m) => {
        m.jsonEnabled = true;
        m.zeroHopDownlink = zeroHop;
      },
      (c) => c.channels.push({ role: 2, name: "mqtt", psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: true, positionPrecision: 0 }),
    );
  }
  const body = (extra: string) => new TextEncoder().encode(`{"from":${US},"type":"sendtext","payload":"hi"${extra}}`);

  it("a sendtext's own hopLimit is honoured, 0 included (the firmware copies it into the packet)", () => {
    const b = jsonGateway(false);
    b.act((n, now) => n.mqtt?.onMessage("msh/US/2/json/mqtt/!00000010", body(',"hopLimit":0'), now));
    b.act((n, now) => n.mqtt?.onMessage("msh/US/2/json/mqtt/!00000010", body(',"hopLimit":2'), now));
    b.advance(60_000);
    expect(b.sent.map((s) => s.header.hopLimit).sort()).toEqual([0, 2]);
  });

  it("enabled: the gateway's own sendtext goes out with hop_limit 0", () => {
    const b = jsonGateway(true);
    b.act((n, now) => n.mqtt?.onMessage("msh/US/2/json/mqtt/!00000010", body(',"hopLimit":5'), now));
    b.act((n, now) => n.mqtt?.onMessage("msh/US/2/json/mqtt/!00000010", body(""), now));
    b.advance(60_000);
    expect(b.sent.map((s) => [s.header.from, s.header.hopLimit, s.header.hopStart])).toEqual([
      [US, 0, 0],
      [US, 0, 0],
    ]);
  });
});

describe("jsonDownlinkExtended", () => {
  function jsonGateway(extended: boolean) {
    return gateway(
      (m) => {
        m.jsonEnabled = true;
        m.jsonDownlinkExtended = extended;
      },
      (c) => {
        // Full precision on channel 0, so Router::send keeps the coordinates as given.
        c.channels[0].positionPrecision = 32;
        c.channels.push({ role: 2, name: "mqtt", psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: true, positionPrecision: 0 });
      },
    );
  }
  const TOPIC_JSON = "msh/US/2/json/mqtt/!00000010";
  const position = enc.encode(`{"from":${US},"type":"sendposition","payload":{"latitude_i":523456789,"longitude_i":-12345678,"altitude":35,"time":1700000000}}`);
  const accented = enc.encode(`{"from":${US},"type":"sendtext","payload":"caf\\u00e9"}`);

  function onAir(extended: boolean): [number | undefined, number[]][] {
    const b = jsonGateway(extended);
    b.act((n, now) => n.mqtt?.onMessage(TOPIC_JSON, position, now));
    b.act((n, now) => n.mqtt?.onMessage(TOPIC_JSON, accented, now));
    b.advance(60_000);
    return b.sent.map((s) => [s.data?.portnum, Array.from(s.data?.payload ?? [])]);
  }

  it("off (default): what firmware 2.7 puts on the air, a Position with only its time and the low byte of \\u00e9", () => {
    expect(defaultMqttConfig().jsonDownlinkExtended).toBe(false);
    expect(onAir(false)).toEqual(expect.arrayContaining([
      [PortNum.POSITION_APP, Array.from(PositionCodec.encode({ time: 1700000000, precisionBits: 32 }))],
      [PortNum.TEXT_MESSAGE_APP, [0x63, 0x61, 0x66, 0xe9]],
    ]));
  });

  it("on: the coordinates and UTF-8 text", () => {
    expect(onAir(true)).toEqual(expect.arrayContaining([
      [PortNum.POSITION_APP, Array.from(PositionCodec.encode({ latitudeI: 523456789, longitudeI: -12345678, altitude: 35, time: 1700000000, precisionBits: 32 }))],
      [PortNum.TEXT_MESSAGE_APP, Array.from(enc.encode("café"))],
    ]));
  });
});

describe("downlinkRateLimit", () => {
  it("disabled: 200 envelopes from one sender in one second all pass", () => {
    const b = gateway();
    for (let i = 0; i < 200; i++) down(b, envelope({ id: 100 + i }));
    expect(b.node.mqtt?.stats.downlinked).toBe(200);
    expect(dropsOf(b)).toEqual({});
  });

  it("enabled: a burst of N passes, the rest is rate-limited; tokens refill at N per window, never above N", () => {
    const b = gateway((m) => (m.downlinkRateLimit = { packets: 3, windowMs: 3000, maxNodes: 8 }));
    for (let i = 0; i < 5; i++) down(b, envelope({ id: 100 + i }));
    expect(b.node.mqtt?.stats.downlinked).toBe(3);
    expect(dropsOf(b)).toEqual({ [DownlinkDrop.RateLimited]: 2 });
    // One token per second.
    b.advance(500);
    down(b, envelope({ id: 200 }));
    expect(b.node.mqtt?.stats.downlinked).toBe(3);
    b.advance(500);
    down(b, envelope({ id: 201 }));
    expect(b.node.mqtt?.stats.downlinked).toBe(4);
    // A long idle period refills to N, not more.
    b.advance(60_000);
    for (let i = 0; i < 5; i++) down(b, envelope({ id: 300 + i }));
    expect(b.node.mqtt?.stats.downlinked).toBe(7);
    expect(dropsOf(b)[DownlinkDrop.RateLimited]).toBe(2 + 1 + 2);
  });

  it("enabled: buckets are per sender; another node is not limited by a busy one", () => {
    const b = gateway((m) => (m.downlinkRateLimit = { packets: 2, windowMs: 1000, maxNodes: 8 }));
    for (let i = 0; i < 10; i++) down(b, envelope({ from: 0x66, id: 100 + i }));
    down(b, envelope({ from: 0x67, id: 1 }));
    down(b, envelope({ from: 0x67, id: 2 }));
    expect(b.delivered.filter((p) => p.from === 0x67).map((p) => p.id)).toEqual([1, 2]);
    expect(dropsOf(b)[DownlinkDrop.RateLimited]).toBe(8);
  });

  it("enabled: JSON downlinks are charged to the gateway's own bucket (their from)", () => {
    const b = gateway(
      (m) => {
        m.jsonEnabled = true;
        m.downlinkRateLimit = { packets: 1, windowMs: 60_000, maxNodes: 8 };
      },
      (c) => c.channels.push({ role: 2, name: "mqtt", psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: true, positionPrecision: 0 }),
    );
    const body = enc.encode(JSON.stringify({ from: US, type: "sendtext", payload: "j" }));
    down(b, body, "msh/US/2/json/mqtt/!00000abc");
    down(b, body, "msh/US/2/json/mqtt/!00000abc");
    expect(b.node.mqtt?.stats.downlinked).toBe(1);
    expect(dropsOf(b)).toEqual({ [DownlinkDrop.RateLimited]: 1 });
    expect(b.node.mqtt?.downlinkPolicy.limiter?.tracks(US)).toBe(true);
  });

  it("bounds: the table holds maxNodes senders at DOWNLINK_RATE_BYTES_PER_NODE each; maxNodes is clamped", () => {
    const l = new DownlinkRateLimiter({ packets: 1, windowMs: 1000, maxNodes: 4 });
    for (let i = 0; i < 10; i++) l.take(0x100 + i, i);
    expect(l.size).toBe(4);
    expect(l.evicted).toBe(6);
    expect(l.memoryBytes).toBe(4 * DOWNLINK_RATE_BYTES_PER_NODE);
    expect(new DownlinkRateLimiter({ packets: 1, windowMs: 1000, maxNodes: 1e9 }).capacity).toBe(DOWNLINK_RATE_MAX_NODES_LIMIT);
    expect(new DownlinkRateLimiter({ packets: 1, windowMs: 1000, maxNodes: 0 }).capacity).toBe(DOWNLINK_RATE_DEFAULT_MAX_NODES);
    expect(DOWNLINK_RATE_MAX_NODES_LIMIT * DOWNLINK_RATE_BYTES_PER_NODE).toBeLessThanOrEqual(20 * 1024);
  });

  it("eviction: the least recently seen sender is forgotten; senders still active keep their empty buckets", () => {
    const l = new DownlinkRateLimiter({ packets: 1, windowMs: 60_000, maxNodes: 3 });
    expect(l.take(0xa, 0)).toBe(true);
    expect(l.take(0xb, 1)).toBe(true);
    expect(l.take(0xc, 2)).toBe(true);
    // A is active again (refused: its bucket is empty) and so becomes the most recently seen.
    expect(l.take(0xa, 3)).toBe(false);
    // D evicts B, the least recently seen.
    expect(l.take(0xd, 4)).toBe(true);
    expect([l.tracks(0xa), l.tracks(0xb), l.tracks(0xc), l.tracks(0xd)]).toEqual([true, false, true, true]);
    expect(l.take(0xa, 5)).toBe(false);
    // B comes back as a new sender with a full bucket: forgetting an idle sender costs one bucket.
    expect(l.take(0xb, 6)).toBe(true);
    expect(l.tracks(0xc)).toBe(false);
    expect(l.evicted).toBe(2);
  });

  it("a clock that steps back refills nothing", () => {
    const l = new DownlinkRateLimiter({ packets: 1, windowMs: 1000, maxNodes: 2 });
    expect(l.take(1, 10_000)).toBe(true);
    expect(l.take(1, 5_000)).toBe(false);
    expect(l.take(1, 10_500)).toBe(false);
    expect(l.take(1, 11_000)).toBe(true);
  });
});

describe("publicPortAllowList", () => {
  const allow = [PortNum.TEXT_MESSAGE_APP, PortNum.POSITION_APP];

  it("disabled (empty): any portnum is downlinked on the default-key channel", () => {
    const b = gateway();
    down(b, envelope({ portnum: PortNum.RANGE_TEST_APP }));
    expect(b.delivered.map((p) => p.decoded?.portnum)).toEqual([PortNum.RANGE_TEST_APP]);
  });

  it("enabled: on the default-key channel only listed portnums pass; the rest is port-not-allowed", () => {
    const b = gateway((m) => (m.publicPortAllowList = allow));
    down(b, envelope({ id: 1, portnum: PortNum.TEXT_MESSAGE_APP }));
    down(b, envelope({ id: 2, portnum: PortNum.RANGE_TEST_APP }));
    down(b, envelope({ id: 3, portnum: PortNum.REMOTE_HARDWARE_APP }));
    expect(b.delivered.map((p) => p.id)).toEqual([1]);
    expect(dropsOf(b)).toEqual({ [DownlinkDrop.PortNotAllowed]: 2 });
  });

  it("enabled: a channel with a private key is not filtered", () => {
    const key = (expandPsk(PRIVATE_PSK) as { key: Uint8Array }).key;
    const b = gateway(
      (m) => (m.publicPortAllowList = allow),
      (c) => c.channels.push({ role: 2, name: "Private", psk: PRIVATE_PSK, uplinkEnabled: false, downlinkEnabled: true, positionPrecision: 0 }),
    );
    const hash = b.node.channels.entries[1].hash;
    down(b, envelope({ channelId: "Private", key, hash, portnum: PortNum.RANGE_TEST_APP }), "msh/US/2/e/Private/!00000abc");
    expect(b.delivered.map((p) => [p.channel, p.decoded?.portnum])).toEqual([[1, PortNum.RANGE_TEST_APP]]);
    expect(dropsOf(b)).toEqual({});
  });

  it("enabled: an unencrypted channel counts as public (decoded downlinks with encryption_enabled off)", () => {
    const b = gateway(
      (m) => {
        m.publicPortAllowList = allow;
        m.encryptionEnabled = false;
      },
      (c) => (c.channels[0].psk = new Uint8Array([0])),
    );
    down(b, envelope({ decoded: true, id: 1, portnum: PortNum.POSITION_APP }));
    down(b, envelope({ decoded: true, id: 2, portnum: PortNum.RANGE_TEST_APP }));
    expect(b.delivered.map((p) => p.id)).toEqual([1]);
    expect(dropsOf(b)).toEqual({ [DownlinkDrop.PortNotAllowed]: 1 });
  });

  it("isPublicKey: none, the default key and every one-byte simple psk; not a 16- or 32-byte private key", () => {
    expect(isPublicKey(null)).toBe(true);
    expect(isPublicKey(DEFAULT_KEY)).toBe(true);
    for (const n of [2, 10, 255]) expect(isPublicKey((expandPsk(new Uint8Array([n])) as { key: Uint8Array }).key)).toBe(true);
    expect(isPublicKey((expandPsk(PRIVATE_PSK) as { key: Uint8Array }).key)).toBe(false);
    expect(isPublicKey(new Uint8Array(32))).toBe(false);
    expect(portAllowed([], 99)).toBe(true);
    expect(portAllowed([1], 99)).toBe(false);
  });
});
