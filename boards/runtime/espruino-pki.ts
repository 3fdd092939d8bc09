// PkiPrimitives on an Espruino board (PKI direct messages, meshtastic-wire.md 3.4): X25519 in
// portable JavaScript with E.convolve doing the limb products, SHA-256 and AES from the firmware's
// require("crypto") (mbedtls), AES-CCM assembled here from one native CBC call (the MAC) and one
// native ECB call (the keystream), since Espruino's ESP32 builds have no AES.ccmEncrypt
// (USE_AES_CCM is set for Linux only) and their CTR mode ignores the IV (espruino-cipher.ts).
// Whatever the firmware lacks falls back to the portable part (firmware/crypto/portable-pki.ts);
// `forcePortable` takes every fallback, the switch a selftest uses to check them.
//
// Cost (scripts/measure-board-pki.ts, shared spec espruino.md): a key agreement takes about a
// second on the ESP32-like Linux build and tens of seconds on an ESP32 by the CoreMark ratio, so
// shared secrets are cached per peer (x25519-cache.ts) and publicKeyFor should run once, with
// the result stored, not at every boot.

import type { AesBlockOps } from "../../firmware/crypto/aes-ccm.js";
import { portableAesBlockOps } from "../../firmware/crypto/aes-ccm.js";
import type { PkiPrimitives } from "../../firmware/crypto/pki.js";
import type { PkiParts } from "../../firmware/crypto/portable-pki.js";
import { pkiFromParts, portablePkiParts } from "../../firmware/crypto/portable-pki.js";
import { newX25519Cache } from "../../firmware/crypto/x25519-cache.js";
import type { X25519Cache } from "../../firmware/crypto/x25519-cache.js";
import type { Convolve } from "./espruino-field-mul.js";
import { convolveFieldMul, nativeConvolve } from "./espruino-field-mul.js";
import type { EspruinoAes, EspruinoCryptoModule } from "./espruino-globals.js";
import { cryptoModule } from "./espruino-host.js";

/** The natives a board PKI can use; each undefined one is replaced by its portable part. */
export interface PkiNatives {
  sha256: ((data: Uint8Array) => ArrayBuffer | Uint8Array) | undefined;
  aes: EspruinoAes | undefined;
  convolve: Convolve | undefined;
}

export interface BoardPki extends PkiPrimitives {
  /** Which parts are native, for the boot line and the status: e.g. "sha256 native, aes native, x25519 convolve". */
  readonly name: string;
  /** Shared secrets kept per peer; `computed` counts the ladders run. */
  readonly cache: X25519Cache;
}

const ZERO_IV = new Uint8Array(16);

/** AesBlockOps on Espruino's AES: ECB as is, the CBC-MAC as the last block of a zero-IV CBC. */
export function espruinoAesBlockOps(aes: EspruinoAes): AesBlockOps {
  return {
    ecb(key: Uint8Array, blocks: Uint8Array): Uint8Array {
      const out = new Uint8Array(aes.encrypt(blocks, key, { mode: "ECB" }));
      if (out.length !== blocks.length) throw new Error("AES ECB returned " + out.length + " bytes for " + blocks.length);
      return out;
    },
    cbcMac(key: Uint8Array, blocks: Uint8Array): Uint8Array {
      const out = new Uint8Array(aes.encrypt(blocks, key, { mode: "CBC", iv: ZERO_IV }));
      if (out.length !== blocks.length || out.length < 16) throw new Error("AES CBC returned " + out.length + " bytes for " + blocks.length);
      return out.subarray(out.length - 16);
    },
  };
}

/** The PKI over whichever `natives` are given (portable parts for the rest), with a per-peer cache. */
export function boardPkiFrom(natives: PkiNatives): BoardPki {
  const parts: PkiParts = portablePkiParts();
  const nativeSha = natives.sha256;
  if (nativeSha !== undefined) parts.sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(nativeSha(data));
  parts.aes = natives.aes === undefined ? portableAesBlockOps : espruinoAesBlockOps(natives.aes);
  if (natives.convolve !== undefined) parts.fieldMul = convolveFieldMul(natives.convolve);
  const cache = newX25519Cache();
  parts.cache = cache;
  const prims = pkiFromParts(parts);
  const name =
    "sha256 " + (nativeSha !== undefined ? "native" : "portable") +
    ", aes " + (natives.aes !== undefined ? "native" : "portable") +
    ", x25519 " + (natives.convolve !== undefined ? "convolve" : "portable");
  return {
    name,
    cache,
    x25519: prims.x25519,
    publicKeyFor: prims.publicKeyFor,
    sha256: prims.sha256,
    aesCcmEncrypt: prims.aesCcmEncrypt,
    aesCcmDecrypt: prims.aesCcmDecrypt,
  };
}

/** What this firmware offers: require("crypto").SHA256 and .AES, and E.convolve. */
export function espruinoPkiNatives(): PkiNatives {
  const c: EspruinoCryptoModule | undefined = cryptoModule();
  const sha = c !== undefined && typeof c.SHA256 === "function" ? c.SHA256 : undefined;
  const aes = c !== undefined && c.AES !== undefined && typeof c.AES.encrypt === "function" ? c.AES : undefined;
  return { sha256: sha, aes, convolve: nativeConvolve() };
}

/**
 * The PKI a board runs: native parts where the firmware has them, portable ones otherwise;
 * `forcePortable` takes the portable part everywhere (the selftest's switch, as createChannelCipher).
 */
export function createBoardPki(forcePortable: boolean): BoardPki {
  return boardPkiFrom(forcePortable ? { sha256: undefined, aes: undefined, convolve: undefined } : espruinoPkiNatives());
}
