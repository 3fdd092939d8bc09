// The gateway build's network side: the Wifi station, the TCP link to the broker and the MQTT
// module's settings. Only the gateway entry imports this (boards/bundle/build-bundle.ts
// boardEntry), so a node bundle carries none of it.
import type { MqttGatewayConfig } from "../../firmware/gateway/mqtt-config.js";
import type { NodeEvent } from "../../firmware/node-events.js";
import { mqttConfigOf } from "./board-config.js";
import type { StoredConfig } from "./board-config.js";
import { printLine } from "./espruino-host.js";
import { EspruinoNetLink } from "./net-link.js";
import { WifiLink } from "./wifi-link.js";

export interface GatewayLinks {
  wifi: WifiLink;
  net: EspruinoNetLink;
  mqtt: MqttGatewayConfig;
}

/** What boot() calls on a gateway build; `post` reaches the driver once it exists. */
export type GatewayLinksFactory = (config: StoredConfig, regionName: string, post: (e: NodeEvent) => void) => GatewayLinks | undefined;

/** The links of a gateway, or undefined (with the reason printed) when the configuration has no Wifi or broker. */
export function createGatewayLinks(config: StoredConfig, regionName: string, post: (e: NodeEvent) => void): GatewayLinks | undefined {
  if (config.wifi === undefined || config.mqtt === undefined) {
    printLine("config: a gateway needs wifi and mqtt settings; running as a plain node");
    return undefined;
  }
  // The Wifi link is built after the net link, which asks it whether the network is up.
  const holder: { wifi: WifiLink | undefined } = { wifi: undefined };
  const net = new EspruinoNetLink({ post, networkUp: () => holder.wifi !== undefined && holder.wifi.isUp });
  const wifi = new WifiLink({ ssid: config.wifi.ssid, password: config.wifi.password, onChange: (up) => net.networkChanged(up) });
  holder.wifi = wifi;
  const mqtt = mqttConfigOf(config.mqtt, regionName);
  printLine("mqtt: " + mqtt.address + " root " + mqtt.root);
  return { wifi, net, mqtt };
}
