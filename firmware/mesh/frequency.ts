// Frequency-slot selection (src/mesh/RadioInterface.cpp hash, applyModemConfig; spec meshtastic-wire.md
// 6.14): how many LoRa channels of a bandwidth fit a region's band, which one a node uses (the
// configured channel_num, else djb2 of the primary channel's effective name) and its centre frequency.
//
// The firmware does this arithmetic in float32 (band edges are float literals, bw is a float member),
// so every step here is rounded to float32 the same way: the slot count then matches the firmware even
// where a double-precision division would land a hair either side of a whole number.

import { utf8Encode } from "../bytes/utf8.js";
import { modemPresetDisplayName, modemPresetParams } from "./modem-preset.js";
import { regionInfo } from "./regions.js";

/**
 * Which firmware's slot rule to follow. "2.7" (the baseline, v2.7.26) floors the slot count and wraps
 * channel_num modulo it; "develop" (2.8) rounds the slot count, which can add a slot whose upper edge
 * lies past the band end (PH_868 LongFast: 5 slots in 2.7, 6 in develop).
 */
export type FirmwareFlavor = "2.7" | "develop";

export interface FrequencySlot {
  /** How many slots of this bandwidth the band holds. */
  readonly numSlots: number;
  /** 0-based slot; LoRaConfig.channel_num is this plus 1. */
  readonly slot: number;
  /** Centre frequency in MHz as the firmware's float32 arithmetic gives it (before frequency_offset). */
  readonly freqMhz: number;
}

// One float32 cell for rounding intermediate results like C `float` does; 4 bytes.
const FLOAT32_SCRATCH = new Float32Array(1);

function f32(x: number): number {
  FLOAT32_SCRATCH[0] = x;
  return FLOAT32_SCRATCH[0];
}

/**
 * djb2 (Dan Bernstein) over the UTF-8 bytes of `name`, as a uint32: h = 5381; h = h*33 + byte
 * (RadioInterface.cpp hash). `(h << 5) + h` stays below 2^34, exact in a double, before `>>> 0` wraps it.
 */
export function djb2(name: string): number {
  const bytes = utf8Encode(name);
  let h = 5381;
  for (let i = 0; i < bytes.length; i++) h = ((h << 5) + h + bytes[i]) >>> 0;
  return h;
}

// Every region in the table has spacing = padding = 0 (develop's non-zero values belong to regions it
// adds), so a slot is exactly one bandwidth wide in both flavours.
function slotWidthMhz(bandwidthKhz: number): number {
  return f32(f32(bandwidthKhz) / 1000);
}

/**
 * Number of frequency slots of `bandwidthKhz` in the region's band: 2.7 floor(span / width), develop
 * round(span / width). 0 when the bandwidth is wider than the band (2.7 then falls back to LONG_FAST).
 */
export function numFrequencySlots(region: number, bandwidthKhz: number, flavor?: FirmwareFlavor): number {
  const r = regionInfo(region);
  const span = f32(f32(r.freqEndMhz) - f32(r.freqStartMhz));
  const width = slotWidthMhz(bandwidthKhz);
  if (span < width) return 0;
  const q = f32(span / width);
  return flavor === "develop" ? Math.round(q) : Math.floor(q);
}

/**
 * The slot and centre frequency for a node on `region` at `bandwidthKhz` (use the wide bandwidth on
 * LORA_24). `channelNum` is LoRaConfig.channel_num (1-based, 0 = derive from the name);
 * `primaryChannelName` is the primary channel's effective name (modem-preset.ts effectiveChannelName).
 * - 2.7: slot = (channelNum ? channelNum - 1 : djb2(name)) % numSlots.
 * - develop: channelNum - 1 when 1 <= channelNum <= numSlots, else djb2(name) % numSlots (an out-of-range
 *   channel_num is clamped to the name-hash slot by checkOrClampConfigLora for every table region).
 * freq = start + bw/2000 + slot * bw/1000. Returns null when the bandwidth does not fit the band.
 */
export function frequencySlot(
  region: number,
  bandwidthKhz: number,
  channelNum: number,
  primaryChannelName: string,
  flavor?: FirmwareFlavor,
): FrequencySlot | null {
  const numSlots = numFrequencySlots(region, bandwidthKhz, flavor);
  if (numSlots === 0) return null;
  let slot: number;
  if (flavor === "develop") {
    slot = channelNum >= 1 && channelNum <= numSlots ? channelNum - 1 : djb2(primaryChannelName) % numSlots;
  } else {
    slot = (channelNum > 0 ? channelNum - 1 : djb2(primaryChannelName)) % numSlots;
  }
  const r = regionInfo(region);
  const bw = f32(bandwidthKhz);
  const freq = f32(f32(f32(r.freqStartMhz) + f32(bw / 2000)) + f32(slot * slotWidthMhz(bandwidthKhz)));
  return { numSlots: numSlots, slot: slot, freqMhz: freq };
}

/** frequencySlot for a modem preset: its bandwidth, or its wide bandwidth on a wide-LoRa region. */
export function frequencySlotForPreset(
  region: number,
  preset: number,
  channelNum: number,
  primaryChannelName: string,
  flavor?: FirmwareFlavor,
): FrequencySlot | null {
  const params = modemPresetParams(preset);
  const bw = regionInfo(region).wideLora ? params.wideBandwidthKhz : params.bandwidthKhz;
  return frequencySlot(region, bw, channelNum, primaryChannelName, flavor);
}

/**
 * RadioInterface::uses_default_frequency_slot in 2.7: the slot in use is the one the preset's display
 * name hashes to (djb2(displayName) % numSlots). Clients show a warning when it is not.
 */
export function usesDefaultFrequencySlot(slot: number, numSlots: number, preset: number): boolean {
  if (numSlots <= 0) return false;
  return slot === djb2(modemPresetDisplayName(preset)) % numSlots;
}

/**
 * The frequency handed to the radio: override_frequency (when non-zero) replaces the slot frequency,
 * then frequency_offset is added (applyModemConfig saveFreq), in float32.
 */
export function tunedFrequencyMhz(slotFreqMhz: number, overrideFrequencyMhz: number, frequencyOffsetMhz: number): number {
  const base = overrideFrequencyMhz !== 0 ? f32(overrideFrequencyMhz) : f32(slotFreqMhz);
  return f32(base + f32(frequencyOffsetMhz));
}
