// The key pair a node has at boot (firmware NodeDB.cpp 281-299, CryptoEngine.cpp 55-75): an
// unlicensed node with a region gets one, generated from its Rng when the config has none; a blank
// configured private key gives none.
import { isAllZero } from "../bytes/compare.js";
import type { PkiPrimitives } from "../crypto/pki.js";
import type { NodeConfig } from "./node-config.js";
import { RegionCode } from "./regions.js";
import type { Rng } from "./rng.js";

/** 32 bytes from an Rng, little-endian per 32-bit draw (the node's key and the simulator's seeded keys). */
export function bytes32FromRng(rng: { nextU32(): number }): Uint8Array {
  const k = new Uint8Array(32);
  for (let i = 0; i < 32; i += 4) {
    const v = rng.nextU32();
    k[i] = v & 0xff;
    k[i + 1] = (v >>> 8) & 0xff;
    k[i + 2] = (v >>> 16) & 0xff;
    k[i + 3] = (v >>> 24) & 0xff;
  }
  return k;
}

/** A 32-byte X25519 private key from the node's Rng, clamped as Curve25519::dh1 does. */
function newPrivateKey(rng: Rng): Uint8Array {
  const k = bytes32FromRng(rng);
  k[0] &= 0xf8;
  k[31] = (k[31] & 0x7f) | 0x40;
  return k;
}

/**
 * The key pair a node has at boot (NodeDB.cpp 281-299): unlicensed nodes with a region get one,
 * generated from `rng` when the config has none. Returns the config with the keys set.
 */
export function withKeyPair(c: NodeConfig, pki: PkiPrimitives | undefined, rng: Rng): NodeConfig {
  if (pki === undefined || c.isLicensed || c.region === RegionCode.UNSET) return c;
  const out = Object.assign({}, c);
  if (out.privateKey === undefined || out.privateKey.length !== 32) out.privateKey = newPrivateKey(rng);
  else if (isAllZero(out.privateKey)) {
    // CryptoEngine::regeneratePublicKey refuses a blank private key: the owner gets no key pair
    // (NodeDB.cpp 285-297), so the node sends no key and cannot use PKI.
    out.privateKey = undefined;
    out.publicKey = undefined;
    return out;
  }
  out.publicKey = pki.publicKeyFor(out.privateKey);
  return out;
}
