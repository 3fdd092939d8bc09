// The node's wall clock (firmware src/gps/RTC.cpp getTime / getValidTime / perhapsSetRTC). The core
// has no clock of its own: the driver passes `now` in ms, and this converts it. The time has a
// quality (RTCQuality): a time given at start (the simulator's start epoch, a board's NTP) counts as
// GPS quality, as a node with its own GPS; without one the clock counts seconds since boot until a
// neighbour's position sets it (FromNet, PositionModule::trySetRtc) or our app's (NTP).
//   getValidTime(q): Unix seconds when the clock's quality is at least q, else 0; rx_time and
//     last_heard take FromNet, our position's time takes NTP.
//   perhapsSetRTC (229-300): a better quality always sets it; GPS again every time, NTP again after
//     30 min; times before the build epoch or 40 years past it are refused.

export const RtcQuality = { None: 0, Device: 1, FromNet: 2, NTP: 3, GPS: 4 } as const;
export type RtcQuality = (typeof RtcQuality)[keyof typeof RtcQuality];

/** BUILD_EPOCH of 2.7.26 (the v2.7.26.54e0d8d tag, 2026-06-23): earlier times are refused. */
export const BUILD_EPOCH_SECS = 1782232012;
/** RTC.h 71: FORTY_YEARS past the build epoch is the latest time accepted. */
const FORTY_YEARS_SECS = 40 * 365 * 24 * 60 * 60;
/** An NTP-quality time is applied again only after 30 min (RTC.cpp 265). */
const NTP_REAPPLY_MS = 30 * 60 * 1000;
/** hasQualityTimesource: a phone/NTP/GPS time within the last day (PositionModule.cpp 149-160). */
const QUALITY_SOURCE_MS = 24 * 60 * 60 * 1000;

export class NodeClock {
  private readonly startMs: number;
  /** Unix ms at startMs, or undefined while the clock was never set. */
  private epochAtStartMs: number | undefined;
  private q: RtcQuality;
  private lastSetMs: number | undefined;
  /** lastSetFromPhoneNtpOrGps. */
  private lastQualitySetMs: number | undefined;
  /** A time given at start is a GPS (or RTC chip) of our own: hasQualityTimesource for good. */
  private readonly ownSource: boolean;

  constructor(startMs: number, epochAtStartMs: number | undefined) {
    this.startMs = startMs;
    this.epochAtStartMs = epochAtStartMs;
    this.ownSource = epochAtStartMs !== undefined;
    this.q = epochAtStartMs !== undefined ? RtcQuality.GPS : RtcQuality.None;
  }

  get quality(): RtcQuality {
    return this.q;
  }

  get hasValidTime(): boolean {
    return this.epochAtStartMs !== undefined;
  }

  /** getValidTime(minQuality): Unix seconds, or 0 when the clock's quality is below minQuality. */
  validTime(now: number, minQuality?: RtcQuality): number {
    return this.epochAtStartMs === undefined || this.q < (minQuality === undefined ? RtcQuality.FromNet : minQuality) ? 0 : Math.floor((this.epochAtStartMs + now - this.startMs) / 1000);
  }

  /** getTime(): Unix seconds when set, else seconds since boot. */
  time(now: number): number {
    return this.epochAtStartMs === undefined ? this.uptimeSecs(now) : Math.floor((this.epochAtStartMs + now - this.startMs) / 1000);
  }

  uptimeSecs(now: number): number {
    return Math.floor((now - this.startMs) / 1000);
  }

  /** PositionModule::hasQualityTimesource: our own GPS/RTC, or a phone/NTP/GPS time within the day. */
  hasQualityTimesource(now: number): boolean {
    return this.ownSource || (this.lastQualitySetMs !== undefined && now - this.lastQualitySetMs < QUALITY_SOURCE_MS);
  }

  /** perhapsSetRTC: true when the time was taken. */
  perhapsSet(q: RtcQuality, unixSecs: number, now: number): boolean {
    if (unixSecs < BUILD_EPOCH_SECS || unixSecs > BUILD_EPOCH_SECS + FORTY_YEARS_SECS) return false;
    const again = q === RtcQuality.GPS || (q === RtcQuality.NTP && (this.lastSetMs === undefined || now - this.lastSetMs >= NTP_REAPPLY_MS));
    if (!(q > this.q || again)) return false;
    this.q = q;
    this.lastSetMs = now;
    if (q >= RtcQuality.NTP) this.lastQualitySetMs = now;
    this.epochAtStartMs = unixSecs * 1000 - (now - this.startMs);
    return true;
  }
}
