// The WASM build of aes.ts / aes-ctr.ts against the same code run as TypeScript: every crypto
// vector, random keys, ids and lengths, the caller-memory variant, the shared key cache, and the
// fixed memory of the module.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AES_ROUND_KEY_WORDS,
  PortableChannelCipher,
  aesCtrXor,
  aesEncryptBlock,
  aesExpandKey,
  packetNonce,
} from "../../firmware/crypto/index.js";
import { fromBase64 } from "../../firmware/bytes/base64.js";
import { packetCounterBlock } from "../../firmware/gateway/envelope-scan.js";
import { MESHPORT_WASM_BASE64 } from "../../wasm/gen/meshport-wasm.js";
import { WasmChannelCipher, wasmMemoryBytes, wasmSupported } from "../../wasm/loader.js";
import { cryptoVectors, envelopeVectors, hex, toHex } from "../crypto/vectors.js";

interface GrowableMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

const u32 = fc.nat({ max: 0xffffffff });
const aesKey = fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 }));

describe("WasmChannelCipher", () => {
  it("is available in Node", () => {
    expect(wasmSupported()).toBe(true);
  });

  const wasm = new WasmChannelCipher();
  const portable = new PortableChannelCipher();

  it("is named wasm", () => {
    expect(wasm.name).toBe("wasm");
  });

  describe("crypto.json vectors", () => {
    it.each(cryptoVectors.aes_ecb.map((v, i) => [i, v] as const))("aes_ecb block %d", (_i, v) => {
      const key = hex(v.key_hex);
      expect(toHex(wasm.encryptBlock(key, hex(v.plaintext_hex)))).toBe(v.ciphertext_hex);
      const rk = new Uint32Array(AES_ROUND_KEY_WORDS);
      const rounds = aesExpandKey(key, 0, key.length, rk);
      const out = new Uint8Array(16);
      aesEncryptBlock(rk, rounds, hex(v.plaintext_hex), 0, out, 0);
      expect(toHex(out)).toBe(v.ciphertext_hex);
    });

    it.each(cryptoVectors.aes_ctr.map((v) => [v.key_bits, v] as const))("aes_ctr AES-%d (RFC 3686 counter block)", (_bits, v) => {
      const key = hex(v.key_hex);
      const counter = hex(v.counter_block_hex);
      const pt = hex(v.plaintext_hex);
      expect(toHex(wasm.ctrWithCounter(key, counter, pt))).toBe(v.ciphertext_hex);
      const rk = new Uint32Array(AES_ROUND_KEY_WORDS);
      const rounds = aesExpandKey(key, 0, key.length, rk);
      const out = new Uint8Array(pt.length);
      aesCtrXor(rk, rounds, counter, pt, 0, pt.length, out, 0);
      expect(toHex(out)).toBe(v.ciphertext_hex);
      expect(toHex(counter)).toBe(v.counter_block_hex);
    });
  });

  describe("envelopes.json vectors", () => {
    const p = envelopeVectors.synthetic_packet;
    it.each([wasm, portable].map((c) => [c.name, c] as const))("synthetic packet through %s", (_n, c) => {
      const key = hex(p.inputs.expanded_key_hex);
      const ct = c.ctr(key, p.inputs.id, p.inputs.from, hex(p.expected.data_plaintext_hex));
      expect(toHex(ct)).toBe(p.expected.ciphertext_hex);
      expect(toHex(c.ctr(key, p.inputs.id, p.inputs.from, ct))).toBe(p.expected.data_plaintext_hex);
    });

    it.each([wasm, portable].map((c) => [c.name, c] as const))("AES-256 variant through %s", (_n, c) => {
      const v = envelopeVectors.aes256_variant;
      expect(toHex(c.ctr(hex(v.key_hex), p.inputs.id, p.inputs.from, hex(v.plaintext_hex)))).toBe(v.ciphertext_hex);
    });

    it("packetCounterBlock(id, from, 0) is packetNonce and the vector's IV", () => {
      const a = new Uint8Array(16);
      const b = new Uint8Array(18);
      packetNonce(p.inputs.id, p.inputs.from, a, 0);
      packetCounterBlock(p.inputs.id, p.inputs.from, 0, b, 2);
      expect(toHex(b.subarray(2))).toBe(toHex(a));
      expect(toHex(a)).toBe(p.expected.iv_hex);
    });
  });

  it("equals the portable cipher for random keys, ids, senders and lengths 0..256", () => {
    fc.assert(
      fc.property(aesKey, u32, u32, fc.uint8Array({ minLength: 0, maxLength: 256 }), (key, id, from, data) => {
        const copy = data.slice();
        const a = wasm.ctr(key, id, from, data);
        expect(a).toEqual(portable.ctr(key, id, from, data));
        expect(data).toEqual(copy);
        expect(wasm.ctr(key, id, from, a)).toEqual(data);
      }),
      { numRuns: 1000 },
    );
  });

  it("equals the portable cipher on 64 KiB, and past the module's 64 KiB buffer", () => {
    fc.assert(
      fc.property(aesKey, u32, u32, fc.constantFrom(65536, 65536 + 1, 65536 + 100, 3 * 65536 + 17), (key, id, from, len) => {
        const data = new Uint8Array(len);
        for (let i = 0; i < len; i++) data[i] = (i * 31 + id) & 0xff;
        expect(toHex(wasm.ctr(key, id, from, data))).toBe(toHex(portable.ctr(key, id, from, data)));
      }),
      { numRuns: 8 },
    );
  });

  it("keeps the firmware's 32-bit block counter: the counter wraps without carrying into byte 11", () => {
    const key = new Uint8Array(16).fill(3);
    const counter = new Uint8Array(16).fill(0xff); // block counter 0xffffffff: the second block wraps to 0
    const input = new Uint8Array(48);
    const rk = new Uint32Array(AES_ROUND_KEY_WORDS);
    const out = new Uint8Array(48);
    aesCtrXor(rk, aesExpandKey(key, 0, 16, rk), counter, input, 0, 48, out, 0);
    expect(toHex(wasm.ctrWithCounter(key, counter, input))).toBe(toHex(out));
  });

  it("ctrInto writes at an offset, in place, and returns the length", () => {
    fc.assert(
      fc.property(aesKey, u32, u32, fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 40 }), (key, id, from, data, off) => {
        const expected = portable.ctr(key, id, from, data);
        const out = new Uint8Array(off + data.length + 3).fill(0xaa);
        expect(wasm.ctrInto(key, id, from, data, out, off)).toBe(data.length);
        expect(out.subarray(off, off + data.length)).toEqual(expected);
        expect(out.subarray(0, off).every((b) => b === 0xaa)).toBe(true);
        expect(out.subarray(off + data.length).every((b) => b === 0xaa)).toBe(true);
        const inPlace = data.slice();
        wasm.ctrInto(key, id, from, inPlace, inPlace);
        expect(inPlace).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects bad keys and short outputs like the other ciphers", () => {
    expect(() => wasm.ctr(new Uint8Array(15), 1, 2, new Uint8Array(4))).toThrow("channel key must be 16 or 32 bytes");
    expect(() => wasm.ctr(new Uint8Array(0), 1, 2, new Uint8Array(4))).toThrow("channel key must be 16 or 32 bytes");
    expect(() => wasm.ctrInto(new Uint8Array(16), 1, 2, new Uint8Array(4), new Uint8Array(3))).toThrow(RangeError);
  });

  it("keeps working when more keys than cache slots rotate through it, across cipher objects", () => {
    const keys = Array.from({ length: 11 }, (_, i) => new Uint8Array(i % 2 === 0 ? 16 : 32).fill(i + 1));
    const other = new WasmChannelCipher();
    const data = new Uint8Array(40).map((_, i) => i);
    for (let round = 0; round < 3; round++)
      for (let i = 0; i < keys.length; i++) {
        const c = (i + round) % 2 === 0 ? wasm : other;
        expect(toHex(c.ctr(keys[i], i, round, data))).toBe(toHex(portable.ctr(keys[i], i, round, data)));
      }
    // A key mutated in place after use must not hit the stale cache entry.
    const k = new Uint8Array(16).fill(9);
    wasm.ctr(k, 1, 1, data);
    k[0] = 10;
    expect(toHex(wasm.ctr(k, 1, 1, data))).toBe(toHex(portable.ctr(k, 1, 1, data)));
  });

  it("never grows its memory, and cannot", () => {
    const before = wasmMemoryBytes();
    const key16 = new Uint8Array(16).fill(1);
    const key32 = new Uint8Array(32).fill(2);
    const big = new Uint8Array(65536 + 50);
    for (let i = 0; i < 20000; i++) {
      const len = (i * 37) % 257;
      wasm.ctr(i % 3 === 0 ? key32 : key16, i, i * 7, big.subarray(0, len));
    }
    for (let i = 0; i < 20; i++) wasm.ctr(key16, i, 1, big);
    expect(wasmMemoryBytes()).toBe(before);
    // Initial and maximum memory are the same page count (wasm/asconfig.json), so growth fails.
    const bytes = fromBase64(MESHPORT_WASM_BASE64) as Uint8Array;
    // lib ES2022 without DOM declares no WebAssembly values, hence the structural type.
    const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
    const memory = (new api.Instance(new api.Module(bytes), {}).exports as { memory: GrowableMemory }).memory;
    expect(memory.buffer.byteLength).toBe(before);
    expect(() => memory.grow(1)).toThrow(RangeError);
  });
});
