// Making a simulated node an MQTT gateway: the NodeSpec.mqtt settings and the channel switches the
// firmware needs (uplink_enabled / downlink_enabled per channel, meshtastic-wire.md 5.6 and 5.7).
import { defaultMqttConfig } from "../firmware/gateway/mqtt-config.js";
import type { MqttGatewayConfig } from "../firmware/gateway/mqtt-config.js";
import type { NodeConfig } from "../firmware/mesh/node-config.js";

/** Root topic of simulated gateways unless told otherwise. */
export const SIM_MQTT_ROOT = "msh/sim";
/**
 * The broker address simulated gateways are configured with. The IpNetwork decides where their
 * sockets really go; this name is neither the default server nor a literal private address, so
 * "private broker" is decided by the socket's remote address, as in the firmware.
 */
export const SIM_BROKER_ADDRESS = "mqtt.sim:1883";

export interface SimGatewayOptions {
  /** Default SIM_MQTT_ROOT. */
  root?: string;
  /** Default SIM_BROKER_ADDRESS. */
  address?: string;
  username?: string;
  password?: string;
  /** Default true (the firmware default): envelopes carry the encrypted packet. */
  encryptionEnabled?: boolean;
  jsonEnabled?: boolean;
  /** Default 15 (PubSubClient). */
  keepaliveSeconds?: number;
}

/** An enabled direct-connection gateway config (defaultMqttConfig with these changes). */
export function simGatewayConfig(o: SimGatewayOptions = {}): MqttGatewayConfig {
  const c = defaultMqttConfig();
  c.enabled = true;
  c.address = o.address !== undefined ? o.address : SIM_BROKER_ADDRESS;
  c.root = o.root !== undefined ? o.root : SIM_MQTT_ROOT;
  if (o.username !== undefined) c.username = o.username;
  if (o.password !== undefined) c.password = o.password;
  if (o.encryptionEnabled !== undefined) c.encryptionEnabled = o.encryptionEnabled;
  if (o.jsonEnabled !== undefined) c.jsonEnabled = o.jsonEnabled;
  if (o.keepaliveSeconds !== undefined) c.keepaliveSeconds = o.keepaliveSeconds;
  return c;
}

/** Turns on uplink and/or downlink on the given channel indices (default: every configured channel). */
export function enableChannelMqtt(c: NodeConfig, uplink = true, downlink = true, channels?: number[]): void {
  for (let i = 0; i < c.channels.length; i++) {
    if (channels !== undefined && channels.indexOf(i) < 0) continue;
    if (uplink) c.channels[i].uplinkEnabled = true;
    if (downlink) c.channels[i].downlinkEnabled = true;
  }
}
