// AES-128 / AES-256 block encryption (FIPS-197) with 32-bit T-tables. Encryption only: the firmware's
// ciphers are CTR (channels, CryptoEngine.cpp encryptAESCtr) and CCM (PKI, aes-ccm.cpp), and both use
// the forward cipher for decryption as well.
//
// Portable-AssemblyScript subset (ARCHITECTURE.md "Portable subsets"): 32-bit integers with explicit
// masks, typed arrays plus offsets, no closures, objects, strings, optional parameters or exceptions.
// The same file is compiled by AssemblyScript into wasm/ (firmware/portable/types.ts explains the
// integer aliases and the `as u32` widening casts).

import type { i32, u32, u8 } from "../portable/types.js";

/** Round-key words needed by the largest key (AES-256: 4 * (14 + 1)). Size `roundKeys` with this. */
export const AES_ROUND_KEY_WORDS: i32 = 60;

/** Bytes in one AES block. */
export const AES_BLOCK_BYTES: i32 = 16;

// Lookup tables, filled once by the top-level code below. Memory: S-box 256 bytes plus four
// 256-entry Uint32Array T-tables (4 KiB); on Espruino about 360 variable blocks in all.
const SBOX = new Uint8Array(256);
const TE0 = new Uint32Array(256);
const TE1 = new Uint32Array(256);
const TE2 = new Uint32Array(256);
const TE3 = new Uint32Array(256);

/** Multiplication by x (0x02) in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
function xtime(b: i32): i32 {
  return ((b << 1) ^ ((b & 0x80) !== 0 ? 0x1b : 0)) & 0xff;
}

function rotl8(b: i32, n: i32): i32 {
  return ((b << n) | (b >>> (8 - n))) & 0xff;
}

/**
 * Builds the S-box from its definition (multiplicative inverse followed by the affine map) instead of
 * a 256-entry literal: p walks GF(2^8)* by multiplying with 3, q walks the same elements by dividing
 * by 3, so q is always the inverse of p.
 */
function fillSbox(): void {
  let p: i32 = 1;
  let q: i32 = 1;
  do {
    p = (p ^ xtime(p)) & 0xff;
    q = (q ^ (q << 1)) & 0xff;
    q = (q ^ (q << 2)) & 0xff;
    q = (q ^ (q << 4)) & 0xff;
    if ((q & 0x80) !== 0) q = (q ^ 0x09) & 0xff;
    const x: i32 = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4);
    SBOX[p] = ((x ^ 0x63) & 0xff) as u8;
  } while (p !== 1);
  SBOX[0] = 0x63; // 0 has no inverse; the affine map of 0 is 0x63
}

/** T-tables: TE0[x] = (2·S[x], S[x], S[x], 3·S[x]) as a big-endian word; TE1..TE3 are its byte rotations. */
function fillTables(): void {
  for (let i: i32 = 0; i < 256; i++) {
    const s: u32 = SBOX[i];
    const s2: u32 = xtime(s);
    const s3: u32 = (s2 ^ s) & 0xff;
    TE0[i] = ((s2 << 24) | (s << 16) | (s << 8) | s3) >>> 0;
    TE1[i] = ((s3 << 24) | (s2 << 16) | (s << 8) | s) >>> 0;
    TE2[i] = ((s << 24) | (s3 << 16) | (s2 << 8) | s) >>> 0;
    TE3[i] = ((s << 24) | (s << 16) | (s3 << 8) | s2) >>> 0;
  }
}

fillSbox();
fillTables();

/** SubWord: the S-box applied to each byte of a word. */
function subWord(w: u32): u32 {
  return (
    (((SBOX[(w >>> 24) & 0xff] as u32) << 24) |
      ((SBOX[(w >>> 16) & 0xff] as u32) << 16) |
      ((SBOX[(w >>> 8) & 0xff] as u32) << 8) |
      (SBOX[w & 0xff] as u32)) >>>
    0
  );
}

/**
 * Expands a 16-byte (AES-128) or 32-byte (AES-256) key at `key[keyOff..keyOff+keyLen)` into
 * `roundKeys` (at least 4 * (rounds + 1) words; AES_ROUND_KEY_WORDS always fits).
 * Returns the round count (10 or 14), or 0 when the key length is not 16 or 32, the key range is
 * outside `key`, or `roundKeys` is too short; nothing is written in that case.
 */
export function aesExpandKey(key: Uint8Array, keyOff: i32, keyLen: i32, roundKeys: Uint32Array): i32 {
  let rounds: i32 = 0;
  if (keyLen === 16) rounds = 10;
  else if (keyLen === 32) rounds = 14;
  else return 0;
  const words: i32 = 4 * (rounds + 1);
  if (keyOff < 0 || keyOff + keyLen > key.length || roundKeys.length < words) return 0;

  const nk: i32 = keyLen >>> 2;
  for (let i: i32 = 0; i < nk; i++) {
    const o: i32 = keyOff + 4 * i;
    roundKeys[i] =
      (((key[o] as u32) << 24) | ((key[o + 1] as u32) << 16) | ((key[o + 2] as u32) << 8) | (key[o + 3] as u32)) >>> 0;
  }
  let rcon: i32 = 1;
  for (let i: i32 = nk; i < words; i++) {
    let t: u32 = roundKeys[i - 1];
    const m: i32 = i % nk;
    if (m === 0) {
      t = (subWord(((t << 8) | (t >>> 24)) >>> 0) ^ ((rcon as u32) << 24)) >>> 0;
      rcon = xtime(rcon);
    } else if (nk === 8 && m === 4) {
      t = subWord(t);
    }
    roundKeys[i] = (roundKeys[i - nk] ^ t) >>> 0;
  }
  return rounds;
}

/**
 * Encrypts the block whose four big-endian words are w0..w3 and writes the four output words to
 * `out[outOff..outOff+4)`. This is the cipher itself; aesEncryptBlock (bytes) and aesCtrXor (which
 * keeps its counter as words and so skips a byte round trip per block) are built on it.
 * `roundKeys` and `rounds` come from aesExpandKey; the caller checks `out` and `outOff`.
 */
export function aesEncryptWords(
  roundKeys: Uint32Array,
  rounds: i32,
  w0: u32,
  w1: u32,
  w2: u32,
  w3: u32,
  out: Uint32Array,
  outOff: i32,
): void {
  let s0: u32 = w0 ^ roundKeys[0];
  let s1: u32 = w1 ^ roundKeys[1];
  let s2: u32 = w2 ^ roundKeys[2];
  let s3: u32 = w3 ^ roundKeys[3];

  // Rounds 1 .. rounds-1 (9 or 13): two per iteration, then the odd one. Unrolled because this is
  // the whole cost of the cipher: measured about 15% faster in the WASM build.
  let k: i32 = 4;
  for (let r: i32 = 2; r < rounds; r += 2) {
    const t0: u32 =
      TE0[(s0 >>> 24) & 0xff] ^ TE1[(s1 >>> 16) & 0xff] ^ TE2[(s2 >>> 8) & 0xff] ^ TE3[s3 & 0xff] ^ roundKeys[k];
    const t1: u32 =
      TE0[(s1 >>> 24) & 0xff] ^ TE1[(s2 >>> 16) & 0xff] ^ TE2[(s3 >>> 8) & 0xff] ^ TE3[s0 & 0xff] ^ roundKeys[k + 1];
    const t2: u32 =
      TE0[(s2 >>> 24) & 0xff] ^ TE1[(s3 >>> 16) & 0xff] ^ TE2[(s0 >>> 8) & 0xff] ^ TE3[s1 & 0xff] ^ roundKeys[k + 2];
    const t3: u32 =
      TE0[(s3 >>> 24) & 0xff] ^ TE1[(s0 >>> 16) & 0xff] ^ TE2[(s1 >>> 8) & 0xff] ^ TE3[s2 & 0xff] ^ roundKeys[k + 3];
    const u0: u32 =
      TE0[(t0 >>> 24) & 0xff] ^ TE1[(t1 >>> 16) & 0xff] ^ TE2[(t2 >>> 8) & 0xff] ^ TE3[t3 & 0xff] ^ roundKeys[k + 4];
    const u1: u32 =
      TE0[(t1 >>> 24) & 0xff] ^ TE1[(t2 >>> 16) & 0xff] ^ TE2[(t3 >>> 8) & 0xff] ^ TE3[t0 & 0xff] ^ roundKeys[k + 5];
    const u2: u32 =
      TE0[(t2 >>> 24) & 0xff] ^ TE1[(t3 >>> 16) & 0xff] ^ TE2[(t0 >>> 8) & 0xff] ^ TE3[t1 & 0xff] ^ roundKeys[k + 6];
    const u3: u32 =
      TE0[(t3 >>> 24) & 0xff] ^ TE1[(t0 >>> 16) & 0xff] ^ TE2[(t1 >>> 8) & 0xff] ^ TE3[t2 & 0xff] ^ roundKeys[k + 7];
    s0 = u0;
    s1 = u1;
    s2 = u2;
    s3 = u3;
    k += 8;
  }
  const v0: u32 =
    TE0[(s0 >>> 24) & 0xff] ^ TE1[(s1 >>> 16) & 0xff] ^ TE2[(s2 >>> 8) & 0xff] ^ TE3[s3 & 0xff] ^ roundKeys[k];
  const v1: u32 =
    TE0[(s1 >>> 24) & 0xff] ^ TE1[(s2 >>> 16) & 0xff] ^ TE2[(s3 >>> 8) & 0xff] ^ TE3[s0 & 0xff] ^ roundKeys[k + 1];
  const v2: u32 =
    TE0[(s2 >>> 24) & 0xff] ^ TE1[(s3 >>> 16) & 0xff] ^ TE2[(s0 >>> 8) & 0xff] ^ TE3[s1 & 0xff] ^ roundKeys[k + 2];
  const v3: u32 =
    TE0[(s3 >>> 24) & 0xff] ^ TE1[(s0 >>> 16) & 0xff] ^ TE2[(s1 >>> 8) & 0xff] ^ TE3[s2 & 0xff] ^ roundKeys[k + 3];
  k += 4;

  // Last round: SubBytes and ShiftRows without MixColumns.
  const o0: u32 =
    (((SBOX[(v0 >>> 24) & 0xff] as u32) << 24) |
      ((SBOX[(v1 >>> 16) & 0xff] as u32) << 16) |
      ((SBOX[(v2 >>> 8) & 0xff] as u32) << 8) |
      (SBOX[v3 & 0xff] as u32)) ^
    roundKeys[k];
  const o1: u32 =
    (((SBOX[(v1 >>> 24) & 0xff] as u32) << 24) |
      ((SBOX[(v2 >>> 16) & 0xff] as u32) << 16) |
      ((SBOX[(v3 >>> 8) & 0xff] as u32) << 8) |
      (SBOX[v0 & 0xff] as u32)) ^
    roundKeys[k + 1];
  const o2: u32 =
    (((SBOX[(v2 >>> 24) & 0xff] as u32) << 24) |
      ((SBOX[(v3 >>> 16) & 0xff] as u32) << 16) |
      ((SBOX[(v0 >>> 8) & 0xff] as u32) << 8) |
      (SBOX[v1 & 0xff] as u32)) ^
    roundKeys[k + 2];
  const o3: u32 =
    (((SBOX[(v3 >>> 24) & 0xff] as u32) << 24) |
      ((SBOX[(v0 >>> 16) & 0xff] as u32) << 16) |
      ((SBOX[(v1 >>> 8) & 0xff] as u32) << 8) |
      (SBOX[v2 & 0xff] as u32)) ^
    roundKeys[k + 3];

  out[outOff] = o0 >>> 0;
  out[outOff + 1] = o1 >>> 0;
  out[outOff + 2] = o2 >>> 0;
  out[outOff + 3] = o3 >>> 0;
}

// Output words of aesEncryptBlock: 16 bytes, reused (the core is single-threaded).
const BLOCK_WORDS = new Uint32Array(4);

/**
 * Encrypts one 16-byte block from `input[inOff..]` into `output[outOff..]` (they may be the same
 * bytes). `roundKeys` and `rounds` come from aesExpandKey; the caller checks the offsets.
 */
export function aesEncryptBlock(
  roundKeys: Uint32Array,
  rounds: i32,
  input: Uint8Array,
  inOff: i32,
  output: Uint8Array,
  outOff: i32,
): void {
  aesEncryptWords(
    roundKeys,
    rounds,
    (((input[inOff] as u32) << 24) |
      ((input[inOff + 1] as u32) << 16) |
      ((input[inOff + 2] as u32) << 8) |
      (input[inOff + 3] as u32)) >>>
      0,
    (((input[inOff + 4] as u32) << 24) |
      ((input[inOff + 5] as u32) << 16) |
      ((input[inOff + 6] as u32) << 8) |
      (input[inOff + 7] as u32)) >>>
      0,
    (((input[inOff + 8] as u32) << 24) |
      ((input[inOff + 9] as u32) << 16) |
      ((input[inOff + 10] as u32) << 8) |
      (input[inOff + 11] as u32)) >>>
      0,
    (((input[inOff + 12] as u32) << 24) |
      ((input[inOff + 13] as u32) << 16) |
      ((input[inOff + 14] as u32) << 8) |
      (input[inOff + 15] as u32)) >>>
      0,
    BLOCK_WORDS,
    0,
  );
  for (let i: i32 = 0; i < 4; i++) {
    const w: u32 = BLOCK_WORDS[i];
    const o: i32 = outOff + 4 * i;
    output[o] = ((w >>> 24) & 0xff) as u8;
    output[o + 1] = ((w >>> 16) & 0xff) as u8;
    output[o + 2] = ((w >>> 8) & 0xff) as u8;
    output[o + 3] = (w & 0xff) as u8;
  }
}
