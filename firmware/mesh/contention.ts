// Contention window and transmit delays (src/mesh/RadioInterface.cpp getTxDelayMsec, getCWsize,
// getTxDelayMsecWeighted, getTxDelayMsecWeightedWorst, getRetransmissionMsec; RadioLibInterface.cpp
// setTransmitDelay; spec meshtastic-wire.md 6.6).
//
// A node waits a random number of slots before transmitting. The window is 2^CW slots, CW between
// CW_MIN and CW_MAX picked from channel utilisation (own packets) or from the SNR a relayed packet was
// heard with: a far node (low SNR) gets a small window and relays first, which spreads a flood outwards.

import { randomRange } from "./rng.js";
import type { Rng } from "./rng.js";

/** RadioInterface.h CWmin: smallest contention-window exponent. */
export const CW_MIN = 3;
/** RadioInterface.h CWmax: largest exponent channel utilisation can pick (SNR can exceed it). */
export const CW_MAX = 8;
/** RadioInterface.h PROCESSING_TIME_MSEC: allowance for the receiver to process and answer. */
export const PROCESSING_TIME_MSEC = 4500;
/** getCWsize: SNR range (dB) mapped onto CW_MIN..CW_MAX. */
export const SNR_MIN = -20;
export const SNR_MAX = 10;
/** Channel utilisation range (%) mapped onto CW_MIN..CW_MAX. */
const UTIL_MIN = 0;
const UTIL_MAX = 100;
/** getRetransmissionMsec's allowance for a client at half the SNR range: 2^int((CWmax + CWmin) / 2) = 2^5 slots. */
const HALF_RANGE_CW = (CW_MAX + CW_MIN) >> 1;

// C conversion of a float to long: truncation toward zero. NaN (undefined behaviour in C) becomes 0.
function toLong(x: number): number {
  if (isNaN(x)) return 0;
  return x < 0 ? Math.ceil(x) : Math.floor(x);
}

/**
 * Arduino `long map(long x, long in_min, long in_max, long out_min, long out_max)`:
 * (x − in_min)·(out_max − out_min) / (in_max − in_min) + out_min in integer arithmetic. Every argument
 * is first converted to long (a float SNR or utilisation is truncated toward zero), the division
 * truncates toward zero, and nothing is clamped: x outside the input range maps outside the output
 * range. An empty input range returns −1 as the ESP32 Arduino core does instead of dividing by zero.
 */
export function arduinoMap(x: number, inMin: number, inMax: number, outMin: number, outMax: number): number {
  const run = toLong(inMax) - toLong(inMin);
  if (run === 0) return -1;
  const scaled = (toLong(x) - toLong(inMin)) * (toLong(outMax) - toLong(outMin));
  return toLong(scaled / run) + toLong(outMin);
}

// The firmware stores CW in a uint8_t: a negative map() result wraps.
function cwFromMap(mapped: number): number {
  return mapped & 0xff;
}

// pow_of_2 (meshUtils.h) is `1 << n` on a uint32; the Xtensa and ARM shifters use n mod 32.
function powerOfTwo(n: number): number {
  return (1 << (n & 31)) >>> 0;
}

/** CW for a locally generated packet: map(channel utilisation %, 0, 100, CW_MIN, CW_MAX). */
export function contentionWindowForUtil(channelUtilPercent: number): number {
  return cwFromMap(arduinoMap(channelUtilPercent, UTIL_MIN, UTIL_MAX, CW_MIN, CW_MAX));
}

/** CW for a rebroadcast (getCWsize): map(snr, −20, 10, CW_MIN, CW_MAX); SNR above 15 dB gives CW > CW_MAX. */
export function contentionWindowForSnr(snr: number): number {
  return cwFromMap(arduinoMap(snr, SNR_MIN, SNR_MAX, CW_MIN, CW_MAX));
}

/**
 * Delay before sending a packet we generated (rx_snr == 0 and rx_rssi == 0; getTxDelayMsec):
 * random(0, 2^CW) slots, CW from channel utilisation.
 */
export function txDelayMsec(rng: Rng, slotMs: number, channelUtilPercent: number): number {
  const cw = contentionWindowForUtil(channelUtilPercent);
  return randomRange(rng, 0, powerOfTwo(cw)) * slotMs;
}

/**
 * Delay before rebroadcasting a packet heard at `snr` (getTxDelayMsecWeighted). A ROUTER
 * (shouldRebroadcastEarlyLikeRouter) draws from its early window random(0, 2·CW) slots; everyone else
 * waits out the routers' window of 2·CW_MAX slots and then random(0, 2^CW) slots.
 */
export function txDelayWeightedMsec(rng: Rng, slotMs: number, snr: number, isRouter: boolean): number {
  const cw = contentionWindowForSnr(snr);
  if (isRouter) return randomRange(rng, 0, 2 * cw) * slotMs;
  return 2 * CW_MAX * slotMs + randomRange(rng, 0, powerOfTwo(cw)) * slotMs;
}

/** Longest weighted delay for `snr` (getTxDelayMsecWeightedWorst): 2·CW_MAX·slot + 2^CW·slot. */
export function worstWeightedDelayMsec(slotMs: number, snr: number): number {
  const cw = contentionWindowForSnr(snr);
  return 2 * CW_MAX * slotMs + powerOfTwo(cw) * slotMs;
}

/**
 * How long a reliable packet waits for its ACK before being sent again (getRetransmissionMsec):
 * 2·airtime + (2^CW + 2·CW_MAX + 2^5)·slot + PROCESSING_TIME_MSEC, CW from channel utilisation.
 * `airtimeMs` is the firmware's integer airtime (airtime.ts packetTimeMsec) of the packet; the firmware
 * passes encrypted.size + 32 bytes for an encrypted packet (its header counted twice).
 */
export function retransmissionMsec(airtimeMs: number, slotMs: number, channelUtilPercent: number): number {
  const cw = contentionWindowForUtil(channelUtilPercent);
  return 2 * airtimeMs + (powerOfTwo(cw) + 2 * CW_MAX + powerOfTwo(HALF_RANGE_CW)) * slotMs + PROCESSING_TIME_MSEC;
}

/**
 * New tx_after for a queued packet that already has one (a late-window packet; RadioLibInterface
 * setTransmitDelay): min(max(txAfter + delay, now + delay), now + 2·worst), where delay is the fresh
 * txDelay*Msec draw and worst is worstWeightedDelayMsec for the packet's SNR.
 */
export function lateTxAfter(txAfter: number, now: number, delayMs: number, worstMs: number): number {
  return Math.min(Math.max(txAfter + delayMs, now + delayMs), now + 2 * worstMs);
}
