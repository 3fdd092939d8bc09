// LoRa regions: the RegionCode enum (protobufs meshtastic/config.proto LoRaConfig.RegionCode; spec
// meshtastic-wire.md 1.7) and the firmware 2.7 region table (src/mesh/RadioInterface.cpp regions[];
// spec 6.14). develop adds regions (EU_866, EU_N_868, the ham bands) with slot spacing, padding and
// fixed slots; they are not in this table, so regionInfo() answers them with the UNSET row, as 2.7
// does for any code it does not know.

export const RegionCode = {
  UNSET: 0,
  US: 1,
  EU_433: 2,
  EU_868: 3,
  CN: 4,
  JP: 5,
  ANZ: 6,
  KR: 7,
  TW: 8,
  RU: 9,
  IN: 10,
  NZ_865: 11,
  TH: 12,
  LORA_24: 13,
  UA_433: 14,
  /** Deprecated in the develop protos; still a region in the 2.7 table. */
  UA_868: 15,
  MY_433: 16,
  MY_919: 17,
  SG_923: 18,
  PH_433: 19,
  PH_868: 20,
  PH_915: 21,
  ANZ_433: 22,
  KZ_433: 23,
  KZ_863: 24,
  NP_865: 25,
  BR_902: 26,
  /** Codes 27 and above exist only in the develop protos and have no row in the 2.7 table. */
  ITU1_2M: 27,
  ITU2_2M: 28,
  EU_866: 29,
  EU_874: 30,
  EU_917: 31,
  EU_N_868: 32,
  ITU3_2M: 33,
  ITU1_70CM: 34,
  ITU2_70CM: 35,
  ITU3_70CM: 36,
  ITU2_125CM: 37,
} as const;
export type RegionCode = (typeof RegionCode)[keyof typeof RegionCode];

export interface RegionInfo {
  readonly code: number;
  /** The firmware's region name (RDEF's #name), as it logs it. */
  readonly name: string;
  /** Band edges in MHz as written in the firmware table (it stores them as float32). */
  readonly freqStartMhz: number;
  readonly freqEndMhz: number;
  /** Allowed share of an hour on air; 100 means no duty-cycle limit. */
  readonly dutyCyclePercent: number;
  /** Regulatory TX power limit in dBm (0 would mean "no limit"; no row has 0). */
  readonly powerLimitDbm: number;
  /** MY_919: the band requires frequency hopping (flag carried, not acted on by 2.7). */
  readonly frequencySwitching: boolean;
  /** 2.4 GHz SX128x band: wide preset bandwidths, 12-symbol preamble, its own slot time. */
  readonly wideLora: boolean;
  /** False only for UNSET: RadioLibInterface::send refuses to transmit while the region is unset. */
  readonly txAllowed: boolean;
}

function region(
  code: number,
  name: string,
  start: number,
  end: number,
  dutyCycle: number,
  powerLimit: number,
  frequencySwitching: boolean,
  wideLora: boolean,
): RegionInfo {
  return {
    code: code,
    name: name,
    freqStartMhz: start,
    freqEndMhz: end,
    dutyCyclePercent: dutyCycle,
    powerLimitDbm: powerLimit,
    frequencySwitching: frequencySwitching,
    wideLora: wideLora,
    txAllowed: code !== RegionCode.UNSET,
  };
}

/** The row for UNSET and every unknown code: US band and limits, TX disabled. */
const UNSET_REGION = region(RegionCode.UNSET, "UNSET", 902.0, 928.0, 100, 30, false, false);

/**
 * Rows in the firmware's order. Fixed at REGION_COUNT rows; each row is one object of 9 fields,
 * about 10 JsVars (~140 bytes on ESP32 Espruino), ~3.8 KB for the table.
 */
const REGIONS: RegionInfo[] = [
  region(RegionCode.US, "US", 902.0, 928.0, 100, 30, false, false),
  region(RegionCode.EU_433, "EU_433", 433.0, 434.0, 10, 10, false, false),
  region(RegionCode.EU_868, "EU_868", 869.4, 869.65, 10, 27, false, false),
  region(RegionCode.CN, "CN", 470.0, 510.0, 100, 19, false, false),
  region(RegionCode.JP, "JP", 920.5, 923.5, 100, 13, false, false),
  region(RegionCode.ANZ, "ANZ", 915.0, 928.0, 100, 30, false, false),
  region(RegionCode.ANZ_433, "ANZ_433", 433.05, 434.79, 100, 14, false, false),
  region(RegionCode.RU, "RU", 868.7, 869.2, 100, 20, false, false),
  region(RegionCode.KR, "KR", 920.0, 923.0, 100, 23, false, false),
  region(RegionCode.TW, "TW", 920.0, 925.0, 100, 27, false, false),
  region(RegionCode.IN, "IN", 865.0, 867.0, 100, 30, false, false),
  region(RegionCode.NZ_865, "NZ_865", 864.0, 868.0, 100, 36, false, false),
  region(RegionCode.TH, "TH", 920.0, 925.0, 10, 27, false, false),
  region(RegionCode.UA_433, "UA_433", 433.0, 434.7, 10, 10, false, false),
  region(RegionCode.UA_868, "UA_868", 868.0, 868.6, 1, 14, false, false),
  region(RegionCode.MY_433, "MY_433", 433.0, 435.0, 100, 20, false, false),
  region(RegionCode.MY_919, "MY_919", 919.0, 924.0, 100, 27, true, false),
  region(RegionCode.SG_923, "SG_923", 917.0, 925.0, 100, 20, false, false),
  region(RegionCode.PH_433, "PH_433", 433.0, 434.7, 100, 10, false, false),
  region(RegionCode.PH_868, "PH_868", 868.0, 869.4, 100, 14, false, false),
  region(RegionCode.PH_915, "PH_915", 915.0, 918.0, 100, 24, false, false),
  region(RegionCode.KZ_433, "KZ_433", 433.075, 434.775, 100, 10, false, false),
  region(RegionCode.KZ_863, "KZ_863", 863.0, 868.0, 100, 30, false, false),
  region(RegionCode.NP_865, "NP_865", 865.0, 868.0, 100, 30, false, false),
  region(RegionCode.BR_902, "BR_902", 902.0, 907.5, 100, 30, false, false),
  region(RegionCode.LORA_24, "LORA_24", 2400.0, 2483.5, 100, 10, false, true),
  UNSET_REGION,
];

/** Number of rows in the region table, UNSET included. */
export const REGION_COUNT = REGIONS.length;

/** The table row for a region code; UNSET's row for unknown codes (RadioInterface.cpp getRegion). */
export function regionInfo(code: number): RegionInfo {
  for (let i = 0; i < REGIONS.length; i++) {
    if (REGIONS[i].code === code) return REGIONS[i];
  }
  return UNSET_REGION;
}

/** The row at `index` (0 .. REGION_COUNT-1) in table order, for listing every region; UNSET's row outside. */
export function regionAt(index: number): RegionInfo {
  if (index >= 0 && index < REGIONS.length && (index | 0) === index) return REGIONS[index];
  return UNSET_REGION;
}
