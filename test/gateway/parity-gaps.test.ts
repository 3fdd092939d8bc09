// MQTT rules of firmware 2.7.26 (src/mqtt/MQTT.cpp, and FloodingRouter.cpp's transport rule) that
// docs/firmware-parity.md marks "same" (or a deviation) and no other MeshNode-level test pins:
// frames and envelopes in, frames, deliveries and publishes out, at virtual time.
import { describe, expect, it } from "vitest";
import { PortableChannelCipher } from "../../firmware/crypto/index.js";
import { defaultMqttConfig } from "../../firmware/gateway/mqtt-config.js";
import type { MqttGatewayConfig } from "../../firmware/gateway/mqtt-config.js";
import { MQTT_JSON } from "../../firmware/gateway/mqtt-json.js";
import { decodeEnvelope } from "../../firmware/gateway/index.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { ChannelRole, DataCodec, MapReportCodec, PortNum, RouteDiscoveryCodec, TelemetryCodec } from "../../firmware/wire/index.js";
import type { Data, MeshPacket } from "../../firmware/wire/index.js";
import { GW as US, downlink as down, gatewayBench as gateway } from "../support/gateway-bench.js";
import { DEFAULT_KEY, NodeBench, frameOf, header } from "../support/node-bench.js";
import { EPOCH, HERE } from "../support/factory-bench.js";

const cipher = new PortableChannelCipher();
const text = (s: string, bitfield = 1): Data => ({ portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode(s), bitfield });
const encrypted = (from: number, to: number, id: number, d: Data): MeshPacket => ({ from, to, id, channel: 8, encrypted: cipher.ctr(DEFAULT_KEY, id, from, DataCodec.encode(d)), hopLimit: 3, hopStart: 3 });

/** A gateway on its own MQTT client, connected: what it writes to the socket is parsed back into PUBLISHes. */
function clientGateway(remoteAddress: string, mqtt: (m: MqttGatewayConfig) => void = () => {}) {
  const m = defaultMqttConfig();
  m.enabled = true;
  m.address = "broker.example.org";
  mqtt(m);
  const b = new NodeBench((c) => (c.channels[0].uplinkEnabled = true), US, undefined, 7, { mqtt: m, mqttJson: MQTT_JSON, epochMs: EPOCH });
  b.act((n, now) => n.handle({ type: "tick" }, now));
  b.act((n, now) => n.handle({ type: "socket-opened", remoteAddress }, now));
  b.act((n, now) => n.handle({ type: "socket-data", bytes: new Uint8Array([0x20, 2, 0, 0]) }, now));
  const publishes = (): { topic: string; size: number }[] => {
    const bytes: number[] = [];
    for (const a of b.io) if (a.type === "socket-write") bytes.push(...a.bytes);
    const out: { topic: string; size: number }[] = [];
    for (let i = 0; i < bytes.length; ) {
      const type = bytes[i] >> 4;
      let len = 0;
      let mul = 1;
      let j = i + 1;
      for (;;) {
        len += (bytes[j] & 0x7f) * mul;
        mul *= 128;
        if ((bytes[j++] & 0x80) === 0) break;
      }
      if (type === 3) out.push({ topic: new TextDecoder().decode(new Uint8Array(bytes.slice(j + 2, j + 2 + ((bytes[j] << 8) | bytes[j + 1])))), size: j + len - i });
      i = j + len;
    }
    return out;
  };
  return { b, publishes };
}

describe("MQTT.cpp downlink", () => {
  it("a PKI envelope needs some channel with downlink_enabled (MQTT.cpp 77-89)", () => {
    const { b } = gateway(undefined, (c) => (c.channels[0].downlinkEnabled = false));
    b.act((n, now) => n.mqtt?.onMessage("msh/US/2/e/PKI/!00000abc", new Uint8Array(0), now));
    down(b, { from: 0x77, to: US, id: 0x501, channel: 0, encrypted: new Uint8Array(40).fill(4), hopLimit: 3, hopStart: 3 }, "PKI", "msh/US/2/e/PKI/!00000abc");
    expect(b.delivered).toEqual([]);
    expect(b.node.mqtt?.stats.downlinkDrops["pki-without-downlink"]).toBe(1);
  });

  it("a PKI envelope to us is taken without decrypting it first; undecodable, it still reaches our app (MQTT.cpp 141-148)", () => {
    const { b } = gateway();
    down(b, { from: 0x77, to: US, id: 0x502, channel: 0, encrypted: new Uint8Array(40).fill(4), hopLimit: 3, hopStart: 3 }, "PKI", "msh/US/2/e/PKI/!00000abc");
    expect(b.delivered.map((p) => [p.id, p.decoded === undefined, p.viaMqtt])).toEqual([[0x502, true, true]]);
    expect(b.node.mqtt?.stats.downlinkDrops).toEqual({});
  });

  it("a duplicate heard from MQTT does not cancel our queued LoRa relay; only a LoRa duplicate would (FloodingRouter.cpp 138-153)", () => {
    const { b } = gateway();
    b.rx(frameOf(header({ from: 0x77, relayNode: 0x77, id: 0x4321 }), text("twice")));
    down(b, encrypted(0x77, BROADCAST, 0x4321, text("twice")));
    b.advance(30_000);
    expect(b.sentOf(0x77, 0x4321)).toHaveLength(1);
    expect(b.node.router.stats.txRelayCanceled).toBe(0);
  });

  it("a sendtext hopLimit above 7 leaves as hop limit 3 with hop_start's low bits; the envelope keeps the value (MQTT.cpp 201-202; RadioInterface.cpp 984-990)", () => {
    const { b, link } = gateway(
      (m) => (m.jsonEnabled = true),
      (c) => c.channels.push({ role: ChannelRole.SECONDARY, name: "mqtt", psk: new Uint8Array([1]), uplinkEnabled: true, downlinkEnabled: true, positionPrecision: 0 }),
    );
    b.act((n, now) => n.mqtt?.onMessage("msh/US/2/json/mqtt/!00000abc", new TextEncoder().encode(JSON.stringify({ from: US, type: "sendtext", payload: "far", hopLimit: 9 })), now));
    b.advance(10_000);
    expect([b.sent[0].header.hopLimit, b.sent[0].header.hopStart]).toEqual([3, 1]);
    expect(link.envelopes().map((e) => [e.packet.hopLimit, e.packet.hopStart])).toEqual([[9, 9]]);
  });
});

describe("MQTT.cpp uplink", () => {
  it("a private broker is recognised from the address connected to, as after reconnect: OK-to-MQTT is then not needed (MQTT.cpp 245-266, 556-560)", () => {
    const uplinked = (remoteAddress: string) => {
      const { b, publishes } = clientGateway(remoteAddress);
      b.rx(frameOf(header({ id: 0x601 }), { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ deviceMetrics: {} }), bitfield: 0 }));
      return publishes().map((p) => p.topic);
    };
    expect([uplinked("192.168.1.5"), uplinked("93.184.216.34")]).toEqual([["msh/2/e/LongFast/!00000010"], []]);
  });

  it("a JSON document over PubSubClient's 1024 bytes is still published, up to meshport's 2048 (MQTT.cpp 324; packets.ts)", () => {
    const { b, publishes } = clientGateway("192.168.1.5", (m) => (m.jsonEnabled = true));
    const name = "N".repeat(39);
    const hops = [1, 2, 3, 4, 5, 6, 7, 8].map((i) => 0x200 + i);
    for (const h of hops) b.node.nodes.getOrCreate(h).user = { longName: name + h };
    const reply: Data = { portnum: PortNum.TRACEROUTE_APP, payload: RouteDiscoveryCodec.encode({ route: hops, routeBack: hops, snrTowards: hops.map(() => 20), snrBack: hops.map(() => 20) }), requestId: 0x77, bitfield: 1 };
    b.rx(frameOf(header({ from: 0x99, to: 0x55, id: 0x602 }), reply));
    const json = publishes().filter((p) => p.topic.includes("/2/json/"));
    expect(json).toHaveLength(1);
    expect(json[0].size).toBeGreaterThan(1024);
    expect(json[0].size).toBeLessThanOrEqual(2048);
  });

  it("a packet on a channel without uplink_enabled is not published (MQTT.cpp 796-800)", () => {
    const key = new Uint8Array(16).fill(6);
    const { b, link } = gateway(undefined, (c) => c.channels.push({ role: ChannelRole.SECONDARY, name: "Quiet", psk: key, uplinkEnabled: false, downlinkEnabled: false, positionPrecision: 0 }));
    b.act((n, now) => n.send({ to: BROADCAST, portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode("hush"), channel: 1, wantAck: false, wantResponse: false, hopLimit: 0, replyId: 0, requestId: 0, pkiEncrypted: false }, now));
    b.advance(10_000);
    expect(b.sent).toHaveLength(1);
    expect(link.published).toEqual([]);
    expect(b.node.mqtt?.stats.uplinkDrops["channel-uplink-disabled"]).toBe(1);
  });
});

describe("MQTT.cpp map report", () => {
  it("the report counts the nodes heard on LoRa within 2 h, ourselves once our position was made, not nodes heard via MQTT (MQTT.cpp 886-913; NodeDB.cpp 1694-1707)", () => {
    const { b, link } = gateway(
      (m) => {
        m.mapReportingEnabled = true;
        m.mapReportSettings = { publishIntervalSecs: 3600, positionPrecision: 14, shouldReportLocation: true };
      },
      (c) => {
        c.position = HERE;
        c.fixedPosition = true;
        c.sendPosition = true;
      },
    );
    const report = (i: number) => {
      const reports = link.published.filter((p) => p.topic === "msh/US/2/map/");
      const e = decodeEnvelope(reports[i].payload);
      if (!e.ok) throw new Error(e.error.message);
      const r = MapReportCodec.decode(e.value.packet.decoded?.payload ?? new Uint8Array());
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    };
    b.act((n, now) => n.handle({ type: "tick" }, now));
    const first = report(0);
    expect([first.numOnlineLocalNodes ?? 0, first.role ?? 0, first.hwModel, first.hasDefaultChannel]).toEqual([0, 0, 43, true]);
    b.advance(60_000);
    b.rx(frameOf(header({ from: 0x71, relayNode: 0x71, id: 0x701 }), text("a")));
    b.rx(frameOf(header({ from: 0x72, relayNode: 0x72, id: 0x702 }), text("b")));
    down(b, encrypted(0x73, BROADCAST, 0x703, text("c")));
    b.advance(3600_000);
    expect(report(1).numOnlineLocalNodes).toBe(3);
  });
});
