// Path-loss models (shared spec simulation-model.md 1.4; Meshtasticator lib/phy.py estimate_path_loss
// after "Fix pathloss equations (#37)"). Distances in metres, frequency in MHz, antenna heights in
// metres; the result is the loss in dB. The model numbers are Meshtasticator's `MODEL` values.
//
// In the Okumura-Hata and 3GPP formulas the transmitter's height takes the base-station role (h_tx)
// and the receiver's the mobile role (h_rx), as Meshtasticator calls them (txZ, rxZ), so a link is
// not symmetric when the two heights differ.

export const PathLossModel = {
  /** PL = PL(d0) + 10·γ·log10(d/d0); Meshtasticator/LoRaSim constants by default. */
  LOG_DISTANCE: 0,
  /** Okumura-Hata, small and medium-size cities. */
  OKUMURA_HATA_SMALL_CITY: 1,
  /** Okumura-Hata, metropolitan areas (large city a(h_rx)). */
  OKUMURA_HATA_METROPOLITAN: 2,
  /** Okumura-Hata, suburban environments. */
  OKUMURA_HATA_SUBURBAN: 3,
  /** Okumura-Hata, rural (open) areas. */
  OKUMURA_HATA_RURAL: 4,
  /** 3GPP suburban macro: Meshtasticator's default (MODEL = 5). */
  THREE_GPP_SUBURBAN: 5,
  /** 3GPP urban macro (+3 dB). */
  THREE_GPP_URBAN: 6,
} as const;
export type PathLossModel = (typeof PathLossModel)[keyof typeof PathLossModel];

/** Log-distance constants. */
export interface LogDistanceParams {
  /** Path-loss exponent γ. */
  readonly gamma: number;
  /** Reference distance d0 in metres. */
  readonly d0M: number;
  /** Loss at d0 in dB. */
  readonly lossAtD0Db: number;
}

/** Meshtasticator's GAMMA, D0, LPLD0 (from LoRaSim): 2.08, 40 m, 127.41 dB. */
export const MESHTASTICATOR_LOG_DISTANCE: LogDistanceParams = { gamma: 2.08, d0M: 40, lossAtD0Db: 127.41 };

/**
 * Distances are clamped up to this before taking logarithms: nodes on top of each other (or a
 * horizontal distance below the antenna-height difference) would otherwise make the logs blow up.
 * Meshtasticator clamps at 1 mm; 1 m keeps the empirical models within a sane range.
 */
export const MIN_DISTANCE_M = 1;

/** Okumura-Hata a(h_rx) for small/medium cities (also used by the suburban and rural corrections). */
function hataMobileCorrection(log10f: number, hRx: number): number {
  return (1.1 * log10f - 0.7) * hRx - (1.56 * log10f - 0.8);
}

/**
 * a(h_rx) for large cities: 8.29·(log10(1.54·h))² − 1.1 up to 200 MHz, 3.2·(log10(11.75·h))² − 4.97
 * above. (Hata defines the second form from 400 MHz and leaves 200–400 MHz open; Meshtasticator
 * leaves it undefined there; the high-frequency form is used for everything above 200 MHz here.)
 */
function hataMetropolitanCorrection(freqMhz: number, hRx: number): number {
  if (freqMhz <= 200) {
    const l = Math.log10(1.54 * hRx);
    return 8.29 * l * l - 1.1;
  }
  const l = Math.log10(11.75 * hRx);
  return 3.2 * l * l - 4.97;
}

/**
 * Loss in dB of `model` over `distanceM` (3-D distance) at `freqMhz`, transmitter antenna at `hTxM`,
 * receiver antenna at `hRxM`. `logDistance` overrides the log-distance constants.
 */
export function pathLossDb(model: number, distanceM: number, freqMhz: number, hTxM: number, hRxM: number, logDistance?: LogDistanceParams): number {
  const d = distanceM > MIN_DISTANCE_M ? distanceM : MIN_DISTANCE_M;
  if (model === PathLossModel.LOG_DISTANCE) {
    const p = logDistance !== undefined ? logDistance : MESHTASTICATOR_LOG_DISTANCE;
    return p.lossAtD0Db + 10 * p.gamma * Math.log10(d / p.d0M);
  }
  const log10f = Math.log10(freqMhz);
  const log10dKm = Math.log10(d / 1000);
  if (model >= PathLossModel.OKUMURA_HATA_SMALL_CITY && model <= PathLossModel.OKUMURA_HATA_RURAL) {
    let a: number;
    let c = 0;
    if (model === PathLossModel.OKUMURA_HATA_METROPOLITAN) a = hataMetropolitanCorrection(freqMhz, hRxM);
    else a = hataMobileCorrection(log10f, hRxM);
    if (model === PathLossModel.OKUMURA_HATA_SUBURBAN) {
      const l = Math.log10(freqMhz / 28);
      c = -2 * l * l - 5.4;
    } else if (model === PathLossModel.OKUMURA_HATA_RURAL) {
      c = -4.78 * log10f * log10f + 18.33 * log10f - 40.98;
    }
    const A = 69.55 + 26.16 * log10f - 13.82 * Math.log10(hTxM) - a;
    const B = 44.9 - 6.55 * Math.log10(hTxM);
    return A + B * log10dKm + c;
  }
  if (model === PathLossModel.THREE_GPP_SUBURBAN || model === PathLossModel.THREE_GPP_URBAN) {
    const c = model === PathLossModel.THREE_GPP_URBAN ? 3 : 0;
    return (44.9 - 6.55 * Math.log10(hTxM)) * log10dKm + 45.5 + (35.46 - 1.1 * hRxM) * log10f - 13.82 * Math.log10(hRxM) + 0.7 * hRxM + c;
  }
  throw new RangeError("unknown path-loss model " + model);
}

/** Upper end of the range search: 1000 km; beyond it every model is far past any LoRa budget. */
export const MAX_RANGE_SEARCH_M = 1e6;

/**
 * The largest distance (m) at which the loss stays within `budgetDb`, by bisection on log-distance
 * (every model's loss grows with distance). MIN_DISTANCE_M when even that is too lossy,
 * MAX_RANGE_SEARCH_M when the budget covers the whole search range.
 */
export function maxRangeM(model: number, budgetDb: number, freqMhz: number, hTxM: number, hRxM: number, logDistance?: LogDistanceParams): number {
  if (pathLossDb(model, MIN_DISTANCE_M, freqMhz, hTxM, hRxM, logDistance) > budgetDb) return MIN_DISTANCE_M;
  if (pathLossDb(model, MAX_RANGE_SEARCH_M, freqMhz, hTxM, hRxM, logDistance) <= budgetDb) return MAX_RANGE_SEARCH_M;
  let lo = Math.log10(MIN_DISTANCE_M);
  let hi = Math.log10(MAX_RANGE_SEARCH_M);
  // 60 halvings of 6 decades: far below a millimetre.
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (pathLossDb(model, Math.pow(10, mid), freqMhz, hTxM, hRxM, logDistance) <= budgetDb) lo = mid;
    else hi = mid;
  }
  return Math.pow(10, lo);
}
