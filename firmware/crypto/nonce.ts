// Nonces for channel AES-CTR and PKI AES-CCM. Node numbers and packet ids are uint32; every integer
// is little-endian because the firmware memcpy's the C values on little-endian MCUs
// (spec meshtastic-wire.md section 0, conventions).
//
// Portable-AssemblyScript subset, like aes.ts.

import { writeU32le } from "../bytes/le32.js";

/** Length of the AES-CCM nonce used for PKI direct messages (L = 2, so 15 − 2 bytes). */
export const PKI_NONCE_BYTES: number = 13;

/** Length of the AES-CTR counter block used for channel packets. */
export const PACKET_NONCE_BYTES: number = 16;

/**
 * Writes the 16-byte AES-CTR counter block of a channel packet into `out16[outOff..outOff+16)`:
 * u64le(id) ‖ u32le(from) ‖ u32 block counter 0 (CryptoEngine.cpp initNonce; spec 3.1). Ids are 32-bit,
 * so bytes 4..7 are zero. The block is the same for every relay of the packet.
 */
export function packetNonce(id: number, from: number, out16: Uint8Array, outOff: number): void {
  writeU32le(out16, outOff, id);
  writeU32le(out16, outOff + 4, 0);
  writeU32le(out16, outOff + 8, from);
  writeU32le(out16, outOff + 12, 0);
}

/**
 * The 13-byte AES-CCM nonce of a PKI packet: u32le(id) ‖ u32le(extraNonce) ‖ u32le(from) ‖ 0x00.
 * It is initNonce's 16-byte block with extraNonce written over the (always zero) bytes 4..7 and cut to
 * 13 bytes (CryptoEngine.cpp encryptCurve25519 / decryptCurve25519; spec 3.4).
 */
export function pkiNonce(id: number, extraNonce: number, from: number): Uint8Array {
  const out = new Uint8Array(PKI_NONCE_BYTES);
  writeU32le(out, 0, id);
  writeU32le(out, 4, extraNonce);
  writeU32le(out, 8, from);
  out[12] = 0;
  return out;
}
