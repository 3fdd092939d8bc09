// LoRa modem presets: the enum numbers (protobufs meshtastic/config.proto LoRaConfig.ModemPreset), the
// radio parameters of each (src/mesh/MeshRadio.h modemPresetToParams; spec meshtastic-wire.md 6.13),
// the long display names (src/DisplayFormatters.cpp getModemPresetDisplayName; spec 4) and the
// effective channel name (src/mesh/Channels.cpp Channels::getName).

export const ModemPreset = {
  LONG_FAST: 0,
  /** Deprecated in the protobufs, still a working preset. */
  LONG_SLOW: 1,
  /** Deprecated and dropped by the firmware: it gets LONG_FAST parameters and the name "Invalid". */
  VERY_LONG_SLOW: 2,
  MEDIUM_SLOW: 3,
  MEDIUM_FAST: 4,
  SHORT_SLOW: 5,
  SHORT_FAST: 6,
  LONG_MODERATE: 7,
  SHORT_TURBO: 8,
  LONG_TURBO: 9,
  /** LITE_*, NARROW_*, TINY_* and MEDIUM_TURBO are develop (2.8) presets; 2.7 treats them as unknown. */
  LITE_FAST: 10,
  LITE_SLOW: 11,
  NARROW_FAST: 12,
  NARROW_SLOW: 13,
  TINY_FAST: 14,
  TINY_SLOW: 15,
  MEDIUM_TURBO: 16,
} as const;
export type ModemPreset = (typeof ModemPreset)[keyof typeof ModemPreset];

export interface ModemParams {
  /** LoRa bandwidth in kHz on sub-GHz regions. */
  readonly bandwidthKhz: number;
  /** Bandwidth on wide-LoRa (2.4 GHz, region LORA_24); equal to bandwidthKhz for presets without a wide form. */
  readonly wideBandwidthKhz: number;
  /** Spreading factor 7..12. */
  readonly spreadFactor: number;
  /** Coding rate denominator: 5 means 4/5. */
  readonly codingRate: number;
}

interface PresetRow {
  readonly displayName: string;
  readonly params: ModemParams;
}

function row(displayName: string, bw: number, wideBw: number, sf: number, cr: number): PresetRow {
  return {
    displayName: displayName,
    params: { bandwidthKhz: bw, wideBandwidthKhz: wideBw, spreadFactor: sf, codingRate: cr },
  };
}

// modemPresetToParams's default case: LONG_FAST, also for any unknown value.
const LONG_FAST_ROW = row("LongFast", 250, 812.5, 11, 5);

// Indexed by the enum number. The TINY presets use 15.6 kHz exactly as the firmware passes it to the
// radio (not 15.625).
const PRESETS: PresetRow[] = [
  LONG_FAST_ROW,
  row("LongSlow", 125, 406.25, 12, 8),
  row("Invalid", 250, 812.5, 11, 5), // VERY_LONG_SLOW: no case in either firmware switch
  row("MediumSlow", 250, 812.5, 10, 5),
  row("MediumFast", 250, 812.5, 9, 5),
  row("ShortSlow", 250, 812.5, 8, 5),
  row("ShortFast", 250, 812.5, 7, 5),
  row("LongMod", 125, 406.25, 11, 8),
  row("ShortTurbo", 500, 1625, 7, 5),
  row("LongTurbo", 500, 1625, 11, 8),
  row("LiteFast", 125, 125, 9, 5),
  row("LiteSlow", 125, 125, 10, 5),
  row("NarrowFast", 62.5, 62.5, 7, 6),
  row("NarrowSlow", 62.5, 62.5, 8, 6),
  row("TinyFast", 15.6, 15.6, 7, 5),
  row("TinySlow", 15.6, 15.6, 8, 6),
  row("MediumTurbo", 500, 1625, 9, 5),
];

/** Display name used for every value outside the table (DisplayFormatters.cpp default case). */
export const INVALID_PRESET_NAME = "Invalid";

/** Effective channel name when use_preset is off and the channel has no name. */
export const CUSTOM_CHANNEL_NAME = "Custom";

function presetRow(preset: number): PresetRow | null {
  if (preset >= 0 && preset < PRESETS.length && (preset | 0) === preset) return PRESETS[preset];
  return null;
}

/** Radio parameters of a preset; unknown values get LONG_FAST's, as in modemPresetToParams. */
export function modemPresetParams(preset: number): ModemParams {
  const r = presetRow(preset);
  return r === null ? LONG_FAST_ROW.params : r.params;
}

/**
 * The long display name of a preset ("LongFast", "LongMod", ...), used for channel hashing, MQTT
 * channel ids and frequency-slot hashing; "Invalid" for VERY_LONG_SLOW and unknown values.
 */
export function modemPresetDisplayName(preset: number): string {
  const r = presetRow(preset);
  return r === null ? INVALID_PRESET_NAME : r.displayName;
}

/**
 * The name a channel is known by (Channels::getName): its configured name, or when that is empty the
 * preset's display name if use_preset is set, else "Custom". Callers rewrite the legacy name
 * "Default" to "" when loading a config (Channels::fixupChannel), not here.
 */
export function effectiveChannelName(name: string, usePreset: boolean, preset: number): string {
  if (name.length > 0) return name;
  return usePreset ? modemPresetDisplayName(preset) : CUSTOM_CHANNEL_NAME;
}
