// Runs one MeshNode at real time in Node: events from a TCP/TLS broker socket and a timer for
// nextDeadline(); the node's actions go to the socket, the radio hook and the callbacks. This is
// the "fifty lines" driver of ARCHITECTURE.md for desktop gateways and `meshport` tools.
import { performance } from "node:perf_hooks";
import type { MeshNode } from "../../node.js";
import type { DeliverAction, NodeEvent } from "../../node-events.js";
import type { MqttClientProxyMessage } from "../../wire/messages.js";
import { BrokerSocket } from "./broker-socket.js";

export interface NodeDriverOptions {
  /** A radio, if the node has one: called for each frame; call driver.handle(radio-tx-done) when sent. */
  radioTx?: (frame: Uint8Array, airtimeMs: number) => void;
  onDeliver?: (packet: DeliverAction["packet"]) => void;
  onLog?: (message: string) => void;
  onClientProxy?: (message: MqttClientProxyMessage) => void;
  /** Extra CA certificates (PEM) for the broker's TLS certificate. */
  ca?: string | Buffer;
}

export class NodeDriver {
  readonly node: MeshNode;
  private readonly o: NodeDriverOptions;
  private readonly socket: BrokerSocket;
  private timer: NodeJS.Timeout | undefined;
  private readonly t0 = performance.now();
  private stopped = false;

  constructor(node: MeshNode, o: NodeDriverOptions = {}) {
    this.node = node;
    this.o = o;
    this.socket = new BrokerSocket({ ca: o.ca, onEvent: (e) => this.handle(e) });
  }

  /** Milliseconds since the driver was created: the node's clock (the node must be built with startMs 0). */
  now(): number {
    return performance.now() - this.t0;
  }

  start(): void {
    this.handle({ type: "tick" });
  }

  handle(e: NodeEvent): void {
    if (this.stopped) return;
    const now = this.now();
    this.node.handle(e, now);
    for (const a of this.node.takeActions()) {
      switch (a.type) {
        case "socket-open":
          this.socket.open(a);
          break;
        case "socket-write":
          this.socket.write(a.bytes);
          break;
        case "socket-close":
          this.socket.close();
          break;
        case "radio-tx":
          if (this.o.radioTx) this.o.radioTx(a.frame, a.airtimeMs);
          // Without a radio the frame goes nowhere, but the node still needs its TX to complete.
          else setTimeout(() => this.handle({ type: "radio-tx-done" }), a.airtimeMs).unref();
          break;
        case "deliver":
          this.o.onDeliver?.(a.packet);
          break;
        case "log":
          this.o.onLog?.(a.message);
          break;
        case "client-proxy":
          this.o.onClientProxy?.(a.message);
          break;
      }
    }
    this.rearm();
  }

  private rearm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const d = this.node.nextDeadline();
    if (d === undefined || this.stopped) return;
    this.timer = setTimeout(() => this.handle({ type: "tick" }), Math.max(0, d - this.now()));
  }

  /** Sends the MQTT DISCONNECT (if connected), closes the socket and stops the timer. */
  stop(): void {
    const client = this.node.mqttClient;
    if (client !== undefined) {
      client.stop(this.now());
      for (const a of client.takeActions()) if (a.type === "socket-write") this.socket.write(a.bytes);
    }
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.socket.close();
  }
}
