// AES-CCM (RFC 3610; NIST SP 800-38C) as the firmware's PKI uses it: tag M = 8 bytes, length field
// L = 2 bytes, 13-byte nonce, no associated data (src/mesh/aes-ccm.cpp; meshtastic-wire.md 3.4).
//
// CCM needs the forward cipher only, in two shapes: a CBC-MAC over B0 ‖ plaintext (zero-padded to
// whole blocks) and a CTR keystream from the counter blocks A0, A1, ... Both come in through
// AesBlockOps, so a board can hand them to its native AES (Espruino: one CBC call and one ECB
// call, boards/runtime/espruino-pki.ts) while portableAesBlockOps runs them on aes.ts.

import { AES_ROUND_KEY_WORDS, aesEncryptBlock, aesExpandKey } from "./aes.js";
import { bytesEqual } from "../bytes/compare.js";

/** Tag length M (firmware aes_ccm_ae / aes_ccm_ad with M = 8). */
export const CCM_TAG_BYTES = 8;
/** Nonce length 15 - L with L = 2. */
export const CCM_NONCE_BYTES = 13;
/** Largest message the 2-byte length field can state. */
export const CCM_MAX_BYTES = 0xffff;

/** The forward AES in the two shapes CCM needs. Keys are 16 or 32 bytes; inputs whole blocks. */
export interface AesBlockOps {
  /** AES-ECB encryption of `blocks` (a multiple of 16 bytes); a new array of the same length. */
  ecb(key: Uint8Array, blocks: Uint8Array): Uint8Array;
  /** The last 16 bytes of AES-CBC encryption of `blocks` with a zero IV: the CBC-MAC. */
  cbcMac(key: Uint8Array, blocks: Uint8Array): Uint8Array;
}

// The last key expanded by portableAesBlockOps: CCM asks for the MAC and the keystream under the
// same key, and a peer's key stays the same across its packets.
const lastKey = new Uint8Array(32);
let lastKeyLength = 0;
const roundKeys = new Uint32Array(AES_ROUND_KEY_WORDS);
let rounds = 0;

function expandFor(key: Uint8Array): void {
  if (lastKeyLength === key.length && bytesEqual(lastKey.subarray(0, lastKeyLength), key)) return;
  rounds = aesExpandKey(key, 0, key.length, roundKeys);
  if (rounds === 0) {
    lastKeyLength = 0;
    throw new Error("AES key must be 16 or 32 bytes");
  }
  lastKey.set(key, 0);
  lastKeyLength = key.length;
}

/** AesBlockOps on the portable AES block cipher (aes.ts). */
export const portableAesBlockOps: AesBlockOps = {
  ecb(key: Uint8Array, blocks: Uint8Array): Uint8Array {
    expandFor(key);
    const out = new Uint8Array(blocks.length);
    for (let off = 0; off + 16 <= blocks.length; off += 16) aesEncryptBlock(roundKeys, rounds, blocks, off, out, off);
    return out;
  },
  cbcMac(key: Uint8Array, blocks: Uint8Array): Uint8Array {
    expandFor(key);
    const x = new Uint8Array(16);
    for (let off = 0; off + 16 <= blocks.length; off += 16) {
      for (let i = 0; i < 16; i++) x[i] ^= blocks[off + i];
      aesEncryptBlock(roundKeys, rounds, x, 0, x, 0);
    }
    return x;
  },
};

/**
 * B0 ‖ message zero-padded to whole blocks: the CBC-MAC input without associated data. B0's flags
 * byte is Adata = 0, (M - 2) / 2 in bits 3..5, L - 1 in bits 0..2 (RFC 3610 2.2), then the nonce
 * and the message length as a 2-byte big-endian number.
 */
function macInput(nonce: Uint8Array, message: Uint8Array): Uint8Array {
  const n = message.length;
  const b = new Uint8Array(16 + (((n + 15) >> 4) << 4));
  b[0] = (((CCM_TAG_BYTES - 2) >> 1) << 3) | 1;
  b.set(nonce, 1);
  b[14] = (n >>> 8) & 0xff;
  b[15] = n & 0xff;
  b.set(message, 16);
  return b;
}

/** Counter blocks A0 .. A(blocks-1): flags L - 1, the nonce, the counter big-endian (RFC 3610 2.3). */
function counterBlocks(nonce: Uint8Array, blocks: number): Uint8Array {
  const a = new Uint8Array(blocks * 16);
  for (let i = 0; i < blocks; i++) {
    const off = i * 16;
    a[off] = 1;
    a.set(nonce, off + 1);
    a[off + 14] = (i >>> 8) & 0xff;
    a[off + 15] = i & 0xff;
  }
  return a;
}

function checkArgs(key: Uint8Array, nonce: Uint8Array, length: number): void {
  if (key.length !== 16 && key.length !== 32) throw new Error("AES-CCM key must be 16 or 32 bytes");
  if (nonce.length !== CCM_NONCE_BYTES) throw new Error("AES-CCM nonce must be " + CCM_NONCE_BYTES + " bytes");
  if (length > CCM_MAX_BYTES) throw new Error("AES-CCM message of " + length + " bytes exceeds " + CCM_MAX_BYTES);
}

/**
 * Keystream S0 ‖ S1 ‖ ... for `length` message bytes: S0 (the first 16 bytes) masks the tag, the
 * rest encrypts the message.
 */
function keystream(ops: AesBlockOps, key: Uint8Array, nonce: Uint8Array, length: number): Uint8Array {
  return ops.ecb(key, counterBlocks(nonce, 1 + ((length + 15) >> 4)));
}

/** AES-CCM encryption: ciphertext ‖ tag (8 bytes). Throws for a bad key, nonce or length. */
export function aesCcmSeal(ops: AesBlockOps, key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const n = plaintext.length;
  checkArgs(key, nonce, n);
  const mac = ops.cbcMac(key, macInput(nonce, plaintext));
  const s = keystream(ops, key, nonce, n);
  const out = new Uint8Array(n + CCM_TAG_BYTES);
  for (let i = 0; i < n; i++) out[i] = plaintext[i] ^ s[16 + i];
  for (let i = 0; i < CCM_TAG_BYTES; i++) out[n + i] = mac[i] ^ s[i];
  return out;
}

/**
 * AES-CCM decryption of ciphertext ‖ tag. Null when the input is shorter than a tag or the tag
 * does not verify (every tag byte is compared, whatever the first mismatch). Throws for a bad key
 * or nonce.
 */
export function aesCcmOpen(ops: AesBlockOps, key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length < CCM_TAG_BYTES) return null;
  const n = sealed.length - CCM_TAG_BYTES;
  checkArgs(key, nonce, n);
  const s = keystream(ops, key, nonce, n);
  const plain = new Uint8Array(n);
  for (let i = 0; i < n; i++) plain[i] = sealed[i] ^ s[16 + i];
  const mac = ops.cbcMac(key, macInput(nonce, plain));
  let diff = 0;
  for (let i = 0; i < CCM_TAG_BYTES; i++) diff |= (mac[i] ^ s[i]) ^ sealed[n + i];
  return diff === 0 ? plain : null;
}
