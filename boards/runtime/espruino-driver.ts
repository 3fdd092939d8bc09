// Runs one MeshNode on an Espruino board (ARCHITECTURE.md "a driver per platform is about fifty
// lines"; compare firmware/platform/node/node-driver.ts). Radio callbacks, socket callbacks and the
// timer become events; events are queued and run one at a time, so a callback that fires while
// actions are being run (net.connect throwing, a radio IRQ) never re-enters the node. The node's
// actions go to the radio, the net link and the console, and ONE setTimeout is re-armed for
// nextDeadline() after every batch.
import { utf8Decode } from "../../firmware/bytes/utf8.js";
import { nodeIdOf } from "../../firmware/gateway/node-id.js";
import type { MeshNode } from "../../firmware/node.js";
import type { DeliverAction, NodeAction, NodeEvent } from "../../firmware/node-events.js";
import { PortNum } from "../../firmware/wire/enums.js";
import type { LoraRadio, RadioListener } from "../radio/lora-radio.js";
import { errorText, nowMs, printLine, startTimer, stopTimer } from "./espruino-host.js";
import type { EspruinoNetLink } from "./net-link.js";

/** Events waiting to run. A burst larger than this (a flood of socket data) drops the newest and counts it. */
export const DRIVER_QUEUE_MAX = 32;
/** LoRa frames are at most 255 bytes (the SX126x/SX127x FIFO). */
const MAX_LORA_FRAME_BYTES = 255;
/** Slack on top of a frame's time on air before a lost end-of-frame IRQ (RX, or our TX_DONE) is assumed. */
export const BUSY_GUARD_MARGIN_MS = 500;
/** Longest timer we arm: Espruino timers are fine with long delays, but a periodic wake keeps the loop observable. */
export const DRIVER_MAX_SLEEP_MS = 60000;

export interface DriverStats {
  events: number;
  dropped: number;
  radioRx: number;
  radioTx: number;
  rxErrors: number;
  delivered: number;
  /** Transmissions whose TX_DONE interrupt never came; the driver declared them sent after the guard time. */
  txDoneLost: number;
}

/** A one-line description of a packet for the console. */
export function describeDelivery(p: DeliverAction["packet"]): string {
  let s = "rx " + nodeIdOf(p.from) + " -> " + nodeIdOf(p.to) + " ch" + p.channel;
  const d = p.decoded;
  if (d === undefined) return s + " (encrypted)";
  const payload = d.payload !== undefined ? d.payload : new Uint8Array(0);
  if (d.portnum === PortNum.TEXT_MESSAGE_APP) return s + " text: " + utf8Decode(payload, 0, payload.length);
  s += " port " + d.portnum + ", " + payload.length + " bytes";
  return s;
}

export class EspruinoDriver {
  readonly node: MeshNode;
  readonly stats: DriverStats = { events: 0, dropped: 0, radioRx: 0, radioTx: 0, rxErrors: 0, delivered: 0, txDoneLost: 0 };
  /** The listener handed to the radio driver: its callbacks become node events. */
  readonly radioListener: RadioListener;
  private readonly radio: LoraRadio | undefined;
  private readonly net: EspruinoNetLink | undefined;
  private readonly t0: number;
  private readonly queue: NodeEvent[] = [];
  private running = false;
  private drainScheduled = false;
  private timer: unknown = undefined;
  private stopped = false;
  /** Set while a frame is being received (rxStarted): when to give up waiting for its end. */
  private busyUntil: number | undefined = undefined;
  /** Set while our frame is on the air: when to give up waiting for TX_DONE (a lost IRQ would stop the node sending). */
  private txUntil: number | undefined = undefined;

  /** `node` must be built with startMs 0: the driver's clock starts when the driver is created. */
  constructor(node: MeshNode, radio: LoraRadio | undefined, net: EspruinoNetLink | undefined) {
    this.node = node;
    this.radio = radio;
    this.net = net;
    this.t0 = nowMs();
    this.radioListener = {
      rx: (frame: Uint8Array, rssi: number, snr: number) => {
        this.stats.radioRx++;
        this.busyUntil = undefined;
        this.post({ type: "radio-rx", frame, rssi, snr, busy: false });
      },
      txDone: () => this.txEnded(),
      rxError: (kind: "crc" | "header") => {
        this.stats.rxErrors++;
        printLine("radio: rx error (" + kind + ")");
        this.frameEnded();
      },
      rxStarted: () => {
        // Listen before talk: busy from the header to the end of the frame. If the end never comes
        // (a lost IRQ), the channel is declared quiet after the longest frame's time on air.
        this.busyUntil = this.now() + this.node.timing.airtimeMs(MAX_LORA_FRAME_BYTES) + BUSY_GUARD_MARGIN_MS;
        this.post({ type: "channel-busy", busy: true });
      },
      cadDone: (busy: boolean) => {
        if (this.radio !== undefined) this.radio.startReceive();
        this.post({ type: "channel-busy", busy });
      },
    };
    if (radio !== undefined) radio.setListener(this.radioListener);
  }

  /** Milliseconds since the driver started: the node's clock. */
  now(): number {
    return nowMs() - this.t0;
  }

  start(): void {
    if (this.radio !== undefined) this.radio.startReceive();
    this.post({ type: "tick" });
  }

  /**
   * Queues an event; the queue runs from a timeout, at the top of Espruino's event loop, never
   * inside the callback that posted it (a radio IRQ watch, a socket's data handler, the console).
   * Espruino checks its C stack (25,000 bytes on the ESP32) and a received frame's path through
   * the node is already ~30 interpreted calls deep: run inside the radio's callbacks, an SX127x
   * board's first reply overflowed it (measured on espruino-esp32like).
   */
  post(e: NodeEvent): void {
    if (this.stopped) return;
    if (this.queue.length >= DRIVER_QUEUE_MAX) {
      this.stats.dropped++;
      return;
    }
    this.queue.push(e);
    if (this.running || this.drainScheduled) return;
    this.drainScheduled = true;
    startTimer(() => this.drain(), 0);
  }

  private drain(): void {
    this.drainScheduled = false;
    if (this.stopped) return;
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const next = this.queue.shift() as NodeEvent;
        this.stats.events++;
        this.node.handle(next, this.now());
        this.run(this.node.takeActions());
      }
    } catch (err) {
      // A bug must not kill the loop: log it, drop what was queued, keep the timer going.
      printLine("driver: " + errorText(err));
      this.queue.length = 0;
    }
    this.running = false;
    this.rearm();
  }

  private run(actions: NodeAction[]): void {
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i];
      if (a.type === "radio-tx") {
        this.stats.radioTx++;
        if (this.radio !== undefined) {
          // Armed before transmit, in case a driver reports TX_DONE from inside it.
          this.txUntil = this.now() + a.airtimeMs + BUSY_GUARD_MARGIN_MS;
          try {
            this.radio.transmit(a.frame);
          } catch (e) {
            this.txUntil = undefined;
            printLine("radio: transmit failed: " + errorText(e));
            this.afterAirtime(a.airtimeMs);
          }
        } else this.afterAirtime(a.airtimeMs);
      } else if (a.type === "socket-open") {
        if (this.net !== undefined) this.net.open(a);
        else this.queue.push({ type: "socket-closed", reason: "no network on this build" });
      } else if (a.type === "socket-write") {
        if (this.net !== undefined) this.net.write(a.bytes);
      } else if (a.type === "socket-close") {
        if (this.net !== undefined) this.net.close();
      } else if (a.type === "deliver") {
        this.stats.delivered++;
        printLine(describeDelivery(a.packet));
      } else if (a.type === "log") printLine(a.message);
      // client-proxy: a board runtime has no phone connection; the gateway runs in direct mode.
    }
  }

  /** Our frame is done (TX_DONE, or the guard gave up on it): both chips fall back to standby after TX (lora-radio.ts mode rules), so listen again. */
  private txEnded(): void {
    this.txUntil = undefined;
    if (this.radio !== undefined) this.radio.startReceive();
    this.post({ type: "radio-tx-done", busy: false });
  }

  /** A frame that started (rxStarted) ended without a packet: the channel is quiet again. */
  private frameEnded(): void {
    if (this.busyUntil === undefined) return;
    this.busyUntil = undefined;
    this.post({ type: "channel-busy", busy: false });
  }

  /** Without a working radio the frame goes nowhere, but the node still needs its TX to complete. */
  private afterAirtime(ms: number): void {
    startTimer(() => this.post({ type: "radio-tx-done", busy: false }), ms);
  }

  private rearm(): void {
    if (this.timer !== undefined) stopTimer(this.timer);
    this.timer = undefined;
    if (this.stopped) return;
    if (this.busyUntil !== undefined && this.now() >= this.busyUntil) {
      this.frameEnded();
      return;
    }
    if (this.txUntil !== undefined && this.now() >= this.txUntil) {
      this.stats.txDoneLost++;
      printLine("radio: no TX_DONE; taking the frame as sent");
      this.txEnded();
      return;
    }
    let d = this.node.nextDeadline();
    if (this.busyUntil !== undefined && (d === undefined || this.busyUntil < d)) d = this.busyUntil;
    if (this.txUntil !== undefined && (d === undefined || this.txUntil < d)) d = this.txUntil;
    let wait = d === undefined ? DRIVER_MAX_SLEEP_MS : d - this.now();
    if (wait < 0) wait = 0;
    if (wait > DRIVER_MAX_SLEEP_MS) wait = DRIVER_MAX_SLEEP_MS;
    this.timer = startTimer(() => {
      this.timer = undefined;
      this.post({ type: "tick" });
    }, wait);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) stopTimer(this.timer);
    this.timer = undefined;
    if (this.net !== undefined) this.net.close();
  }
}
