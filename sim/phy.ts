// LoRa link budget and reception rules (shared spec simulation-model.md 1.4, 4.2, 4.3).
//
// - RSSI = P_tx + G_tx + G_rx − (PL + offset[tx→rx]); the offset is the static per-directed-link
//   Gaussian of rng-streams.ts linkOffsetDb.
// - Noise floor = −174 dBm/Hz + 10·log10(BW) + NF; SNR = RSSI − noise floor.
// - Sensitivity = noise floor + the demodulator's required SNR for the SF (−7.5 dB at SF7 down to
//   −20 dB at SF12): with NF = 6 dB this reproduces Meshtasticator's per-preset table to 0.05 dB.
//   The CAD (channel-activity) threshold is 3 dB below the sensitivity, as in Meshtasticator.
// - Collisions (LoRaSim / Meshtasticator check_collision): a newer packet interferes with an older one
//   at a receiver when its critical section (everything after its first N_preamble − 5 symbols)
//   starts before the older one ends; then a 6 dB capture rule decides. Optionally interference
//   energy is summed per packet (ns-3 lorawan style) instead of compared pairwise.
import { symbolTimeMs } from "../firmware/mesh/airtime.js";
import type { LoraModulation } from "../firmware/mesh/airtime.js";

/** Thermal noise power density at 290 K, dBm/Hz. */
export const THERMAL_NOISE_DBM_PER_HZ = -174;
/** Receiver noise figure Meshtasticator's sensitivity table assumes (rfwireless-world calculator). */
export const DEFAULT_NOISE_FIGURE_DB = 6;
/** How far below the sensitivity a preamble is still detected by CAD (Meshtasticator config.py). */
export const CAD_MARGIN_DB = 3;
/** Co-channel capture threshold (Meshtasticator power_collision, LoRaSim, ns-3 co-SF isolation). */
export const CAPTURE_THRESHOLD_DB = 6;
/** Preamble symbols a receiver needs to lock (LoRaSim timingCollision): the last 5. */
export const PREAMBLE_LOCK_SYMBOLS = 5;

/** SNR (dB) the LoRa demodulator needs per spreading factor (Semtech SX126x datasheet table 6-1). */
export function requiredSnrDb(sf: number): number {
  switch (sf) {
    case 5:
      return -2.5;
    case 6:
      return -5;
    case 7:
      return -7.5;
    case 8:
      return -10;
    case 9:
      return -12.5;
    case 10:
      return -15;
    case 11:
      return -17.5;
    case 12:
      return -20;
    default:
      throw new RangeError("spreading factor out of range: " + sf);
  }
}

/** Receiver noise floor in dBm over `bwKhz` with noise figure `nfDb`. */
export function noiseFloorDbm(bwKhz: number, nfDb: number): number {
  return THERMAL_NOISE_DBM_PER_HZ + 10 * Math.log10(bwKhz * 1000) + nfDb;
}

/** Weakest decodable signal (dBm) at this SF and bandwidth. */
export function sensitivityDbm(sf: number, bwKhz: number, nfDb: number): number {
  return noiseFloorDbm(bwKhz, nfDb) + requiredSnrDb(sf);
}

/** Weakest signal (dBm) a CAD scan or preamble detector still notices. */
export function cadThresholdDbm(sf: number, bwKhz: number, nfDb: number): number {
  return sensitivityDbm(sf, bwKhz, nfDb) - CAD_MARGIN_DB;
}

/** The receive thresholds of one radio, computed once per modulation. */
export interface RadioThresholds {
  readonly noiseFloorDbm: number;
  readonly sensitivityDbm: number;
  readonly cadThresholdDbm: number;
}

export function radioThresholds(m: LoraModulation, nfDb: number): RadioThresholds {
  const noise = noiseFloorDbm(m.bwKhz, nfDb);
  const sens = noise + requiredSnrDb(m.sf);
  return { noiseFloorDbm: noise, sensitivityDbm: sens, cadThresholdDbm: sens - CAD_MARGIN_DB };
}

/** Received power: P_tx + G_tx + G_rx − (PL + offset). */
export function rssiDbm(txPowerDbm: number, txGainDbi: number, rxGainDbi: number, pathLossDb: number, linkOffsetDb: number): number {
  return txPowerDbm + txGainDbi + rxGainDbi - (pathLossDb + linkOffsetDb);
}

export function dbmToMw(dbm: number): number {
  return Math.pow(10, dbm / 10);
}

export function mwToDbm(mw: number): number {
  return 10 * Math.log10(mw);
}

/**
 * Time (ms) from the start of a frame to the start of its critical section: the first
 * N_preamble − 5 preamble symbols may be lost to another signal without losing the frame.
 */
export function preambleLockOffsetMs(m: LoraModulation): number {
  const n = m.preambleSymbols - PREAMBLE_LOCK_SYMBOLS;
  return (n > 0 ? n : 0) * symbolTimeMs(m.sf, m.bwKhz);
}

/**
 * Whether a frame starting at `newStart` (critical section from `newStart + newLockOffset`) and an
 * older frame ending at `olderEnd` interfere (Meshtasticator timing_collision: p1_cs < p2.end).
 */
export function framesOverlap(newStart: number, newLockOffsetMs: number, olderEnd: number): boolean {
  return newStart + newLockOffsetMs < olderEnd;
}

/** Outcome of two overlapping frames at one receiver. */
export const Capture = {
  /** Within the capture threshold of each other: both are lost. */
  BOTH_LOST: 0,
  /** The first is at least the threshold stronger: only the second is lost. */
  SECOND_LOST: 1,
  /** The second is at least the threshold stronger: only the first is lost. */
  FIRST_LOST: 2,
} as const;
export type Capture = (typeof Capture)[keyof typeof Capture];

/** Pairwise capture (Meshtasticator power_collision): |Δ| < threshold → both lost, else the weaker. */
export function capture(firstDbm: number, secondDbm: number, thresholdDb: number): Capture {
  const d = firstDbm - secondDbm;
  if (d >= thresholdDb) return Capture.SECOND_LOST;
  if (-d >= thresholdDb) return Capture.FIRST_LOST;
  return Capture.BOTH_LOST;
}

/**
 * Summed-interference rule (ns-3 lorawan LoraInterferenceHelper): the frame survives when its energy
 * over its critical section, P·T, is at least `thresholdDb` above the interference energy summed over
 * the same section, Σ P_i·overlap_i (mW·ms).
 */
export function survivesInterference(signalMw: number, criticalMs: number, interferenceMwMs: number, thresholdDb: number): boolean {
  if (interferenceMwMs <= 0) return true;
  return signalMw * criticalMs >= interferenceMwMs * Math.pow(10, thresholdDb / 10);
}
