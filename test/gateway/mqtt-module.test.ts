// The MQTT module's uplink and downlink rules (spec 5.6-5.10, 5.13), one test per rule, with a
// recording link in place of the broker.
import { describe, expect, it } from "vitest";
import { PortableChannelCipher } from "../../firmware/crypto/index.js";
import { defaultMqttConfig } from "../../firmware/gateway/mqtt-config.js";
import type { MqttGatewayConfig } from "../../firmware/gateway/mqtt-config.js";
import { decodeEnvelope, encodeEnvelope } from "../../firmware/gateway/index.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { DataCodec, MapReportCodec, PortNum, RoutingCodec, ServiceEnvelopeCodec } from "../../firmware/wire/index.js";
import { MQTT_JSON } from "../../firmware/gateway/mqtt-json.js";
import { DEFAULT_KEY, NodeBench, frameOf, header } from "../support/node-bench.js";
import { RecordingLink } from "../support/recording-link.js";

const US = 0x10;


function gateway(mqtt: (m: MqttGatewayConfig) => void = () => {}, node: (c: NodeConfig) => void = () => {}) {
  const link = new RecordingLink();
  const m = defaultMqttConfig();
  m.enabled = true;
  m.address = "broker.example.org";
  m.root = "msh/US";
  mqtt(m);
  const b = new NodeBench(
    (c) => {
      c.channels[0].uplinkEnabled = true;
      c.channels[0].downlinkEnabled = true;
      node(c);
    },
    US,
    undefined,
    7,
    { mqtt: m, mqttLink: link },
  );
  return { b, link };
}


const okToMqtt = { portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array([1]), bitfield: 1 };

describe("uplink", () => {
  it("our own packet is uplinked encrypted on ROOT/2/e/CHANNEL/!gateway", () => {
    const { b, link } = gateway();
    let id = 0;
    b.act((n, now) => (id = n.sendText(BROADCAST, "up", 0, false, now)));
    const [e] = link.envelopes();
    expect(e.topic).toBe("msh/US/2/e/LongFast/!00000010");
    expect(e).toMatchObject({ channelId: "LongFast", gatewayId: "!00000010" });
    expect(e.packet).toMatchObject({ from: US, to: BROADCAST, id, channel: 8, hopLimit: 3, hopStart: 3, relayNode: 0x10, priority: 100 });
    const plain = DataCodec.decode(new PortableChannelCipher().ctr(DEFAULT_KEY, id, US, e.packet.encrypted ?? new Uint8Array()));
    expect(plain.ok && new TextDecoder().decode(plain.value.payload)).toBe("up");
  });

  it("with encryption_enabled off the decoded packet is published with the local channel index", () => {
    const { b, link } = gateway((m) => (m.encryptionEnabled = false));
    b.act((n, now) => n.sendText(BROADCAST, "plain", 0, false, now));
    const [e] = link.envelopes();
    expect(e.packet.encrypted).toBeUndefined();
    expect(e.packet.channel).toBeUndefined();
    expect(new TextDecoder().decode(e.packet.decoded?.payload)).toBe("plain");
    // MQTT::onSend gets the copy Router::send took before perhapsEncode added the bitfield (Router.cpp 369).
    expect(e.packet.decoded?.bitfield).toBeUndefined();
  });

  it("a received packet with OK-to-MQTT is uplinked as heard (transport LoRa, SNR, RSSI)", () => {
    const { b, link } = gateway();
    b.rx(frameOf(header({}), okToMqtt), 5.5, -97);
    const [e] = link.envelopes();
    expect(e.packet).toMatchObject({ from: 0x99, id: 0x1234, rxSnr: 5.5, rxRssi: -97, transportMechanism: 1, channel: 8 });
  });

  it("packets with via_mqtt are never uplinked again", () => {
    const { b, link } = gateway();
    b.rx(frameOf(header({ viaMqtt: true }), okToMqtt));
    expect(link.published).toEqual([]);
    expect(b.node.mqtt?.stats.uplinkDrops["via-mqtt"]).toBe(1);
  });

  it("OK-to-MQTT is honoured on a public broker and ignored on a private one", () => {
    const noOk = { portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array([1]), bitfield: 0 };
    const pub = gateway();
    pub.b.rx(frameOf(header({}), noOk));
    expect(pub.link.published).toEqual([]);
    expect(pub.b.node.mqtt?.stats.uplinkDrops["not-ok-to-mqtt"]).toBe(1);
    const priv = gateway((m) => (m.address = "192.168.1.20:1883"));
    priv.b.rx(frameOf(header({}), noOk));
    expect(priv.link.published).toHaveLength(1);
  });

  it("range-test and detection-sensor packets are not sent to the default server, even our own", () => {
    const { b, link } = gateway((m) => (m.address = ""));
    b.act((n, now) => n.send({ to: BROADCAST, portnum: PortNum.RANGE_TEST_APP, payload: new Uint8Array([1]), channel: 0, wantAck: false, wantResponse: false, hopLimit: 0, replyId: 0, requestId: 0, pkiEncrypted: false }, now));
    b.rx(frameOf(header({}), { portnum: PortNum.DETECTION_SENSOR_APP, payload: new Uint8Array([1]), bitfield: 1 }));
    expect(link.published).toEqual([]);
    expect(b.node.mqtt?.stats.uplinkDrops["default-server-port"]).toBe(2);
  });

  it("an undecodable unicast on channel 0 goes to the PKI topic", () => {
    const { b, link } = gateway();
    b.rx(frameOf(header({ to: 0x55, channel: 0 }), okToMqtt, new Uint8Array(32).fill(5)));
    const [e] = link.envelopes();
    expect(e.topic).toBe("msh/US/2/e/PKI/!00000010");
    expect(e.packet.pkiEncrypted).toBe(true);
  });

  it("a channel without uplink_enabled is not published", () => {
    const { b, link } = gateway(undefined, (c) => (c.channels[0].uplinkEnabled = false));
    b.act((n, now) => n.sendText(BROADCAST, "x", 0, false, now));
    expect(link.published).toEqual([]);
  });

  it("a custom root is used for every topic and subscription", () => {
    const { b, link } = gateway((m) => (m.root = "mesh/region/test"));
    b.act((n, now) => n.sendText(BROADCAST, "x", 0, false, now));
    expect(link.published[0].topic).toBe("mesh/region/test/2/e/LongFast/!00000010");
    expect(link.subscriptions).toEqual(["mesh/region/test/2/e/LongFast/+", "mesh/region/test/2/e/PKI/+"]);
  });

  it("offline: envelopes are queued in order, the oldest dropped and counted beyond the capacity, then drained", () => {
    const { b, link } = gateway((m) => (m.offlineQueueSize = 3));
    link.connected = false;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) b.act((n, now) => ids.push(n.sendText(BROADCAST, "q" + i, 0, false, now)));
    expect(b.node.mqtt?.queue.size).toBe(3);
    expect(b.node.mqtt?.stats.queueDropped).toBe(2);
    link.connected = true;
    b.act((n, now) => n.handle({ type: "tick" }, now));
    expect(link.envelopes().map((e) => e.packet.id)).toEqual(ids.slice(2));
  });

  it("a publish the connected client refuses is counted and gone (firmware ignores the result); it blocks nothing", () => {
    const { b, link } = gateway(undefined, (c) => c.channels.push({ role: 2, name: "a+b", psk: new Uint8Array([1]), uplinkEnabled: true, downlinkEnabled: false, positionPrecision: 0 }));
    link.refuse = "a+b";
    b.act((n, now) => n.sendText(BROADCAST, "bad topic", 1, false, now));
    expect(b.node.mqtt?.stats.publishFailed).toBe(1);
    expect(b.node.mqtt?.queue.size).toBe(0);
    link.connected = false;
    const ids: number[] = [];
    b.act((n, now) => ids.push(n.sendText(BROADCAST, "queued bad", 1, false, now)));
    b.act((n, now) => ids.push(n.sendText(BROADCAST, "queued good", 0, false, now)));
    link.connected = true;
    b.act((n, now) => n.handle({ type: "tick" }, now));
    expect(link.envelopes().map((e) => e.packet.id)).toEqual([ids[1]]);
    expect(b.node.mqtt?.stats.publishFailed).toBe(2);
    expect(b.node.mqtt?.queue.size).toBe(0);
  });
});

describe("downlink", () => {
  const cipher = new PortableChannelCipher();
  function envelope(over: { from?: number; id?: number; hopLimit?: number; hopStart?: number; channelId?: string; gatewayId?: number; decoded?: boolean; portnum?: number }): Uint8Array {
    const from = over.from ?? 0x77;
    const id = over.id ?? 0x4321;
    const data = { portnum: over.portnum ?? PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode("from mqtt"), bitfield: 1 };
    const packet = over.decoded
      ? { from, to: BROADCAST, id, decoded: data, hopLimit: over.hopLimit ?? 2, hopStart: over.hopStart ?? 3 }
      : { from, to: BROADCAST, id, channel: 8, encrypted: cipher.ctr(DEFAULT_KEY, id, from, DataCodec.encode(data)), hopLimit: over.hopLimit ?? 2, hopStart: over.hopStart ?? 3 };
    return encodeEnvelope(packet, over.channelId ?? "LongFast", over.gatewayId ?? 0xabc);
  }
  function down(b: NodeBench, bytes: Uint8Array): void {
    b.act((n, now) => n.mqtt?.onMessage("msh/US/2/e/LongFast/!00000abc", bytes, now));
  }

  it("an envelope that decrypts with a local channel is delivered, marked via MQTT, and relayed on LoRa with hop_limit − 1", () => {
    const { b } = gateway();
    down(b, envelope({}));
    expect(b.delivered.map((p) => [p.from, p.viaMqtt, p.transportMechanism])).toEqual([[0x77, true, 5]]);
    b.advance(30_000);
    expect(b.sent[0].header).toMatchObject({ from: 0x77, id: 0x4321, hopLimit: 1, hopStart: 3, viaMqtt: true, relayNode: 0x10 });
  });

  it("the same packet heard on LoRa and from MQTT is handled once", () => {
    const { b } = gateway();
    b.rx(frameOf(header({ from: 0x77, id: 0x4321, hopLimit: 2 }), { portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode("from mqtt"), bitfield: 1 }));
    down(b, envelope({}));
    expect(b.delivered).toHaveLength(1);
  });

  it("our own envelope echoed by the broker is an implicit ACK for our app", () => {
    const { b, link } = gateway();
    let id = 0;
    b.act((n, now) => (id = n.sendText(BROADCAST, "echo", 0, false, now)));
    down(b, link.published[0].payload);
    const ack = b.delivered.find((p) => p.decoded?.portnum === PortNum.ROUTING_APP);
    expect(ack?.decoded?.requestId).toBe(id);
    expect(ack?.transportMechanism).toBe(5);
    expect(RoutingCodec.decode(ack?.decoded?.payload ?? new Uint8Array())).toEqual({ ok: true, value: { errorReason: 0 } });
  });

  it("another node's packet uplinked by us, or sent from our node number, is ignored", () => {
    const { b } = gateway();
    down(b, envelope({ gatewayId: US }));
    down(b, envelope({ from: US, id: 9 }));
    expect(b.delivered).toEqual([]);
    expect(b.node.mqtt?.stats.downlinkDrops).toEqual({ "own-gateway-echo": 1, "from-us": 1 });
  });

  it("hop_limit or hop_start above 7 is dropped", () => {
    const { b } = gateway();
    down(b, envelope({ hopLimit: 8, hopStart: 8 }));
    down(b, envelope({ id: 2, hopLimit: 3, hopStart: 9 }));
    expect(b.node.mqtt?.stats.downlinkDrops["hop-limits"]).toBe(2);
  });

  it("plaintext is refused while encryption_enabled is on, and decoded ADMIN is never accepted", () => {
    const on = gateway();
    down(on.b, envelope({ decoded: true }));
    expect(on.b.node.mqtt?.stats.downlinkDrops["plaintext-with-encryption"]).toBe(1);
    const off = gateway((m) => (m.encryptionEnabled = false));
    down(off.b, envelope({ decoded: true, portnum: PortNum.ADMIN_APP }));
    expect(off.b.node.mqtt?.stats.downlinkDrops["decoded-admin"]).toBe(1);
    down(off.b, envelope({ decoded: true, id: 5 }));
    expect(off.b.delivered.map((p) => p.id)).toEqual([5]);
  });

  it("the channel id must equal the channel's name exactly (case-insensitive lookup, case-sensitive match)", () => {
    const { b } = gateway();
    down(b, envelope({ channelId: "longfast" }));
    down(b, envelope({ id: 3, channelId: "Unknown" }));
    expect(b.node.mqtt?.stats.downlinkDrops["channel-not-downlink"]).toBe(2);
    expect(b.delivered).toEqual([]);
  });

  it("a packet that no local channel decrypts is refused", () => {
    const { b } = gateway();
    const bad = ServiceEnvelopeCodec.encode({ packet: { from: 0x77, to: BROADCAST, id: 1, channel: 8, encrypted: new Uint8Array([1, 2, 3]) }, channelId: "LongFast", gatewayId: "!00000abc" });
    down(b, bad);
    expect(b.node.mqtt?.stats.downlinkDrops["no-local-channel"]).toBe(1);
  });
});

describe("map reports", () => {
  it("first report as soon as possible, then no more often than hourly, precision clamped to 12..15", () => {
    const { b, link } = gateway(
      (m) => {
        m.mapReportingEnabled = true;
        m.mapReportSettings = { publishIntervalSecs: 600, positionPrecision: 20, shouldReportLocation: true };
      },
      (c) => (c.position = { latitudeI: 515_123_456, longitudeI: -1_234_567, altitude: 40 }),
    );
    b.act((n, now) => n.handle({ type: "tick" }, now));
    b.advance(3 * 3600 * 1000 + 1000);
    const reports = link.published.filter((p) => p.topic === "msh/US/2/map/");
    expect(reports.map((r) => r.at)).toEqual([0, 3600_000, 7200_000, 10800_000]);
    const e = decodeEnvelope(reports[0].payload);
    if (!e.ok) throw new Error(e.error.message);
    expect(e.value.packet).toMatchObject({ from: US, to: BROADCAST });
    expect(e.value.packet.id).toBeUndefined();
    const r = MapReportCodec.decode(e.value.packet.decoded?.payload ?? new Uint8Array());
    if (!r.ok) throw new Error(r.error.message);
    const mask = (0xffffffff << 18) >>> 0;
    expect(r.value).toMatchObject({ positionPrecision: 14, latitudeI: (((515_123_456 & mask) >>> 0) + (1 << 17)) | 0, altitude: 40, hasOptedReportLocation: true });
  });
});

describe("client proxy mode", () => {
  it("publishes become MqttClientProxyMessages for the phone, and the phone's messages are downlinked", () => {
    const m = defaultMqttConfig();
    m.enabled = true;
    m.proxyToClientEnabled = true;
    const b = new NodeBench(
      (c) => {
        c.channels[0].uplinkEnabled = true;
        c.channels[0].downlinkEnabled = true;
      },
      US,
      undefined,
      7,
      { mqtt: m },
    );
    b.act((n, now) => n.sendText(BROADCAST, "via phone", 0, false, now));
    expect(b.toPhone.map((x) => x.topic)).toEqual(["msh/2/e/LongFast/!00000010"]);
    expect(decodeEnvelope(b.toPhone[0].data ?? new Uint8Array()).ok).toBe(true);
    const cipher = new PortableChannelCipher();
    const data = DataCodec.encode({ portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode("to phone"), bitfield: 1 });
    const env = encodeEnvelope({ from: 0x66, to: BROADCAST, id: 77, channel: 8, encrypted: cipher.ctr(DEFAULT_KEY, 77, 0x66, data), hopLimit: 1, hopStart: 3 }, "LongFast", 0x66);
    b.act((n, now) => n.handle({ type: "client-proxy", message: { topic: "msh/2/e/LongFast/!00000066", data: env } }, now));
    expect(b.delivered.map((p) => new TextDecoder().decode(p.decoded?.payload))).toContain("to phone");
  });
});

describe("client proxy messages the firmware does not take (PhoneAPI.cpp 201-214, MQTT.cpp 379-382)", () => {
  const json = (text: string) => `{"from":${US},"type":"sendtext","payload":"${text}"}`;
  function proxyNode(configure: (m: MqttGatewayConfig) => void, uplink = true): NodeBench {
    const m = defaultMqttConfig();
    m.enabled = true;
    m.proxyToClientEnabled = true;
    m.jsonEnabled = true;
    configure(m);
    return new NodeBench(
      (c) => {
        c.channels[0].uplinkEnabled = uplink;
        c.channels.push({ role: 2, name: "mqtt", psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: uplink, positionPrecision: 0 });
      },
      US,
      undefined,
      7,
      { mqtt: m, mqttJson: MQTT_JSON },
    );
  }
  const send = (b: NodeBench, message: { topic: string; data?: Uint8Array; text?: string }) => b.act((n, now) => n.handle({ type: "client-proxy", message }, now));

  it("a `text` JSON downlink is refused as proxy-text (2.7 reads the union as data); jsonDownlinkExtended sends it", () => {
    const plain = proxyNode(() => {});
    send(plain, { topic: "msh/2/json/mqtt/!00000010", text: json("from the phone") });
    plain.advance(30_000);
    expect(plain.sent).toEqual([]);
    expect(plain.node.mqtt?.stats.downlinkDrops).toEqual({ "proxy-text": 1 });
    const ext = proxyNode((m) => (m.jsonDownlinkExtended = true));
    send(ext, { topic: "msh/2/json/mqtt/!00000010", text: json("from the phone") });
    ext.advance(30_000);
    expect(ext.sent.map((s) => new TextDecoder().decode(s.data?.payload))).toEqual(["from the phone"]);
  });

  it("proxy mode off: proxy-disabled; no MQTT channel and no map reports: no MQTT module, counted on the node", () => {
    const off = proxyNode((m) => (m.proxyToClientEnabled = false));
    send(off, { topic: "msh/2/json/mqtt/!00000010", data: new TextEncoder().encode(json("x")) });
    expect(off.node.mqtt?.stats.downlinkDrops).toEqual({ "proxy-disabled": 1 });
    const none = proxyNode(() => {}, false);
    expect(none.node.mqtt).toBeUndefined();
    send(none, { topic: "msh/2/json/mqtt/!00000010", data: new TextEncoder().encode(json("x")) });
    none.advance(30_000);
    expect(none.sent).toEqual([]);
    expect(none.node.clientProxyIgnored).toBe(1);
  });
});

describe("JSON (firmware 2.7, json_enabled)", () => {
  it("uplinks the firmware's JSON text to ROOT/2/json/CHANNEL/!gateway after the protobuf envelope", () => {
    const link = new RecordingLink();
    const m = defaultMqttConfig();
    m.enabled = true;
    m.address = "10.0.0.5";
    m.root = "msh/US";
    m.jsonEnabled = true;
    const b = new NodeBench((c) => (c.channels[0].uplinkEnabled = true), US, undefined, 7, { mqtt: m, mqttLink: link, mqttJson: MQTT_JSON });
    let id = 0;
    b.act((n, now) => (id = n.sendText(BROADCAST, "up/down", 0, false, now)));
    expect(link.published.map((p) => p.topic)).toEqual(["msh/US/2/e/LongFast/!00000010", "msh/US/2/json/LongFast/!00000010"]);
    expect(new TextDecoder().decode(link.published[1].payload)).toBe(
      `{"channel":0,"from":16,"hop_start":3,"hops_away":0,"id":${id},"payload":{"text":"up\\/down"},"sender":"!00000010","timestamp":0,"to":4294967295,"type":"text"}`,
    );
  });

  it("a sendtext downlink on a channel named mqtt is sent by the gateway", () => {
    const link = new RecordingLink();
    const m = defaultMqttConfig();
    m.enabled = true;
    m.jsonEnabled = true;
    const b = new NodeBench(
      (c) => {
        c.channels[0].downlinkEnabled = true;
        c.channels.push({ role: 2, name: "mqtt", psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: true, positionPrecision: 0 });
      },
      US,
      undefined,
      7,
      { mqtt: m, mqttLink: link, mqttJson: MQTT_JSON },
    );
    expect(link.subscriptions).toContain("msh/2/json/mqtt/+");
    const body = new TextEncoder().encode(JSON.stringify({ from: US, type: "sendtext", payload: "hello json", channel: 0 }));
    b.act((n, now) => n.mqtt?.onMessage("msh/2/json/mqtt/!00000010", body, now));
    b.advance(30_000);
    expect(b.sent.map((s) => new TextDecoder().decode(s.data?.payload))).toEqual(["hello json"]);
    // From another node number, or on a channel not named mqtt, nothing is sent.
    b.act((n, now) => n.mqtt?.onMessage("msh/2/json/mqtt/!00000010", new TextEncoder().encode(JSON.stringify({ from: 5, type: "sendtext", payload: "x" })), now));
    b.act((n, now) => n.mqtt?.onMessage("msh/2/json/LongFast/!00000010", body, now));
    b.advance(30_000);
    expect(b.sent).toHaveLength(1);
    expect(b.node.mqtt?.stats.downlinkDrops).toMatchObject({ "json-NOT_FROM_US": 1, "json-channel-not-allowed": 1 });
  });

  it("json_enabled on a node built without JSON support counts JSON downlinks as dropped", () => {
    const link = new RecordingLink();
    const m = defaultMqttConfig();
    m.enabled = true;
    m.jsonEnabled = true;
    const b = new NodeBench(
      (c) => c.channels.push({ role: 2, name: "mqtt", psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: true, positionPrecision: 0 }),
      US,
      undefined,
      7,
      { mqtt: m, mqttLink: link },
    );
    const body = new TextEncoder().encode(JSON.stringify({ from: US, type: "sendtext", payload: "hello json", channel: 0 }));
    b.act((n, now) => n.mqtt?.onMessage("msh/2/json/mqtt/!00000010", body, now));
    b.advance(30_000);
    expect(b.sent).toHaveLength(0);
    expect(b.node.mqtt?.stats.downlinkDrops).toMatchObject({ "json-not-built-in": 1 });
  });
});

describe("direct mode client settings", () => {
  function direct(m: (c: MqttGatewayConfig) => void) {
    const cfg = defaultMqttConfig();
    cfg.enabled = true;
    cfg.address = "10.1.2.3:1884";
    m(cfg);
    // The firmware runs MQTT only with a channel that uplinks or downlinks (MQTT.cpp 613-614).
    return new NodeBench((c) => (c.channels[0].uplinkEnabled = true), US, undefined, 7, { mqtt: cfg });
  }

  it("connects to the configured broker with the node id as client id", () => {
    const b = direct(() => {});
    expect(b.node.mqttClient?.state).toBe("connecting");
    expect(b.node.nextDeadline()).toBe(15_000);
  });

  it("the firmware's fixed 30 s reconnect is available as an option; the default backs off from 1 s", () => {
    const fixed = direct((c) => (c.reconnect = "fixed"));
    fixed.act((n, now) => n.handle({ type: "socket-closed", reason: "refused" }, now));
    expect(fixed.node.nextDeadline()).toBe(30_000);
    const backoff = direct(() => {});
    backoff.act((n, now) => n.handle({ type: "socket-closed", reason: "refused" }, now));
    const d = backoff.node.nextDeadline() ?? 0;
    expect(d).toBeGreaterThanOrEqual(1000);
    expect(d).toBeLessThanOrEqual(2000);
  });
});
