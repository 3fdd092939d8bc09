// LoRa time on air and slot times against test/vectors/radio.json (spec meshtastic-wire.md 6.6, 6.12, 6.13).
import { describe, expect, it } from "vitest";
import {
  PREAMBLE_SYMBOLS,
  WIDE_LORA_PREAMBLE_SYMBOLS,
  airtimeSymbols,
  loraModulation,
  packetTimeMsec,
  presetModulation,
  presetSlotTimeMsec,
  slotTimeMsec,
  symbolTimeMs,
  timeOnAirMs,
  usesLowDataRateOptimize,
} from "../../../firmware/mesh/airtime.js";
import { ModemPreset, modemPresetParams } from "../../../firmware/mesh/modem-preset.js";
import { radio } from "./radio-vectors.js";

function presetNumber(name: string): number {
  return ModemPreset[name as keyof typeof ModemPreset];
}

// The custom bandwidths the firmware accepts (spec 6.13 bandwidth codes) plus every preset bandwidth.
const BANDWIDTHS_KHZ = [7.8, 10.4, 15.6, 20.8, 31.25, 41.7, 62.5, 125, 203.125, 250, 406.25, 500, 812.5, 1625];

describe("airtime of every radio.json row (Semtech formula, preamble 16, explicit header, CRC on)", () => {
  it.each(radio.airtime.map((r) => [r.preset, r.payload_bytes_total, r] as const))(
    "%s, %d bytes: airtime, symbols, LDRO and the firmware's integer ms",
    (preset, bytes, row) => {
      const m = presetModulation(presetNumber(preset), false);
      expect(m.preambleSymbols).toBe(PREAMBLE_SYMBOLS);
      expect(Math.round(timeOnAirMs(m, bytes) * 10) / 10).toBe(row.airtime_ms);
      expect(airtimeSymbols(m, bytes)).toBe(row.symbols);
      expect(usesLowDataRateOptimize(m.sf, m.bwKhz)).toBe(row.ldro);
      expect(packetTimeMsec(m, bytes)).toBe(row.firmware_ms);
    },
  );
});

describe("LoRaWAN reference airtimes (radio.json airtime_references, preamble 8)", () => {
  it.each(radio.airtime_references.map((r) => [r.name, r] as const))("%s", (_name, r) => {
    const m = loraModulation(r.sf, r.bw_khz, r.cr_den, r.preamble_symbols);
    expect(usesLowDataRateOptimize(r.sf, r.bw_khz)).toBe(r.ldro);
    expect(timeOnAirMs(m, r.payload_bytes)).toBeCloseTo(r.airtime_ms, 9);
  });
});

describe("airtime formula rules", () => {
  it("the firmware value truncates, never rounds: LONG_MODERATE 255 bytes is 7933.952 ms → 7933", () => {
    const m = presetModulation(ModemPreset.LONG_MODERATE, false);
    expect(timeOnAirMs(m, 255)).toBeCloseTo(7933.952, 9);
    expect(packetTimeMsec(m, 255)).toBe(7933);
  });

  it("the firmware value uses whole-microsecond symbols: TINY_FAST Tsym 8205.128 µs counts as 8205 µs", () => {
    const m = presetModulation(ModemPreset.TINY_FAST, false);
    // 83.25 symbols: exact 683.077 ms; RadioLib 8205 µs * 333 / 4 = 683066 µs → 683 ms
    expect(packetTimeMsec(m, 34)).toBe(683);
    expect(Math.floor((8205 * 333) / 4 / 1000)).toBe(683);
  });

  it("an empty payload still takes the 8 header symbols (the payload term is clamped at 0)", () => {
    const m = loraModulation(12, 125, 5, 8);
    expect(airtimeSymbols(m, 0)).toBe(8 + 4.25 + 8);
  });

  it("SF5/SF6 use 6.25 preamble symbols and no +8 term (SX126x datasheet 6.1.4)", () => {
    // SF6/125 kHz CR 4/5, 10 bytes, preamble 8: ceil((80 + 16 - 24 + 20) / 24) = 4 → 8 + 4·5 = 28 payload symbols
    const m = loraModulation(6, 125, 5, 8);
    expect(airtimeSymbols(m, 10)).toBe(8 + 6.25 + 28);
    expect(timeOnAirMs(m, 10)).toBeCloseTo(42.25 * 0.512, 9);
  });

  it("wide LoRa uses the wide bandwidth and a 12-symbol preamble", () => {
    const m = presetModulation(ModemPreset.MEDIUM_FAST, true);
    expect(m).toEqual({ sf: 9, bwKhz: 812.5, cr: 5, preambleSymbols: WIDE_LORA_PREAMBLE_SYMBOLS, wideLora: true });
    // 34 bytes at SF9: ceil((272 + 44 - 36) / 36) = 8 → 8 + 40 = 48 payload symbols; 12 + 4.25 + 48 = 64.25
    expect(airtimeSymbols(m, 34)).toBe(64.25);
    // Tsym = 512 / 812.5 = 0.630154 ms → 40.487 ms, truncated to 40 (SX128x computes in float, no µs symbol)
    expect(timeOnAirMs(m, 34)).toBeCloseTo((64.25 * 512) / 812.5, 9);
    expect(packetTimeMsec(m, 34)).toBe(40);
  });

  it("on 2.4 GHz SF11/SF12 always use the reduced divisor 4·(SF − 2) (SX1280 datasheet 7.4.4), though Tsym < 16 ms", () => {
    const wide = presetModulation(ModemPreset.LONG_FAST, true);
    expect(usesLowDataRateOptimize(wide.sf, wide.bwKhz)).toBe(false);
    // 34 bytes at SF11: ceil((272 + 44 - 44) / 36) = 8 → 8 + 40 = 48; 12 + 4.25 + 48 = 64.25 symbols
    expect(airtimeSymbols(wide, 34)).toBe(64.25);
    // the same SF11 frame counted by sub-GHz rules at 812.5 kHz would divide by 44: ceil(272 / 44) = 7 → 43
    expect(airtimeSymbols(loraModulation(11, 812.5, 5, 12), 34)).toBe(59.25);
    // 64.25 · 2048 / 812.5 = 161.95 ms → 161
    expect(packetTimeMsec(wide, 34)).toBe(161);
  });

  it("RadioLib's float32 symbol time truncates to the same microseconds as double math for every bandwidth", () => {
    for (const bw of BANDWIDTHS_KHZ) {
      for (let sf = 5; sf <= 12; sf++) {
        const f32 = Math.floor(Math.fround((10000 << sf) / Math.fround(Math.fround(bw) * 10)));
        for (const bytes of [0, 16, 34, 100, 255]) {
          const m = loraModulation(sf, bw, 5, 16);
          const quarter = Math.round(airtimeSymbols(m, bytes) * 4);
          expect(packetTimeMsec(m, bytes), `sf${sf} bw${bw} ${bytes}B`).toBe(Math.floor(Math.floor((f32 * quarter) / 4) / 1000));
        }
      }
    }
  });
});

describe("symbol and slot times of every radio.json preset (spec 6.6 slotTimeMsec)", () => {
  it.each(radio.presets.map((p) => [p.name, p] as const))("%s: Tsym, LDRO and slot_ms", (_name, p) => {
    expect(symbolTimeMs(p.sf, p.bw_khz)).toBeCloseTo(p.symbol_ms, 6);
    expect(usesLowDataRateOptimize(p.sf, p.bw_khz)).toBe(p.ldro);
    expect(slotTimeMsec(p.sf, p.bw_khz, false)).toBe(p.slot_ms);
    expect(presetSlotTimeMsec(p.enum, false)).toBe(p.slot_ms);
  });

  it("LongFast's slot is 28 ms: trunc(2.5 · 8.192 + 7.6) = trunc(28.08)", () => {
    expect(slotTimeMsec(11, 250, false)).toBe(28);
  });

  it("wide LoRa slot: (4 + floor((2·SF + 3) / 32)) symbols + 7.6 ms; LongFast at 812.5 kHz is trunc(4 · 2.5206 + 7.6) = 17", () => {
    expect(slotTimeMsec(11, 812.5, true)).toBe(17);
    expect(presetSlotTimeMsec(ModemPreset.LONG_FAST, true)).toBe(17);
    // SF 12 at 406.25 kHz: (2·12 + 3) / 32 = 0 in integer division; 4 · 10.0825 + 7.6 = 47.93 → 47
    expect(slotTimeMsec(12, 406.25, true)).toBe(47);
  });

  it("double math gives the same slot as the firmware's float32 math for every preset, sub-GHz and wide", () => {
    for (let preset = 0; preset <= 16; preset++) {
      const p = modemPresetParams(preset);
      for (const wide of [false, true]) {
        const bw = wide ? p.wideBandwidthKhz : p.bandwidthKhz;
        const sym = Math.fround((1 << p.spreadFactor) / Math.fround(bw));
        const sum = Math.fround(0.2 + 0.4 + 7);
        const k = wide ? 4 + Math.floor((2 * p.spreadFactor + 3) / 32) : 2.5;
        const firmware = wide ? Math.floor(Math.fround(Math.fround(k * sym) + sum)) : Math.floor(k * sym + sum);
        expect(slotTimeMsec(p.spreadFactor, bw, wide), `preset ${preset} wide ${wide}`).toBe(firmware);
      }
    }
  });
});
