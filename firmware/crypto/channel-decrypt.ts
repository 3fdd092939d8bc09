// Receive-side channel matching (Router.cpp perhapsDecode, spec section 3.3): every local channel
// whose hash equals the header's channel byte is tried in index order; a try succeeds when the
// plaintext decodes as a Data and its portnum is not 0 (the firmware's "bad psk" test). Several
// channels may share a hash, so a wrong key that happens to decode is possible and the first
// success wins, exactly as on a device.
import { DataCodec } from "../wire/messages.js";
import type { Data } from "../wire/messages.js";
import type { ChannelCipher } from "./channel-cipher.js";

export interface ChannelKey {
  /** Local channel index (0..7). */
  index: number;
  /** Channel hash of (effective name, expanded key). */
  hash: number;
  /** Expanded key, or null for an unencrypted channel (the payload is the plain Data). */
  key: Uint8Array | null;
}

export interface ChannelDecryptResult {
  /** Local index of the channel that decrypted the packet. */
  index: number;
  data: Data;
  /** The Data bytes after decryption (to re-encode or hand to other decoders). */
  plaintext: Uint8Array;
}

/** Decrypts with one key (null = plaintext) and applies the firmware's success test. */
export function tryChannelKey(
  cipher: ChannelCipher,
  key: Uint8Array | null,
  id: number,
  from: number,
  payload: Uint8Array,
): { data: Data; plaintext: Uint8Array } | undefined {
  const plaintext = key === null ? payload : cipher.ctr(key, id, from, payload);
  const r = DataCodec.decode(plaintext);
  if (!r.ok || r.value.portnum === undefined || r.value.portnum === 0) return undefined;
  return { data: r.value, plaintext };
}

/** Tries every channel whose hash matches, in the order given (index order); undefined when none decrypts. */
export function decryptWithChannels(
  cipher: ChannelCipher,
  channels: ChannelKey[],
  hash: number,
  id: number,
  from: number,
  payload: Uint8Array,
): ChannelDecryptResult | undefined {
  for (let i = 0; i < channels.length; i++) {
    const ch = channels[i];
    if (ch.hash !== hash) continue;
    const r = tryChannelKey(cipher, ch.key, id, from, payload);
    if (r !== undefined) return { index: ch.index, data: r.data, plaintext: r.plaintext };
  }
  return undefined;
}
