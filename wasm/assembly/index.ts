// The WASM entry: the only WASM-specific source (ARCHITECTURE.md "Portable subsets"). Everything it
// runs is the portable code shared with TypeScript: the AES block and CTR (firmware/crypto/aes.ts,
// aes-ctr.ts) and the envelope pipeline (firmware/gateway/envelope-scan.ts). This file only owns
// fixed buffers in linear memory and thin entry points that call the shared functions on them by
// slot, offset and length; wasm/loader.ts creates its views on the buffers once and copies with
// .set().
//
// How one source compiles twice: the shared files declare their integers with the aliases of
// firmware/portable/types.ts (`export type i32 = number`, `u32`, `u8`), imported with
// `import type`. tsc and esbuild see plain numbers. scripts/build-wasm.mjs compiles with asc's API
// and a readFile hook that (1) maps the NodeNext import specifiers "./x.js" to "./x.ts" and (2)
// blanks the `import type ... from ".../portable/types.js"` lines, which AssemblyScript cannot parse
// and which carry no code; the names i32, u32 and u8 then resolve to AssemblyScript's native
// integer types. Nothing else in the shared files is rewritten.
//
// Memory: the stub runtime (bump allocator, never frees) allocates the buffers below and the AES
// tables while the start function runs; afterwards no entry point allocates. asconfig.json fixes
// initial and maximum memory to the same number of pages, so memory.grow cannot succeed and the
// buffer views the loader creates stay valid (test/wasm/wasm-parity.test.ts checks byteLength).
//
// Every entry point validates slot, length and key length and returns -1 (or 0 for key
// expansion, like aesExpandKey) instead of trapping, so JavaScript never needs a try/catch.

import { AES_ROUND_KEY_WORDS, aesEncryptBlock, aesExpandKey } from "../../firmware/crypto/aes.js";
import { aesCtrXor } from "../../firmware/crypto/aes-ctr.js";
import {
  EnvelopeScanner,
  SCAN_MAX_ENCRYPTED_BYTES,
  SCAN_MAX_ENVELOPE_BYTES,
  SCAN_MAX_KEYS,
  SCAN_RESULT_WORDS,
  packetCounterBlock,
} from "../../firmware/gateway/envelope-scan.js";

/** Bumped when an export's meaning changes; the loader refuses a module with another version. */
const ABI_VERSION: i32 = 1;

/** Expanded-key slots of the cipher (the loader keeps them as an LRU cache of keys, like PortableChannelCipher). */
const CIPHER_SLOTS: i32 = 8;
/** Cipher in/out buffer: CTR runs in place here. Longer inputs are split by the loader at a block boundary. */
const IO_BYTES: i32 = 65536;

const IO = new Uint8Array(IO_BYTES);
const KEY = new Uint8Array(32);
const COUNTER = new Uint8Array(16);
const ENVELOPE = new Uint8Array(SCAN_MAX_ENVELOPE_BYTES);
const SCANNER = new EnvelopeScanner();
const CIPHER_ROUND_KEYS: Uint32Array[] = [];
const CIPHER_ROUNDS = new Int32Array(CIPHER_SLOTS);
for (let i: i32 = 0; i < CIPHER_SLOTS; i++) CIPHER_ROUND_KEYS.push(new Uint32Array(AES_ROUND_KEY_WORDS));

export function abiVersion(): i32 {
  return ABI_VERSION;
}

// Buffer addresses and sizes, read once by the loader.
export function ioPtr(): usize {
  return IO.dataStart;
}
export function ioBytes(): i32 {
  return IO_BYTES;
}
export function keyPtr(): usize {
  return KEY.dataStart;
}
export function counterPtr(): usize {
  return COUNTER.dataStart;
}
export function cipherSlots(): i32 {
  return CIPHER_SLOTS;
}
export function envelopePtr(): usize {
  return ENVELOPE.dataStart;
}
export function envelopeBytes(): i32 {
  return SCAN_MAX_ENVELOPE_BYTES;
}
export function scanResultPtr(): usize {
  return SCANNER.result.dataStart;
}
export function scanResultWords(): i32 {
  return SCAN_RESULT_WORDS;
}
export function scanPlainPtr(): usize {
  return SCANNER.plain.dataStart;
}
export function scanPlainBytes(): i32 {
  return SCAN_MAX_ENCRYPTED_BYTES;
}
export function scanKeySlots(): i32 {
  return SCAN_MAX_KEYS;
}

/** Expands KEY[0..keyLen) (16 or 32 bytes) into cipher slot `slot`; returns the round count, 0 on a bad slot or length. */
export function cipherSetKey(slot: i32, keyLen: i32): i32 {
  if (slot < 0 || slot >= CIPHER_SLOTS) return 0;
  const rounds: i32 = aesExpandKey(KEY, 0, keyLen, CIPHER_ROUND_KEYS[slot]);
  // aesExpandKey writes nothing on failure, so the slot keeps its old key; mark it unusable anyway.
  CIPHER_ROUNDS[slot] = rounds;
  return rounds;
}

/**
 * Channel AES-CTR in place over IO[0..len) with the counter block of packet (id, from) starting at
 * block index `block` (0 for a packet; the loader passes k * 4096 for the k-th 64 KiB piece of a
 * longer input). Returns len, or -1 for a bad slot, an unexpanded slot or a bad length.
 */
export function cipherCtr(slot: i32, id: i32, from: i32, len: i32, block: i32): i32 {
  if (slot < 0 || slot >= CIPHER_SLOTS || len < 0 || len > IO_BYTES) return -1;
  packetCounterBlock(id, from, block, COUNTER, 0);
  return aesCtrXor(CIPHER_ROUND_KEYS[slot], CIPHER_ROUNDS[slot], COUNTER, IO, 0, len, IO, 0);
}

/** AES-CTR in place over IO[0..len) with the 16-byte counter block the caller wrote to COUNTER. */
export function cipherCtrWithCounter(slot: i32, len: i32): i32 {
  if (slot < 0 || slot >= CIPHER_SLOTS || len < 0 || len > IO_BYTES) return -1;
  return aesCtrXor(CIPHER_ROUND_KEYS[slot], CIPHER_ROUNDS[slot], COUNTER, IO, 0, len, IO, 0);
}

/** Encrypts the block IO[0..16) in place (AES-ECB of one block, for the FIPS-197 vectors); -1 for a bad slot. */
export function cipherEncryptBlock(slot: i32): i32 {
  if (slot < 0 || slot >= CIPHER_SLOTS) return -1;
  const rounds: i32 = CIPHER_ROUNDS[slot];
  if (rounds !== 10 && rounds !== 14) return -1;
  aesEncryptBlock(CIPHER_ROUND_KEYS[slot], rounds, IO, 0, IO, 0);
  return 16;
}

/** Loads KEY[0..keyLen) (0, 16 or 32 bytes) with channel hash `hash` into pipeline slot `slot`; 1 or 0. */
export function scanSetKey(slot: i32, hash: i32, keyLen: i32): i32 {
  return SCANNER.setKey(slot, hash, KEY, 0, keyLen);
}

export function scanClearKeys(): void {
  SCANNER.clearKeys();
}

/** Runs the envelope pipeline over ENVELOPE[0..len); the status is also result[SR_STATUS]. */
export function scan(len: i32): i32 {
  return SCANNER.scan(ENVELOPE, len);
}
