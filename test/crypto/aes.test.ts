// Unit tests of the portable AES block, CTR, nonces, PSK rules and the channel-cipher key cache.

import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  AES_ROUND_KEY_WORDS,
  BAD_KEY_LENGTH_MESSAGE,
  CHANNEL_CIPHER_KEY_CACHE_SIZE,
  DEFAULT_PSK,
  PortableChannelCipher,
  aesCtrXor,
  aesEncryptBlock,
  aesExpandKey,
  channelKey,
  expandPsk,
  expandedKeyBytes,
  pkiNonce,
  xorBytes,
} from "../../firmware/crypto/index.js";
import { NodeChannelCipher } from "../../firmware/platform/node/node-channel-cipher.js";
import { hex, toHex } from "./vectors.js";

function expand(key: Uint8Array): { rk: Uint32Array; rounds: number } {
  const rk = new Uint32Array(AES_ROUND_KEY_WORDS);
  return { rk, rounds: aesExpandKey(key, 0, key.length, rk) };
}

describe("aesEncryptBlock", () => {
  // FIPS-197 appendix C.1 and C.3.
  it.each([
    ["000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"],
    ["000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089"],
  ])("FIPS-197 key %s", (keyHex, ctHex) => {
    const { rk, rounds } = expand(hex(keyHex));
    const block = hex("00112233445566778899aabbccddeeff");
    aesEncryptBlock(rk, rounds, block, 0, block, 0); // in place
    expect(toHex(block)).toBe(ctHex);
  });

  it("honours input and output offsets", () => {
    const { rk, rounds } = expand(hex("000102030405060708090a0b0c0d0e0f"));
    const input = new Uint8Array(20);
    input.set(hex("00112233445566778899aabbccddeeff"), 3);
    const output = new Uint8Array(21).fill(0xee);
    aesEncryptBlock(rk, rounds, input, 3, output, 5);
    expect(toHex(output.subarray(5, 21))).toBe("69c4e0d86a7b0430d8cdb78070b4c55a");
    expect(toHex(output.subarray(0, 5))).toBe("eeeeeeeeee");
  });

  it("reads the key at an offset", () => {
    const key = new Uint8Array(40);
    key.set(hex("000102030405060708090a0b0c0d0e0f"), 7);
    const rk = new Uint32Array(44);
    expect(aesExpandKey(key, 7, 16, rk)).toBe(10);
    const out = new Uint8Array(16);
    aesEncryptBlock(rk, 10, hex("00112233445566778899aabbccddeeff"), 0, out, 0);
    expect(toHex(out)).toBe("69c4e0d86a7b0430d8cdb78070b4c55a");
  });
});

describe("wrong key lengths are refused", () => {
  it.each([0, 1, 8, 15, 17, 24, 31, 33, 64])("aesExpandKey of %d bytes returns 0 and writes nothing", (n) => {
    const rk = new Uint32Array(AES_ROUND_KEY_WORDS).fill(0x12345678);
    expect(aesExpandKey(new Uint8Array(n), 0, n, rk)).toBe(0);
    expect(rk.every((w) => w === 0x12345678)).toBe(true);
  });

  it("aesExpandKey refuses a key range past the array or a short round-key buffer", () => {
    expect(aesExpandKey(new Uint8Array(16), 1, 16, new Uint32Array(60))).toBe(0);
    expect(aesExpandKey(new Uint8Array(16), -1, 16, new Uint32Array(60))).toBe(0);
    expect(aesExpandKey(new Uint8Array(16), 0, 16, new Uint32Array(43))).toBe(0);
    expect(aesExpandKey(new Uint8Array(32), 0, 32, new Uint32Array(59))).toBe(0);
    expect(aesExpandKey(new Uint8Array(16), 0, 16, new Uint32Array(44))).toBe(10);
  });

  it("expandPsk of 33 bytes is invalid", () => {
    expect(expandPsk(new Uint8Array(33)).kind).toBe("invalid");
    expect(expandPsk(new Uint8Array(100)).kind).toBe("invalid");
  });

  it.each([new PortableChannelCipher(), new NodeChannelCipher()])("$name cipher throws on a 24-byte key", (cipher) => {
    expect(() => cipher.ctr(new Uint8Array(24), 1, 2, new Uint8Array(4))).toThrow(BAD_KEY_LENGTH_MESSAGE);
    expect(() => cipher.ctr(new Uint8Array(0), 1, 2, new Uint8Array(4))).toThrow(BAD_KEY_LENGTH_MESSAGE);
  });
});

describe("aesCtrXor", () => {
  const { rk, rounds } = expand(hex("2b7e151628aed2a6abf7158809cf4f3c"));

  it("matches NIST SP800-38A F.5.1 (CTR-AES128) over four blocks", () => {
    const counter = hex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
    const pt = hex(
      "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
    );
    const out = new Uint8Array(pt.length);
    expect(aesCtrXor(rk, rounds, counter, pt, 0, pt.length, out, 0)).toBe(64);
    expect(toHex(out)).toBe(
      "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee",
    );
  });

  it("increments only the last 32 bits and wraps them without carry (CTR::setCounterSize(4))", () => {
    const counter = hex("000102030405060708090a0bfffffffe");
    const pt = new Uint8Array(48);
    const out = new Uint8Array(48);
    aesCtrXor(rk, rounds, counter, pt, 0, 48, out, 0);
    const ecb = createCipheriv("aes-128-ecb", hex("2b7e151628aed2a6abf7158809cf4f3c"), null);
    ecb.setAutoPadding(false);
    const blocks = hex("000102030405060708090a0bfffffffe" + "000102030405060708090a0bffffffff" + "000102030405060708090a0b00000000");
    expect(toHex(out)).toBe(Buffer.concat([ecb.update(blocks), ecb.final()]).toString("hex"));
  });

  it("encrypts in place", () => {
    const counter = new Uint8Array(16);
    const data = new Uint8Array(37).map((_, i) => i);
    const expected = new Uint8Array(37);
    aesCtrXor(rk, rounds, counter, data, 0, 37, expected, 0);
    expect(aesCtrXor(rk, rounds, counter, data, 0, 37, data, 0)).toBe(37);
    expect(toHex(data)).toBe(toHex(expected));
  });

  it("handles offsets and zero length", () => {
    const counter = new Uint8Array(16);
    const src = new Uint8Array(30).fill(0xaa);
    const whole = new Uint8Array(20);
    aesCtrXor(rk, rounds, counter, src, 0, 20, whole, 0);
    const out = new Uint8Array(30);
    expect(aesCtrXor(rk, rounds, counter, src, 10, 20, out, 5)).toBe(20);
    expect(toHex(out.subarray(5, 25))).toBe(toHex(whole));
    expect(toHex(out.subarray(0, 5))).toBe("0000000000");
    expect(aesCtrXor(rk, rounds, counter, src, 30, 0, out, 30)).toBe(0);
  });

  it("returns -1 and writes nothing on bad arguments", () => {
    const counter = new Uint8Array(16);
    const src = new Uint8Array(16);
    const out = new Uint8Array(16).fill(7);
    expect(aesCtrXor(rk, 12, counter, src, 0, 16, out, 0)).toBe(-1);
    expect(aesCtrXor(rk, 0, counter, src, 0, 16, out, 0)).toBe(-1);
    expect(aesCtrXor(new Uint32Array(44), 14, counter, src, 0, 16, out, 0)).toBe(-1);
    expect(aesCtrXor(rk, rounds, new Uint8Array(15), src, 0, 16, out, 0)).toBe(-1);
    expect(aesCtrXor(rk, rounds, counter, src, 1, 16, out, 0)).toBe(-1);
    expect(aesCtrXor(rk, rounds, counter, src, 0, 16, out, 1)).toBe(-1);
    expect(aesCtrXor(rk, rounds, counter, src, -1, 4, out, 0)).toBe(-1);
    expect(aesCtrXor(rk, rounds, counter, src, 0, -1, out, 0)).toBe(-1);
    expect(out.every((b) => b === 7)).toBe(true);
  });
});

describe("pkiNonce", () => {
  it("is u32le(id) ‖ u32le(extraNonce) ‖ u32le(from) ‖ 00 for full-range values", () => {
    expect(toHex(pkiNonce(0xffffffff, 0x80000001, 0xdeadbeef))).toBe("ffffffff01000080efbeadde00");
  });
});

describe("PSK rules", () => {
  it("wraps the last default-key byte as a uint8", () => {
    const key = (n: number) => expandedKeyBytes(expandPsk(new Uint8Array([n]))) as Uint8Array;
    expect(key(255)[15]).toBe((0x01 + 255 - 1) & 0xff);
    expect(key(255)[15]).toBe(0xff);
    expect(toHex(key(1))).toBe(toHex(DEFAULT_PSK));
    expect(toHex(key(2).subarray(0, 15))).toBe(toHex(DEFAULT_PSK.subarray(0, 15)));
  });

  it("returns copies, never the shared default key", () => {
    const k = expandedKeyBytes(expandPsk(new Uint8Array([1]))) as Uint8Array;
    k[0] ^= 0xff;
    expect(DEFAULT_PSK[0]).toBe(0xd4);
    const psk = new Uint8Array(16).fill(3);
    const k16 = expandedKeyBytes(expandPsk(psk)) as Uint8Array;
    expect(k16).not.toBe(psk);
  });

  it("pads 2..15 bytes to 16 and 17..31 to 32", () => {
    for (let n = 2; n <= 32; n++) {
      const psk = new Uint8Array(n).fill(0x5a);
      const key = expandedKeyBytes(expandPsk(psk)) as Uint8Array;
      expect(key.length).toBe(n <= 16 ? 16 : 32);
      expect(key.subarray(0, n).every((b) => b === 0x5a)).toBe(true);
      expect(key.subarray(n).every((b) => b === 0)).toBe(true);
    }
  });

  it("channelKey: a secondary channel with an empty psk borrows the primary key", () => {
    const primary = channelKey(new Uint8Array([1]), true, { kind: "none" });
    expect(channelKey(new Uint8Array(0), false, primary)).toBe(primary);
    expect(channelKey(new Uint8Array(0), true, primary).kind).toBe("none");
    expect(channelKey(new Uint8Array([0]), false, primary).kind).toBe("none");
    const own = channelKey(new Uint8Array([2]), false, primary);
    expect(toHex(expandedKeyBytes(own) as Uint8Array)).toBe("d4f1bb3a20290759f0bcffabcf4e6902");
  });

  it("default key XOR is 0x02 (spec 3.3)", () => {
    expect(xorBytes(DEFAULT_PSK)).toBe(2);
    expect(xorBytes(new Uint8Array(0))).toBe(0);
  });
});

describe("PortableChannelCipher key cache", () => {
  const node = new NodeChannelCipher();
  const keyN = (n: number, len: number) => new Uint8Array(len).fill(n);

  it("stays bounded and correct while keys come and go", () => {
    const cipher = new PortableChannelCipher();
    const data = new Uint8Array(50).map((_, i) => i * 7);
    for (let round = 0; round < 3; round++) {
      for (let n = 0; n < CHANNEL_CIPHER_KEY_CACHE_SIZE * 2 + 3; n++) {
        const key = keyN(n, n % 2 === 0 ? 16 : 32);
        expect(toHex(cipher.ctr(key, n, 1000 + n, data))).toBe(toHex(node.ctr(key, n, 1000 + n, data)));
        expect(cipher.cachedKeys).toBeLessThanOrEqual(CHANNEL_CIPHER_KEY_CACHE_SIZE);
      }
    }
    expect(cipher.cachedKeys).toBe(CHANNEL_CIPHER_KEY_CACHE_SIZE);
  });

  it("keeps a key it still uses when others are evicted", () => {
    const cipher = new PortableChannelCipher();
    const hot = keyN(200, 16);
    const data = new Uint8Array(20).fill(1);
    for (let n = 0; n < 40; n++) {
      expect(toHex(cipher.ctr(hot, n, 1, data))).toBe(toHex(node.ctr(hot, n, 1, data)));
      const cold = keyN(n, 32);
      expect(toHex(cipher.ctr(cold, n, 2, data))).toBe(toHex(node.ctr(cold, n, 2, data)));
    }
  });

  it("is not affected by the caller changing a key array afterwards", () => {
    const cipher = new PortableChannelCipher();
    const key = keyN(9, 16);
    const data = new Uint8Array(16);
    const first = toHex(cipher.ctr(key, 1, 2, data));
    key[0] = 10;
    expect(toHex(cipher.ctr(key, 1, 2, data))).toBe(toHex(node.ctr(key, 1, 2, data)));
    key[0] = 9;
    expect(toHex(cipher.ctr(key, 1, 2, data))).toBe(first);
  });
});
