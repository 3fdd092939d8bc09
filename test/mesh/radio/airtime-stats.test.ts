// Airtime accounting (airtime.cpp; spec meshtastic-wire.md 6.12): 6×10 s channel buckets, 60×1 min TX
// buckets, the polite gates and the hard duty-cycle limit.
import { describe, expect, it } from "vitest";
import {
  AIRTIME_REPORT_PERIODS,
  AirtimeKind,
  AirtimeStats,
  CHANNEL_UTIL_BUCKETS,
  CHANNEL_UTIL_BUCKET_MS,
  TX_UTIL_BUCKETS,
  TX_UTIL_BUCKET_MS,
} from "../../../firmware/mesh/airtime-stats.js";
import { RegionCode, regionInfo } from "../../../firmware/mesh/regions.js";

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

describe("window shapes (airtime.h)", () => {
  it("6 channel buckets of 10 s and 60 TX buckets of 1 min; 8 hourly report periods", () => {
    expect([CHANNEL_UTIL_BUCKETS, CHANNEL_UTIL_BUCKET_MS, TX_UTIL_BUCKETS, TX_UTIL_BUCKET_MS, AIRTIME_REPORT_PERIODS]).toEqual([
      6,
      10 * SEC,
      60,
      MIN,
      8,
    ]);
  });
});

describe("channel utilisation: all airtime in the 6×10 s buckets over 60 s", () => {
  it("every kind counts: 1 s TX + 2 s RX + 3 s RX_ALL = 6 s of 60 s = 10 %", () => {
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.TX, 1000, 0);
    s.logAirtime(AirtimeKind.RX, 2000, 1 * SEC);
    s.logAirtime(AirtimeKind.RX_ALL, 3000, 2 * SEC);
    expect(s.channelUtilizationPercent(3 * SEC)).toBe(10);
  });

  it("the current, partial bucket counts at once and the divisor is always the full 60 s", () => {
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.RX, 600, 5 * SEC);
    expect(s.channelUtilizationPercent(5 * SEC)).toBe(1);
  });

  it("a bucket is cleared when time enters it again, 60 s of phase later", () => {
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.RX, 6000, 9_999); // bucket 0
    s.logAirtime(AirtimeKind.RX, 3000, 10_000); // bucket 1
    // In float as airtime.cpp 110 computes it: 9000 / 60000 * 100 is 15.000000953674316.
    expect(s.channelUtilizationPercent(59_999)).toBe(Math.fround(Math.fround(9000 / 60000) * 100));
    expect(s.channelUtilizationPercent(60_000)).toBe(5); // bucket 0 entered again: cleared
    expect(s.channelUtilizationPercent(69_999)).toBe(5);
    expect(s.channelUtilizationPercent(70_000)).toBe(0);
  });

  it("buckets follow absolute time phase, not the first call: a log at 125 s expires when 180 s is reached", () => {
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.RX, 1200, 125 * SEC); // bucket floor(125/10) mod 6 = 0
    expect(s.channelUtilizationPercent(179 * SEC)).toBe(2);
    expect(s.channelUtilizationPercent(180 * SEC)).toBe(0);
  });

  it("a long silence clears every crossed bucket, a short one only those crossed", () => {
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.RX, 1200, 0); // bucket 0
    s.logAirtime(AirtimeKind.RX, 1200, 30 * SEC); // bucket 3
    // 30 s → 55 s crosses buckets 4 and 5 only
    expect(s.channelUtilizationPercent(55 * SEC)).toBe(4);
    // a jump of a day clears everything
    expect(s.channelUtilizationPercent(24 * HOUR)).toBe(0);
  });

  it("works at any epoch (a driver may pass wall-clock milliseconds)", () => {
    const t0 = 1_767_225_600_000;
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.TX, 3000, t0);
    expect(s.channelUtilizationPercent(t0 + 5 * SEC)).toBe(5);
    expect(s.channelUtilizationPercent(t0 + 2 * MIN)).toBe(0);
  });

  it("time running backwards neither rewinds nor clears anything", () => {
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.RX, 6000, 50 * SEC);
    s.logAirtime(AirtimeKind.RX, 6000, 20 * SEC); // treated as 50 s
    expect(s.channelUtilizationPercent(50 * SEC)).toBe(20);
    expect(s.channelUtilizationPercent(109 * SEC)).toBe(20);
    expect(s.channelUtilizationPercent(110 * SEC)).toBe(0);
  });

  it("airtime is whole milliseconds like the firmware's uint32: fractions dropped, non-positive ignored", () => {
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.RX, 599.9, 0);
    s.logAirtime(AirtimeKind.RX, -100, 0);
    s.logAirtime(AirtimeKind.RX, NaN, 0);
    expect(s.channelUtilizationPercent(0)).toBe(Math.fround(Math.fround(599 / 60000) * 100));
  });
});

describe("TX utilisation: own TX airtime in the 60×1 min buckets over one hour", () => {
  it("only TX counts: 36 s of TX in the hour is 1 %", () => {
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.TX, 36_000, 0);
    s.logAirtime(AirtimeKind.RX, 36_000, 0);
    s.logAirtime(AirtimeKind.RX_ALL, 36_000, 0);
    expect(s.txUtilizationPercent(1 * SEC)).toBe(1);
  });

  it("a minute bucket lasts until its minute comes round again an hour later", () => {
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.TX, 18_000, 30 * SEC); // minute 0
    s.logAirtime(AirtimeKind.TX, 18_000, 10 * MIN); // minute 10
    expect(s.txUtilizationPercent(59 * MIN + 59 * SEC)).toBe(1);
    expect(s.txUtilizationPercent(60 * MIN)).toBe(0.5);
    expect(s.txUtilizationPercent(70 * MIN)).toBe(0);
  });
});

describe("polite gates (AirTime::isTxAllowedChannelUtil / isTxAllowedAirUtil)", () => {
  it("channel utilisation must be below 40 %: 23.999 s of 60 s passes, 24 s (exactly 40 %) does not", () => {
    const a = new AirtimeStats();
    a.logAirtime(AirtimeKind.RX, 23_999, 0);
    expect(a.isTxAllowedChannelUtil(false, 0)).toBe(true);
    const b = new AirtimeStats();
    b.logAirtime(AirtimeKind.RX, 24_000, 0);
    expect(b.isTxAllowedChannelUtil(false, 0)).toBe(false);
  });

  it("polite senders need below 25 %: 14.999 s passes, 15 s does not", () => {
    const a = new AirtimeStats();
    a.logAirtime(AirtimeKind.RX, 14_999, 0);
    expect(a.isTxAllowedChannelUtil(true, 0)).toBe(true);
    const b = new AirtimeStats();
    b.logAirtime(AirtimeKind.RX, 15_000, 0);
    expect(b.isTxAllowedChannelUtil(true, 0)).toBe(false);
    expect(b.isTxAllowedChannelUtil(false, 0)).toBe(true);
  });

  it("EU_868 (10 %): periodic broadcasts stop once the hour's TX reaches half of it, 5 % = 180 s", () => {
    const duty = regionInfo(RegionCode.EU_868).dutyCyclePercent;
    expect(duty).toBe(10);
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.TX, 179_999, 0);
    expect(s.isTxAllowedAirUtil(duty, false, 0)).toBe(true);
    s.logAirtime(AirtimeKind.TX, 1, 0);
    expect(s.isTxAllowedAirUtil(duty, false, 0)).toBe(false);
    expect(s.isTxAllowedAirUtil(duty, true, 0)).toBe(true); // override_duty_cycle
  });

  it("regions without a duty cycle (100 %) never refuse on airtime", () => {
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.TX, 3_000_000, 0);
    expect(s.isTxAllowedAirUtil(regionInfo(RegionCode.US).dutyCyclePercent, false, 0)).toBe(true);
    expect(s.dutyCycleExceeded(regionInfo(RegionCode.US).dutyCyclePercent, false, 0)).toBe(false);
  });
});

describe("hard duty-cycle limit (Router::send: TX-hour % > duty cycle → DUTY_CYCLE_LIMIT)", () => {
  it("EU_868 10 %: sending LongFast 255-byte frames (2156 ms) every 10 s is refused once the hour's TX passes 360 s", () => {
    const duty = regionInfo(RegionCode.EU_868).dutyCyclePercent;
    const s = new AirtimeStats();
    let sent = 0;
    let refusedAt = -1;
    for (let t = 0; t < HOUR; t += 10 * SEC) {
      if (s.dutyCycleExceeded(duty, false, t)) {
        refusedAt = t;
        break;
      }
      s.logAirtime(AirtimeKind.TX, 2156, t);
      sent++;
    }
    // 167 frames = 360.052 s > 360 s: the 168th send is refused
    expect(sent).toBe(167);
    expect(167 * 2156).toBeGreaterThan(360_000);
    expect(166 * 2156).toBeLessThanOrEqual(360_000);
    expect(refusedAt).toBe(167 * 10 * SEC);
  });

  it("exactly the duty cycle is still allowed (strictly greater refuses): 360 000 ms vs 360 001 ms", () => {
    const a = new AirtimeStats();
    a.logAirtime(AirtimeKind.TX, 360_000, 0);
    expect(a.dutyCycleExceeded(10, false, 0)).toBe(false);
    a.logAirtime(AirtimeKind.TX, 1, 0);
    expect(a.dutyCycleExceeded(10, false, 0)).toBe(true);
    expect(a.dutyCycleExceeded(10, true, 0)).toBe(false); // override_duty_cycle
  });

  it("sending is allowed again once the busy minutes leave the hour window", () => {
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.TX, 200_000, 0); // minute 0
    s.logAirtime(AirtimeKind.TX, 200_000, 5 * MIN); // minute 5
    expect(s.dutyCycleExceeded(10, false, 59 * MIN)).toBe(true);
    expect(s.dutyCycleExceeded(10, false, 60 * MIN)).toBe(false); // minute 0 cleared: 200 s = 5.6 %
  });
});

describe("hourly airtime report (AirTime::airtimeReport: 8 periods per kind, newest first)", () => {
  it("records each kind separately and shifts one slot per hour", () => {
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.TX, 100, 0);
    s.logAirtime(AirtimeKind.RX, 200, 0);
    s.logAirtime(AirtimeKind.RX_ALL, 300, 0);
    s.logAirtime(AirtimeKind.TX, 50, HOUR + 1);
    expect(s.periodAirtimeMs(AirtimeKind.TX, 0, HOUR + 2)).toBe(50);
    expect(s.periodAirtimeMs(AirtimeKind.TX, 1, HOUR + 2)).toBe(100);
    expect(s.periodAirtimeMs(AirtimeKind.RX, 1, HOUR + 2)).toBe(200);
    expect(s.periodAirtimeMs(AirtimeKind.RX_ALL, 1, HOUR + 2)).toBe(300);
    expect(s.periodAirtimeMs(AirtimeKind.RX, 0, HOUR + 2)).toBe(0);
  });

  it("keeps 8 periods: the first hour is still there 7 hours later and gone after 8", () => {
    const s = new AirtimeStats();
    s.logAirtime(AirtimeKind.TX, 100, 0);
    expect(s.periodAirtimeMs(AirtimeKind.TX, 7, 7 * HOUR)).toBe(100);
    expect(s.periodAirtimeMs(AirtimeKind.TX, 7, 8 * HOUR)).toBe(0);
    expect(s.periodAirtimeMs(AirtimeKind.TX, 8, 8 * HOUR)).toBe(0);
  });
});
