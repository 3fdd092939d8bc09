// Portable code as a board gets it: bundled by esbuild with the Espruino feature gates (syntax
// Espruino lacks fails the build; shared spec espruino.md section 1.2), minified to ASCII, then run
// in a V8 sandbox with the globals Espruino lacks removed and typed-array slice() returning a plain
// Array as on Espruino.
import { runInNewContext } from "node:vm";
import { build } from "esbuild";

/** esbuild features Espruino cannot run: the build fails on them. */
export const ESPRUINO_UNSUPPORTED = ["destructuring", "default-argument", "rest-argument", "array-spread", "generator", "async-await", "async-generator", "for-await", "bigint"];

export function espruinoSupported(): Record<string, boolean> {
  const supported: Record<string, boolean> = {};
  for (const f of ESPRUINO_UNSUPPORTED) supported[f] = false;
  return supported;
}

/** Bundles `entry` (TypeScript source with imports relative to the project root) as an IIFE exposing `globalName`. */
export async function bundleForEspruino(entry: string, globalName: string): Promise<string> {
  const r = await build({
    stdin: { contents: entry, resolveDir: process.cwd(), sourcefile: globalName + "-entry.ts", loader: "ts" },
    bundle: true,
    write: false,
    format: "iife",
    globalName,
    platform: "neutral",
    target: "es2015",
    charset: "ascii",
    // Board bundles are minified (comments, which may hold non-ASCII text, are dropped).
    minify: true,
    supported: espruinoSupported(),
    logLevel: "silent",
  });
  return r.outputFiles[0].text;
}

/** Removes what Espruino lacks from the sandbox's globals; `extra` is more code to run first. */
export const STRIP_ESPRUINO_GLOBALS = `
for (const name of ["Map", "Set", "WeakMap", "WeakSet", "Symbol", "BigInt", "Proxy", "Reflect", "TextEncoder", "TextDecoder"]) delete globalThis[name];
delete Math.imul; delete Math.trunc; delete Math.clz32; delete Math.log2;
delete Array.from; delete Array.of; delete Number.isInteger; delete Number.isNaN; delete Object.freeze;
const plainSlice = [].slice;
for (const T of [Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array])
  T.prototype.slice = function (a, b) { return plainSlice.call(this, a, b); };
`;

export interface SandboxOptions {
  /** More code to run after the standard stripping (e.g. removing toPrecision). */
  extraStrip?: string;
  /** Values the scenario reads as globals. */
  globals?: Record<string, unknown>;
  timeoutMs?: number;
}

/** Runs the bundle and then `scenario` (which sets `result`) in a stripped sandbox; returns `result`. */
export function runInEspruinoSandbox(bundle: string, scenario: string, o: SandboxOptions = {}): unknown {
  const sandbox: Record<string, unknown> = { ...o.globals };
  runInNewContext(STRIP_ESPRUINO_GLOBALS + (o.extraStrip ?? "") + bundle + scenario, sandbox, { timeout: o.timeoutMs ?? 10_000 });
  return sandbox.result;
}
