// The preset table of test/vectors/radio.json against firmware/mesh/modem-preset.ts, and effective
// channel names as the channel hash sees them (crypto.json channel_hash).

import { describe, expect, it } from "vitest";
import { channelHash, expandPsk, expandedKeyBytes } from "../../firmware/crypto/index.js";
import {
  ModemPreset,
  effectiveChannelName,
  modemPresetDisplayName,
  modemPresetParams,
} from "../../firmware/mesh/modem-preset.js";
import { base64, cryptoVectors, radioVectors } from "./vectors.js";

const presetNames = Object.keys(ModemPreset) as (keyof typeof ModemPreset)[];

describe("radio.json presets", () => {
  it.each(radioVectors.presets.map((p) => [p.name, p] as const))("%s", (name, p) => {
    expect(ModemPreset[name as keyof typeof ModemPreset]).toBe(p.enum);
    expect(modemPresetDisplayName(p.enum)).toBe(p.display_name);
    const params = modemPresetParams(p.enum);
    expect(params.bandwidthKhz).toBe(p.bw_khz);
    expect(params.spreadFactor).toBe(p.sf);
    expect(params.codingRate).toBe(p.cr_den);
  });

  it("covers every preset except the dropped VERY_LONG_SLOW", () => {
    const listed = radioVectors.presets.map((p) => p.name).sort();
    expect(listed).toEqual(presetNames.filter((n) => n !== "VERY_LONG_SLOW").sort());
  });

  it("frequency-slot rows use the preset bandwidth and display name", () => {
    for (const row of radioVectors.frequency_slots) {
      const preset = ModemPreset[row.preset as keyof typeof ModemPreset];
      expect(modemPresetParams(preset).bandwidthKhz).toBe(row.bandwidth_khz);
    }
  });
});

describe("spec 6.13 wide-LoRa bandwidths", () => {
  it.each([
    [ModemPreset.LONG_FAST, 812.5],
    [ModemPreset.LONG_SLOW, 406.25],
    [ModemPreset.LONG_MODERATE, 406.25],
    [ModemPreset.LONG_TURBO, 1625],
    [ModemPreset.MEDIUM_SLOW, 812.5],
    [ModemPreset.MEDIUM_FAST, 812.5],
    [ModemPreset.MEDIUM_TURBO, 1625],
    [ModemPreset.SHORT_SLOW, 812.5],
    [ModemPreset.SHORT_FAST, 812.5],
    [ModemPreset.SHORT_TURBO, 1625],
    [ModemPreset.LITE_FAST, 125],
    [ModemPreset.NARROW_SLOW, 62.5],
    [ModemPreset.TINY_FAST, 15.6],
  ])("preset %d → %d kHz", (preset, wide) => {
    expect(modemPresetParams(preset).wideBandwidthKhz).toBe(wide);
  });
});

describe("unknown presets", () => {
  it.each([ModemPreset.VERY_LONG_SLOW, 17, 255, -1, 1.5, NaN])("%d gets LONG_FAST parameters and the name Invalid", (p) => {
    expect(modemPresetDisplayName(p)).toBe("Invalid");
    expect(modemPresetParams(p)).toEqual(modemPresetParams(ModemPreset.LONG_FAST));
  });
});

describe("effectiveChannelName", () => {
  it("keeps a configured name", () => {
    expect(effectiveChannelName("mesher", true, ModemPreset.LONG_FAST)).toBe("mesher");
    expect(effectiveChannelName("mesher", false, ModemPreset.LONG_FAST)).toBe("mesher");
  });
  it("uses the preset display name when the name is empty and use_preset is set", () => {
    expect(effectiveChannelName("", true, ModemPreset.LONG_MODERATE)).toBe("LongMod");
    expect(effectiveChannelName("", true, 99)).toBe("Invalid");
  });
  it("uses Custom when use_preset is off", () => {
    expect(effectiveChannelName("", false, ModemPreset.SHORT_FAST)).toBe("Custom");
  });

  it.each(cryptoVectors.channel_hash.map((v) => [v.name, v.psk_base64, v.hash] as const))(
    "hash of the effective name %s with %s is %d",
    (name, psk, hash) => {
      // Every vector name is what an unnamed channel is called under some configuration.
      let effective: string;
      if (name === "Custom") effective = effectiveChannelName("", false, ModemPreset.LONG_FAST);
      else {
        const preset = presetNames.map((n) => ModemPreset[n]).find((p) => modemPresetDisplayName(p) === name);
        expect(preset).toBeDefined();
        effective = effectiveChannelName("", true, preset as number);
      }
      expect(effective).toBe(name);
      expect(channelHash(effective, expandedKeyBytes(expandPsk(base64(psk))))).toBe(hash);
    },
  );
});
