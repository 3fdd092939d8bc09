// A per-peer cache of X25519 results, for platforms where one key agreement is slow (portable
// X25519 on Espruino takes seconds: scripts/measure-board-pki.ts). The core derives the PKI key on
// every direct message it sends or receives (pki.ts encryptPki / decryptPki); with this cache only
// the first message to or from a peer pays for the ladder.
//
// Memory: per entry three 32-byte arrays (private key copy, public key copy, result), about
// 12 variable blocks on Espruino; X25519_CACHE_SIZE entries at most.

import { bytesEqual } from "../bytes/compare.js";

/** Peers whose shared secret is kept. */
export const X25519_CACHE_SIZE = 8;

export type X25519Fn = (privateKey: Uint8Array, publicKey: Uint8Array) => Uint8Array | null;

/** The cache state: parallel arrays in most-recently-used order (index 0 = newest). */
export interface X25519Cache {
  readonly privates: Uint8Array[];
  readonly publics: Uint8Array[];
  readonly results: (Uint8Array | null)[];
  /** Ladders actually run (misses), for tests and the board's status. */
  computed: number;
}

export function newX25519Cache(): X25519Cache {
  return { privates: [], publics: [], results: [], computed: 0 };
}

function copyOf(b: Uint8Array): Uint8Array {
  const c = new Uint8Array(b.length);
  c.set(b, 0);
  return c;
}

/**
 * X25519 through `cache`: a hit moves the entry to the front and returns a copy of the stored
 * result (null results, a refused low-order key, are cached too); a miss runs `compute`, stores
 * the result at the front and drops the least recently used entry beyond X25519_CACHE_SIZE.
 */
export function cachedX25519(cache: X25519Cache, compute: X25519Fn, privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array | null {
  const n = cache.publics.length;
  let hit = -1;
  for (let i = 0; i < n && hit < 0; i++) {
    if (bytesEqual(cache.publics[i], publicKey) && bytesEqual(cache.privates[i], privateKey)) hit = i;
  }
  let result: Uint8Array | null;
  if (hit >= 0) {
    const priv = cache.privates[hit];
    const pub = cache.publics[hit];
    result = cache.results[hit];
    cache.privates.splice(hit, 1);
    cache.publics.splice(hit, 1);
    cache.results.splice(hit, 1);
    cache.privates.unshift(priv);
    cache.publics.unshift(pub);
    cache.results.unshift(result);
  } else {
    result = compute(privateKey, publicKey);
    cache.computed++;
    cache.privates.unshift(copyOf(privateKey));
    cache.publics.unshift(copyOf(publicKey));
    cache.results.unshift(result === null ? null : copyOf(result));
    if (cache.publics.length > X25519_CACHE_SIZE) {
      cache.privates.pop();
      cache.publics.pop();
      cache.results.pop();
    }
  }
  return result === null ? null : copyOf(result);
}
