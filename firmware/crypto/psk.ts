// Channel PSK → AES key expansion (src/mesh/Channels.cpp Channels::getKey; spec meshtastic-wire.md 3.2).

/**
 * The firmware's well-known channel key `defaultpsk` (src/mesh/Channels.h), base64
 * "1PG7OiApB1nwvP+rz05pAQ==". A psk of the single byte 0x01 ("AQ==") expands to it. Shared: never
 * write into it; every function here returns copies.
 */
export const DEFAULT_PSK: Uint8Array = new Uint8Array([
  0xd4, 0xf1, 0xbb, 0x3a, 0x20, 0x29, 0x07, 0x59, 0xf0, 0xbc, 0xff, 0xab, 0xcf, 0x4e, 0x69, 0x01,
]);

/** Longest psk ChannelSettings can hold (channel.options psk max_size:32) and the AES-256 key length. */
export const MAX_PSK_BYTES = 32;

/**
 * The outcome of expanding a psk: no encryption, an AES key of 16 or 32 bytes, or a psk no firmware
 * could have stored (longer than 32 bytes), which makes the channel unusable like getKey's length −1.
 */
export type ExpandedPsk =
  | { readonly kind: "none" }
  | { readonly kind: "key"; readonly key: Uint8Array }
  | { readonly kind: "invalid" };

function zeroPadded(psk: Uint8Array, size: number): Uint8Array {
  const key = new Uint8Array(size);
  key.set(psk, 0);
  return key;
}

/**
 * Expands a channel psk the way Channels::getKey does, for a channel whose own psk decides the key:
 * - 0 bytes: no encryption. (On a SECONDARY channel getKey uses the primary channel's key instead;
 *   that rule needs the channel's role, so it lives in channelKey below.)
 * - 1 byte 0x00: no encryption.
 * - 1 byte N ≥ 1: DEFAULT_PSK with its last byte set to 0x01 + N − 1, wrapping as a uint8.
 * - 2..15 bytes: zero-padded to 16 (AES-128). 17..31 bytes: zero-padded to 32 (AES-256).
 * - 16 or 32 bytes: used as they are.
 * - more than 32 bytes: invalid.
 * The returned key is always a new array.
 */
export function expandPsk(psk: Uint8Array): ExpandedPsk {
  const n = psk.length;
  if (n === 0) return { kind: "none" };
  if (n > MAX_PSK_BYTES) return { kind: "invalid" };
  if (n === 1) {
    const index = psk[0];
    if (index === 0) return { kind: "none" };
    const key = zeroPadded(DEFAULT_PSK, 16);
    key[15] = (key[15] + index - 1) & 0xff;
    return { kind: "key", key: key };
  }
  if (n <= 16) return { kind: "key", key: zeroPadded(psk, 16) };
  return { kind: "key", key: zeroPadded(psk, 32) };
}

/**
 * The key a channel actually uses, with getKey's secondary-channel rule applied: a channel that is not
 * the primary and has an empty psk borrows `primaryKey` (the primary channel's own channelKey result).
 * The primary channel with an empty psk is unencrypted. Disabled channels and channels without
 * settings are the caller's business (getKey returns "invalid" for them).
 */
export function channelKey(psk: Uint8Array, isPrimary: boolean, primaryKey: ExpandedPsk): ExpandedPsk {
  if (psk.length === 0 && !isPrimary) return primaryKey;
  return expandPsk(psk);
}

/** The key bytes of an expansion, or null when it is "none" or "invalid" (what channelHash takes). */
export function expandedKeyBytes(expanded: ExpandedPsk): Uint8Array | null {
  return expanded.kind === "key" ? expanded.key : null;
}
