// PkiPrimitives assembled from parts: an X25519 field multiplication, a SHA-256 and the AES shapes
// CCM needs, each either portable (x25519.ts, sha256.ts, aes-ccm.ts on aes.ts) or native on a board
// (boards/runtime/espruino-pki.ts). The same assembly runs everywhere, so a board differs from the
// portable reference only in the parts it swaps, and tests compare part by part.

import type { AesBlockOps } from "./aes-ccm.js";
import { aesCcmOpen, aesCcmSeal, portableAesBlockOps } from "./aes-ccm.js";
import type { PkiPrimitives } from "./pki.js";
import { sha256 } from "./sha256.js";
import type { FieldMul } from "./x25519.js";
import { feMul, x25519PublicKeyWith, x25519With } from "./x25519.js";
import type { X25519Cache } from "./x25519-cache.js";
import { cachedX25519 } from "./x25519-cache.js";

export interface PkiParts {
  fieldMul: FieldMul;
  sha256(data: Uint8Array): Uint8Array;
  aes: AesBlockOps;
  /** Shared secrets kept per peer (x25519-cache.ts), or undefined to run the ladder every time. */
  cache: X25519Cache | undefined;
}

/** PkiPrimitives over `parts` (the AES-CCM is always tag 8, nonce 13, no AAD: aes-ccm.ts). */
export function pkiFromParts(parts: PkiParts): PkiPrimitives {
  const mul = parts.fieldMul;
  const ladder = (privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array | null => x25519With(mul, privateKey, publicKey);
  return {
    x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array | null {
      if (privateKey.length !== 32 || publicKey.length !== 32) return null;
      return parts.cache === undefined ? ladder(privateKey, publicKey) : cachedX25519(parts.cache, ladder, privateKey, publicKey);
    },
    publicKeyFor(privateKey: Uint8Array): Uint8Array {
      return x25519PublicKeyWith(mul, privateKey);
    },
    sha256(data: Uint8Array): Uint8Array {
      return parts.sha256(data);
    },
    aesCcmEncrypt(key32: Uint8Array, nonce13: Uint8Array, plaintext: Uint8Array): Uint8Array {
      return aesCcmSeal(parts.aes, key32, nonce13, plaintext);
    },
    aesCcmDecrypt(key32: Uint8Array, nonce13: Uint8Array, ciphertextAndTag: Uint8Array): Uint8Array | null {
      return aesCcmOpen(parts.aes, key32, nonce13, ciphertextAndTag);
    },
  };
}

/** Every part portable, no cache: the reference the native parts are compared with. */
export function portablePkiParts(): PkiParts {
  return { fieldMul: feMul, sha256, aes: portableAesBlockOps, cache: undefined };
}
