// LoRa time on air and the CSMA slot time (spec meshtastic-wire.md 6.6, 6.12).
//
// Airtime is the Semtech LoRa equation (SX126x datasheet 6.1.4) for the frame the firmware always
// sends: explicit header, CRC on, preamble 16 symbols (12 on 2.4 GHz wide LoRa), low-data-rate
// optimisation when a symbol lasts 16 ms or more. The firmware takes it from RadioLib getTimeOnAir()
// in microseconds and divides by 1000 with integer division (RadioLibInterface getPacketTime):
// packetTimeMsec() reproduces that integer, timeOnAirMs() gives the exact real value.
//
// The 2.4 GHz chips (SX128x, LR11x0) count symbols differently: SF11 and SF12 always use the reduced
// divisor 4·(SF − 2), whatever the symbol time (SX1280 datasheet 7.4.4; RadioLib SX128x::getTimeOnAir).
// A modulation built for wide LoRa carries that rule.

import { modemPresetParams } from "./modem-preset.js";

/** RadioInterface.h preambleLengthDefault: longer than LoRa's usual 8 so receivers can sleep more. */
export const PREAMBLE_SYMBOLS = 16;
/** RadioInterface.h wideLoraPreambleLengthDefault, used on 2.4 GHz (LORA_24). */
export const WIDE_LORA_PREAMBLE_SYMBOLS = 12;
/** RadioLib turns low-data-rate optimisation on when a symbol lasts at least this long. */
export const LDRO_MIN_SYMBOL_MS = 16;

/** Symbols the SX126x CAD listens for (RadioInterface.h NUM_SYM_CAD). */
const NUM_SYM_CAD = 2;
/** SX1280 CAD base length (RadioInterface.h NUM_SYM_CAD_24GHZ; AN1200.22). */
const NUM_SYM_CAD_24GHZ = 4;
/** Round-trip propagation (30 km) 0.2 + TX/RX turnaround 0.4 + MAC processing 7 (computeSlotTimeMsec). */
const PROPAGATION_TURNAROUND_MAC_MS = 0.2 + 0.4 + 7;

/** The LoRa modulation a frame is sent with. */
export interface LoraModulation {
  /** Spreading factor 5..12. */
  readonly sf: number;
  /** Bandwidth in kHz (15.6, 62.5, 125, 250, 500, 812.5, ...). */
  readonly bwKhz: number;
  /** Coding-rate denominator 5..8 (4/5 .. 4/8). */
  readonly cr: number;
  /** Preamble length in symbols. */
  readonly preambleSymbols: number;
  /** 2.4 GHz SX128x symbol counting (SF11/SF12 always use the reduced divisor). */
  readonly wideLora: boolean;
}

/** A modulation from explicit parameters; `wideLora` selects the 2.4 GHz symbol counting (default off). */
export function loraModulation(sf: number, bwKhz: number, cr: number, preambleSymbols: number, wideLora?: boolean): LoraModulation {
  return { sf: sf, bwKhz: bwKhz, cr: cr, preambleSymbols: preambleSymbols, wideLora: wideLora === true };
}

/**
 * The modulation of a modem preset as the firmware configures it: the preset's bandwidth (its wide
 * bandwidth and a 12-symbol preamble on wide LoRa), spreading factor and coding rate.
 */
export function presetModulation(preset: number, wideLora: boolean): LoraModulation {
  const p = modemPresetParams(preset);
  return {
    sf: p.spreadFactor,
    bwKhz: wideLora ? p.wideBandwidthKhz : p.bandwidthKhz,
    cr: p.codingRate,
    preambleSymbols: wideLora ? WIDE_LORA_PREAMBLE_SYMBOLS : PREAMBLE_SYMBOLS,
    wideLora: wideLora,
  };
}

/** LoRa symbol duration in ms: 2^SF / BW(kHz). */
export function symbolTimeMs(sf: number, bwKhz: number): number {
  return (1 << sf) / bwKhz;
}

/** Whether sub-GHz low-data-rate optimisation is on (symbol time >= 16 ms, RadioLib's automatic rule). */
export function usesLowDataRateOptimize(sf: number, bwKhz: number): boolean {
  return symbolTimeMs(sf, bwKhz) >= LDRO_MIN_SYMBOL_MS;
}

// Whether the payload symbol count uses the reduced divisor 4·(SF − 2): LDRO on sub-GHz chips, SF11
// and SF12 on the 2.4 GHz ones.
function reducedDivisor(m: LoraModulation): boolean {
  return m.wideLora ? m.sf >= 11 : usesLowDataRateOptimize(m.sf, m.bwKhz);
}

// Payload symbols after the preamble and sync (the "8 + ..." part), explicit header and CRC on:
// 8 + max(ceil((8·PL − 4·SF + 28 + 16 − 20·IH) / (4·(SF − 2·DE))), 0) · CR. SF5/SF6 use no "+8" bias
// term in the numerator (SX126x datasheet 6.1.4; RadioLib sfCoeff2).
function payloadSymbols(m: LoraModulation, payloadBytes: number): number {
  const lowSf = m.sf === 5 || m.sf === 6;
  let numerator = 8 * payloadBytes + 16 - 4 * m.sf + 20 + (lowSf ? 0 : 8);
  if (numerator < 0) numerator = 0;
  const divisor = 4 * (reducedDivisor(m) ? m.sf - 2 : m.sf);
  return 8 + Math.ceil(numerator / divisor) * m.cr;
}

// Symbols the preamble and sync word take: n + 4.25 (n + 6.25 at SF5/SF6).
function preambleSymbolsTotal(m: LoraModulation): number {
  return m.preambleSymbols + (m.sf === 5 || m.sf === 6 ? 6.25 : 4.25);
}

/** Total symbols of a frame of `payloadBytes` PHY bytes (16-byte header included): preamble + 4.25 + payload. */
export function airtimeSymbols(m: LoraModulation, payloadBytes: number): number {
  return preambleSymbolsTotal(m) + payloadSymbols(m, payloadBytes);
}

/** Exact time on air in ms (a real number) of a frame of `payloadBytes` PHY bytes. */
export function timeOnAirMs(m: LoraModulation, payloadBytes: number): number {
  return airtimeSymbols(m, payloadBytes) * symbolTimeMs(m.sf, m.bwKhz);
}

/**
 * The firmware's airtime in whole ms (RadioInterface getPacketTime), what it logs into channel and TX
 * utilisation and uses for retransmission timeouts. Sub-GHz: RadioLib SX126x's integer computation,
 * symbol time truncated to whole microseconds times the symbol count (in quarter symbols), truncated
 * to µs, then divided by 1000 and truncated (an SX127x board computes in float and can land 1 ms
 * higher). Wide LoRa: RadioLib SX128x, the real-valued airtime truncated to µs, then to ms.
 */
export function packetTimeMsec(m: LoraModulation, payloadBytes: number): number {
  // SX128x: real-valued µs truncated, then ms truncated: the same as one truncation of the ms.
  if (m.wideLora) return Math.floor(timeOnAirMs(m, payloadBytes));
  // (10000 << SF) / (BW·10) as RadioLib writes it; always below 2^26 for SF <= 12.
  const symbolUs = Math.floor((10000 * (1 << m.sf)) / (m.bwKhz * 10));
  const quarterSymbols = Math.round(airtimeSymbols(m, payloadBytes) * 4);
  return Math.floor(Math.floor((symbolUs * quarterSymbols) / 4) / 1000);
}

/**
 * CSMA slot time in whole ms (RadioInterface::computeSlotTimeMsec): the time to notice that a
 * transmission has started. Sub-GHz: 2.5 symbols of CAD (2 symbols + 0.5) + 7.6 ms. Wide LoRa (SX1280,
 * AN1200.22): (4 + floor((2·SF + 3) / 32)) symbols + 7.6 ms. Truncated to an integer as the uint32 return does.
 */
export function slotTimeMsec(sf: number, bwKhz: number, wideLora: boolean): number {
  const symbol = symbolTimeMs(sf, bwKhz);
  const cadSymbols = wideLora ? NUM_SYM_CAD_24GHZ + Math.floor((2 * sf + 3) / 32) : NUM_SYM_CAD + 0.5;
  return Math.floor(cadSymbols * symbol + PROPAGATION_TURNAROUND_MAC_MS);
}

/** Slot time of a modem preset (its wide bandwidth on wide LoRa). LongFast: 28 ms. */
export function presetSlotTimeMsec(preset: number, wideLora: boolean): number {
  const m = presetModulation(preset, wideLora);
  return slotTimeMsec(m.sf, m.bwKhz, wideLora);
}
