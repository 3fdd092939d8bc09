// Default intervals and congestion scaling (firmware src/mesh/Default.h / Default.cpp, 2.7.26).
// A configured interval of 0 means the default; seconds become ms, clamped at INT32_MAX.
// Periodic broadcasts are spaced further apart on a busy mesh: with n > 40 online nodes the
// interval is multiplied by 1 + (n − 40)·2^SF / (BW_kHz·100) (the preset's SF and BW, narrow
// bandwidth even on 2.4 GHz), except for ROUTER and ROUTER_LATE (already long) and SENSOR, TRACKER
// and TAK_TRACKER (their reports have priority). The product is computed in float, as the firmware.
import { Role } from "../wire/enums.js";
import { modemPresetParams } from "./modem-preset.js";
import { fround } from "../bytes/float32.js";

/** MAX_INTERVAL (Default.h 14): INT32_MAX ms. */
export const MAX_INTERVAL_MS = 0x7fffffff;

/** Nodes online before scaling starts (congestionScalingCoefficient). */
export const CONGESTION_FREE_NODES = 40;

/** secondsToMsClamped (Default.cpp 6-10). */
export function secondsToMs(secs: number): number {
  return secs > Math.floor(MAX_INTERVAL_MS / 1000) ? MAX_INTERVAL_MS : secs * 1000;
}

/** Default::getConfiguredOrDefaultMs. */
export function configuredOrDefaultMs(configuredSecs: number, defaultSecs: number): number {
  return secondsToMs(configuredSecs > 0 ? configuredSecs : defaultSecs);
}

/** Default::getConfiguredOrMinimumValue: 0 stays 0 (the default applies later), else at least `min`. */
export function configuredOrMinimum(configured: number, min: number): number {
  if (configured === 0) return 0;
  return configured < min ? min : configured;
}

/** congestionScalingCoefficient (Default.h 67-106) for a preset (use_preset) or custom SF/BW. */
export function congestionCoefficient(numOnline: number, sf: number, bwKhz: number): number {
  if (numOnline <= CONGESTION_FREE_NODES) return 1;
  const s = sf < 5 || sf > 12 ? 11 : sf;
  const bw = bwKhz <= 0 ? 250 : bwKhz;
  const throttle = fround((1 << s) / fround(bw * 100));
  return fround(1 + fround((numOnline - CONGESTION_FREE_NODES) * throttle));
}

/** The SF and bandwidth congestion scaling reads from a preset (modemPresetToParams, not wide). */
export function presetCongestionCoefficient(numOnline: number, preset: number): number {
  const p = modemPresetParams(preset);
  return congestionCoefficient(numOnline, p.spreadFactor, p.bandwidthKhz);
}

/** Roles whose intervals are never scaled (Default.cpp 43-51). */
export function isScalingExempt(role: number): boolean {
  return role === Role.ROUTER || role === Role.ROUTER_LATE || role === Role.SENSOR || role === Role.TRACKER || role === Role.TAK_TRACKER;
}

/** Default::getConfiguredOrDefaultMsScaled. */
export function configuredOrDefaultMsScaled(configuredSecs: number, defaultSecs: number, numOnline: number, role: number, preset: number): number {
  const base = configuredOrDefaultMs(configuredSecs, defaultSecs);
  if (isScalingExempt(role)) return base;
  const coef = presetCongestionCoefficient(numOnline, preset);
  // Default.cpp 58-60: saturation is tested on the double product, the result is the float one.
  if (base * coef >= MAX_INTERVAL_MS) return MAX_INTERVAL_MS;
  return Math.floor(fround(fround(base) * coef));
}
