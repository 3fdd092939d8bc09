// AES-CCM with M = 8, L = 2, 13-byte nonce, no AAD (firmware/crypto/aes-ccm.ts) against node:crypto's
// aes-256-ccm / aes-128-ccm and the pki_frame vector.
import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CCM_TAG_BYTES, aesCcmOpen, aesCcmSeal, portableAesBlockOps } from "../../firmware/crypto/aes-ccm.js";
import { nodePki } from "../../firmware/platform/node/node-pki.js";
import { cryptoVectors as V, hex, toHex } from "./vectors.js";

const ops = portableAesBlockOps;

function nodeCcm(key: Uint8Array, nonce: Uint8Array, pt: Uint8Array): string {
  const c = createCipheriv(key.length === 32 ? "aes-256-ccm" : "aes-128-ccm", key, nonce, { authTagLength: 8 });
  const body = Buffer.concat([c.update(pt), c.final()]);
  return body.toString("hex") + c.getAuthTag().toString("hex");
}

describe("aes-ccm (portable, M=8 L=2)", () => {
  it("equals node:crypto aes-256-ccm for every length 0..300 and aes-128-ccm for some", () => {
    for (let n = 0; n <= 300; n++) {
      const key = new Uint8Array(randomBytes(n % 7 === 3 ? 16 : 32));
      const nonce = new Uint8Array(randomBytes(13));
      const pt = new Uint8Array(randomBytes(n));
      const sealed = aesCcmSeal(ops, key, nonce, pt);
      expect(sealed.length).toBe(n + CCM_TAG_BYTES);
      expect(toHex(sealed)).toBe(nodeCcm(key, nonce, pt));
      expect(toHex(aesCcmOpen(ops, key, nonce, sealed) as Uint8Array)).toBe(toHex(pt));
      // node:crypto's PkiPrimitives (AES-256 only) opens what we sealed
      if (key.length === 32) expect(toHex(nodePki.aesCcmDecrypt(key, nonce, sealed) as Uint8Array)).toBe(toHex(pt));
    }
  });

  it("pki_frame: opens the vector's ciphertext and tag with its key and nonce", () => {
    const f = V.pki_frame;
    const sealed = hex(f.ciphertext_hex + f.tag_hex);
    const pt = aesCcmOpen(ops, hex(f.aes_key_hex), hex(f.nonce_hex), sealed);
    expect(toHex(pt as Uint8Array)).toBe(f.plaintext_hex);
    expect(toHex(aesCcmSeal(ops, hex(f.aes_key_hex), hex(f.nonce_hex), hex(f.plaintext_hex)))).toBe(f.ciphertext_hex + f.tag_hex);
  });

  it("refuses any flipped bit in ciphertext or tag, and inputs shorter than a tag", () => {
    const key = new Uint8Array(randomBytes(32));
    const nonce = new Uint8Array(randomBytes(13));
    const sealed = aesCcmSeal(ops, key, nonce, new Uint8Array(randomBytes(40)));
    for (let i = 0; i < sealed.length; i++) {
      const bad = new Uint8Array(sealed);
      bad[i] ^= 1 << (i % 8);
      expect(aesCcmOpen(ops, key, nonce, bad)).toBeNull();
    }
    const otherNonce = new Uint8Array(nonce);
    otherNonce[12] ^= 1;
    expect(aesCcmOpen(ops, key, otherNonce, sealed)).toBeNull();
    expect(aesCcmOpen(ops, key, nonce, sealed.subarray(0, 7))).toBeNull();
    // a bare tag is the empty message
    expect(aesCcmOpen(ops, key, nonce, aesCcmSeal(ops, key, nonce, new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it("throws for a bad key or nonce length", () => {
    expect(() => aesCcmSeal(ops, new Uint8Array(24), new Uint8Array(13), new Uint8Array(1))).toThrow(/16 or 32 bytes/);
    expect(() => aesCcmSeal(ops, new Uint8Array(32), new Uint8Array(12), new Uint8Array(1))).toThrow(/13 bytes/);
    expect(() => aesCcmOpen(ops, new Uint8Array(32), new Uint8Array(7), new Uint8Array(20))).toThrow(/13 bytes/);
  });
});
