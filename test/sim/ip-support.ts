// Two LoRa islands bridged through MQTT, for the IP network suites. Each island is a line of three
// nodes 1500 m apart (neighbours hear each other, the ends do not: see behaviour.test.ts), the
// middle one a gateway; the islands are 50 km apart, far out of LoRa range of each other.
import { performance } from "node:perf_hooks";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { SeededRng } from "../../firmware/mesh/rng.js";
import { MqttClient } from "../../firmware/mqtt/client.js";
import { BrokerSocket } from "../../firmware/platform/node/broker-socket.js";
import { PortNum } from "../../firmware/wire/enums.js";
import { Simulator, disablePeriodicBroadcasts, enableChannelMqtt, simGatewayConfig } from "../../sim/index.js";
import type { DeliveryRecord, IpNetwork, SimulatorOptions } from "../../sim/index.js";

export const ISLAND_SIZE = 3;
export const ISLAND_GAP_M = 50_000;
export const SPACING_M = 1500;
/** Node indices: island A is 0..2 (gateway 1), island B is 3..5 (gateway 4). */
export const ISLAND_A = [0, 1, 2];
export const ISLAND_B = [3, 4, 5];
export const GATEWAY_A = 1;
export const GATEWAY_B = 4;

/** `gatewayBroadcasts`: the gateways keep their periodic NodeInfo/position/telemetry broadcasts. */
export function islands(ip: IpNetwork | undefined, o: Partial<SimulatorOptions> = {}, gatewayBroadcasts = false): Simulator {
  const sim = new Simulator({ seed: 11, medium: { linkOffsetSigmaDb: 0 }, ip, ...o });
  for (let island = 0; island < 2; island++)
    for (let k = 0; k < ISLAND_SIZE; k++) {
      const gateway = k === 1;
      sim.addNode({
        x: island * ISLAND_GAP_M + k * SPACING_M,
        y: 0,
        mqtt: gateway ? simGatewayConfig({ root: "msh/sim" }) : undefined,
        configure: (c) => {
          if (!gateway || !gatewayBroadcasts) disablePeriodicBroadcasts(c);
          if (gateway) enableChannelMqtt(c);
        },
      });
    }
  return sim;
}

/** A text from island A's first node at 5 s, and one from island B's last node at 60 s. */
export function sendBothWays(sim: Simulator): void {
  sim.sendText(ISLAND_A[0], BROADCAST, "hello from island A", 5_000);
  sim.sendText(ISLAND_B[2], BROADCAST, "hello from island B", 60_000);
}

export function textDeliveries(sim: Simulator, from: number): DeliveryRecord[] {
  const num = sim.nodes[from].nodeNum;
  return sim.deliveries.filter((d) => d.portnum === PortNum.TEXT_MESSAGE_APP && d.from === num && !d.duplicate);
}

/** The determinism log: time, node, from, id (and the via-MQTT flag). */
export function deliveryLog(sim: Simulator): string[] {
  return sim.deliveries.map((d) => d.atMs.toFixed(3) + " " + d.node + " " + d.from.toString(16) + " " + d.id.toString(16) + (d.viaMqtt ? " mqtt" : ""));
}

export interface Watcher {
  got: { topic: string; payload: Uint8Array }[];
  subscribed(): boolean;
  stop(): void;
}

/** A real MQTT client (our MqttClient over a BrokerSocket) subscribed to `filter` on 127.0.0.1:port. */
export function watch(port: number, filter: string): Watcher {
  const t0 = performance.now();
  const now = (): number => performance.now() - t0;
  const got: { topic: string; payload: Uint8Array }[] = [];
  const client = new MqttClient({ host: "127.0.0.1", port, tls: false, clientId: "sim-watcher", keepaliveSeconds: 0 }, new SeededRng(5));
  const pump = (): void => {
    for (const a of client.takeActions()) {
      if (a.type === "socket-open") socket.open({ type: "socket-open", host: a.host, port: a.port, tls: false, tlsInsecure: false });
      else if (a.type === "socket-write") socket.write(a.bytes);
      else if (a.type === "socket-close") socket.close();
      else if (a.type === "deliver") got.push({ topic: a.topic, payload: a.payload });
    }
  };
  const socket = new BrokerSocket({
    onEvent: (e) => {
      if (e.type === "socket-opened") client.onSocketOpened(now());
      else if (e.type === "socket-data") client.onSocketData(e.bytes, now());
      else if (e.type === "socket-closed") client.onSocketClosed(e.reason, now());
      pump();
    },
  });
  client.subscribe([filter], now());
  client.start(now());
  pump();
  return {
    got,
    subscribed: () => client.isConnected() && client.stats.subAcks > 0,
    stop: () => {
      client.stop(now());
      pump();
      socket.close();
    },
  };
}
