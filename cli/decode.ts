// `meshport decode [--psk BASE64]... [--frame] HEX|BASE64|-`
import { createInterface } from "node:readline";
import { fromBase64 } from "../firmware/bytes/base64.js";
import { expandPsk } from "../firmware/crypto/index.js";
import { useBytePool } from "../firmware/platform/node/index.js";
import { createChannelCipher } from "../wasm/loader.js";
import { decodeItem } from "./decode-item.js";
import type { DecodeKey, DecodeOptions } from "./decode-item.js";
import { parseInputBytes } from "./input-bytes.js";
import { UsageError } from "./usage-error.js";

export const DECODE_USAGE = `usage: meshport decode [--psk BASE64]... [--frame] HEX|BASE64|-

Decodes a Meshtastic MQTT ServiceEnvelope (or, with --frame, a raw LoRa frame), decrypts it with
the default key AQ== and every --psk, and prints one JSON object. With - it reads one item per line
from standard input and prints one JSON line per item. Exit status 2 when an item cannot be decoded.`;

/** Bounds on what the command accepts from a user. */
const MAX_KEYS = 16;

function keyFrom(label: string): DecodeKey {
  const raw = fromBase64(label);
  if (raw === undefined) throw new UsageError(`--psk ${label}: not base64`);
  const e = expandPsk(raw);
  if (e.kind === "invalid") throw new UsageError(`--psk ${label}: a key is 0 to 32 bytes, this one is ${raw.length}`);
  return { label, key: e.kind === "key" ? e.key : null };
}

export interface DecodeArgs {
  options: DecodeOptions;
  input: string;
}

export function parseDecodeArgs(argv: string[]): DecodeArgs {
  const keys: DecodeKey[] = [keyFrom("AQ==")];
  let frame = false;
  let input: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--frame") frame = true;
    else if (a === "--psk" || a.startsWith("--psk=")) {
      const v = a === "--psk" ? argv[++i] : a.slice("--psk=".length);
      if (v === undefined) throw new UsageError("--psk needs a base64 key");
      if (keys.length > MAX_KEYS) throw new UsageError(`at most ${MAX_KEYS} --psk keys`);
      keys.push(keyFrom(v));
    } else if (a.startsWith("--")) throw new UsageError(`unknown option ${a}`);
    else if (input !== undefined) throw new UsageError("give one input (or - for standard input)");
    else input = a;
  }
  if (input === undefined) throw new UsageError("missing input");
  return { options: { frame, keys, cipher: createChannelCipher() }, input };
}

function decodeText(text: string, options: DecodeOptions): { line: string; ok: boolean } {
  const bytes = parseInputBytes(text);
  if (!bytes.ok) return { line: bytes.message, ok: false };
  const r = decodeItem(bytes.bytes, options);
  if (!r.ok) return { line: r.message, ok: false };
  return { line: JSON.stringify(r.json), ok: true };
}

export async function runDecode(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream, stdin: NodeJS.ReadableStream): Promise<number> {
  useBytePool();
  const { options, input } = parseDecodeArgs(argv);
  if (input !== "-") {
    const r = decodeText(input, options);
    if (!r.ok) {
      err.write(`meshport decode: ${r.line}\n`);
      return 2;
    }
    out.write(JSON.stringify(JSON.parse(r.line), null, 2) + "\n");
    return 0;
  }
  // NDJSON: one result per non-empty input line; failures become {"line": N, "error": "..."} so the stream stays parseable.
  let failed = 0;
  let n = 0;
  for await (const text of createInterface({ input: stdin, crlfDelay: Infinity })) {
    n++;
    if (text.trim() === "") continue;
    const r = decodeText(text, options);
    if (r.ok) out.write(r.line + "\n");
    else {
      failed++;
      out.write(JSON.stringify({ line: n, error: r.line }) + "\n");
    }
  }
  if (failed > 0) err.write(`meshport decode: ${failed} of the input lines could not be decoded\n`);
  return failed > 0 ? 2 : 0;
}

