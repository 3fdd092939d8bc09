// PHY rules of the simulated medium: thresholds, RSSI/SNR, exact time on air, collisions and
// capture, preamble timing, the hidden terminal, half duplex, channel-busy reports and the
// summed-interference option. Radios use LONG_FAST (Tsym = 2^11 / 250 kHz = 8.192 ms) and the
// log-distance model with Meshtasticator's constants, no link offsets, 30 dBm, 0 dBi, so every RSSI
// below is worked out by hand:
//   PL(400 m)  = 127.41 + 20.8·log10(10)   = 148.21 dB → RSSI at 30 dBm = −118.21 dBm
//   PL(1500 m) = 127.41 + 20.8·log10(37.5) = 127.41 + 20.8·1.574031 = 160.15 dB → −130.15 dBm
//   PL(3000 m) = 127.41 + 20.8·log10(75)   = 127.41 + 20.8·1.875061 = 166.41 dB → −136.41 dBm
//   noise floor (250 kHz, NF 6) = −174 + 10·log10(250 000) + 6 = −174 + 53.979 + 6 = −114.021 dBm
//   sensitivity SF11 = −114.021 − 17.5 = −131.521 dBm; CAD threshold = −134.521 dBm
// A 40-byte frame lasts (16 + 4.25 + 8 + ceil((320 − 44 + 28 + 16)/44)·5)·8.192
//   = (20.25 + 8 + 8·5)·8.192 = 68.25·8.192 = 559.104 ms,
// its critical section starts (16 − 5)·8.192 = 90.112 ms after its start, and the channel is
// reported busy 2.5·8.192 = 20.48 ms after a detectable preamble starts.
import { describe, expect, it } from "vitest";
import { presetModulation, timeOnAirMs } from "../../firmware/mesh/airtime.js";
import { ModemPreset } from "../../firmware/mesh/modem-preset.js";
import { Capture, cadThresholdDbm, capture, noiseFloorDbm, radioThresholds, sensitivityDbm, survivesInterference } from "../../sim/phy.js";
import { LONG_FAST, PhyHarness } from "./phy-harness.js";

const T40 = 559.104;

describe("thresholds", () => {
  it("reproduce the spec's sensitivity table (NF 6 dB) and put CAD 3 dB below", () => {
    // Spec 1.4 and 4.2 tables, dBm.
    const table: [number, number][] = [
      [ModemPreset.SHORT_TURBO, -118.5],
      [ModemPreset.SHORT_FAST, -121.5],
      [ModemPreset.SHORT_SLOW, -124.0],
      [ModemPreset.MEDIUM_TURBO, -123.5],
      [ModemPreset.MEDIUM_FAST, -126.5],
      [ModemPreset.MEDIUM_SLOW, -129.0],
      [ModemPreset.LONG_TURBO, -128.5],
      [ModemPreset.LONG_FAST, -131.5],
      [ModemPreset.LONG_MODERATE, -134.5],
      [ModemPreset.LONG_SLOW, -137.0],
      [ModemPreset.LITE_FAST, -129.5],
      [ModemPreset.LITE_SLOW, -132.0],
      [ModemPreset.NARROW_FAST, -127.5],
      [ModemPreset.NARROW_SLOW, -130.0],
      [ModemPreset.TINY_FAST, -133.6],
      [ModemPreset.TINY_SLOW, -136.1],
    ];
    for (const [preset, sens] of table) {
      const t = radioThresholds(presetModulation(preset, false), 6);
      expect(t.sensitivityDbm, "preset " + preset).toBeCloseTo(sens, 1);
      expect(t.cadThresholdDbm).toBeCloseTo(t.sensitivityDbm - 3, 9);
    }
    // VERY_LONG_SLOW (62.5 kHz, SF12) is no longer a firmware preset: −174 + 47.959 + 6 − 20 = −140.04
    expect(sensitivityDbm(12, 62.5, 6)).toBeCloseTo(-140.0, 1);
    expect(cadThresholdDbm(12, 62.5, 6)).toBeCloseTo(-143.0, 1);
    expect(noiseFloorDbm(250, 6)).toBeCloseTo(-114.0206, 4);
  });
});

describe("capture rule", () => {
  it("is 6 dB, pairwise, either way round", () => {
    expect(capture(-100, -100, 6)).toBe(Capture.BOTH_LOST);
    expect(capture(-100, -105.99, 6)).toBe(Capture.BOTH_LOST);
    expect(capture(-100, -106, 6)).toBe(Capture.SECOND_LOST);
    expect(capture(-106, -100, 6)).toBe(Capture.FIRST_LOST);
  });

  it("summed energy must stay 6 dB below the signal's", () => {
    // P·T = 4·1 = 4 mW·ms vs interference 1 mW·ms: 6.02 dB ≥ 6 → survives; 1.01 mW·ms → 5.98 dB → lost
    expect(survivesInterference(4, 1, 1, 6)).toBe(true);
    expect(survivesInterference(4, 1, 1.01, 6)).toBe(false);
    expect(survivesInterference(1e-15, 1, 0, 6)).toBe(true);
  });
});

describe("link budget and reports", () => {
  it("hands the node RSSI (whole dBm) and SNR (0.25 dB) from the link budget", () => {
    const h = new PhyHarness();
    const a = h.radio(-400, 0);
    const b = h.radio(0, 0);
    expect(h.medium.linkRssiDbm(a, b)).toBeCloseTo(-118.21, 9);
    h.sendAt(0, a, 0xa);
    h.run(Infinity);
    // SNR = −118.21 + 114.0206 = −4.189 → nearest quarter −4.25
    expect(h.heard.find((e) => e.node === b && e.what === "rx:10")).toMatchObject({ rssi: -118, snr: -4.25 });
    // busy 20.48 ms after the start, the frame when it ends; the radio is idle after the frame.
    expect(h.log(b)).toEqual(["busy@20.48", "rx:10@" + T40]);
    expect(h.log(a)).toEqual(["tx-done@" + T40]);
  });

  it("caps the reported SNR at 15 dB unless told otherwise", () => {
    // 40 m: PL = 127.41 → RSSI −97.41 dBm, SNR = −97.41 + 114.02 = 16.61 dB → reported as 15
    const snrAt = (maxSnrDb?: number) => {
      const h = new PhyHarness(maxSnrDb === undefined ? {} : { maxSnrDb });
      const a = h.radio(-40, 0);
      const b = h.radio(0, 0);
      h.sendAt(0, a, 1);
      h.run(Infinity);
      return h.heard.find((e) => e.node === b && e.what === "rx:1")?.snr;
    };
    expect(snrAt()).toBe(15);
    expect(snrAt(Infinity)).toBe(16.5); // 16.61 to the nearest quarter
  });

  it("uses the exact time on air, not whole milliseconds or Meshtasticator's (cr + 4)", () => {
    const h = new PhyHarness();
    const a = h.radio(0, 0);
    // 16-byte header + 40-byte payload: (20.25 + 8 + ceil((448 − 44 + 44)/44)·5)·8.192
    // = (28.25 + 11·5)·8.192 = 83.25·8.192 = 681.984 ms (spec 4.2: 682.0). With (cr + 4) = 9 it would
    // be (28.25 + 99)·8.192 = 1042.4 ms.
    expect(h.sendAt(0, a, 1, 56)).toBeCloseTo(681.984, 9);
    expect(timeOnAirMs(LONG_FAST, 56)).toBeCloseTo(681.984, 9);
    h.run(Infinity);
    expect(h.log(a)).toEqual(["tx-done@681.984"]);
  });

  it("reports a detectable but undecodable frame as channel activity only", () => {
    const h = new PhyHarness();
    // PL(2050 m) = 127.41 + 20.8·log10(51.25) = 127.41 + 20.8·1.709694 = 162.97 → −132.97 dBm:
    // between the CAD threshold (−134.52) and the sensitivity (−131.52).
    const a = h.radio(-2050, 0);
    const b = h.radio(0, 0);
    h.sendAt(0, a, 1);
    h.run(Infinity);
    expect(h.log(b)).toEqual(["busy@20.48", "quiet@" + T40]);
    expect(h.medium.radioCounters(b)).toMatchObject({ rxOk: 0, rxWeak: 1, rxCollided: 0 });
  });
});

describe("collisions at one receiver", () => {
  // B at the origin; A 400 m west and C 400 m east, both −118.21 dBm at B at 30 dBm.
  function setup(powerA: number, powerC: number): { h: PhyHarness; a: number; b: number; c: number } {
    const h = new PhyHarness();
    const a = h.radio(-400, 0, powerA);
    const b = h.radio(0, 0);
    const c = h.radio(400, 0, powerC);
    return { h, a, b, c };
  }

  it("equal power, overlapping critical sections: both lost", () => {
    const { h, a, b, c } = setup(30, 30);
    h.sendAt(0, a, 0xa);
    h.sendAt(100, c, 0xc);
    h.run(Infinity);
    expect(h.received(b)).toEqual([]);
    // Busy from A's detection until C ends at 100 + 559.104. B was demodulating A: its payload fails
    // the CRC (the firmware books its airtime and counts a bad frame); C was never locked onto.
    expect(h.log(b)).toEqual(["busy@20.48", "crc-error:40+busy@" + T40, "quiet@659.104"]);
    expect(h.medium.radioCounters(b)).toMatchObject({ rxOk: 0, rxCollided: 2, rxCrcErrors: 1 });
  });

  it("5.9 dB apart: both lost; 6.1 dB apart: the stronger is captured, earlier or later", () => {
    let s = setup(30, 24.1); // C at −124.11: 5.9 dB below A
    s.h.sendAt(0, s.a, 0xa);
    s.h.sendAt(100, s.c, 0xc);
    s.h.run(Infinity);
    expect(s.h.received(s.b)).toEqual([]);

    s = setup(30, 23.9); // C at −124.31: 6.1 dB below A
    s.h.sendAt(0, s.a, 0xa);
    s.h.sendAt(100, s.c, 0xc);
    s.h.run(Infinity);
    expect(s.h.received(s.b)).toEqual(["rx:10"]);
    // A decoded at its end with C still on air (busy), then quiet when C ends.
    expect(s.h.log(s.b)).toEqual(["busy@20.48", "rx:10+busy@" + T40, "quiet@659.104"]);
    expect(s.h.medium.radioCounters(s.b)).toMatchObject({ rxOk: 1, rxCollided: 1 });

    s = setup(23.9, 30); // the later frame is the stronger one: it takes the receiver over
    s.h.sendAt(0, s.a, 0xa);
    s.h.sendAt(100, s.c, 0xc);
    s.h.run(Infinity);
    expect(s.h.received(s.b)).toEqual(["rx:12"]);
    expect(s.h.medium.radioCounters(s.b)).toMatchObject({ rxOk: 1, rxCollided: 1, rxCrcErrors: 0 });
  });

  it("non-overlapping frames are both received", () => {
    const { h, a, b, c } = setup(30, 30);
    h.sendAt(0, a, 0xa);
    h.sendAt(T40, c, 0xc); // starts as A ends
    h.run(Infinity);
    expect(h.received(b)).toEqual(["rx:10", "rx:12"]);
  });

  it("an overlap within the newer frame's first N_preamble − 5 symbols is harmless", () => {
    let s = setup(30, 30);
    s.h.sendAt(0, s.a, 0xa);
    // C starts 80 ms before A ends: its critical section starts at 479.104 + 90.112 = 569.216 > 559.104
    s.h.sendAt(T40 - 80, s.c, 0xc);
    s.h.run(Infinity);
    expect(s.h.received(s.b)).toEqual(["rx:10", "rx:12"]);

    s = setup(30, 30);
    s.h.sendAt(0, s.a, 0xa);
    // 100 ms before: critical section from 459.104 + 90.112 = 549.216 < 559.104 → collision
    s.h.sendAt(T40 - 100, s.c, 0xc);
    s.h.run(Infinity);
    expect(s.h.received(s.b)).toEqual([]);
  });

  it("the summed-interference option loses a frame two 7 dB weaker interferers would not each break", () => {
    // A at −118.21; I1, I2 at 23 dBm → −125.21 each (7 dB below A), all starting together.
    const run = (sum: boolean) => {
      const h = new PhyHarness({ sumInterference: sum });
      const a = h.radio(-400, 0);
      const b = h.radio(0, 0);
      const i1 = h.radio(400, 0, 23);
      const i2 = h.radio(0, 400, 23);
      h.sendAt(0, a, 0xa);
      h.sendAt(0, i1, 1);
      h.sendAt(0, i2, 2);
      h.run(Infinity);
      return h.received(b);
    };
    // Pairwise: each interferer is 7 dB ≥ 6 dB below A → A captured.
    expect(run(false)).toEqual(["rx:10"]);
    // Summed: P_A / (2·P_I) = 10^0.7 / 2 = 2.506 → 3.99 dB < 6 dB → lost.
    expect(run(true)).toEqual([]);
  });

  it("the summed option keeps a frame with one 7 dB weaker interferer", () => {
    const h = new PhyHarness({ sumInterference: true });
    const a = h.radio(-400, 0);
    const b = h.radio(0, 0);
    const i1 = h.radio(400, 0, 23);
    h.sendAt(0, a, 0xa);
    h.sendAt(50, i1, 1);
    h.run(Infinity);
    expect(h.received(b)).toEqual(["rx:10"]);
  });
});

describe("interference floor", () => {
  it("lets signals below the CAD threshold add to the summed interference without making the channel busy", () => {
    // B at the origin; A 1500 m west: −130.15 dBm. I1 3000 m east and I2 3000 m north: −136.41 dBm
    // each, below the −134.52 dBm CAD threshold, so by default they do not reach B at all.
    const run = (o: { sumInterference: boolean; interferenceFloorDbm?: number }) => {
      const h = new PhyHarness(o);
      const a = h.radio(-1500, 0);
      const b = h.radio(0, 0);
      const i1 = h.radio(3000, 0);
      const i2 = h.radio(0, 3000);
      h.sendAt(0, a, 0xa);
      h.sendAt(0, i1, 1);
      h.sendAt(0, i2, 2);
      h.run(Infinity);
      return { got: h.received(b), log: h.log(b), range: h.medium.hearingRangeM() };
    };
    const plain = run({ sumInterference: true });
    expect(plain.got).toEqual(["rx:10"]);
    // With a −140 dBm floor: SIR = −130.15 − (−136.41 + 3.01) = 3.25 dB < 6 → lost. B was
    // demodulating A's frame, so it ends in a CRC error. The interferers are never reported as
    // channel activity; the floor also widens the hearing range.
    const floored = run({ sumInterference: true, interferenceFloorDbm: -140 });
    expect(floored.got).toEqual([]);
    expect(floored.log).toEqual(["busy@20.48", "crc-error:40@" + T40]);
    expect(floored.range).toBeGreaterThan(plain.range);
  });
});

describe("hidden terminal", () => {
  it("A and C cannot hear each other, both reach B, and collide there", () => {
    const h = new PhyHarness();
    // A 1500 m west of B, C 1500 m east: −130.15 dBm at B (above −131.52); A–C is 3000 m:
    // −136.41 dBm, below even the CAD threshold (−134.52), so neither senses the other.
    const a = h.radio(-1500, 0);
    const b = h.radio(0, 0);
    const c = h.radio(1500, 0);
    expect(h.medium.receiversOf(a)).toEqual([b]);
    expect(h.medium.receiversOf(c)).toEqual([b]);
    h.sendAt(0, a, 0xa);
    h.sendAt(200, c, 0xc); // C's channel looks idle: A is inaudible there
    h.run(Infinity);
    expect(h.log(c)).toEqual(["tx-done@759.104"]);
    expect(h.log(a)).toEqual(["tx-done@" + T40]);
    expect(h.received(b)).toEqual([]);
    expect(h.medium.radioCounters(b)).toMatchObject({ rxOk: 0, rxCollided: 2 });
  });
});

describe("half duplex", () => {
  it("a radio that transmits during a frame loses it, and is told the channel is busy when done", () => {
    const h = new PhyHarness();
    const a = h.radio(-400, 0);
    const b = h.radio(0, 0);
    h.sendAt(0, a, 0xa);
    h.sendAt(100, b, 0xb); // B starts while A's frame is arriving
    h.run(Infinity);
    expect(h.received(b)).toEqual([]);
    expect(h.received(a)).toEqual([]); // A was transmitting when B's frame started
    expect(h.medium.radioCounters(b)).toMatchObject({ rxHalfDuplex: 1, rxOk: 0 });
    expect(h.medium.radioCounters(a)).toMatchObject({ rxHalfDuplex: 1, rxOk: 0 });
    // B: busy at 20.48; A's end at 559.104 falls in B's TX (a transmitting radio is told nothing);
    // B's TX ends at 659.104 with the channel quiet, which radio-tx-done already implies.
    expect(h.log(b)).toEqual(["busy@20.48", "tx-done@659.104"]);
    // A: its TX ends at 559.104 while B's frame is on air (detected at 120.48): busy, then quiet.
    expect(h.log(a)).toEqual(["tx-done+busy@" + T40, "quiet@659.104"]);
  });

  it("refuses a second transmission from a radio already sending", () => {
    const h = new PhyHarness();
    const a = h.radio(0, 0);
    h.sendAt(0, a, 1);
    expect(h.sendAt(10, a, 2)).toBe(-1);
    expect(h.medium.radioCounters(a)).toMatchObject({ txPackets: 1, txRefused: 1 });
  });
});

describe("moving radios", () => {
  it("changes who hears whom for frames sent afterwards", () => {
    const h = new PhyHarness();
    const a = h.radio(-400, 0);
    const b = h.radio(0, 0);
    expect(h.medium.receiversOf(a)).toEqual([b]);
    h.medium.moveRadio(b, 5000, 0, 1); // 5400 m away: far below the CAD threshold
    expect(h.medium.receiversOf(a)).toEqual([]);
    const c = h.radio(-800, 0); // added after the grid was built, then moved before first use
    h.medium.moveRadio(c, 5000, 10, 1);
    expect(h.medium.receiversOf(b)).toEqual([c]);
    h.medium.moveRadio(b, 0, 0, 1);
    h.sendAt(0, a, 0xa);
    h.run(Infinity);
    expect(h.received(b)).toEqual(["rx:10"]);
  });
});

describe("per-link offsets", () => {
  it("are static, seeded and directed", () => {
    const mk = (seed: number) => {
      const h = new PhyHarness({ linkOffsetSigmaDb: 3, seed });
      const a = h.radio(-400, 0);
      const b = h.radio(0, 0);
      return [h.medium.linkRssiDbm(a, b), h.medium.linkRssiDbm(b, a)];
    };
    const [ab, ba] = mk(5);
    expect(mk(5)).toEqual([ab, ba]);
    expect(ab).not.toBeCloseTo(ba, 6);
    expect(mk(6)[0]).not.toBeCloseTo(ab, 6);
    // Clamped to ±4σ = ±12 dB around −118.21
    expect(Math.abs(ab + 118.21)).toBeLessThanOrEqual(12);
  });
});
