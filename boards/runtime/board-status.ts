// What a user reads and does at the Espruino console: `meshport.runtime.status()` answers every
// counter the board keeps, under names the bundler leaves alone (boards/bundle/reserved-props.ts
// keeps the members of BoardStatus, of Runtime and of every *Stats interface; other property
// names in a board build are shortened), and `meshport.runtime.sendText("hi")` sends a text.
import { utf8Encode } from "../../firmware/bytes/utf8.js";
import { nodeIdOf } from "../../firmware/gateway/node-id.js";
import type { MqttModuleStats } from "../../firmware/gateway/mqtt-module.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import type { PacketHistoryStats } from "../../firmware/mesh/packet-history.js";
import type { RouterStats } from "../../firmware/mesh/router-drops.js";
import type { TxQueueStats } from "../../firmware/mesh/tx-queue.js";
import type { MqttClientStats } from "../../firmware/mqtt/client.js";
import { sendRequest } from "../../firmware/node-events.js";
import { PortNum } from "../../firmware/wire/enums.js";
import type { DriverStats, EspruinoDriver } from "./espruino-driver.js";
import type { EspruinoNetLink } from "./net-link.js";
import type { WifiLink } from "./wifi-link.js";

export interface NetStats {
  opens: number;
  bytesIn: number;
  bytesOut: number;
}

export interface BoardStatus {
  nodeId: string;
  uptimeS: number;
  radio: boolean;
  /** Why the board runs degraded ("radio: ...", "wifi: no Wifi module ..."); empty when all is there. */
  faults: string[];
  /** undefined on a node build or without Wifi settings. */
  wifiUp: boolean | undefined;
  wifiAttempts: number;
  mqttConnected: boolean | undefined;
  driver: DriverStats;
  router: RouterStats;
  txQueue: TxQueueStats;
  history: PacketHistoryStats;
  mqtt: MqttClientStats | undefined;
  gateway: MqttModuleStats | undefined;
  net: NetStats | undefined;
}

/** A snapshot of the live counters (the objects themselves, so they keep counting). */
export function boardStatus(driver: EspruinoDriver, hasRadio: boolean, wifi: WifiLink | undefined, net: EspruinoNetLink | undefined, faults: string[]): BoardStatus {
  const node = driver.node;
  const client = node.mqttClient;
  return {
    nodeId: nodeIdOf(node.nodeNum),
    uptimeS: Math.floor(driver.now() / 1000),
    radio: hasRadio,
    faults: faults.slice(),
    wifiUp: wifi === undefined ? undefined : wifi.isUp,
    wifiAttempts: wifi === undefined ? 0 : wifi.attempts,
    mqttConnected: client === undefined ? undefined : client.isConnected(),
    driver: driver.stats,
    router: node.router.stats,
    txQueue: node.router.queue.stats,
    history: node.router.history.stats,
    mqtt: client === undefined ? undefined : client.stats,
    gateway: node.mqtt === undefined ? undefined : node.mqtt.stats,
    net: net === undefined ? undefined : { opens: net.opens, bytesIn: net.bytesIn, bytesOut: net.bytesOut },
  };
}

/** Queues a text message on the primary channel (`to` defaults to broadcast); it goes out on the driver's loop. */
export function postText(driver: EspruinoDriver, text: string, to: number | undefined): void {
  driver.post({ type: "app-send", request: sendRequest(to === undefined ? BROADCAST : to >>> 0, PortNum.TEXT_MESSAGE_APP, utf8Encode(text), 0) });
}
