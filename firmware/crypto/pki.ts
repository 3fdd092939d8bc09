// PKI (direct message) encryption: X25519 → SHA-256 → AES-256-CCM with an 8-byte tag and a 13-byte
// nonce, no associated data (src/mesh/CryptoEngine.cpp encryptCurve25519 / decryptCurve25519,
// src/mesh/aes-ccm.cpp; spec meshtastic-wire.md 3.4). The primitives come in through PkiPrimitives
// (node:crypto on Node, a native or portable build elsewhere); the framing here is portable.

import { readU32le, writeU32le } from "../bytes/le32.js";
import { pkiNonce } from "./nonce.js";

/** Bytes PKI adds to the encoded Data: 8-byte CCM tag + 4-byte extraNonce (MESHTASTIC_PKC_OVERHEAD). */
export const PKI_OVERHEAD = 12;

/** Length of the AES-CCM authentication tag (M = 8). */
export const PKI_TAG_BYTES = 8;

/** Length of X25519 private and public keys, of the shared secret and of the AES-256 key. */
export const PKI_KEY_BYTES = 32;

export interface PkiPrimitives {
  /**
   * X25519(privateKey, publicKey). Null when either key is not 32 bytes or the result is all zero
   * (a low-order public key; the firmware's Curve25519::dh2 refuses it).
   */
  x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array | null;
  /** The X25519 public key of a 32-byte private key. */
  publicKeyFor(privateKey: Uint8Array): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
  /** AES-256-CCM, tag 8 bytes, 13-byte nonce, no AAD. Returns ciphertext ‖ tag. */
  aesCcmEncrypt(key32: Uint8Array, nonce13: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Inverse of aesCcmEncrypt; null when the tag does not verify or the input is shorter than a tag. */
  aesCcmDecrypt(key32: Uint8Array, nonce13: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null;
}

/**
 * Whether a public key's u-coordinate (bit 255 masked) is below p = 2^255 − 19. The firmware's
 * Curve25519::dh2 (rweather Crypto, called at CryptoEngine.cpp 202) fails for one that is not, where
 * X25519 implementations that follow RFC 7748 reduce it and go on.
 */
export function isCanonicalX25519(pub: Uint8Array): boolean {
  if (pub.length !== PKI_KEY_BYTES) return false;
  if ((pub[31] & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (pub[i] !== 0xff) return true;
  return pub[0] < 0xed;
}

/**
 * The AES-256 key shared with a peer: SHA-256(X25519(ourPrivate, theirPublic)), or null for a weak
 * or non-canonical public key.
 */
export function pkiSharedKey(prims: PkiPrimitives, ourPrivate: Uint8Array, theirPublic: Uint8Array): Uint8Array | null {
  if (!isCanonicalX25519(theirPublic)) return null;
  const shared = prims.x25519(ourPrivate, theirPublic);
  return shared === null ? null : prims.sha256(shared);
}

/**
 * Encrypts an encoded Data with an already derived shared key (pkiSharedKey), for callers that
 * cache it per peer. Returns the on-air payload ciphertext ‖ tag(8) ‖ u32le(extraNonce).
 */
export function encryptPkiWithKey(
  prims: PkiPrimitives,
  sharedKey: Uint8Array,
  id: number,
  from: number,
  extraNonce: number,
  plaintext: Uint8Array,
): Uint8Array {
  const sealed = prims.aesCcmEncrypt(sharedKey, pkiNonce(id, extraNonce, from), plaintext);
  const out = new Uint8Array(sealed.length + 4);
  out.set(sealed, 0);
  writeU32le(out, sealed.length, extraNonce);
  return out;
}

/**
 * Decrypts an on-air PKI payload with an already derived shared key. Null when the payload is not
 * longer than PKI_OVERHEAD (the firmware does not even try: Router.cpp perhapsDecode) or the tag
 * does not verify.
 */
export function decryptPkiWithKey(
  prims: PkiPrimitives,
  sharedKey: Uint8Array,
  id: number,
  from: number,
  payload: Uint8Array,
): Uint8Array | null {
  const n = payload.length;
  if (n <= PKI_OVERHEAD) return null;
  const extraNonce = readU32le(payload, n - 4);
  return prims.aesCcmDecrypt(sharedKey, pkiNonce(id, extraNonce, from), payload.subarray(0, n - 4));
}

/**
 * Encrypts an encoded Data for the node whose public key is `theirPublic`. `extraNonce` is a fresh
 * 32-bit random number per packet (from the injected Rng). Returns ciphertext ‖ tag(8) ‖
 * u32le(extraNonce), or null when the shared secret is weak.
 */
export function encryptPki(
  prims: PkiPrimitives,
  ourPrivate: Uint8Array,
  theirPublic: Uint8Array,
  id: number,
  from: number,
  extraNonce: number,
  plaintext: Uint8Array,
): Uint8Array | null {
  const key = pkiSharedKey(prims, ourPrivate, theirPublic);
  return key === null ? null : encryptPkiWithKey(prims, key, id, from, extraNonce, plaintext);
}

/**
 * Decrypts an on-air PKI payload sent by the node whose public key is `theirPublic`. Null when the
 * payload is ≤ 12 bytes, the shared secret is weak, or authentication fails.
 */
export function decryptPki(
  prims: PkiPrimitives,
  ourPrivate: Uint8Array,
  theirPublic: Uint8Array,
  id: number,
  from: number,
  payload: Uint8Array,
): Uint8Array | null {
  if (payload.length <= PKI_OVERHEAD) return null;
  const key = pkiSharedKey(prims, ourPrivate, theirPublic);
  return key === null ? null : decryptPkiWithKey(prims, key, id, from, payload);
}
