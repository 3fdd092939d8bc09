// Contention window and delays (RadioInterface.cpp getTxDelayMsec, getCWsize, getTxDelayMsecWeighted,
// getTxDelayMsecWeightedWorst, getRetransmissionMsec; RadioLibInterface.cpp setTransmitDelay; spec 6.6).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packetTimeMsec, presetModulation, presetSlotTimeMsec } from "../../../firmware/mesh/airtime.js";
import {
  CW_MAX,
  CW_MIN,
  PROCESSING_TIME_MSEC,
  arduinoMap,
  contentionWindowForSnr,
  contentionWindowForUtil,
  lateTxAfter,
  retransmissionMsec,
  txDelayMsec,
  txDelayWeightedMsec,
  worstWeightedDelayMsec,
} from "../../../firmware/mesh/contention.js";
import { ModemPreset } from "../../../firmware/mesh/modem-preset.js";
import { SeededRng } from "../../../firmware/mesh/rng.js";

const SLOT = 28; // LongFast
const DRAWS = 4000;

function draws(f: () => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < DRAWS; i++) out.push(f());
  return out;
}

describe("constants (RadioInterface.h)", () => {
  it("CWmin 3, CWmax 8, PROCESSING_TIME_MSEC 4500", () => {
    expect([CW_MIN, CW_MAX, PROCESSING_TIME_MSEC]).toEqual([3, 8, 4500]);
  });
});

describe("Arduino map(): long arithmetic, truncation toward zero, no clamping", () => {
  it.each([
    [0, 0, 100, 3, 8, 3],
    [50, 0, 100, 3, 8, 5], // 50·5/100 = 2.5 → 2
    [100, 0, 100, 3, 8, 8],
    [99.9, 0, 100, 3, 8, 7], // x truncated to 99 first: 495/100 = 4
    [150, 0, 100, 3, 8, 10], // not clamped
    [-20, -20, 10, 3, 8, 3],
    [10, -20, 10, 3, 8, 8],
    [9.99, -20, 10, 3, 8, 7], // 9 → 29·5/30 = 4
    [16, -20, 10, 3, 8, 9], // high SNR goes past CWmax: 36·5/30 = 6
  ])("map(%d, %d, %d, %d, %d) = %d", (x, a, b, c, d, want) => {
    expect(arduinoMap(x, a, b, c, d)).toBe(want);
  });

  it("a negative float SNR is truncated toward zero, not floored: −20.9 → −20 → 3", () => {
    expect(arduinoMap(-20.9, -20, 10, 3, 8)).toBe(3);
    // −25.9 → −25: −5·5/30 = −0.83 → 0 (floor would give −1)
    expect(arduinoMap(-25.9, -20, 10, 3, 8)).toBe(3);
    // −26 → −6·5/30 = −1 exactly
    expect(arduinoMap(-26, -20, 10, 3, 8)).toBe(2);
  });

  it("a negative quotient truncates toward zero: map(5, 0, 10, 8, 3) = 5·(−5)/10 + 8 = −2 + 8 = 6", () => {
    expect(arduinoMap(5, 0, 10, 8, 3)).toBe(6);
  });

  it("an empty input range returns −1 (ESP32 Arduino core) instead of dividing by zero", () => {
    expect(arduinoMap(5, 5, 5, 0, 100)).toBe(-1);
  });

  it("NaN counts as 0", () => {
    expect(arduinoMap(NaN, 0, 100, 3, 8)).toBe(3);
  });

  it("matches the C definition for any integer arguments in LoRa ranges", () => {
    fc.assert(
      fc.property(fc.integer({ min: -200, max: 200 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 100 }), (x, inMin, span) => {
        const c = (x - inMin) * 5;
        const q = c / span;
        expect(arduinoMap(x, inMin, inMin + span, 3, 8)).toBe((q < 0 ? Math.ceil(q) : Math.floor(q)) + 3);
      }),
    );
  });
});

describe("contention window sizes", () => {
  it("channel utilisation 0..100 % maps to CW 3..8 in steps of 20 %", () => {
    expect([0, 19.9, 20, 40, 60, 80, 99.99, 100].map(contentionWindowForUtil)).toEqual([3, 3, 4, 5, 6, 7, 7, 8]);
  });

  it("SNR −20..10 dB maps to CW 3..8 (high SNR = large window), beyond 10 dB past CWmax", () => {
    expect([-20, -14, -8, -2, 4, 10, 16, 31.75].map(contentionWindowForSnr)).toEqual([3, 4, 5, 6, 7, 8, 9, 11]);
  });

  it("a CW below zero wraps like the firmware's uint8_t (only for SNRs no radio reports)", () => {
    // −50 dB: −30·5/30 + 3 = −2 → 254
    expect(contentionWindowForSnr(-50)).toBe(254);
  });
});

describe("txDelayMsec: own packets wait random(0, 2^CW) slots, CW from channel utilisation", () => {
  it("idle channel: CW 3, every multiple of the slot from 0 to 7 slots appears", () => {
    const rng = new SeededRng(1);
    const seen = new Set(draws(() => txDelayMsec(rng, SLOT, 0)));
    expect([...seen].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((k) => k * SLOT));
  });

  it("full channel: CW 8, delays stay within 0..255 slots and reach both ends", () => {
    const rng = new SeededRng(2);
    const d = draws(() => txDelayMsec(rng, SLOT, 100));
    for (const x of d) expect(x % SLOT).toBe(0);
    expect(Math.min(...d)).toBe(0);
    expect(Math.max(...d)).toBeLessThanOrEqual(255 * SLOT);
    expect(Math.max(...d)).toBeGreaterThanOrEqual(240 * SLOT);
  });
});

describe("txDelayWeightedMsec: rebroadcast delay from SNR", () => {
  it("a ROUTER draws from its early window random(0, 2·CW) slots: SNR 10 → 0..15 slots", () => {
    const rng = new SeededRng(3);
    const seen = new Set(draws(() => txDelayWeightedMsec(rng, SLOT, 10, true)));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, k) => k * SLOT));
  });

  it("everyone else waits 2·CWmax slots then random(0, 2^CW): SNR −20 → 16..23 slots", () => {
    const rng = new SeededRng(4);
    const seen = new Set(draws(() => txDelayWeightedMsec(rng, SLOT, -20, false)));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 8 }, (_, k) => (16 + k) * SLOT));
  });

  it("a router's early window always ends before a client's window starts, for any SNR in −20..10 dB", () => {
    const rng = new SeededRng(5);
    fc.assert(
      fc.property(fc.double({ min: -20, max: 10, noNaN: true }), (snr) => {
        expect(txDelayWeightedMsec(rng, SLOT, snr, true)).toBeLessThan(2 * CW_MAX * SLOT);
        expect(txDelayWeightedMsec(rng, SLOT, snr, false)).toBeGreaterThanOrEqual(2 * CW_MAX * SLOT);
      }),
    );
  });

  it("random(0, 0) is 0: a router at SNR −38 dB (CW 0) sends at once", () => {
    expect(contentionWindowForSnr(-38)).toBe(0);
    expect(txDelayWeightedMsec(new SeededRng(6), SLOT, -38, true)).toBe(0);
  });

  it("no weighted delay exceeds the worst case for its SNR", () => {
    const rng = new SeededRng(7);
    for (const snr of [-20, -5, 0, 6.5, 10, 15]) {
      const worst = worstWeightedDelayMsec(SLOT, snr);
      for (const d of draws(() => txDelayWeightedMsec(rng, SLOT, snr, false))) expect(d).toBeLessThan(worst);
    }
  });
});

describe("worstWeightedDelayMsec = 2·CWmax·slot + 2^CW·slot", () => {
  it("LongFast: SNR 10 → (16 + 256)·28 = 7616 ms; SNR −20 → (16 + 8)·28 = 672 ms", () => {
    expect(worstWeightedDelayMsec(SLOT, 10)).toBe(7616);
    expect(worstWeightedDelayMsec(SLOT, -20)).toBe(672);
  });
});

describe("retransmissionMsec = 2·airtime + (2^CW + 2·CWmax + 2^5)·slot + 4500", () => {
  const longFast = presetModulation(ModemPreset.LONG_FAST, false);

  it("LongFast, a 34-byte frame (518 ms on air), idle channel", () => {
    expect(presetSlotTimeMsec(ModemPreset.LONG_FAST, false)).toBe(28);
    expect(packetTimeMsec(longFast, 34)).toBe(518);
    // CW = map(0, 0, 100, 3, 8) = 3: 2·518 + (8 + 16 + 32)·28 + 4500 = 1036 + 1568 + 4500 = 7104
    expect(retransmissionMsec(518, 28, 0)).toBe(7104);
  });

  it("LongFast, same frame, 45.7 % channel utilisation", () => {
    // CW = map(45, 0, 100, 3, 8) = 45·5/100 + 3 = 2 + 3 = 5: 1036 + (32 + 16 + 32)·28 + 4500 = 1036 + 2240 + 4500 = 7776
    expect(retransmissionMsec(518, 28, 45.7)).toBe(7776);
  });

  it("LongFast, a full 255-byte frame (2156 ms on air), saturated channel", () => {
    expect(packetTimeMsec(longFast, 255)).toBe(2156);
    // CW 8: 2·2156 + (256 + 16 + 32)·28 + 4500 = 4312 + 8512 + 4500 = 17324
    expect(retransmissionMsec(2156, 28, 100)).toBe(17324);
  });
});

describe("late window: tx_after = min(max(tx_after + d, now + d), now + 2·worst)", () => {
  const now = 9000;
  const worst = 7616;

  it("a future tx_after moves later by the delay", () => {
    expect(lateTxAfter(10000, now, 500, worst)).toBe(10500);
  });

  it("a past tx_after restarts from now", () => {
    expect(lateTxAfter(1000, now, 500, worst)).toBe(9500);
  });

  it("never beyond now + 2·worst", () => {
    // 9000 + 2·7616 = 24232
    expect(lateTxAfter(30000, now, 500, worst)).toBe(24232);
  });
});
