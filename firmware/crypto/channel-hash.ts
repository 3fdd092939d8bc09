// The 8-bit channel hash carried in the LoRa header's channel byte (src/mesh/Channels.cpp xorHash,
// generateHash; spec meshtastic-wire.md 3.3). Receivers use it only to pick which channels to try.

import { utf8Encode } from "../bytes/utf8.js";

/** XOR of all bytes (Channels.cpp xorHash); 0 for an empty array. */
export function xorBytes(bytes: Uint8Array): number {
  let h = 0;
  for (let i = 0; i < bytes.length; i++) h ^= bytes[i];
  return h & 0xff;
}

/**
 * Channel hash = xorBytes(UTF-8 of the effective channel name) XOR xorBytes(expanded key).
 * `name` must be the effective name (modem-preset.ts effectiveChannelName: an empty name becomes the
 * preset's display name or "Custom"); `key` is the expanded key (psk.ts expandPsk), null or empty
 * when the channel is unencrypted, which contributes 0. So psk "AQ==" and the 16 default-key bytes
 * give the same hash.
 */
export function channelHash(name: string, key: Uint8Array | null): number {
  const h = xorBytes(utf8Encode(name));
  return key === null ? h : (h ^ xorBytes(key)) & 0xff;
}
