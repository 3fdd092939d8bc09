// Independent, reproducible random streams. Every draw in the simulator comes from a stream named by
// (run seed, node index, purpose), so adding a node or changing what one node does never shifts the
// numbers any other node or purpose sees. A stream is the core's SeededRng (firmware/mesh/rng.ts)
// started from a 32-bit seed hashed out of the three words with MurmurHash3 (x86_32) mixing.
import { SeededRng } from "../firmware/mesh/rng.js";
import type { Rng } from "../firmware/mesh/rng.js";

/** What a stream is used for; part of its name, so two purposes of one node never share numbers. */
export const StreamPurpose = {
  /** The MeshNode's own Rng: contention windows, packet ids. */
  NODE: 1,
  /** Generated application traffic: inter-arrival times and payloads. */
  TRAFFIC: 2,
  /** Static per-directed-link path-loss offsets (hashed per link, see linkOffsetDb). */
  LINK_OFFSET: 3,
  /** Node placement. */
  PLACEMENT: 4,
  /** Boot-time spread. */
  BOOT: 5,
} as const;
export type StreamPurpose = (typeof StreamPurpose)[keyof typeof StreamPurpose];

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const TWO_POW_32 = 4294967296;

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function mixWord(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = rotl32(k, 15);
  k = Math.imul(k, C2);
  h ^= k;
  h = rotl32(h, 13);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

// A run seed may exceed 32 bits; both halves take part.
function seedWords(seed: number): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  return mixWord(lo, hi);
}

/** MurmurHash3_x86_32 of the words (seed, a, b, c) with c optional: a 32-bit stream or link seed. */
export function hashWords(seed: number, a: number, b: number, c?: number): number {
  let h = seedWords(seed);
  h = mixWord(h, a | 0);
  h = mixWord(h, b | 0);
  let len = 3;
  if (c !== undefined) {
    h = mixWord(h, c | 0);
    len = 4;
  }
  return fmix32(h ^ (len * 4));
}

/** The 32-bit seed of stream (seed, index, purpose). */
export function streamSeed(seed: number, index: number, purpose: number): number {
  return hashWords(seed, index, purpose);
}

/** A fresh generator for stream (seed, index, purpose); the same arguments give the same numbers. */
export function rngStream(seed: number, index: number, purpose: number): SeededRng {
  return new SeededRng(streamSeed(seed, index, purpose));
}

/** A uniform real in [0, 1) with 53 random bits (two draws). */
export function uniform01(rng: Rng): number {
  const hi = rng.nextU32() >>> 5; // 27 bits
  const lo = rng.nextU32() >>> 6; // 26 bits
  return (hi * 67108864 + lo) / 9007199254740992;
}

/** An exponentially distributed delay with the given mean (inverse transform; never Infinity). */
export function exponential(rng: Rng, mean: number): number {
  return -Math.log(1 - uniform01(rng)) * mean;
}

// Box–Muller from two uniforms; u1 in (0, 1] so the log is finite.
function boxMuller(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A standard normal draw. */
export function gaussian(rng: Rng): number {
  return boxMuller(1 - uniform01(rng), uniform01(rng));
}

/**
 * The static path-loss offset (dB) of the directed link tx → rx: N(0, sigma²) clamped to ±clamp.
 * It is a pure function of (seed, tx, rx), so it does not depend on the order links are first used.
 */
export function linkOffsetDb(seed: number, tx: number, rx: number, sigmaDb: number, clampDb: number): number {
  if (sigmaDb === 0) return 0;
  const u1 = (hashWords(seed, tx, rx, StreamPurpose.LINK_OFFSET) + 1) / (TWO_POW_32 + 1);
  const u2 = hashWords(seed, tx, rx, StreamPurpose.LINK_OFFSET + 0x10000) / TWO_POW_32;
  const x = boxMuller(u1, u2) * sigmaDb;
  return x > clampDb ? clampDb : x < -clampDb ? -clampDb : x;
}
