// djb2 and frequency-slot selection against test/vectors/radio.json (spec meshtastic-wire.md 6.14).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  djb2,
  frequencySlot,
  frequencySlotForPreset,
  numFrequencySlots,
  tunedFrequencyMhz,
  usesDefaultFrequencySlot,
} from "../../../firmware/mesh/frequency.js";
import type { FirmwareFlavor } from "../../../firmware/mesh/frequency.js";
import { ModemPreset } from "../../../firmware/mesh/modem-preset.js";
import { RegionCode } from "../../../firmware/mesh/regions.js";
import { radio } from "./radio-vectors.js";
import type { FrequencySlotRow } from "./radio-vectors.js";

// radio.json: "float32 rounding differs by < 0.0001 MHz" from the exact decimal it lists.
const FREQ_TOLERANCE_MHZ = 0.0001;

// Reference djb2 in BigInt (test-only): h = h * 33 + byte, reduced mod 2^32 at every step.
function djb2Reference(s: string): number {
  let h = 5381n;
  for (const b of Buffer.from(s, "utf8")) h = (h * 33n + BigInt(b)) & 0xffffffffn;
  return Number(h);
}

function flavorsOf(row: FrequencySlotRow): FirmwareFlavor[] {
  return row.firmware === "both" ? ["2.7", "develop"] : [row.firmware];
}

describe("djb2 (RadioInterface.cpp hash)", () => {
  it.each(radio.djb2.map((r) => [r.string, r.djb2] as const))("djb2(%j) = %d as in radio.json", (s, h) => {
    expect(djb2(s)).toBe(h);
  });

  it("the empty string hashes to the seed 5381", () => {
    expect(djb2("")).toBe(5381);
  });

  it("hashes the UTF-8 bytes, not UTF-16 code units: é is C3 A9", () => {
    // 5381*33 + 0xC3 = 177768; 177768*33 + 0xA9 = 5866513
    expect(djb2("é")).toBe(5866513);
  });

  it("wraps at 32 bits exactly like an unsigned C uint32 for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 64 }), (s) => {
        const h = djb2(s);
        expect(h).toBe(djb2Reference(s));
        expect(h >>> 0).toBe(h);
      }),
      { numRuns: 500 },
    );
  });
});

describe("frequency slots (radio.json frequency_slots)", () => {
  const cases = radio.frequency_slots.flatMap((row) => flavorsOf(row).map((flavor) => [flavor, row.region, row.preset, row.primary_channel_name, row] as const));

  it.each(cases)("%s: %s %s channel %j gives the listed slot count, slot and frequency", (flavor, region, preset, _name, row) => {
    const code = RegionCode[region as keyof typeof RegionCode];
    const p = ModemPreset[preset as keyof typeof ModemPreset];
    expect(numFrequencySlots(code, row.bandwidth_khz, flavor)).toBe(row.num_slots);
    const bySlot = frequencySlot(code, row.bandwidth_khz, 0, row.primary_channel_name, flavor);
    const byPreset = frequencySlotForPreset(code, p, 0, row.primary_channel_name, flavor);
    expect(bySlot).toEqual(byPreset);
    expect(bySlot).not.toBeNull();
    expect(bySlot!.numSlots).toBe(row.num_slots);
    expect(bySlot!.slot + 1).toBe(row.slot_1based);
    expect(Math.abs(bySlot!.freqMhz - row.freq_mhz)).toBeLessThan(FREQ_TOLERANCE_MHZ);
  });

  it("every row is covered: the 2.7 and develop rows disagree only where the spec says (PH_868 floor vs round)", () => {
    const only27 = radio.frequency_slots.filter((r) => r.firmware === "2.7").map((r) => r.region);
    const onlyDevelop = radio.frequency_slots.filter((r) => r.firmware === "develop").map((r) => r.region);
    expect(only27).toEqual(["PH_868"]);
    expect(onlyDevelop).toEqual(["PH_868"]);
  });

  it("the frequency is the float32 result the firmware computes: US LongFast 906.875 MHz exactly", () => {
    expect(frequencySlot(RegionCode.US, 250, 0, "LongFast")!.freqMhz).toBe(906.875);
    // EU_868 869.525 MHz is not representable in float32; the firmware gets the nearest float.
    expect(frequencySlot(RegionCode.EU_868, 250, 0, "LongFast")!.freqMhz).toBe(Math.fround(869.525));
  });
});

describe("channel_num (1-based) overrides the name hash", () => {
  it("2.7 and develop: channel_num 20 on US LongFast is slot 19 at 906.875 MHz", () => {
    for (const flavor of ["2.7", "develop"] as const) {
      const s = frequencySlot(RegionCode.US, 250, 20, "mesher", flavor)!;
      expect(s.slot).toBe(19);
      expect(s.freqMhz).toBe(906.875);
    }
  });

  it("2.7: a channel_num past the last slot wraps modulo the slot count ((105 - 1) % 104 = 0)", () => {
    const s = frequencySlot(RegionCode.US, 250, 105, "LongFast", "2.7")!;
    expect(s.slot).toBe(0);
    expect(s.freqMhz).toBe(902.125);
  });

  it("develop: a channel_num past the last slot is clamped to the name-hash slot", () => {
    const s = frequencySlot(RegionCode.US, 250, 105, "LongFast", "develop")!;
    expect(s.slot).toBe(djb2("LongFast") % 104);
  });

  it("the last slot of US LongFast (channel_num 104) is centred 0.125 MHz below the band end", () => {
    expect(frequencySlot(RegionCode.US, 250, 104, "LongFast")!.freqMhz).toBe(927.875);
  });
});

describe("bandwidth and region edge cases", () => {
  it("a bandwidth wider than the band gives no slot (EU_868 is 250 kHz wide; ShortTurbo needs 500)", () => {
    expect(numFrequencySlots(RegionCode.EU_868, 500)).toBe(0);
    expect(numFrequencySlots(RegionCode.EU_868, 500, "develop")).toBe(0);
    expect(frequencySlotForPreset(RegionCode.EU_868, ModemPreset.SHORT_TURBO, 0, "ShortTurbo")).toBeNull();
  });

  it("LORA_24 uses the preset's wide bandwidth: LongFast at 812.5 kHz gives floor(83.5 / 0.8125) = 102 slots", () => {
    const s = frequencySlotForPreset(RegionCode.LORA_24, ModemPreset.LONG_FAST, 0, "LongFast")!;
    expect(s.numSlots).toBe(102);
    expect(s.slot).toBe(130429955 % 102);
    // 2400 + 0.40625 + 5 * 0.8125 = 2404.46875
    expect(s.freqMhz).toBe(2404.46875);
  });

  it("develop rounds LORA_24 LongFast 102.77 up to 103 slots", () => {
    expect(numFrequencySlots(RegionCode.LORA_24, 812.5, "develop")).toBe(103);
  });

  it("an unknown region uses the UNSET (US) band", () => {
    expect(frequencySlot(99, 250, 0, "LongFast")).toEqual(frequencySlot(RegionCode.US, 250, 0, "LongFast"));
  });
});

describe("uses_default_frequency_slot (2.7: slot == djb2(preset display name) % numSlots)", () => {
  it("the default channel on LongFast uses the default slot", () => {
    const s = frequencySlot(RegionCode.US, 250, 0, "LongFast")!;
    expect(usesDefaultFrequencySlot(s.slot, s.numSlots, ModemPreset.LONG_FAST)).toBe(true);
  });

  it("a channel named mesher on LongFast does not (slot 49, not 19)", () => {
    const s = frequencySlot(RegionCode.US, 250, 0, "mesher")!;
    expect(usesDefaultFrequencySlot(s.slot, s.numSlots, ModemPreset.LONG_FAST)).toBe(false);
  });

  it("a channel_num that picks the preset's slot counts as default", () => {
    const s = frequencySlot(RegionCode.US, 250, 20, "mesher")!;
    expect(usesDefaultFrequencySlot(s.slot, s.numSlots, ModemPreset.LONG_FAST)).toBe(true);
  });

  it("LongMod hashes its short display name, not LONG_MODERATE", () => {
    const s = frequencySlotForPreset(RegionCode.US, ModemPreset.LONG_MODERATE, 0, "LongMod")!;
    expect(usesDefaultFrequencySlot(s.slot, s.numSlots, ModemPreset.LONG_MODERATE)).toBe(true);
    expect(s.slot).toBe(5);
  });
});

describe("tuned frequency (override_frequency, frequency_offset)", () => {
  it("override_frequency replaces the slot frequency and frequency_offset is added, in float32", () => {
    expect(tunedFrequencyMhz(906.875, 0, 0)).toBe(906.875);
    expect(tunedFrequencyMhz(906.875, 915.5, 0)).toBe(915.5);
    expect(tunedFrequencyMhz(906.875, 0, 0.0125)).toBe(Math.fround(906.875 + Math.fround(0.0125)));
  });
});
