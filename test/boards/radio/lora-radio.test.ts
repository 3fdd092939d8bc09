// radioConfigFor: a board tunes to the slot and modulation the simulator computes.
import { describe, expect, it } from "vitest";
import { needsLowDataRateOptimize, radioConfigFor } from "../../../boards/radio/lora-radio.js";
import { frequencySlotForPreset } from "../../../firmware/mesh/frequency.js";
import { ModemPreset } from "../../../firmware/mesh/modem-preset.js";
import { defaultChannel, defaultNodeConfig } from "../../../firmware/mesh/node-config.js";
import { RegionCode } from "../../../firmware/mesh/regions.js";

describe("radioConfigFor", () => {
  it("uses the preset's modulation and the primary channel's slot", () => {
    const c = { ...defaultNodeConfig(1), modemPreset: ModemPreset.MEDIUM_FAST };
    const cfg = radioConfigFor(c);
    expect(cfg).toMatchObject({ sf: 9, bwKhz: 250, cr: 5, syncWord: 0x2b, preamble: 16 });
    expect(cfg.freqMhz).toBe(frequencySlotForPreset(RegionCode.US, ModemPreset.MEDIUM_FAST, 0, "MediumFast")?.freqMhz);
  });

  it("hashes a named primary channel and honours channel_num", () => {
    const named = { ...defaultNodeConfig(1), channels: [{ ...defaultChannel(), name: "Private" }] };
    expect(radioConfigFor(named).freqMhz).toBe(frequencySlotForPreset(RegionCode.US, 0, 0, "Private")?.freqMhz);
    const slot1 = { ...defaultNodeConfig(1), channelNum: 1 };
    expect(radioConfigFor(slot1).freqMhz).toBe(902.125);
  });

  it("applies the TX power rule: 0 or above the limit means the region limit", () => {
    const eu = { ...defaultNodeConfig(1), region: RegionCode.EU_868 };
    expect(radioConfigFor(eu).txPowerDbm).toBe(27);
    expect(radioConfigFor(eu, 14).txPowerDbm).toBe(14);
    expect(radioConfigFor(eu, 40).txPowerDbm).toBe(27);
    expect(radioConfigFor({ ...eu, isLicensed: true }, 40).txPowerDbm).toBe(40);
  });

  it("falls back to LONG_FAST when the preset does not fit the band (2.7)", () => {
    // EU_868 is 250 kHz wide: SHORT_TURBO's 500 kHz does not fit.
    const c = { ...defaultNodeConfig(1), region: RegionCode.EU_868, modemPreset: ModemPreset.SHORT_TURBO };
    expect(radioConfigFor(c)).toMatchObject({ sf: 11, bwKhz: 250, cr: 5, freqMhz: 869.5250244140625 });
  });
});

describe("low data rate optimisation", () => {
  it("switches on at 16.38 ms symbols", () => {
    expect(needsLowDataRateOptimize(11, 125)).toBe(true); // 16.384 ms
    expect(needsLowDataRateOptimize(12, 250)).toBe(true);
    expect(needsLowDataRateOptimize(11, 250)).toBe(false); // 8.192 ms
    expect(needsLowDataRateOptimize(10, 125)).toBe(false);
    expect(needsLowDataRateOptimize(8, 15.6)).toBe(true); // TINY_SLOW, 16.41 ms
  });
});
