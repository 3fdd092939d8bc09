// Turns one item of user input (a command-line argument or a stdin line) into bytes.
import { fromBase64 } from "../firmware/bytes/base64.js";
import { fromHex } from "../firmware/bytes/hex.js";

/** Largest item accepted: a ServiceEnvelope the firmware publishes is < 512 bytes; leave room for odd producers. */
export const MAX_INPUT_BYTES = 16384;

export type InputResult = { ok: true; bytes: Uint8Array } | { ok: false; message: string };

/** Hex first (every hex string is also valid base64, and hex is what people paste), then base64. */
export function parseInputBytes(text: string): InputResult {
  const s = text.replace(/\s+/g, "");
  if (s === "") return { ok: false, message: "empty input" };
  if (s.length > MAX_INPUT_BYTES * 2) return { ok: false, message: `input longer than ${MAX_INPUT_BYTES} bytes` };
  const h = /^(0x)?[0-9a-fA-F]+$/.test(s) ? fromHex(s.replace(/^0x/, "")) : undefined;
  if (h !== undefined) return { ok: true, bytes: h };
  const b = fromBase64(s);
  if (b !== undefined && b.length > 0) return { ok: true, bytes: b };
  return { ok: false, message: "not hex or base64" };
}
