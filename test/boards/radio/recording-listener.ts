// A RadioListener that records what a driver reported, for the driver tests.
import type { RadioListener } from "../../../boards/radio/lora-radio.js";

export type Heard =
  | { kind: "rx"; frame: number[]; rssi: number; snr: number }
  | { kind: "txDone" }
  | { kind: "rxError"; error: "crc" | "header" }
  | { kind: "cadDone"; busy: boolean }
  | { kind: "rxStarted" };

export class RecordingListener implements RadioListener {
  readonly heard: Heard[] = [];
  rx(frame: Uint8Array, rssi: number, snr: number): void {
    this.heard.push({ kind: "rx", frame: Array.from(frame), rssi, snr });
  }
  txDone(): void {
    this.heard.push({ kind: "txDone" });
  }
  rxError(kind: "crc" | "header"): void {
    this.heard.push({ kind: "rxError", error: kind });
  }
  cadDone(busy: boolean): void {
    this.heard.push({ kind: "cadDone", busy });
  }
  rxStarted(): void {
    this.heard.push({ kind: "rxStarted" });
  }
}

/** Runs `fn` and returns the RadioError code it threw (fails the test when nothing was thrown). */
export function errorCode(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    return (e as { code: string }).code;
  }
  throw new Error("expected a RadioError");
}
