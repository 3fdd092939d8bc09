// AES-CTR as the firmware runs it: rweather Crypto CTR<AES> with CTR::setCounterSize(4)
// (src/mesh/CryptoEngine.cpp encryptAESCtr; spec meshtastic-wire.md 3.1). The 16-byte counter block
// is used as given, and only its last 4 bytes count, as a big-endian 32-bit number that wraps
// without carrying into byte 11. For Meshtastic packets (counter starts at 0, at most 256 bytes)
// this is identical to the 128-bit counter of node:crypto's aes-*-ctr.
//
// Portable-AssemblyScript subset, like aes.ts (compiled into wasm/ as well).

import type { i32, u32, u8 } from "../portable/types.js";
import { aesEncryptWords } from "./aes.js";

// Keystream words of the current block: 16 bytes, reused by every call (the core is
// single-threaded and this function does not re-enter).
const KEYSTREAM = new Uint32Array(4);

/**
 * XORs `len` bytes of `input[inOff..]` with the AES-CTR keystream for `counter` (16 bytes, read
 * but not modified) and writes them to `output[outOff..]`. Encryption and decryption are the same
 * operation. `output` may be `input` at the same offset (in place); other overlaps are not supported.
 * Returns `len`, or -1 (and writes nothing) when `rounds` is not 10 or 14, `roundKeys` is too short,
 * `counter` has fewer than 16 bytes, or a range falls outside its array.
 */
export function aesCtrXor(
  roundKeys: Uint32Array,
  rounds: i32,
  counter: Uint8Array,
  input: Uint8Array,
  inOff: i32,
  len: i32,
  output: Uint8Array,
  outOff: i32,
): i32 {
  if (rounds !== 10 && rounds !== 14) return -1;
  if (roundKeys.length < 4 * (rounds + 1) || counter.length < 16) return -1;
  if (len < 0 || inOff < 0 || outOff < 0 || inOff + len > input.length || outOff + len > output.length) return -1;

  // The counter block as four big-endian words; only the last one counts (CTR::setCounterSize(4)).
  const c0: u32 =
    (((counter[0] as u32) << 24) | ((counter[1] as u32) << 16) | ((counter[2] as u32) << 8) | (counter[3] as u32)) >>> 0;
  const c1: u32 =
    (((counter[4] as u32) << 24) | ((counter[5] as u32) << 16) | ((counter[6] as u32) << 8) | (counter[7] as u32)) >>> 0;
  const c2: u32 =
    (((counter[8] as u32) << 24) | ((counter[9] as u32) << 16) | ((counter[10] as u32) << 8) | (counter[11] as u32)) >>> 0;
  let c3: u32 =
    (((counter[12] as u32) << 24) | ((counter[13] as u32) << 16) | ((counter[14] as u32) << 8) | (counter[15] as u32)) >>>
    0;
  let done: i32 = 0;
  while (done < len) {
    aesEncryptWords(roundKeys, rounds, c0, c1, c2, c3, KEYSTREAM, 0);
    const src: i32 = inOff + done;
    const dst: i32 = outOff + done;
    if (len - done >= 16) {
      // Whole block: XOR word by word, most significant byte first (the keystream's byte order).
      for (let w: i32 = 0; w < 4; w++) {
        const k: u32 = KEYSTREAM[w];
        const o: i32 = 4 * w;
        output[dst + o] = ((input[src + o] ^ (k >>> 24)) & 0xff) as u8;
        output[dst + o + 1] = ((input[src + o + 1] ^ (k >>> 16)) & 0xff) as u8;
        output[dst + o + 2] = ((input[src + o + 2] ^ (k >>> 8)) & 0xff) as u8;
        output[dst + o + 3] = ((input[src + o + 3] ^ k) & 0xff) as u8;
      }
      done += 16;
    } else {
      const n: i32 = len - done;
      for (let j: i32 = 0; j < n; j++) {
        const k: u32 = KEYSTREAM[j >>> 2] >>> (24 - 8 * (j & 3));
        output[dst + j] = ((input[src + j] ^ k) & 0xff) as u8;
      }
      done = len;
    }
    // Big-endian increment of bytes 12..15 only, wrapping without carrying into byte 11.
    c3 = (c3 + 1) >>> 0;
  }
  return len;
}
