// The board PKI (boards/runtime/espruino-pki.ts) in Node, with Espruino's natives stood in for by
// node:crypto (SHA256, AES ECB/CBC returning ArrayBuffers as Espruino does) and by E.convolve's
// documented formula. Every combination of native and portable parts must give the same bits, and
// the pki_frame vector must go through firmware/crypto/pki.ts end to end. The same primitives on
// the real interpreter: espruino-pki-real.test.ts.
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { boardPkiFrom, createBoardPki } from "../../../boards/runtime/espruino-pki.js";
import type { PkiNatives } from "../../../boards/runtime/espruino-pki.js";
import { convolveFieldMul } from "../../../boards/runtime/espruino-field-mul.js";
import type { EspruinoAes } from "../../../boards/runtime/espruino-globals.js";
import { decryptPki, encryptPki, pkiSharedKey } from "../../../firmware/crypto/pki.js";
import { feMul } from "../../../firmware/crypto/x25519.js";
import { nodePki } from "../../../firmware/platform/node/node-pki.js";
import { cryptoVectors as V, hex, toHex } from "../../crypto/vectors.js";

function arrayBufferOf(b: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
}

/** require("crypto").SHA256 as Espruino has it: an ArrayBuffer back. */
function fakeSha256(data: Uint8Array): ArrayBuffer {
  return arrayBufferOf(createHash("sha256").update(data).digest());
}

/** require("crypto").AES with the modes used here, recording them; CBC honours `iv`, no padding. */
function fakeAes(modes: string[]): EspruinoAes {
  return {
    encrypt(data: Uint8Array, key: Uint8Array, options: { mode: string; iv?: Uint8Array }): ArrayBuffer {
      modes.push(options.mode);
      const bits = key.length * 8;
      const c =
        options.mode === "ECB"
          ? createCipheriv("aes-" + bits + "-ecb", key, null)
          : options.mode === "CBC"
            ? createCipheriv("aes-" + bits + "-cbc", key, options.iv ?? new Uint8Array(16))
            : undefined;
      if (c === undefined) throw new Error("mode " + options.mode + " not faked");
      c.setAutoPadding(false);
      return arrayBufferOf(Buffer.concat([c.update(data), c.final()]));
    },
  };
}

/** E.convolve as documented: v = sum of arr1[i] * arr2[(i + offset) % arr2.length]. */
function fakeConvolve(a: Float64Array, b: Float64Array, offset: number): number {
  let v = 0;
  for (let i = 0; i < a.length; i++) v += a[i] * b[(i + offset) % b.length];
  return v;
}

function natives(sha: boolean, aes: boolean, conv: boolean, modes: string[]): PkiNatives {
  return { sha256: sha ? fakeSha256 : undefined, aes: aes ? fakeAes(modes) : undefined, convolve: conv ? fakeConvolve : undefined };
}

describe("board PKI (Espruino natives faked in Node)", () => {
  const f = V.pki_frame;
  const payload = hex(f.frame_hex).subarray(16);
  const ourPrivate = hex(f.our_private_hex);
  const senderPublic = hex(f.sender_public_hex);

  it("pki_frame end to end through pki.ts with every native part (sha256 from node:crypto)", () => {
    const modes: string[] = [];
    const pki = boardPkiFrom(natives(true, true, true, modes));
    expect(pki.name).toBe("sha256 native, aes native, x25519 convolve");
    expect(toHex(pki.publicKeyFor(ourPrivate))).toBe(f.our_public_hex_derived);
    expect(toHex(pki.x25519(ourPrivate, senderPublic) as Uint8Array)).toBe(f.x25519_shared_hex);
    expect(toHex(pkiSharedKey(pki, ourPrivate, senderPublic) as Uint8Array)).toBe(f.aes_key_hex);
    expect(toHex(decryptPki(pki, ourPrivate, senderPublic, f.header.id, f.header.from, payload) as Uint8Array)).toBe(f.plaintext_hex);
    const again = encryptPki(pki, ourPrivate, senderPublic, f.header.id, f.header.from, f.extra_nonce_u32, hex(f.plaintext_hex));
    expect(toHex(again as Uint8Array)).toBe(toHex(payload));
    // One ladder for the four key derivations above (x25519, pkiSharedKey, decrypt, encrypt).
    expect(pki.cache.computed).toBe(1);
    // The AES went native, and only through ECB (keystream) and CBC (MAC).
    expect(new Set(modes)).toEqual(new Set(["ECB", "CBC"]));
  });

  it("createBoardPki(true) is all portable and decrypts the same frame", () => {
    const pki = createBoardPki(true);
    expect(pki.name).toBe("sha256 portable, aes portable, x25519 portable");
    expect(toHex(decryptPki(pki, ourPrivate, senderPublic, f.header.id, f.header.from, payload) as Uint8Array)).toBe(f.plaintext_hex);
  });

  it("every mix of native and portable parts interoperates with nodePki", () => {
    for (let m = 0; m < 8; m++) {
      const pki = boardPkiFrom(natives((m & 1) !== 0, (m & 2) !== 0, (m & 4) !== 0, []));
      const a = new Uint8Array(randomBytes(32));
      const b = new Uint8Array(randomBytes(32));
      const msg = new Uint8Array(randomBytes(13 + 29 * m));
      expect(toHex(pki.publicKeyFor(a))).toBe(toHex(nodePki.publicKeyFor(a)));
      const sealed = encryptPki(pki, a, nodePki.publicKeyFor(b), 7 + m, 0xabcdef, 99, msg) as Uint8Array;
      expect(toHex(decryptPki(nodePki, b, nodePki.publicKeyFor(a), 7 + m, 0xabcdef, sealed) as Uint8Array)).toBe(toHex(msg));
      const back = encryptPki(nodePki, b, nodePki.publicKeyFor(a), 8 + m, 0x42, 3, msg) as Uint8Array;
      expect(toHex(decryptPki(pki, a, nodePki.publicKeyFor(b), 8 + m, 0x42, back) as Uint8Array)).toBe(toHex(msg));
      expect(pki.x25519(a, new Uint8Array(32))).toBeNull();
    }
  });

  it("the convolve field multiplication gives the portable product's limbs exactly", () => {
    const mul = convolveFieldMul(fakeConvolve);
    const x = new Float64Array(16);
    const y = new Float64Array(16);
    for (let n = 0; n < 500; n++) {
      const a = new Float64Array(16);
      const b = new Float64Array(16);
      const r = randomBytes(64);
      const lim = n % 2 === 0 ? 65536 : 262144;
      for (let i = 0; i < 16; i++) {
        a[i] = (r.readUInt16LE(2 * i) * 4) % lim - lim / 2;
        b[i] = (r.readUInt16LE(32 + 2 * i) * 4) % lim;
      }
      feMul(x, a, b);
      mul(y, a, b);
      expect(Array.from(y)).toEqual(Array.from(x));
    }
  });
});
