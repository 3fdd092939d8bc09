// The region enum and the firmware 2.7 region table (spec meshtastic-wire.md 1.7 and 6.14).
import { describe, expect, it } from "vitest";
import { Config_LoRaConfig_RegionCode } from "../../../proto/gen/meshtastic/config_pb.js";
import { REGION_COUNT, RegionCode, regionAt, regionInfo } from "../../../firmware/mesh/regions.js";

// Spec 6.14: name, start MHz, end MHz, duty cycle %, power limit dBm.
const SPEC_TABLE: [keyof typeof RegionCode, number, number, number, number][] = [
  ["US", 902, 928, 100, 30],
  ["EU_433", 433, 434, 10, 10],
  ["EU_868", 869.4, 869.65, 10, 27],
  ["CN", 470, 510, 100, 19],
  ["JP", 920.5, 923.5, 100, 13],
  ["ANZ", 915, 928, 100, 30],
  ["ANZ_433", 433.05, 434.79, 100, 14],
  ["RU", 868.7, 869.2, 100, 20],
  ["KR", 920, 923, 100, 23],
  ["TW", 920, 925, 100, 27],
  ["IN", 865, 867, 100, 30],
  ["NZ_865", 864, 868, 100, 36],
  ["TH", 920, 925, 10, 27],
  ["UA_433", 433, 434.7, 10, 10],
  ["UA_868", 868, 868.6, 1, 14],
  ["MY_433", 433, 435, 100, 20],
  ["MY_919", 919, 924, 100, 27],
  ["SG_923", 917, 925, 100, 20],
  ["PH_433", 433, 434.7, 100, 10],
  ["PH_868", 868, 869.4, 100, 14],
  ["PH_915", 915, 918, 100, 24],
  ["KZ_433", 433.075, 434.775, 100, 10],
  ["KZ_863", 863, 868, 100, 30],
  ["NP_865", 865, 868, 100, 30],
  ["BR_902", 902, 907.5, 100, 30],
  ["LORA_24", 2400, 2483.5, 100, 10],
];

describe("RegionCode (config.proto LoRaConfig.RegionCode)", () => {
  it("every code equals the generated protobuf enum value of the same name", () => {
    const official = Config_LoRaConfig_RegionCode as unknown as Record<string, number>;
    for (const name of Object.keys(RegionCode) as (keyof typeof RegionCode)[]) {
      expect(official[name], name).toBe(RegionCode[name]);
    }
    const officialNames = Object.keys(official).filter((k) => Number.isNaN(Number(k)));
    expect(Object.keys(RegionCode).sort()).toEqual(officialNames.sort());
  });
});

describe("2.7 region table (RadioInterface.cpp regions[])", () => {
  it.each(SPEC_TABLE)("%s has the band, duty cycle and power limit of spec 6.14", (name, start, end, duty, power) => {
    const r = regionInfo(RegionCode[name]);
    expect(r.code).toBe(RegionCode[name]);
    expect(r.name).toBe(name);
    expect(r.freqStartMhz).toBe(start);
    expect(r.freqEndMhz).toBe(end);
    expect(r.dutyCyclePercent).toBe(duty);
    expect(r.powerLimitDbm).toBe(power);
    expect(r.txAllowed).toBe(true);
  });

  it("only LORA_24 is wide LoRa and only MY_919 carries the frequency-switching flag", () => {
    for (let i = 0; i < REGION_COUNT; i++) {
      const r = regionAt(i);
      expect(r.wideLora, r.name).toBe(r.code === RegionCode.LORA_24);
      expect(r.frequencySwitching, r.name).toBe(r.code === RegionCode.MY_919);
    }
  });

  it("holds exactly the spec rows plus UNSET, each code once", () => {
    expect(REGION_COUNT).toBe(SPEC_TABLE.length + 1);
    const codes = new Set<number>();
    for (let i = 0; i < REGION_COUNT; i++) codes.add(regionAt(i).code);
    expect(codes.size).toBe(REGION_COUNT);
    expect(codes.has(RegionCode.UNSET)).toBe(true);
  });

  it("UNSET has the US band and limits with TX disabled", () => {
    const unset = regionInfo(RegionCode.UNSET);
    const us = regionInfo(RegionCode.US);
    expect(unset.name).toBe("UNSET");
    expect([unset.freqStartMhz, unset.freqEndMhz, unset.dutyCyclePercent, unset.powerLimitDbm]).toEqual([
      us.freqStartMhz,
      us.freqEndMhz,
      us.dutyCyclePercent,
      us.powerLimitDbm,
    ]);
    expect(unset.txAllowed).toBe(false);
  });

  it.each([RegionCode.EU_866, RegionCode.EU_N_868, RegionCode.ITU2_125CM, 38, 255, -1, 1.5, NaN])(
    "unknown or develop-only code %d gets the UNSET row (getRegion falls through to UNSET)",
    (code) => {
      expect(regionInfo(code)).toBe(regionInfo(RegionCode.UNSET));
    },
  );

  it("regionAt outside the table gives the UNSET row", () => {
    expect(regionAt(REGION_COUNT)).toBe(regionInfo(RegionCode.UNSET));
    expect(regionAt(-1)).toBe(regionInfo(RegionCode.UNSET));
  });
});
