// PkiPrimitives assembled from portable parts (firmware/crypto/portable-pki.ts) through the PKI framing
// (pki.ts), and the per-peer X25519 cache (x25519-cache.ts).
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptPki, encryptPki, pkiSharedKey } from "../../firmware/crypto/pki.js";
import { pkiFromParts, portablePkiParts } from "../../firmware/crypto/portable-pki.js";
import { X25519_CACHE_SIZE, cachedX25519, newX25519Cache } from "../../firmware/crypto/x25519-cache.js";
import { x25519 } from "../../firmware/crypto/x25519.js";
import { nodePki } from "../../firmware/platform/node/node-pki.js";
import { cryptoVectors as V, hex, toHex } from "./vectors.js";

describe("portable PkiPrimitives", () => {
  const pki = pkiFromParts(portablePkiParts());
  const f = V.pki_frame;
  const payload = hex(f.frame_hex).subarray(16);

  it("pki_frame end to end: key, public key, decrypt, re-encrypt", () => {
    const ourPrivate = hex(f.our_private_hex);
    const senderPublic = hex(f.sender_public_hex);
    expect(toHex(pki.publicKeyFor(ourPrivate))).toBe(f.our_public_hex_derived);
    expect(toHex(pkiSharedKey(pki, ourPrivate, senderPublic) as Uint8Array)).toBe(f.aes_key_hex);
    expect(toHex(decryptPki(pki, ourPrivate, senderPublic, f.header.id, f.header.from, payload) as Uint8Array)).toBe(f.plaintext_hex);
    const again = encryptPki(pki, ourPrivate, senderPublic, f.header.id, f.header.from, f.extra_nonce_u32, hex(f.plaintext_hex));
    expect(toHex(again as Uint8Array)).toBe(toHex(payload));
  });

  it("talks to node:crypto's PkiPrimitives both ways", () => {
    for (let n = 0; n < 20; n++) {
      const a = new Uint8Array(randomBytes(32));
      const b = new Uint8Array(randomBytes(32));
      const msg = new Uint8Array(randomBytes(1 + n * 7)); // decryptPki needs more than the 12 bytes of overhead
      const sealed = encryptPki(pki, a, nodePki.publicKeyFor(b), 1000 + n, 0x1234, 77 + n, msg) as Uint8Array;
      expect(toHex(decryptPki(nodePki, b, pki.publicKeyFor(a), 1000 + n, 0x1234, sealed) as Uint8Array)).toBe(toHex(msg));
      const back = encryptPki(nodePki, b, nodePki.publicKeyFor(a), 2000 + n, 0x99, 5, msg) as Uint8Array;
      expect(toHex(decryptPki(pki, a, pki.publicKeyFor(b), 2000 + n, 0x99, back) as Uint8Array)).toBe(toHex(msg));
    }
  });

  it("refuses wrong key lengths like nodePki", () => {
    expect(pki.x25519(new Uint8Array(31), new Uint8Array(32))).toBeNull();
    expect(pki.aesCcmDecrypt(new Uint8Array(32), new Uint8Array(13), new Uint8Array(7))).toBeNull();
  });
});

describe("x25519 cache", () => {
  it("runs the ladder once per (private, public) pair and returns equal copies", () => {
    const cache = newX25519Cache();
    const k = new Uint8Array(randomBytes(32));
    const u = nodePki.publicKeyFor(new Uint8Array(randomBytes(32)));
    const first = cachedX25519(cache, x25519, k, u) as Uint8Array;
    first[0] ^= 0xff; // callers may scribble on what they get
    const second = cachedX25519(cache, x25519, k, u) as Uint8Array;
    expect(cache.computed).toBe(1);
    expect(toHex(second)).toBe(toHex(x25519(k, u) as Uint8Array));
    // another private key is another entry
    cachedX25519(cache, x25519, new Uint8Array(randomBytes(32)), u);
    expect(cache.computed).toBe(2);
  });

  it("caches refusals and drops the least recently used entry beyond its size", () => {
    const cache = newX25519Cache();
    const k = new Uint8Array(randomBytes(32));
    const zero = new Uint8Array(32);
    expect(cachedX25519(cache, x25519, k, zero)).toBeNull();
    expect(cachedX25519(cache, x25519, k, zero)).toBeNull();
    expect(cache.computed).toBe(1);
    const peers: Uint8Array[] = [];
    for (let i = 0; i < X25519_CACHE_SIZE; i++) peers.push(nodePki.publicKeyFor(new Uint8Array(randomBytes(32))));
    for (const p of peers) cachedX25519(cache, x25519, k, p);
    expect(cache.publics.length).toBe(X25519_CACHE_SIZE);
    expect(cache.computed).toBe(1 + X25519_CACHE_SIZE);
    // the zero key was least recently used and is gone; peers[0] is still there
    cachedX25519(cache, x25519, k, peers[0]);
    expect(cache.computed).toBe(1 + X25519_CACHE_SIZE);
    cachedX25519(cache, x25519, k, zero);
    expect(cache.computed).toBe(2 + X25519_CACHE_SIZE);
  });
});
