// Keeps the station connected to one Wifi network. Espruino's Wifi.connect only ever reports "Bad
// password" and otherwise keeps trying silently (shared spec espruino.md 2.4), so each attempt has
// its own timeout; a timeout or a "disconnected" event waits WIFI_RETRY_MS and tries again.
import { errorText, printLine, startTimer, stopTimer, wifiModule } from "./espruino-host.js";

/** How long one association + DHCP attempt may take. */
export const WIFI_CONNECT_TIMEOUT_MS = 30000;
/** Pause between attempts (after a timeout, a refusal or a drop). */
export const WIFI_RETRY_MS = 10000;

export const WifiState = {
  Idle: "idle",
  /** No Wifi module in this firmware (require("Wifi") failed): the board runs without a network. */
  Absent: "absent",
  Connecting: "connecting",
  Up: "up",
  Waiting: "waiting",
} as const;
export type WifiState = (typeof WifiState)[keyof typeof WifiState];

export interface WifiLinkOptions {
  ssid: string;
  password: string;
  /** Called when the link comes up (again) and when it drops. */
  onChange: (up: boolean) => void;
}

export class WifiLink {
  state: WifiState = WifiState.Idle;
  attempts = 0;
  private readonly o: WifiLinkOptions;
  private timer: unknown = undefined;
  private attempt = 0;

  constructor(o: WifiLinkOptions) {
    this.o = o;
  }

  get isUp(): boolean {
    return this.state === WifiState.Up;
  }

  /** Why the link cannot work at all (no Wifi module), or "". */
  fault = "";

  start(): void {
    let wifi;
    try {
      wifi = wifiModule();
    } catch (e) {
      this.state = WifiState.Absent;
      this.fault = "no Wifi module: " + errorText(e);
      printLine("wifi: " + this.fault + "; running without a network");
      return;
    }
    wifi.on("disconnected", () => {
      if (this.state !== WifiState.Up) return;
      printLine("wifi: disconnected from " + this.o.ssid);
      this.o.onChange(false);
      this.retryLater();
    });
    this.connect();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) stopTimer(this.timer);
    this.timer = undefined;
  }

  private retryLater(): void {
    this.clearTimer();
    this.state = WifiState.Waiting;
    this.timer = startTimer(() => {
      this.timer = undefined;
      this.connect();
    }, WIFI_RETRY_MS);
  }

  private connect(): void {
    this.clearTimer();
    this.state = WifiState.Connecting;
    this.attempts++;
    const attempt = ++this.attempt;
    const wifi = wifiModule();
    this.timer = startTimer(() => {
      this.timer = undefined;
      if (attempt !== this.attempt || this.state !== WifiState.Connecting) return;
      printLine("wifi: no connection to " + this.o.ssid + " after " + WIFI_CONNECT_TIMEOUT_MS / 1000 + " s, retrying");
      this.attempt++;
      try {
        wifi.disconnect();
      } catch {
        // Not associated: nothing to undo.
      }
      this.retryLater();
    }, WIFI_CONNECT_TIMEOUT_MS);
    try {
      wifi.connect(this.o.ssid, { password: this.o.password }, (err) => {
        if (attempt !== this.attempt) return;
        this.clearTimer();
        if (err) {
          printLine("wifi: " + this.o.ssid + ": " + err);
          this.retryLater();
          return;
        }
        this.state = WifiState.Up;
        printLine("wifi: connected to " + this.o.ssid);
        this.o.onChange(true);
      });
    } catch (e) {
      printLine("wifi: " + errorText(e));
      this.retryLater();
    }
  }
}
