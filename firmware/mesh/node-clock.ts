// The node's wall clock (firmware RTC.cpp getTime / getValidTime). The core has no clock of its own:
// the driver passes `now` in ms, and this converts it. A node whose time was set (from the phone,
// GPS or NTP; in the simulator the scenario's start epoch) stamps packets with rx_time; without a
// valid time rx_time is 0 (getValidTime(RTCQualityFromNet) returns 0), last_heard is not updated,
// and getTime() counts seconds since boot.

export class NodeClock {
  private readonly startMs: number;
  /** Unix ms at startMs, or undefined when the time was never set. */
  private readonly epochAtStartMs: number | undefined;

  constructor(startMs: number, epochAtStartMs: number | undefined) {
    this.startMs = startMs;
    this.epochAtStartMs = epochAtStartMs;
  }

  get hasValidTime(): boolean {
    return this.epochAtStartMs !== undefined;
  }

  /** getValidTime(RTCQualityFromNet): Unix seconds, or 0 when the time is not known. */
  validTime(now: number): number {
    return this.epochAtStartMs === undefined ? 0 : Math.floor((this.epochAtStartMs + now - this.startMs) / 1000);
  }

  /** getTime(): Unix seconds when known, else seconds since boot. */
  time(now: number): number {
    return this.epochAtStartMs === undefined ? this.uptimeSecs(now) : this.validTime(now);
  }

  uptimeSecs(now: number): number {
    return Math.floor((now - this.startMs) / 1000);
  }
}
