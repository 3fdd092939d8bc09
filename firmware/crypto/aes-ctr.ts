// AES-CTR as the firmware runs it: rweather Crypto CTR<AES> with CTR::setCounterSize(4)
// (src/mesh/CryptoEngine.cpp encryptAESCtr; spec meshtastic-wire.md 3.1). The 16-byte counter block
// is used as given, and only its last 4 bytes count, as a big-endian 32-bit number that wraps
// without carrying into byte 11. For Meshtastic packets (counter starts at 0, at most 256 bytes)
// this is identical to the 128-bit counter of node:crypto's aes-*-ctr.
//
// Portable-AssemblyScript subset, like aes.ts.

import { aesEncryptBlock } from "./aes.js";

// Scratch blocks for the running counter and its keystream: 32 bytes, reused by every call (the
// core is single-threaded and this function does not re-enter).
const CTR_BLOCK = new Uint8Array(16);
const KEYSTREAM = new Uint8Array(16);

/**
 * XORs `len` bytes of `input[inOff..]` with the AES-CTR keystream for `counter` (16 bytes, read
 * but not modified) and writes them to `output[outOff..]`. Encryption and decryption are the same
 * operation. `output` may be `input` at the same offset (in place); other overlaps are not supported.
 * Returns `len`, or -1 (and writes nothing) when `rounds` is not 10 or 14, `roundKeys` is too short,
 * `counter` has fewer than 16 bytes, or a range falls outside its array.
 */
export function aesCtrXor(
  roundKeys: Uint32Array,
  rounds: number,
  counter: Uint8Array,
  input: Uint8Array,
  inOff: number,
  len: number,
  output: Uint8Array,
  outOff: number,
): number {
  if (rounds !== 10 && rounds !== 14) return -1;
  if (roundKeys.length < 4 * (rounds + 1) || counter.length < 16) return -1;
  if (len < 0 || inOff < 0 || outOff < 0 || inOff + len > input.length || outOff + len > output.length) return -1;

  for (let i: number = 0; i < 16; i++) CTR_BLOCK[i] = counter[i];
  let done: number = 0;
  while (done < len) {
    aesEncryptBlock(roundKeys, rounds, CTR_BLOCK, 0, KEYSTREAM, 0);
    let n: number = len - done;
    if (n > 16) n = 16;
    const src: number = inOff + done;
    const dst: number = outOff + done;
    for (let j: number = 0; j < n; j++) output[dst + j] = (input[src + j] ^ KEYSTREAM[j]) & 0xff;
    done += n;
    // Big-endian increment of bytes 12..15 only (CTR::setCounterSize(4)).
    for (let k: number = 15; k >= 12; k--) {
      const v: number = (CTR_BLOCK[k] + 1) & 0xff;
      CTR_BLOCK[k] = v;
      if (v !== 0) break;
    }
  }
  return len;
}
