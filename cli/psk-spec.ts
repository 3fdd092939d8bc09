// A channel key as a user writes it, in the forms of the Meshtastic CLI (`--ch-set psk`,
// meshtastic/util.py fromPSK): `default`, `none`, `simpleN`, `base64:KEY`, `hex:KEY`. No `random`:
// the key would have to be printed for the other nodes to get it, and keys are never printed.
import { fromBase64 } from "../firmware/bytes/base64.js";
import { fromHex } from "../firmware/bytes/hex.js";

/** simpleN is the one-byte psk N + 1 (simple0 = default), so N is 0..254 as in fromPSK. */
export const PSK_SIMPLE_MAX = 254;

/** Key lengths a channel takes: AES-128 and AES-256 (CHANNEL_PSK_LENGTHS for the one-byte forms). */
const KEY_LENGTHS = [16, 32];

export const PSK_FORMS = "default, none, simple0..simple" + PSK_SIMPLE_MAX + ", base64:KEY or hex:KEY (16 or 32 bytes)";

export type PskSpecResult = { ok: true; psk: Uint8Array } | { ok: false; message: string };

/**
 * The psk bytes of `spec`. A message never repeats the key: it goes to a terminal and to logs,
 * so it says which form was wrong and, for a key, only its length.
 */
export function parsePskSpec(spec: string): PskSpecResult {
  if (spec === "default") return { ok: true, psk: new Uint8Array([1]) };
  // One byte 0: no encryption (fromPSK "none"; an empty psk means the same on the primary channel).
  if (spec === "none") return { ok: true, psk: new Uint8Array([0]) };
  if (spec.startsWith("simple")) {
    const digits = spec.substring(6);
    const n = /^\d{1,3}$/.test(digits) ? Number(digits) : -1;
    if (n < 0 || n > PSK_SIMPLE_MAX) return { ok: false, message: "simpleN takes N in 0.." + PSK_SIMPLE_MAX };
    return { ok: true, psk: new Uint8Array([n + 1]) };
  }
  let key: Uint8Array | undefined;
  if (spec.startsWith("base64:")) {
    key = fromBase64(spec.substring(7));
    if (key === undefined) return { ok: false, message: "the base64: key is not base64" };
  } else if (spec.startsWith("hex:")) {
    key = fromHex(spec.substring(4));
    if (key === undefined) return { ok: false, message: "the hex: key is not an even number of hex digits" };
  } else return { ok: false, message: "expected " + PSK_FORMS };
  if (KEY_LENGTHS.indexOf(key.length) < 0) return { ok: false, message: "a key is 16 or 32 bytes, this one is " + key.length };
  return { ok: true, psk: key };
}
