// A Medium without MeshNodes: radios placed by hand, frames sent at chosen instants, and every
// event each radio would report recorded, so PHY rules can be checked one case at a time.
import { presetModulation } from "../../firmware/mesh/airtime.js";
import { ModemPreset } from "../../firmware/mesh/modem-preset.js";
import type { NodeEvent } from "../../firmware/node-events.js";
import { EventQueue, SimEvent } from "../../sim/event-queue.js";
import { Medium, defaultMediumOptions } from "../../sim/medium.js";
import type { MediumOptions } from "../../sim/medium.js";
import { PathLossModel } from "../../sim/path-loss.js";

export interface Heard {
  at: number;
  node: number;
  /** "busy", "quiet", "tx-done" or "rx:<first frame byte>". */
  what: string;
  rssi?: number;
  snr?: number;
  /** radio-rx / radio-tx-done: another frame was still on air. */
  busy?: boolean;
}

export const LONG_FAST = presetModulation(ModemPreset.LONG_FAST, false);
/** US LongFast default slot (djb2("LongFast") % 104 → slot 19): 902 + 0.125 + 19·0.25 MHz. */
export const US_LONG_FAST_MHZ = 906.875;

export class PhyHarness {
  readonly queue = new EventQueue();
  readonly medium: Medium;
  readonly heard: Heard[] = [];
  private readonly ev = new SimEvent();
  now = 0;

  /** Log-distance (Meshtasticator constants) and no link offsets unless overridden. */
  constructor(o: Partial<MediumOptions> = {}) {
    this.medium = new Medium(
      this.queue,
      {
        radioEvent: (node: number, e: NodeEvent, now: number) => {
          if (e.type === "channel-busy") this.heard.push({ at: now, node, what: e.busy ? "busy" : "quiet" });
          else if (e.type === "radio-tx-done") this.heard.push({ at: now, node, what: "tx-done", busy: e.busy === true });
          else if (e.type === "radio-rx") this.heard.push({ at: now, node, what: "rx:" + e.frame[0], rssi: e.rssi, snr: e.snr, busy: e.busy === true });
          else if (e.type === "radio-rx-error") this.heard.push({ at: now, node, what: "crc-error:" + e.lengthBytes, busy: e.busy === true });
        },
      },
      { ...defaultMediumOptions(1), pathLossModel: PathLossModel.LOG_DISTANCE, linkOffsetSigmaDb: 0, ...o },
    );
  }

  /** A LongFast radio at (x, y), 1 m antenna, 0 dBi. */
  radio(x: number, y: number, txPowerDbm = 30): number {
    return this.medium.addRadio({ x, y, heightM: 1, txPowerDbm, antennaGainDbi: 0, modulation: LONG_FAST, freqMhz: US_LONG_FAST_MHZ });
  }

  /** Runs the queue up to `t`, then `node` sends a `bytes`-byte frame tagged `tag`; returns its ToA. */
  sendAt(t: number, node: number, tag: number, bytes = 40): number {
    this.run(t);
    const frame = new Uint8Array(bytes);
    frame[0] = tag;
    return this.medium.transmit(node, frame, t);
  }

  run(until: number): void {
    while (this.queue.size > 0 && this.queue.peekTime() <= until) {
      this.queue.pop(this.ev);
      this.now = this.ev.time;
      this.medium.onEvent(this.ev);
    }
    if (until > this.now && until < Infinity) this.now = until;
  }

  /** What `node` reported, as "what@time" strings with times rounded to 0.001 ms. */
  log(node: number): string[] {
    // "+busy": the radio still heard another frame when this one ended.
    return this.heard.filter((h) => h.node === node).map((h) => h.what + (h.busy === true ? "+busy" : "") + "@" + Math.round(h.at * 1000) / 1000);
  }

  received(node: number): string[] {
    return this.heard.filter((h) => h.node === node && h.what.startsWith("rx:")).map((h) => h.what);
  }
}
