// Airtime accounting (src/airtime.cpp, airtime.h; spec meshtastic-wire.md 6.12): how busy the channel
// is and how much of the last hour we transmitted, and the gates built on those two numbers.
//
// Both windows are rings of fixed buckets indexed by absolute time phase, floor(now / bucket) mod N,
// as the firmware's channelUtilization[] and utilizationTX[] are indexed by seconds since boot. Moving
// into a bucket clears it, so the current, partial bucket counts along with the N − 1 full ones before
// it, and the percentage divides by the full window length (airtime.cpp channelUtilizationPercent,
// utilizationTXPercent). Time only enters through `now`: every method first advances the rings to it,
// clearing each bucket crossed since the last call, however long the gap (the firmware's syncNow).
import { fround } from "../bytes/float32.js";

export const AirtimeKind = {
  /** Our own transmissions, relays included (RadioLibInterface completeSending). */
  TX: 0,
  /** Receptions that parsed as a Meshtastic frame. */
  RX: 1,
  /** Receptions that did not (bad CRC, too short, region unset): still channel time. */
  RX_ALL: 2,
} as const;
export type AirtimeKind = (typeof AirtimeKind)[keyof typeof AirtimeKind];

/** CHANNEL_UTILIZATION_PERIODS: 6 buckets of 10 s, a Uint32Array of 24 bytes. */
export const CHANNEL_UTIL_BUCKETS = 6;
export const CHANNEL_UTIL_BUCKET_MS = 10 * 1000;
/** MINUTES_IN_HOUR: 60 buckets of 1 min of our TX airtime, a Uint32Array of 240 bytes. */
export const TX_UTIL_BUCKETS = 60;
export const TX_UTIL_BUCKET_MS = 60 * 1000;
/** PERIODS_TO_LOG: 8 hourly totals per kind, newest first; 3 Uint32Arrays of 32 bytes (96 bytes). */
export const AIRTIME_REPORT_PERIODS = 8;
export const AIRTIME_REPORT_PERIOD_MS = 60 * 60 * 1000;

/** airtime.h max_channel_util_percent: periodic broadcasts hold off at or above this. */
export const MAX_CHANNEL_UTIL_PERCENT = 40;
/** airtime.h polite_channel_util_percent: the stricter limit for "polite" senders. */
export const POLITE_CHANNEL_UTIL_PERCENT = 25;
/** airtime.h polite_duty_cycle_percent: periodic broadcasts may use half the region's duty cycle. */
export const POLITE_DUTY_CYCLE_PERCENT = 50;

const CHANNEL_UTIL_WINDOW_MS = CHANNEL_UTIL_BUCKETS * CHANNEL_UTIL_BUCKET_MS;
const TX_UTIL_WINDOW_MS = TX_UTIL_BUCKETS * TX_UTIL_BUCKET_MS;

function ringIndex(period: number, size: number): number {
  const i = period % size;
  return i < 0 ? i + size : i;
}

// Clears every bucket entered between `fromMs` and `toMs` (exclusive of the one `fromMs` is in).
function clearCrossed(ring: Uint32Array, bucketMs: number, fromMs: number, toMs: number): void {
  const from = Math.floor(fromMs / bucketMs);
  const crossed = Math.floor(toMs / bucketMs) - from;
  if (crossed >= ring.length) {
    ring.fill(0);
    return;
  }
  for (let i = 1; i <= crossed; i++) ring[ringIndex(from + i, ring.length)] = 0;
}

// Shifts a newest-first report down by `periods` slots, zero-filling the new ones.
function shiftReport(report: Uint32Array, periods: number): void {
  if (periods >= report.length) {
    report.fill(0);
    return;
  }
  for (let i = report.length - 1; i >= 0; i--) report[i] = i >= periods ? report[i - periods] : 0;
}

function sum(ring: Uint32Array): number {
  let s = 0;
  for (let i = 0; i < ring.length; i++) s += ring[i];
  return s;
}

export class AirtimeStats {
  private readonly channelUtil = new Uint32Array(CHANNEL_UTIL_BUCKETS);
  private readonly txUtil = new Uint32Array(TX_UTIL_BUCKETS);
  private readonly periodTx = new Uint32Array(AIRTIME_REPORT_PERIODS);
  private readonly periodRx = new Uint32Array(AIRTIME_REPORT_PERIODS);
  private readonly periodRxAll = new Uint32Array(AIRTIME_REPORT_PERIODS);
  private started = false;
  private lastMs = 0;

  /**
   * Moves the windows to `now` (ms, monotonic). A `now` earlier than the last one seen is treated as
   * the last one: the rings never run backwards.
   */
  advance(now: number): void {
    if (!this.started) {
      this.started = true;
      this.lastMs = now;
      return;
    }
    if (!(now > this.lastMs)) return;
    const from = this.lastMs;
    this.lastMs = now;
    clearCrossed(this.channelUtil, CHANNEL_UTIL_BUCKET_MS, from, now);
    clearCrossed(this.txUtil, TX_UTIL_BUCKET_MS, from, now);
    const hours = Math.floor(now / AIRTIME_REPORT_PERIOD_MS) - Math.floor(from / AIRTIME_REPORT_PERIOD_MS);
    if (hours > 0) {
      shiftReport(this.periodTx, hours);
      shiftReport(this.periodRx, hours);
      shiftReport(this.periodRxAll, hours);
    }
  }

  /**
   * Records `airtimeMs` of radio time of the given kind at `now` (AirTime::logAirtime). The firmware
   * passes whole milliseconds (a uint32): fractions are dropped, and non-positive values ignored.
   * Every kind counts towards channel utilisation; only TX counts towards TX utilisation.
   */
  logAirtime(kind: AirtimeKind, airtimeMs: number, now: number): void {
    this.advance(now);
    const ms = Math.floor(airtimeMs);
    if (!(ms > 0)) return;
    if (kind === AirtimeKind.TX) {
      this.periodTx[0] += ms;
      this.txUtil[ringIndex(Math.floor(this.lastMs / TX_UTIL_BUCKET_MS), TX_UTIL_BUCKETS)] += ms;
    } else if (kind === AirtimeKind.RX) {
      this.periodRx[0] += ms;
    } else {
      this.periodRxAll[0] += ms;
    }
    this.channelUtil[ringIndex(Math.floor(this.lastMs / CHANNEL_UTIL_BUCKET_MS), CHANNEL_UTIL_BUCKETS)] += ms;
  }

  /** All airtime in the 6 channel buckets as a percentage of 60 s (the firmware's channel_utilization). */
  channelUtilizationPercent(now: number): number {
    this.advance(now);
    // airtime.cpp 110: (float(sum) / float(60000)) * 100, each step rounded to float.
    return fround(fround(fround(sum(this.channelUtil)) / CHANNEL_UTIL_WINDOW_MS) * 100);
  }

  /** Our TX airtime in the 60 minute buckets as a percentage of one hour (air_util_tx). */
  txUtilizationPercent(now: number): number {
    this.advance(now);
    // airtime.cpp 120, in float likewise.
    return fround(fround(fround(sum(this.txUtil)) / TX_UTIL_WINDOW_MS) * 100);
  }

  /**
   * Whether a periodic broadcast may go out (AirTime::isTxAllowedChannelUtil): channel utilisation
   * below 40 %, or below 25 % when `polite`.
   */
  isTxAllowedChannelUtil(polite: boolean, now: number): boolean {
    const limit = polite ? POLITE_CHANNEL_UTIL_PERCENT : MAX_CHANNEL_UTIL_PERCENT;
    return this.channelUtilizationPercent(now) < limit;
  }

  /**
   * Whether a periodic broadcast fits the duty cycle (AirTime::isTxAllowedAirUtil): in a region with
   * a duty cycle below 100 % and no override, TX utilisation must stay below half of it.
   */
  isTxAllowedAirUtil(dutyCyclePercent: number, overrideDutyCycle: boolean, now: number): boolean {
    if (overrideDutyCycle || !(dutyCyclePercent < 100)) return true;
    return this.txUtilizationPercent(now) < (dutyCyclePercent * POLITE_DUTY_CYCLE_PERCENT) / 100;
  }

  /**
   * The hard limit in Router::send: with a duty cycle below 100 % and no override, a send is refused
   * (DUTY_CYCLE_LIMIT) once TX utilisation over the last hour is above the duty cycle.
   */
  dutyCycleExceeded(dutyCyclePercent: number, overrideDutyCycle: boolean, now: number): boolean {
    if (overrideDutyCycle || !(dutyCyclePercent < 100)) return false;
    return this.txUtilizationPercent(now) > dutyCyclePercent;
  }

  /**
   * Airtime of `kind` in ms during the hour-long period `periodsAgo` back (0 = the current, partial
   * one; up to AIRTIME_REPORT_PERIODS − 1), as in AirTime::airtimeReport. 0 outside that range.
   */
  periodAirtimeMs(kind: AirtimeKind, periodsAgo: number, now: number): number {
    this.advance(now);
    if (!(periodsAgo >= 0 && periodsAgo < AIRTIME_REPORT_PERIODS)) return 0;
    const report = kind === AirtimeKind.TX ? this.periodTx : kind === AirtimeKind.RX ? this.periodRx : this.periodRxAll;
    return report[periodsAgo | 0];
  }
}
