// AES-128 / AES-256 block encryption (FIPS-197) with 32-bit T-tables. Encryption only: the firmware's
// ciphers are CTR (channels, CryptoEngine.cpp encryptAESCtr) and CCM (PKI, aes-ccm.cpp), and both use
// the forward cipher for decryption as well.
//
// Portable-AssemblyScript subset (ARCHITECTURE.md "Portable subsets"): 32-bit integers with explicit
// masks, typed arrays plus offsets, no closures, objects, strings, optional parameters or exceptions.

/** Round-key words needed by the largest key (AES-256: 4 * (14 + 1)). Size `roundKeys` with this. */
export const AES_ROUND_KEY_WORDS: number = 60;

/** Bytes in one AES block. */
export const AES_BLOCK_BYTES: number = 16;

// Lookup tables, filled once by the top-level code below. Memory: S-box 256 bytes plus four
// 256-entry Uint32Array T-tables (4 KiB); on Espruino about 360 variable blocks in all.
const SBOX = new Uint8Array(256);
const TE0 = new Uint32Array(256);
const TE1 = new Uint32Array(256);
const TE2 = new Uint32Array(256);
const TE3 = new Uint32Array(256);

/** Multiplication by x (0x02) in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
function xtime(b: number): number {
  return ((b << 1) ^ ((b & 0x80) !== 0 ? 0x1b : 0)) & 0xff;
}

function rotl8(b: number, n: number): number {
  return ((b << n) | (b >>> (8 - n))) & 0xff;
}

/**
 * Builds the S-box from its definition (multiplicative inverse followed by the affine map) instead of
 * a 256-entry literal: p walks GF(2^8)* by multiplying with 3, q walks the same elements by dividing
 * by 3, so q is always the inverse of p.
 */
function fillSbox(): void {
  let p: number = 1;
  let q: number = 1;
  do {
    p = (p ^ xtime(p)) & 0xff;
    q = (q ^ (q << 1)) & 0xff;
    q = (q ^ (q << 2)) & 0xff;
    q = (q ^ (q << 4)) & 0xff;
    if ((q & 0x80) !== 0) q = (q ^ 0x09) & 0xff;
    const x: number = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4);
    SBOX[p] = (x ^ 0x63) & 0xff;
  } while (p !== 1);
  SBOX[0] = 0x63; // 0 has no inverse; the affine map of 0 is 0x63
}

/** T-tables: TE0[x] = (2·S[x], S[x], S[x], 3·S[x]) as a big-endian word; TE1..TE3 are its byte rotations. */
function fillTables(): void {
  for (let i: number = 0; i < 256; i++) {
    const s: number = SBOX[i];
    const s2: number = xtime(s);
    const s3: number = (s2 ^ s) & 0xff;
    TE0[i] = ((s2 << 24) | (s << 16) | (s << 8) | s3) >>> 0;
    TE1[i] = ((s3 << 24) | (s2 << 16) | (s << 8) | s) >>> 0;
    TE2[i] = ((s << 24) | (s3 << 16) | (s2 << 8) | s) >>> 0;
    TE3[i] = ((s << 24) | (s << 16) | (s3 << 8) | s2) >>> 0;
  }
}

fillSbox();
fillTables();

/** SubWord: the S-box applied to each byte of a word. */
function subWord(w: number): number {
  return (
    ((SBOX[(w >>> 24) & 0xff] << 24) |
      (SBOX[(w >>> 16) & 0xff] << 16) |
      (SBOX[(w >>> 8) & 0xff] << 8) |
      SBOX[w & 0xff]) >>>
    0
  );
}

/**
 * Expands a 16-byte (AES-128) or 32-byte (AES-256) key at `key[keyOff..keyOff+keyLen)` into
 * `roundKeys` (at least 4 * (rounds + 1) words; AES_ROUND_KEY_WORDS always fits).
 * Returns the round count (10 or 14), or 0 when the key length is not 16 or 32, the key range is
 * outside `key`, or `roundKeys` is too short; nothing is written in that case.
 */
export function aesExpandKey(key: Uint8Array, keyOff: number, keyLen: number, roundKeys: Uint32Array): number {
  let rounds: number = 0;
  if (keyLen === 16) rounds = 10;
  else if (keyLen === 32) rounds = 14;
  else return 0;
  const words: number = 4 * (rounds + 1);
  if (keyOff < 0 || keyOff + keyLen > key.length || roundKeys.length < words) return 0;

  const nk: number = keyLen >>> 2;
  for (let i: number = 0; i < nk; i++) {
    const o: number = keyOff + 4 * i;
    roundKeys[i] = ((key[o] << 24) | (key[o + 1] << 16) | (key[o + 2] << 8) | key[o + 3]) >>> 0;
  }
  let rcon: number = 1;
  for (let i: number = nk; i < words; i++) {
    let t: number = roundKeys[i - 1];
    const m: number = i % nk;
    if (m === 0) {
      t = (subWord(((t << 8) | (t >>> 24)) >>> 0) ^ (rcon << 24)) >>> 0;
      rcon = xtime(rcon);
    } else if (nk === 8 && m === 4) {
      t = subWord(t);
    }
    roundKeys[i] = (roundKeys[i - nk] ^ t) >>> 0;
  }
  return rounds;
}

/**
 * Encrypts one 16-byte block from `input[inOff..]` into `output[outOff..]` (they may be the same
 * bytes). `roundKeys` and `rounds` come from aesExpandKey; the caller checks the offsets (aesCtrXor
 * does), because this is the inner loop of every cipher built on it.
 */
export function aesEncryptBlock(
  roundKeys: Uint32Array,
  rounds: number,
  input: Uint8Array,
  inOff: number,
  output: Uint8Array,
  outOff: number,
): void {
  let s0: number =
    ((input[inOff] << 24) | (input[inOff + 1] << 16) | (input[inOff + 2] << 8) | input[inOff + 3]) ^ roundKeys[0];
  let s1: number =
    ((input[inOff + 4] << 24) | (input[inOff + 5] << 16) | (input[inOff + 6] << 8) | input[inOff + 7]) ^ roundKeys[1];
  let s2: number =
    ((input[inOff + 8] << 24) | (input[inOff + 9] << 16) | (input[inOff + 10] << 8) | input[inOff + 11]) ^ roundKeys[2];
  let s3: number =
    ((input[inOff + 12] << 24) | (input[inOff + 13] << 16) | (input[inOff + 14] << 8) | input[inOff + 15]) ^
    roundKeys[3];

  let k: number = 4;
  for (let r: number = 1; r < rounds; r++) {
    const t0: number =
      TE0[(s0 >>> 24) & 0xff] ^ TE1[(s1 >>> 16) & 0xff] ^ TE2[(s2 >>> 8) & 0xff] ^ TE3[s3 & 0xff] ^ roundKeys[k];
    const t1: number =
      TE0[(s1 >>> 24) & 0xff] ^ TE1[(s2 >>> 16) & 0xff] ^ TE2[(s3 >>> 8) & 0xff] ^ TE3[s0 & 0xff] ^ roundKeys[k + 1];
    const t2: number =
      TE0[(s2 >>> 24) & 0xff] ^ TE1[(s3 >>> 16) & 0xff] ^ TE2[(s0 >>> 8) & 0xff] ^ TE3[s1 & 0xff] ^ roundKeys[k + 2];
    const t3: number =
      TE0[(s3 >>> 24) & 0xff] ^ TE1[(s0 >>> 16) & 0xff] ^ TE2[(s1 >>> 8) & 0xff] ^ TE3[s2 & 0xff] ^ roundKeys[k + 3];
    s0 = t0;
    s1 = t1;
    s2 = t2;
    s3 = t3;
    k += 4;
  }

  // Last round: SubBytes and ShiftRows without MixColumns.
  const o0: number =
    ((SBOX[(s0 >>> 24) & 0xff] << 24) |
      (SBOX[(s1 >>> 16) & 0xff] << 16) |
      (SBOX[(s2 >>> 8) & 0xff] << 8) |
      SBOX[s3 & 0xff]) ^
    roundKeys[k];
  const o1: number =
    ((SBOX[(s1 >>> 24) & 0xff] << 24) |
      (SBOX[(s2 >>> 16) & 0xff] << 16) |
      (SBOX[(s3 >>> 8) & 0xff] << 8) |
      SBOX[s0 & 0xff]) ^
    roundKeys[k + 1];
  const o2: number =
    ((SBOX[(s2 >>> 24) & 0xff] << 24) |
      (SBOX[(s3 >>> 16) & 0xff] << 16) |
      (SBOX[(s0 >>> 8) & 0xff] << 8) |
      SBOX[s1 & 0xff]) ^
    roundKeys[k + 2];
  const o3: number =
    ((SBOX[(s3 >>> 24) & 0xff] << 24) |
      (SBOX[(s0 >>> 16) & 0xff] << 16) |
      (SBOX[(s1 >>> 8) & 0xff] << 8) |
      SBOX[s2 & 0xff]) ^
    roundKeys[k + 3];

  output[outOff] = (o0 >>> 24) & 0xff;
  output[outOff + 1] = (o0 >>> 16) & 0xff;
  output[outOff + 2] = (o0 >>> 8) & 0xff;
  output[outOff + 3] = o0 & 0xff;
  output[outOff + 4] = (o1 >>> 24) & 0xff;
  output[outOff + 5] = (o1 >>> 16) & 0xff;
  output[outOff + 6] = (o1 >>> 8) & 0xff;
  output[outOff + 7] = o1 & 0xff;
  output[outOff + 8] = (o2 >>> 24) & 0xff;
  output[outOff + 9] = (o2 >>> 16) & 0xff;
  output[outOff + 10] = (o2 >>> 8) & 0xff;
  output[outOff + 11] = o2 & 0xff;
  output[outOff + 12] = (o3 >>> 24) & 0xff;
  output[outOff + 13] = (o3 >>> 16) & 0xff;
  output[outOff + 14] = (o3 >>> 8) & 0xff;
  output[outOff + 15] = o3 & 0xff;
}
