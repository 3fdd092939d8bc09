// Property tests: the portable cipher against node:crypto, in-place CTR, and PKI round trips.

import { createCipheriv } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AES_ROUND_KEY_WORDS,
  PKI_OVERHEAD,
  PortableChannelCipher,
  aesCtrXor,
  aesEncryptBlock,
  aesExpandKey,
  decryptPki,
  encryptPki,
} from "../../firmware/crypto/index.js";
import { NodeChannelCipher } from "../../firmware/platform/node/node-channel-cipher.js";
import { nodePki } from "../../firmware/platform/node/node-pki.js";

const u32 = fc.nat({ max: 0xffffffff });
const aesKey = fc.oneof(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ minLength: 32, maxLength: 32 }));
const privateKey = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe("PortableChannelCipher = NodeChannelCipher", () => {
  const portable = new PortableChannelCipher();
  const node = new NodeChannelCipher();

  it("for random keys, ids, senders and payloads of 0..600 bytes", () => {
    fc.assert(
      fc.property(aesKey, u32, u32, fc.uint8Array({ minLength: 0, maxLength: 600 }), (key, id, from, data) => {
        const copy = data.slice();
        const a = portable.ctr(key, id, from, data);
        expect(a).toEqual(node.ctr(key, id, from, data));
        expect(data).toEqual(copy);
        expect(portable.ctr(key, id, from, a)).toEqual(data);
      }),
      { numRuns: 500 },
    );
  });
});

describe("portable AES block = OpenSSL ECB", () => {
  it("for random keys and blocks", () => {
    fc.assert(
      fc.property(aesKey, fc.uint8Array({ minLength: 16, maxLength: 16 }), (key, block) => {
        const rk = new Uint32Array(AES_ROUND_KEY_WORDS);
        const rounds = aesExpandKey(key, 0, key.length, rk);
        const out = new Uint8Array(16);
        aesEncryptBlock(rk, rounds, block, 0, out, 0);
        const ecb = createCipheriv("aes-" + key.length * 8 + "-ecb", key, null);
        ecb.setAutoPadding(false);
        expect(out).toEqual(new Uint8Array(Buffer.concat([ecb.update(block), ecb.final()])));
      }),
      { numRuns: 300 },
    );
  });
});

describe("aesCtrXor with output aliasing input", () => {
  it("gives the same bytes as a separate output", () => {
    fc.assert(
      fc.property(
        aesKey,
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.nat({ max: 40 }),
        (key, counter, data, offset) => {
          const rk = new Uint32Array(AES_ROUND_KEY_WORDS);
          const rounds = aesExpandKey(key, 0, key.length, rk);
          const buf = new Uint8Array(offset + data.length + 3);
          buf.set(data, offset);
          const separate = new Uint8Array(data.length);
          expect(aesCtrXor(rk, rounds, counter, data, 0, data.length, separate, 0)).toBe(data.length);
          expect(aesCtrXor(rk, rounds, counter, buf, offset, data.length, buf, offset)).toBe(data.length);
          expect(buf.subarray(offset, offset + data.length)).toEqual(separate);
          expect(buf.subarray(0, offset).every((b) => b === 0)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("PKI", () => {
  const keyPair = privateKey.map((priv) => ({ priv, pub: nodePki.publicKeyFor(priv) }));

  it("decryptPki(encryptPki(x)) = x", () => {
    fc.assert(
      fc.property(keyPair, keyPair, u32, u32, u32, fc.uint8Array({ minLength: 1, maxLength: 240 }), (a, b, id, from, extra, pt) => {
        const payload = encryptPki(nodePki, a.priv, b.pub, id, from, extra, pt);
        expect(payload).not.toBeNull();
        const p = payload as Uint8Array;
        expect(p.length).toBe(pt.length + PKI_OVERHEAD);
        const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
        expect(view.getUint32(p.length - 4, true)).toBe(extra);
        expect(decryptPki(nodePki, b.priv, a.pub, id, from, p)).toEqual(pt);
      }),
      { numRuns: 200 },
    );
  });

  it("a flipped bit in ciphertext, tag or extra nonce is refused", () => {
    fc.assert(
      fc.property(
        keyPair,
        keyPair,
        u32,
        u32,
        u32,
        fc.uint8Array({ minLength: 1, maxLength: 240 }),
        fc.nat(),
        fc.nat({ max: 7 }),
        (a, b, id, from, extra, pt, where, bit) => {
          const payload = encryptPki(nodePki, a.priv, b.pub, id, from, extra, pt) as Uint8Array;
          const i = where % payload.length;
          payload[i] ^= 1 << bit;
          expect(decryptPki(nodePki, b.priv, a.pub, id, from, payload)).toBeNull();
        },
      ),
      { numRuns: 200 },
    );
  });

  it("payloads of 12 bytes or fewer are refused without trying", () => {
    fc.assert(
      fc.property(keyPair, keyPair, fc.uint8Array({ minLength: 0, maxLength: PKI_OVERHEAD }), (a, b, payload) => {
        expect(decryptPki(nodePki, b.priv, a.pub, 1, 2, payload)).toBeNull();
      }),
      { numRuns: 50 },
    );
  });
});
