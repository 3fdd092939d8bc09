// The rows of test/vectors/radio.json that the radio-layer tests read, typed.
import { loadVectors } from "../../support/vectors.js";

export interface FrequencySlotRow {
  region: string;
  preset: string;
  primary_channel_name: string;
  bandwidth_khz: number;
  num_slots: number;
  slot_1based: number;
  freq_mhz: number;
  firmware: "both" | "2.7" | "develop";
}

export interface PresetRow {
  name: string;
  enum: number;
  bw_khz: number;
  sf: number;
  cr_den: number;
  symbol_ms: number;
  slot_ms: number;
  ldro: boolean;
  firmware: "both" | "develop";
}

export interface AirtimeRow {
  preset: string;
  payload_bytes_total: number;
  airtime_ms: number;
  symbols: number;
  ldro: boolean;
  firmware_ms: number;
}

export interface AirtimeReferenceRow {
  name: string;
  sf: number;
  bw_khz: number;
  cr_den: number;
  payload_bytes: number;
  preamble_symbols: number;
  explicit_header: boolean;
  crc: boolean;
  ldro: boolean;
  airtime_ms: number;
}

export interface RadioVectors {
  djb2: { string: string; djb2: number }[];
  frequency_slots: FrequencySlotRow[];
  presets: PresetRow[];
  airtime: AirtimeRow[];
  airtime_references: AirtimeReferenceRow[];
}

export const radio = loadVectors<RadioVectors>("radio");
