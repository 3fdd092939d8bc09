// The gateway's edge cases against firmware 2.7.26 src/mqtt/MQTT.cpp at MeshNode level: what reaches
// the module and what it makes of it when an envelope, a topic, an address or a size sits on a
// boundary of the firmware's own reading (nanopb, PubSubClient, strtok, Channels::getByName).
import { describe, expect, it } from "vitest";
import { utf8Encode } from "../../firmware/bytes/utf8.js";
import { PortableChannelCipher } from "../../firmware/crypto/index.js";
import { channelHash } from "../../firmware/crypto/channel-hash.js";
import { defaultMqttConfig } from "../../firmware/gateway/mqtt-config.js";
import { MQTT_JSON } from "../../firmware/gateway/mqtt-json.js";
import { encodeEnvelope } from "../../firmware/gateway/index.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { ChannelRole, DataCodec, PortNum, ServiceEnvelopeCodec, UserCodec } from "../../firmware/wire/index.js";
import type { Data, MeshPacket } from "../../firmware/wire/index.js";
import { GW as US, GW_TOPIC as TOPIC, downlink as down, gatewayBench as gateway, x25519 } from "../support/gateway-bench.js";
import { DEFAULT_KEY, NodeBench, frameOf, header } from "../support/node-bench.js";

const cipher = new PortableChannelCipher();
const enc = new TextEncoder();
const text = (s: string, bitfield = 1): Data => ({ portnum: PortNum.TEXT_MESSAGE_APP, payload: enc.encode(s), bitfield });

describe("MQTT.cpp edge cases", () => {
  const json = (o: Record<string, unknown>) => enc.encode(JSON.stringify(o));
  const encrypted = (from: number, id: number, s: string): MeshPacket => ({
    from,
    to: BROADCAST,
    id,
    channel: 8,
    encrypted: cipher.ctr(DEFAULT_KEY, id, from, DataCodec.encode(text(s))),
    hopLimit: 3,
    hopStart: 3,
  });
  const mqttChannel = (c: NodeConfig) =>
    c.channels.push({ role: ChannelRole.SECONDARY, name: "mqtt", psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: true, positionPrecision: 0 });

  it("a gateway_id on the wire but empty is downlinked, an empty channel_id is not (MQTT.cpp 64-75; mqtt.pb.h 95-96 POINTER)", () => {
    const { b } = gateway();
    // An empty field `field` (length 0): nanopb allocates "" for it, which passes the NULL check.
    const withEmpty = (bytes: Uint8Array, field: number) => new Uint8Array([...bytes, (field << 3) | 2, 0]);
    // "" differs from our id (92), so the packet goes on like any other: delivered and relayed.
    b.act((n, now) => n.mqtt?.onMessage(TOPIC, withEmpty(ServiceEnvelopeCodec.encode({ packet: encrypted(0x77, 0x52, "x"), channelId: "LongFast" }), 3), now));
    b.advance(30_000);
    expect(b.delivered.map((p) => p.id)).toEqual([0x52]);
    expect(b.sent.map((s) => s.header.id)).toEqual([0x52]);
    // No slot's effective name is "", so 70-75 refuse an empty channel_id.
    b.act((n, now) => n.mqtt?.onMessage(TOPIC, withEmpty(ServiceEnvelopeCodec.encode({ packet: encrypted(0x77, 0x53, "x"), gatewayId: "!00000abc" }), 2), now));
    expect(b.node.mqtt?.stats.downlinkDrops).toEqual({ "no-channel-id": 1 });
  });

  it("envelope strings are C strings checked as UTF-8: a bad byte refuses it, a NUL ends it (PB_VALIDATE_UTF8; strcmp)", () => {
    const { b } = gateway();
    const withChannel = (packet: MeshPacket, name: number[]) => {
      const rest = ServiceEnvelopeCodec.encode({ packet, gatewayId: "!00000abc" });
      return new Uint8Array([...rest, (2 << 3) | 2, name.length, ...name]);
    };
    const longFast = Array.from(enc.encode("LongFast"));
    b.act((n, now) => n.mqtt?.onMessage(TOPIC, withChannel(encrypted(0x77, 0x71, "bad"), [...longFast, 0xc3, 0x28]), now));
    b.act((n, now) => n.mqtt?.onMessage(TOPIC, withChannel(encrypted(0x77, 0x72, "nul"), [...longFast, 0x00, 0x41]), now));
    expect(b.delivered.map((p) => p.id)).toEqual([0x72]);
    expect(b.node.mqtt?.stats.downlinkDrops).toEqual({ "bad-envelope": 1 });
  });

  it("getByName finds a DISABLED slot first: its preset name shadows a later downlink channel (Channels.cpp 318-327, MQTT.cpp 70-75)", () => {
    const { b } = gateway(undefined, (c) => {
      c.channels[0].name = "Home";
      c.channels.push({ role: ChannelRole.DISABLED, name: "", psk: new Uint8Array(0), uplinkEnabled: false, downlinkEnabled: false, positionPrecision: 0 });
      c.channels.push({ role: ChannelRole.SECONDARY, name: "LongFast", psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: true, positionPrecision: 0 });
    });
    down(b, encrypted(0x77, 0x61, "shadowed"));
    b.advance(30_000);
    expect(b.delivered).toEqual([]);
    expect(b.sent).toEqual([]);
    expect(b.node.mqtt?.stats.downlinkDrops).toEqual({ "channel-not-downlink": 1 });
  });

  it("a decoded envelope for a DISABLED slot with downlink_enabled takes that slot's index (MQTT.cpp 70-75, 138)", () => {
    const { b } = gateway(
      (m) => (m.encryptionEnabled = false),
      (c) => c.channels.push({ role: ChannelRole.DISABLED, name: "Old", psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: true, positionPrecision: 0 }),
    );
    down(b, { from: 0x77, to: BROADCAST, id: 0x62, decoded: text("old"), hopLimit: 3, hopStart: 3 }, "Old", "msh/US/2/e/Old/!00000abc");
    expect(b.delivered.map((p) => [p.id, p.channel])).toEqual([[0x62, 1]]);
    expect(b.node.mqtt?.stats.downlinkDrops).toEqual({});
  });

  it("the slots past the configured ones are DISABLED with the preset name; getByName finds them (Channels.cpp 275-277, 318-327)", () => {
    const { b } = gateway(
      (m) => (m.jsonEnabled = true),
      (c) => (c.channels[0].name = "mqtt"),
    );
    const send = (topic: string, s: string) => b.act((n, now) => n.mqtt?.onMessage(topic, json({ from: US, type: "sendtext", payload: s }), now));
    // Slot 1 is DISABLED and unnamed, so "LongFast": not an mqtt channel (MQTT.cpp 400-402).
    send("msh/US/2/json/LongFast/!00000abc", "refused");
    // A name no slot has falls back to the primary, named mqtt.
    send("msh/US/2/json/Nowhere/!00000abc", "primary");
    b.advance(30_000);
    expect(b.sent.map((s) => new TextDecoder().decode(s.data?.payload))).toEqual(["primary"]);
    expect(b.node.mqtt?.stats.downlinkDrops).toEqual({ "json-channel-not-allowed": 1 });
  });

  it("a JSON topic is ROOT/2/json/ of our root, the channel its first strtok segment (MQTT.cpp 391-402)", () => {
    const { b } = gateway((m) => (m.jsonEnabled = true), mqttChannel);
    const send = (topic: string, s: string) => b.act((n, now) => n.mqtt?.onMessage(topic, json({ from: US, type: "sendtext", payload: s }), now));
    send("msh/US/2/json/mqtt/", "trailing slash");
    send("msh/US/2/json/mqtt", "no gateway");
    send("msh/US/2/json/mqtt/a/b", "more levels");
    send("msh/US/2/json//mqtt/!00000abc", "empty level");
    // Another root is not our jsonTopic: onReceiveProto, where JSON text is no envelope.
    send("other/2/json/mqtt/!00000abc", "foreign root");
    b.advance(30_000);
    expect(b.sent.map((s) => new TextDecoder().decode(s.data?.payload))).toEqual(["trailing slash", "no gateway", "more levels", "empty level"]);
    expect(b.node.mqtt?.stats.downlinkDrops).toEqual({ "bad-envelope": 1 });
  });

  it("our PKI DM published decoded (encryption_enabled off) keeps its local channel index (MQTT.cpp 807-808, Router.cpp 262-268)", () => {
    const key = new Uint8Array(16).fill(3);
    const { b, link } = gateway(
      (m) => {
        m.encryptionEnabled = false;
        m.jsonEnabled = true;
      },
      (c) => c.channels.push({ role: ChannelRole.SECONDARY, name: "Second", psk: key, uplinkEnabled: true, downlinkEnabled: false, positionPrecision: 0 }),
      true,
    );
    const peer = x25519();
    const info: Data = { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ id: "!00000055", longName: "Two", publicKey: peer.pub }), bitfield: 1 };
    b.rx(frameOf(header({ from: 0x55, relayNode: 0x55, channel: channelHash("Second", key) }), info, key));
    link.published = [];
    b.act((n, now) => n.sendText(0x55, "private", 0, false, now));
    const [e] = link.envelopes();
    expect(e.topic).toBe("msh/US/2/e/PKI/!00000010");
    // mp_decoded is the copy Router::send took before perhapsEncode chose PKI: channel = chIndex.
    expect(e.packet.channel).toBe(1);
    expect(link.json().map((j) => j.doc.channel)).toEqual([1]);
  });

  function proxyGateway(root: string): NodeBench {
    const m = defaultMqttConfig();
    m.enabled = true;
    m.proxyToClientEnabled = true;
    m.jsonEnabled = true;
    m.root = root;
    return new NodeBench((c) => (c.channels[0].uplinkEnabled = true), US, undefined, 7, { mqtt: m, mqttJson: MQTT_JSON });
  }

  it("proxy topics are cut at 59 bytes, not 59 UTF-16 units, before a character cut in two (MQTT.cpp 492-493, 513-514)", () => {
    const b = proxyGateway("msh/" + "é".repeat(30));
    b.act((n, now) => n.sendText(BROADCAST, "hi", 0, false, now));
    // 4 + 27 × 2 = 58 bytes; the firmware's 59th byte would be the first half of the 28th é.
    expect(b.toPhone.map((x) => x.topic)).toEqual(["msh/" + "é".repeat(27), "msh/" + "é".repeat(27)]);
  });

  it("proxy JSON text is cut at 434 bytes, before a character cut in two (MQTT.cpp 494-495)", () => {
    const b = proxyGateway("msh");
    // Escaped control bytes (6 JSON bytes each) push the cut into the run of é; one of the two lands mid-character.
    for (const n of [50, 51]) b.rx(frameOf(header({ id: 0x700 + n }), text("\u0001".repeat(n) + "é".repeat(60))));
    const texts = b.toPhone.filter((x) => x.text !== undefined).map((x) => x.text ?? "");
    expect(texts).toHaveLength(2);
    for (const t of texts) {
      expect(t.startsWith('{"channel":0,')).toBe(true);
      expect(t).not.toContain("\ufffd");
      expect(utf8Encode(t).length).toBeGreaterThanOrEqual(433);
      expect(utf8Encode(t).length).toBeLessThanOrEqual(434);
    }
  });

  it("reconnect fixed: a dropped connection is reconnected on the next loop (20 ms), only a failed attempt waits 30 s (MQTT.cpp 625-646)", () => {
    const m = defaultMqttConfig();
    m.enabled = true;
    m.address = "10.0.0.1";
    m.reconnect = "fixed";
    const b = new NodeBench((c) => (c.channels[0].uplinkEnabled = true), US, undefined, 7, { mqtt: m });
    const opens = () => b.io.filter((a) => a.type === "socket-open").length;
    b.act((n, now) => n.handle({ type: "tick" }, now));
    b.act((n, now) => n.handle({ type: "socket-opened", remoteAddress: "10.0.0.1" }, now));
    b.act((n, now) => n.handle({ type: "socket-data", bytes: new Uint8Array([0x20, 2, 0, 0]) }, now));
    expect(b.node.mqttClient?.state).toBe("connected");
    expect(opens()).toBe(1);
    b.advance(1_000);
    b.act((n, now) => n.handle({ type: "socket-closed", reason: "broker restart" }, now));
    b.advance(19);
    expect(opens()).toBe(1);
    b.advance(1);
    expect(opens()).toBe(2);
    // That attempt fails: 30 s until the next one (runOnce returns 30000).
    b.act((n, now) => n.handle({ type: "socket-closed", reason: "refused" }, now));
    b.advance(29_999);
    expect(opens()).toBe(2);
    b.advance(1);
    expect(opens()).toBe(3);
  });

  it("PubSubClient's 1024-byte buffer holds the whole PUBLISH (header, topic, packet id, payload); a longer one never arrives (MQTT.cpp 324)", () => {
    const { b } = gateway((m) => (m.jsonEnabled = true), mqttChannel);
    // Pads an envelope with an unknown field 15 so that the MQTT packet is `total` bytes long.
    const padded = (p: MeshPacket, topic: string, total: number, qos: 0 | 1 = 0) => {
      const base = encodeEnvelope(p, "LongFast", 0xabc);
      const remaining = total - 3; // type byte + 2 length bytes
      const pad = remaining - 2 - utf8Encode(topic).length - (qos === 1 ? 2 : 0) - base.length - 3;
      const out = new Uint8Array(base.length + 3 + pad);
      out.set(base, 0);
      out.set([0x7a, (pad & 0x7f) | 0x80, pad >> 7], base.length);
      return out;
    };
    b.act((n, now) => n.mqtt?.onMessage(TOPIC, padded(encrypted(0x77, 0x81, "1024"), TOPIC, 1024), now));
    b.act((n, now) => n.mqtt?.onMessage(TOPIC, padded(encrypted(0x77, 0x82, "1025"), TOPIC, 1025), now));
    b.act((n, now) => n.mqtt?.onMessage(TOPIC, padded(encrypted(0x77, 0x83, "1024 at QoS 1"), TOPIC, 1024, 1), now, 1));
    b.act((n, now) => n.mqtt?.onMessage(TOPIC, padded(encrypted(0x77, 0x84, "1025 at QoS 1"), TOPIC, 1025, 1), now, 1));
    // JSON too: the size is checked before the topic is looked at.
    const JSON_TOPIC = "msh/US/2/json/mqtt/!00000abc";
    const body = (total: number) => {
      const doc = json({ from: US, type: "sendtext", payload: "padded" });
      const out = new Uint8Array(total - 3 - 2 - JSON_TOPIC.length).fill(0x20);
      out.set(doc, 0);
      return out;
    };
    b.act((n, now) => n.mqtt?.onMessage(JSON_TOPIC, body(1024), now));
    b.act((n, now) => n.mqtt?.onMessage(JSON_TOPIC, body(1025), now));
    b.advance(30_000);
    expect(b.delivered.map((p) => p.id)).toEqual([0x81, 0x83]);
    expect(b.sent.map((s) => new TextDecoder().decode(s.data?.payload))).toEqual(["1024", "1024 at QoS 1", "padded"]);
    expect(b.node.mqtt?.stats.downlinkDrops).toEqual({ "too-large": 3 });
  });

  it("an address starting with ':' is all host: not the default server, port 1883 (MQTT.cpp 272-273, 285-288)", () => {
    const { b, link } = gateway((m) => (m.address = ":1884"));
    b.act((n, now) => n.send({ to: BROADCAST, portnum: PortNum.RANGE_TEST_APP, payload: new Uint8Array([1]), channel: 0, wantAck: false, wantResponse: false, hopLimit: 0, replyId: 0, requestId: 0, pkiEncrypted: false }, now));
    expect(link.envelopes().map((e) => e.topic)).toEqual(["msh/US/2/e/LongFast/!00000010"]);
    const m = defaultMqttConfig();
    m.enabled = true;
    m.address = ":1884";
    const direct = new NodeBench((c) => (c.channels[0].uplinkEnabled = true), US, undefined, 7, { mqtt: m });
    direct.act((n, now) => n.handle({ type: "tick" }, now));
    expect(direct.io.find((a) => a.type === "socket-open")).toMatchObject({ host: ":1884", port: 1883 });
  });

  it("the map report interval is clamped to INT32_MAX ms (MQTT.cpp 448-449, Default.cpp 6-15)", () => {
    const { b, link } = gateway(
      (m) => {
        m.mapReportingEnabled = true;
        m.mapReportSettings = { publishIntervalSecs: 30 * 86400, positionPrecision: 14, shouldReportLocation: true };
      },
      (c) => (c.position = { latitudeI: 515_123_456, longitudeI: -1_234_567, altitude: 40 }),
    );
    const reports = () => link.published.filter((p) => p.topic === "msh/US/2/map/").map((p) => p.at);
    b.act((n, now) => n.handle({ type: "tick" }, now));
    b.now = 0x7fffffff - 1;
    b.act((n, now) => n.handle({ type: "tick" }, now));
    expect(reports()).toEqual([0]);
    b.now = 0x7fffffff;
    b.act((n, now) => n.handle({ type: "tick" }, now));
    expect(reports()).toEqual([0, 0x7fffffff]);
  });
});
