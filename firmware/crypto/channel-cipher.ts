// The seam through which the core runs channel AES-CTR (spec meshtastic-wire.md 3.1), with the
// portable implementation on top of aes.ts / aes-ctr.ts. Other implementations: node:crypto
// (platform/node/node-channel-cipher.ts), WASM, and Espruino's native AES in ECB mode.

import { allocBytes } from "../bytes/byte-copy.js";
import { AES_ROUND_KEY_WORDS, aesExpandKey } from "./aes.js";
import { aesCtrXor } from "./aes-ctr.js";
import { PACKET_NONCE_BYTES, packetNonce } from "./nonce.js";
import { bytesEqual } from "../bytes/compare.js";

export interface ChannelCipher {
  /** Implementation name for logs and benchmarks ("portable", "node", ...). */
  readonly name: string;
  /**
   * Encrypts or decrypts (the same operation in CTR) a channel packet payload with a 16-byte
   * (AES-128) or 32-byte (AES-256) key and the counter block packetNonce(id, from). Returns a new
   * array of input.length bytes; `input` is not modified. Keys come from expandPsk, so any other
   * length is a programming error and throws.
   */
  ctr(key: Uint8Array, id: number, from: number, input: Uint8Array): Uint8Array;
}

/**
 * How many expanded keys PortableChannelCipher keeps: one per channel slot (MAX_NUM_CHANNELS = 8 in
 * the firmware). Memory per entry: 60-word Uint32Array (240 bytes) + 32-byte key copy, so about
 * 2.2 KiB for the whole cache.
 */
export const CHANNEL_CIPHER_KEY_CACHE_SIZE = 8;

/** Thrown for a key that is neither 16 nor 32 bytes (see ChannelCipher.ctr). */
export const BAD_KEY_LENGTH_MESSAGE = "channel key must be 16 or 32 bytes";


/**
 * ChannelCipher in portable TypeScript. Expanded round keys are cached for the most recently used
 * CHANNEL_CIPHER_KEY_CACHE_SIZE keys; entries are kept in most-recently-used order and a miss on a
 * full cache replaces the least recently used entry.
 */
export class PortableChannelCipher implements ChannelCipher {
  readonly name = "portable";
  // Parallel arrays in most-recently-used order (index 0 = newest).
  private readonly keys: Uint8Array[] = [];
  private readonly roundKeys: Uint32Array[] = [];
  private readonly rounds: number[] = [];
  private readonly counter = new Uint8Array(PACKET_NONCE_BYTES);

  /** Number of keys currently cached (for tests and metrics). */
  get cachedKeys(): number {
    return this.keys.length;
  }

  /** Moves entry i to the front so that the last entry is always the least recently used. */
  private promote(i: number): void {
    const k = this.keys[i];
    const rk = this.roundKeys[i];
    const r = this.rounds[i];
    for (let j = i; j > 0; j--) {
      this.keys[j] = this.keys[j - 1];
      this.roundKeys[j] = this.roundKeys[j - 1];
      this.rounds[j] = this.rounds[j - 1];
    }
    this.keys[0] = k;
    this.roundKeys[0] = rk;
    this.rounds[0] = r;
  }

  /** Finds or expands the key and leaves it at index 0; returns false for a bad key length. */
  private select(key: Uint8Array): boolean {
    for (let i = 0; i < this.keys.length; i++) {
      if (bytesEqual(this.keys[i], key)) {
        if (i > 0) this.promote(i);
        return true;
      }
    }
    const full = this.keys.length >= CHANNEL_CIPHER_KEY_CACHE_SIZE;
    // When full, the least recently used entry's round-key buffer is recycled. aesExpandKey writes
    // nothing when it fails, so the cache stays intact in that case.
    const rk = full ? this.roundKeys[this.roundKeys.length - 1] : new Uint32Array(AES_ROUND_KEY_WORDS);
    const rounds = aesExpandKey(key, 0, key.length, rk);
    if (rounds === 0) return false;
    if (full) {
      this.keys.pop();
      this.roundKeys.pop();
      this.rounds.pop();
    }
    const copy = new Uint8Array(key.length);
    copy.set(key, 0);
    this.keys.push(copy);
    this.roundKeys.push(rk);
    this.rounds.push(rounds);
    this.promote(this.keys.length - 1);
    return true;
  }

  ctr(key: Uint8Array, id: number, from: number, input: Uint8Array): Uint8Array {
    if (key.length !== 16 && key.length !== 32) throw new Error(BAD_KEY_LENGTH_MESSAGE);
    if (!this.select(key)) throw new Error(BAD_KEY_LENGTH_MESSAGE);
    packetNonce(id, from, this.counter, 0);
    // allocBytes: Node tools take it from their slab pool (firmware/bytes/byte-copy.ts).
    const out = allocBytes(input.length);
    aesCtrXor(this.roundKeys[0], this.rounds[0], this.counter, input, 0, input.length, out, 0);
    return out;
  }
}
