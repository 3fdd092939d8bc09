// Path-loss models against numbers worked out by hand from the formulas in the shared spec
// (simulation-model.md 1.4). f = 1000 MHz is used where it makes log10(f) = 3 exact; heights of 1 m
// make log10(h) = 0. Every expected value shows its arithmetic.
import { describe, expect, it } from "vitest";
import { MESHTASTICATOR_LOG_DISTANCE, PathLossModel, maxRangeM, pathLossDb } from "../../sim/path-loss.js";

const M = PathLossModel;

describe("log-distance: PL = 127.41 + 10·2.08·log10(d/40)", () => {
  it("matches at d0 and one and two decades out", () => {
    // d = 40 m: log10(1) = 0 → 127.41
    expect(pathLossDb(M.LOG_DISTANCE, 40, 915, 1, 1)).toBeCloseTo(127.41, 9);
    // d = 400 m: 127.41 + 20.8·1 = 148.21
    expect(pathLossDb(M.LOG_DISTANCE, 400, 915, 1, 1)).toBeCloseTo(148.21, 9);
    // d = 4000 m: 127.41 + 20.8·2 = 169.01
    expect(pathLossDb(M.LOG_DISTANCE, 4000, 915, 1, 1)).toBeCloseTo(169.01, 9);
  });

  it("takes other constants, and ignores frequency and heights", () => {
    // γ = 3, d0 = 1 m, PL(d0) = 40 dB at 100 m: 40 + 30·2 = 100
    expect(pathLossDb(M.LOG_DISTANCE, 100, 433, 5, 30, { gamma: 3, d0M: 1, lossAtD0Db: 40 })).toBeCloseTo(100, 9);
    expect(pathLossDb(M.LOG_DISTANCE, 400, 433, 10, 2, MESHTASTICATOR_LOG_DISTANCE)).toBeCloseTo(148.21, 9);
  });

  it("clamps distances below 1 m", () => {
    expect(pathLossDb(M.LOG_DISTANCE, 0, 915, 1, 1)).toBe(pathLossDb(M.LOG_DISTANCE, 1, 915, 1, 1));
  });
});

describe("3GPP macro: PL = (44.9 − 6.55·log10 h_tx)·log10 d_km + 45.5 + (35.46 − 1.1·h_rx)·log10 f + ... + C", () => {
  it("suburban at 1 km and 10 km, f = 1000 MHz, 1 m antennas", () => {
    // 1 km: 44.9·0 + 45.5 + (35.46 − 1.1)·3 − 13.82·0 + 0.7·1 + 0 = 45.5 + 103.08 + 0.7 = 149.28
    expect(pathLossDb(M.THREE_GPP_SUBURBAN, 1000, 1000, 1, 1)).toBeCloseTo(149.28, 9);
    // 10 km: 149.28 + 44.9·1 = 194.18
    expect(pathLossDb(M.THREE_GPP_SUBURBAN, 10000, 1000, 1, 1)).toBeCloseTo(194.18, 9);
  });

  it("urban adds 3 dB", () => {
    // 149.28 + 3 = 152.28
    expect(pathLossDb(M.THREE_GPP_URBAN, 1000, 1000, 1, 1)).toBeCloseTo(152.28, 9);
  });

  it("10 m antennas at 10 km", () => {
    // slope 44.9 − 6.55·1 = 38.35; 38.35·1 + 45.5 + (35.46 − 11)·3 − 13.82·1 + 0.7·10
    // = 38.35 + 45.5 + 73.38 − 13.82 + 7 = 150.41
    expect(pathLossDb(M.THREE_GPP_SUBURBAN, 10000, 1000, 10, 10)).toBeCloseTo(150.41, 9);
  });

  it("the transmitter's height sets the slope, the receiver's the frequency term", () => {
    // h_tx = 10, h_rx = 1 at 10 km: 38.35 + 45.5 + 34.36·3 + 0.7 = 38.35 + 45.5 + 103.08 + 0.7 = 187.63
    expect(pathLossDb(M.THREE_GPP_SUBURBAN, 10000, 1000, 10, 1)).toBeCloseTo(187.63, 9);
    // h_tx = 1, h_rx = 10 at 10 km: 44.9 + 45.5 + 24.46·3 − 13.82 + 7 = 44.9 + 45.5 + 73.38 − 13.82 + 7 = 156.96
    expect(pathLossDb(M.THREE_GPP_SUBURBAN, 10000, 1000, 1, 10)).toBeCloseTo(156.96, 9);
  });
});

describe("Okumura-Hata: A = 69.55 + 26.16·log10 f − 13.82·log10 h_tx − a(h_rx), B = 44.9 − 6.55·log10 h_tx", () => {
  // f = 1000 MHz, h_tx = 10 m, h_rx = 1 m:
  // a(h_rx) small/medium city = (1.1·3 − 0.7)·1 − (1.56·3 − 0.8) = 2.6 − 3.88 = −1.28
  // A = 69.55 + 78.48 − 13.82 + 1.28 = 135.49; B = 44.9 − 6.55 = 38.35
  it("small/medium city at 1 km and 10 km", () => {
    // 1 km: A + B·0 = 135.49
    expect(pathLossDb(M.OKUMURA_HATA_SMALL_CITY, 1000, 1000, 10, 1)).toBeCloseTo(135.49, 9);
    // 10 km: 135.49 + 38.35 = 173.84
    expect(pathLossDb(M.OKUMURA_HATA_SMALL_CITY, 10000, 1000, 10, 1)).toBeCloseTo(173.84, 9);
  });

  it("suburban correction C = −2·(log10(f/28))² − 5.4", () => {
    // log10(1000/28) = log10(35.714…) = 1.552842; squared 2.411318; C = −4.822636 − 5.4 = −10.222636
    // 1 km: 135.49 − 10.222636 = 125.267364
    expect(pathLossDb(M.OKUMURA_HATA_SUBURBAN, 1000, 1000, 10, 1)).toBeCloseTo(125.267364, 5);
  });

  it("rural correction C = −4.78·(log10 f)² + 18.33·log10 f − 40.98", () => {
    // C = −4.78·9 + 18.33·3 − 40.98 = −43.02 + 54.99 − 40.98 = −29.01; 1 km: 135.49 − 29.01 = 106.48
    expect(pathLossDb(M.OKUMURA_HATA_RURAL, 1000, 1000, 10, 1)).toBeCloseTo(106.48, 9);
  });

  it("metropolitan a(h_rx) = 3.2·(log10(11.75·h_rx))² − 4.97 above 200 MHz", () => {
    // log10(11.75) = 1.070038; squared 1.144981; ·3.2 = 3.663939; a = −1.306061
    // A = 69.55 + 78.48 − 13.82 + 1.306061 = 135.516061
    expect(pathLossDb(M.OKUMURA_HATA_METROPOLITAN, 1000, 1000, 10, 1)).toBeCloseTo(135.516061, 5);
    // At 150 MHz the low-frequency form 8.29·(log10(1.54·h))² − 1.1 applies: h = 1 →
    // 8.29·0.187521² − 1.1 = 8.29·0.035164 − 1.1 = −0.808491; log10(150) = 2.176091;
    // A = 69.55 + 26.16·2.176091 − 13.82 + 0.808491 = 69.55 + 56.926551 − 13.82 + 0.808491 = 113.465042
    expect(pathLossDb(M.OKUMURA_HATA_METROPOLITAN, 1000, 150, 10, 1)).toBeCloseTo(113.465042, 4);
  });
});

describe("maximum range", () => {
  it("reproduces the spec's LONG_FAST ranges (30 dBm, −131.5 dBm, 1 m antennas, 908.75 MHz)", () => {
    // Spec 1.3: 3GPP suburban ≈ 2.0 km; log-distance ≈ 1.7 km; Okumura-Hata small city ≈ 2.0 km,
    // suburban ≈ 3.3 km, rural ≈ 8.6 km; 3GPP urban ≈ 1.7 km. Budget 30 + 131.5 = 161.5 dB.
    const km = (m: number) => maxRangeM(m, 161.5, 908.75, 1, 1) / 1000;
    expect(km(M.THREE_GPP_SUBURBAN)).toBeCloseTo(2.0, 1);
    expect(km(M.LOG_DISTANCE)).toBeCloseTo(1.7, 1);
    expect(km(M.OKUMURA_HATA_SMALL_CITY)).toBeCloseTo(2.0, 1);
    expect(km(M.OKUMURA_HATA_SUBURBAN)).toBeCloseTo(3.3, 1);
    expect(km(M.OKUMURA_HATA_RURAL)).toBeCloseTo(8.6, 1);
    expect(km(M.THREE_GPP_URBAN)).toBeCloseTo(1.7, 1);
    // Log-distance by hand: 127.41 + 20.8·log10(d/40) = 161.5 → log10(d/40) = 34.09/20.8 = 1.638942
    // → d = 40·10^1.638942 = 40·43.5454 = 1741.8 m
    expect(maxRangeM(M.LOG_DISTANCE, 161.5, 908.75, 1, 1)).toBeCloseTo(1741.8, 0);
  });

  it("is the distance where the loss meets the budget", () => {
    for (const m of [0, 1, 2, 3, 4, 5, 6]) {
      const r = maxRangeM(m, 150, 868, 2, 1.5);
      expect(pathLossDb(m, r, 868, 2, 1.5)).toBeCloseTo(150, 6);
    }
  });
});
