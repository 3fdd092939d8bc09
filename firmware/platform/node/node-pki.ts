// PkiPrimitives on node:crypto: X25519 through KeyObjects built from raw 32-byte keys, SHA-256,
// AES-256-CCM with an 8-byte tag (CryptoEngine.cpp encryptCurve25519 / decryptCurve25519, aes-ccm.cpp).

import { createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman } from "node:crypto";
import type { KeyObject } from "node:crypto";
import type { PkiPrimitives } from "../../crypto/pki.js";
import { isAllZero } from "../../bytes/compare.js";

// DER headers that wrap a raw X25519 key (OID 1.3.101.110, RFC 8410): PKCS#8 PrivateKeyInfo with the
// key as an OCTET STRING inside the privateKey OCTET STRING, and SubjectPublicKeyInfo with the key as
// a BIT STRING. Each is followed by the 32 key bytes.
const PKCS8_X25519_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_X25519_PREFIX = Buffer.from("302a300506032b656e032100", "hex");

const KEY_BYTES = 32;
const TAG_BYTES = 8;

function privateKeyObject(raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, raw]), format: "der", type: "pkcs8" });
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, raw]), format: "der", type: "spki" });
}

/** A plain Uint8Array copy, so callers never hold a Buffer (pooled memory, different slice()). */
function plain(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length);
  out.set(b, 0);
  return out;
}


export const nodePki: PkiPrimitives = {
  x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array | null {
    if (privateKey.length !== KEY_BYTES || publicKey.length !== KEY_BYTES) return null;
    let shared: Buffer;
    try {
      shared = diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: publicKeyObject(publicKey) });
    } catch {
      // OpenSSL refuses to derive when the result is all zero (a low-order public key).
      return null;
    }
    return isAllZero(shared) ? null : plain(shared);
  },

  publicKeyFor(privateKey: Uint8Array): Uint8Array {
    const spki = createPublicKey(privateKeyObject(privateKey)).export({ format: "der", type: "spki" });
    return plain(spki.subarray(spki.length - KEY_BYTES));
  },

  sha256(data: Uint8Array): Uint8Array {
    return plain(createHash("sha256").update(data).digest());
  },

  aesCcmEncrypt(key32: Uint8Array, nonce13: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const cipher = createCipheriv("aes-256-ccm", key32, nonce13, { authTagLength: TAG_BYTES });
    const head = cipher.update(plaintext);
    const tail = cipher.final();
    const tag = cipher.getAuthTag();
    const out = new Uint8Array(head.length + tail.length + tag.length);
    out.set(head, 0);
    out.set(tail, head.length);
    out.set(tag, head.length + tail.length);
    return out;
  },

  aesCcmDecrypt(key32: Uint8Array, nonce13: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null {
    if (ciphertextAndTag.length < TAG_BYTES) return null;
    const n = ciphertextAndTag.length - TAG_BYTES;
    const decipher = createDecipheriv("aes-256-ccm", key32, nonce13, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(ciphertextAndTag.subarray(n));
    try {
      // In CCM the tag is checked inside update(); a mismatch throws there, or in final().
      const head = decipher.update(ciphertextAndTag.subarray(0, n));
      decipher.final();
      return plain(head);
    } catch {
      return null;
    }
  },
};
