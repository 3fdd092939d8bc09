// Every vector of test/vectors/crypto.json, through the portable code and the node:crypto adapters.

import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  AES_ROUND_KEY_WORDS,
  aesCtrXor,
  aesEncryptBlock,
  aesExpandKey,
  channelHash,
  decryptPki,
  encryptPki,
  expandPsk,
  expandedKeyBytes,
  pkiNonce,
  pkiSharedKey,
} from "../../firmware/crypto/index.js";
import { nodePki } from "../../firmware/platform/node/node-pki.js";
import { base64, cryptoVectors, hex, toHex } from "./vectors.js";

const V = cryptoVectors;

describe("sha256 (nodePki.sha256)", () => {
  it.each(V.sha256.map((v) => [v.input_len, v] as const))("%d-byte input", (_len, v) => {
    expect(hex(v.input_hex).length).toBe(v.input_len);
    expect(toHex(nodePki.sha256(hex(v.input_hex)))).toBe(v.sha256_hex);
  });
});

describe("aes_ecb (portable block)", () => {
  it.each(V.aes_ecb.map((v, i) => [i, v] as const))("block %d", (_i, v) => {
    const rk = new Uint32Array(AES_ROUND_KEY_WORDS);
    const key = hex(v.key_hex);
    expect(aesExpandKey(key, 0, key.length, rk)).toBe(14);
    const out = new Uint8Array(16);
    aesEncryptBlock(rk, 14, hex(v.plaintext_hex), 0, out, 0);
    expect(toHex(out)).toBe(v.ciphertext_hex);
  });
});

describe("aes_ctr (RFC 3686)", () => {
  it.each(V.aes_ctr.map((v) => [v.key_bits, v] as const))("AES-%d via aesCtrXor", (bits, v) => {
    const key = hex(v.key_hex);
    const rk = new Uint32Array(AES_ROUND_KEY_WORDS);
    const rounds = aesExpandKey(key, 0, key.length, rk);
    expect(rounds).toBe(bits === 128 ? 10 : 14);
    const counter = hex(v.counter_block_hex);
    const pt = hex(v.plaintext_hex);
    const out = new Uint8Array(pt.length);
    expect(aesCtrXor(rk, rounds, counter, pt, 0, pt.length, out, 0)).toBe(pt.length);
    expect(toHex(out)).toBe(v.ciphertext_hex);
    expect(toHex(counter)).toBe(v.counter_block_hex); // not modified
  });

  it.each(V.aes_ctr.map((v) => [v.key_bits, v] as const))("AES-%d via node:crypto", (bits, v) => {
    const c = createCipheriv("aes-" + bits + "-ctr", hex(v.key_hex), hex(v.counter_block_hex));
    const out = Buffer.concat([c.update(hex(v.plaintext_hex)), c.final()]);
    expect(out.toString("hex")).toBe(v.ciphertext_hex);
  });
});

describe("x25519 (nodePki)", () => {
  it.each(V.x25519.map((v, i) => [i, v.expect, v] as const))("vector %d expects %s", (_i, expectation, v) => {
    const priv = hex(v.private_hex);
    const pub = hex(v.public_hex);
    const shared = nodePki.x25519(priv, pub);
    const key = pkiSharedKey(nodePki, priv, pub);
    if (expectation === "fail") {
      expect(shared).toBeNull();
      expect(key).toBeNull();
      return;
    }
    expect(shared).not.toBeNull();
    expect(toHex(shared as Uint8Array)).toBe(v.shared_hex);
    expect(toHex(key as Uint8Array)).toBe(v.sha256_of_shared_hex);
  });

  it("refuses keys that are not 32 bytes", () => {
    const good = hex(V.x25519[0].public_hex);
    expect(nodePki.x25519(new Uint8Array(31), good)).toBeNull();
    expect(nodePki.x25519(hex(V.x25519[0].private_hex), new Uint8Array(33))).toBeNull();
  });
});

describe("pki_frame", () => {
  const f = V.pki_frame;
  const frame = hex(f.frame_hex);
  const payload = frame.subarray(16);
  const ourPrivate = hex(f.our_private_hex);
  const senderPublic = hex(f.sender_public_hex);

  it("has the documented layout", () => {
    expect(frame.length).toBe(f.frame_len);
    expect(toHex(payload)).toBe(f.ciphertext_hex + f.tag_hex + f.extra_nonce_hex);
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    expect(view.getUint32(0, true)).toBe(f.header.to);
    expect(view.getUint32(4, true)).toBe(f.header.from);
    expect(view.getUint32(8, true)).toBe(f.header.id);
    expect(frame[13]).toBe(f.header.channel);
  });

  it("derives the shared secret, AES key and nonce", () => {
    expect(toHex(nodePki.x25519(ourPrivate, senderPublic) as Uint8Array)).toBe(f.x25519_shared_hex);
    const key = pkiSharedKey(nodePki, ourPrivate, senderPublic) as Uint8Array;
    expect(toHex(key)).toBe(f.aes_key_hex);
    expect(toHex(key).startsWith(f.aes_key_prefix_asserted_by_test_hex)).toBe(true);
    expect(toHex(pkiNonce(f.header.id, f.extra_nonce_u32, f.header.from))).toBe(f.nonce_hex);
  });

  it("decrypts the payload", () => {
    const pt = decryptPki(nodePki, ourPrivate, senderPublic, f.header.id, f.header.from, payload);
    expect(pt).not.toBeNull();
    expect(toHex(pt as Uint8Array)).toBe(f.plaintext_hex);
  });

  it("re-encrypts to the same payload with the same extra nonce", () => {
    const out = encryptPki(nodePki, ourPrivate, senderPublic, f.header.id, f.header.from, f.extra_nonce_u32, hex(f.plaintext_hex));
    expect(toHex(out as Uint8Array)).toBe(toHex(payload));
  });

  it("derives our public key", () => {
    expect(toHex(nodePki.publicKeyFor(ourPrivate))).toBe(f.our_public_hex_derived);
  });

  it("refuses the frame under the wrong id, from or key", () => {
    expect(decryptPki(nodePki, ourPrivate, senderPublic, f.header.id + 1, f.header.from, payload)).toBeNull();
    expect(decryptPki(nodePki, ourPrivate, senderPublic, f.header.id, f.header.from + 1, payload)).toBeNull();
    const otherPublic = hex(V.x25519[0].public_hex);
    expect(decryptPki(nodePki, ourPrivate, otherPublic, f.header.id, f.header.from, payload)).toBeNull();
  });
});

describe("psk_expansion", () => {
  it.each(V.psk_expansion.map((v) => [v.psk_base64, v] as const))("psk %j", (_b64, v) => {
    const psk = hex(v.psk_hex);
    expect(toHex(base64(v.psk_base64))).toBe(v.psk_hex);
    const e = expandPsk(psk);
    if (v.expanded_key_hex === null) {
      expect(e.kind).toBe("none");
      expect(v.cipher).toBe("none");
    } else {
      expect(e.kind).toBe("key");
      const key = expandedKeyBytes(e) as Uint8Array;
      expect(toHex(key)).toBe(v.expanded_key_hex);
      expect(v.cipher).toBe(key.length === 16 ? "aes-128-ctr" : "aes-256-ctr");
    }
  });
});

describe("channel_hash", () => {
  it.each(V.channel_hash.map((v) => [v.name, v.psk_base64, v.hash] as const))("%s / %s = %d", (name, psk, hash) => {
    const e = expandPsk(base64(psk));
    expect(e.kind).not.toBe("invalid");
    expect(channelHash(name, expandedKeyBytes(e))).toBe(hash);
  });
});
