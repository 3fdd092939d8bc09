// A MeshNode gateway under test (NodeBench with the MQTT module on a RecordingLink), and what the
// gateway tests share: its downlink topic, an envelope sender, and an X25519 key pair maker.
import { generateKeyPairSync } from "node:crypto";
import { defaultMqttConfig } from "../../firmware/gateway/mqtt-config.js";
import type { MqttGatewayConfig } from "../../firmware/gateway/mqtt-config.js";
import { MQTT_JSON } from "../../firmware/gateway/mqtt-json.js";
import { encodeEnvelope } from "../../firmware/gateway/index.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { nodePki } from "../../firmware/platform/node/index.js";
import type { MeshPacket } from "../../firmware/wire/index.js";
import { NodeBench } from "./node-bench.js";
import { RecordingLink } from "./recording-link.js";

/** The gateway's node number. */
export const GW = 0x10;
/** 2026-01-01T00:00:00Z: the gateway's clock is set (rx_time in envelopes). */
export const GW_EPOCH = Date.UTC(2026, 0, 1);
/** Another gateway's topic on LongFast under the gateway's root. */
export const GW_TOPIC = "msh/US/2/e/LongFast/!00000abc";

/**
 * A gateway on a public broker (ok_to_mqtt matters), root msh/US, LongFast up and down, JSON support
 * built in; `pki`: it has a key pair.
 */
export function gatewayBench(mqtt: (m: MqttGatewayConfig) => void = () => {}, node: (c: NodeConfig) => void = () => {}, pki = false): { b: NodeBench; link: RecordingLink } {
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
    GW,
    pki ? nodePki : undefined,
    7,
    { mqtt: m, mqttLink: link, mqttJson: MQTT_JSON, epochMs: GW_EPOCH },
  );
  return { b, link };
}

/** `packet` in a ServiceEnvelope from gateway !00000abc, as the broker delivers it. */
export function downlink(b: NodeBench, packet: MeshPacket, channelId = "LongFast", topic = GW_TOPIC): void {
  b.act((n, now) => n.mqtt?.onMessage(topic, encodeEnvelope(packet, channelId, 0xabc), now));
}

/** An X25519 key pair: the private key raw, the public key as our PKI derives it. */
export function x25519(): { priv: Uint8Array; pub: Uint8Array } {
  const k = generateKeyPairSync("x25519");
  const priv = new Uint8Array(k.privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32));
  return { priv, pub: nodePki.publicKeyFor(priv) };
}
