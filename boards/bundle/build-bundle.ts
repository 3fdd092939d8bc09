// The board bundler (Node only): esbuild with the Espruino feature gates (shared spec espruino.md
// section 1.2): target es2015 plus `supported: false` for the syntax Espruino cannot run, so the
// build fails on it instead of the board; ASCII output; minified; one IIFE per board and build kind
// with the board's definition inlined into a generated entry. Only Espruino's built-in modules stay
// `require(...)` calls.
//
// This file runs in Node, never on a board: eslint.config.js exempts boards/bundle from the
// Espruino-subset rules.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { Message, Plugin } from "esbuild";
import { boardById, BOARDS } from "../defs/index.js";
import type { BoardDef } from "../defs/index.js";

/** esbuild features Espruino cannot run: the build fails on them. */
export const ESPRUINO_UNSUPPORTED = ["destructuring", "default-argument", "rest-argument", "array-spread", "generator", "async-await", "async-generator", "for-await", "bigint"];

/** Espruino built-in modules (ESP32 and ESP32S3 builds, espruino.md 2.1): left as require() calls. */
export const ESPRUINO_BUILTIN_MODULES = ["net", "Wifi", "Storage", "crypto", "tls", "dgram"];

export const BUILD_KINDS = ["gateway", "node", "selftest"] as const;
export type BuildKind = (typeof BUILD_KINDS)[number];

/**
 * Size budgets (minified bytes), checked in CI by test/boards/bundle. Issue 7 asked for a gateway
 * build of at most 96 KB "to start"; it measures 137 KB (selftest 125 KB) after moving JSON support
 * and the generated codecs out of board builds, then adding issue 8's downlink policy and
 * listen-before-talk. About a quarter is property names, which esbuild cannot mangle safely here
 * because the generic codec reads protobuf fields by name. The budgets hold the line just above
 * today's sizes, so growth fails CI until the core shrinks (issue 7 note).
 */
export const GATEWAY_BUNDLE_BUDGET_BYTES = 137 * 1024;
export const NODE_BUNDLE_BUDGET_BYTES = 137 * 1024;
export const SELFTEST_BUNDLE_BUDGET_BYTES = 125 * 1024;
export const BUNDLE_BUDGET_BYTES: Record<BuildKind, number> = {
  gateway: GATEWAY_BUNDLE_BUDGET_BYTES,
  node: NODE_BUNDLE_BUDGET_BYTES,
  selftest: SELFTEST_BUNDLE_BUDGET_BYTES,
};

/**
 * JsVars estimate: bytes / JSVARS_BYTES_PER_VAR. Espruino keeps the source text of every function
 * it has parsed in string JsVars; on the ESP32 builds a JsVar is a 14-byte block (16383 variables,
 * espruino.md 2.2) of which about 12 carry characters in a string extension. The measured points in
 * espruino.md 2.2 bracket this: a 100-character string takes 11 vars (~9 chars/var, header included)
 * and minified MQTT.js takes ~680 vars for ~9.5 KB (~14 bytes/var). So the real count is roughly
 * bytes/14 .. bytes/9, plus the heap the program builds at run time. It is an ESTIMATE for budgeting,
 * not a measurement; read process.memory() on the board for the truth.
 */
export const JSVARS_BYTES_PER_VAR = 12;
/** JsVars on the ESP32 / ESP32S3 builds at most (board files: 'variables': 16383). */
export const ESP32_MAX_JSVARS = 16383;

export function espruinoSupported(): Record<string, boolean> {
  const supported: Record<string, boolean> = {};
  for (const f of ESPRUINO_UNSUPPORTED) supported[f] = false;
  return supported;
}

export function estimateJsVars(bytes: number): number {
  return Math.ceil(bytes / JSVARS_BYTES_PER_VAR);
}

/** The project root (boards/bundle/ is two levels down). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A build error with esbuild's messages in one readable block. */
export class BundleError extends Error {
  readonly messages: string[];
  constructor(what: string, messages: string[]) {
    super(what + ":\n" + messages.join("\n"));
    this.messages = messages;
  }
}

function formatMessage(m: Message): string {
  const loc = m.location ? m.location.file + ":" + m.location.line + ":" + m.location.column + ": " : "";
  return loc + m.text + (m.location?.lineText ? "\n    " + m.location.lineText.trim() : "");
}

export interface EspruinoBuildOptions {
  /** IIFE global name for the entry's exports ("" = none). */
  globalName: string;
  /** Directory imports in `entry` resolve from (default: the project root). */
  resolveDir?: string;
  minify?: boolean;
}

/**
 * Board bundles take the generic codec's body functions (firmware/wire/generic-bodies.ts) in place
 * of the generated straight-line ones: the same results in about 10 KB less code.
 */
const COMPACT_CODECS: Plugin = {
  name: "meshport-compact-codecs",
  setup(b) {
    b.onResolve({ filter: /\/gen\/specialised-codecs\.js$/ }, () => ({ path: resolve(PROJECT_ROOT, "firmware/wire/generic-bodies.ts") }));
  },
};

/** Bundles TypeScript `entry` source for Espruino; throws BundleError on any esbuild error. */
export async function bundleEntryForEspruino(entry: string, o: EspruinoBuildOptions): Promise<string> {
  let r;
  try {
    r = await build({
      stdin: { contents: entry, resolveDir: o.resolveDir ?? PROJECT_ROOT, sourcefile: (o.globalName || "board") + "-entry.ts", loader: "ts" },
      bundle: true,
      write: false,
      format: "iife",
      globalName: o.globalName || undefined,
      platform: "neutral",
      target: "es2015",
      // Non-ASCII in string literals becomes \uXXXX escapes (checked in test/boards/bundle).
      charset: "ascii",
      minify: o.minify ?? true,
      supported: espruinoSupported(),
      external: ESPRUINO_BUILTIN_MODULES,
      plugins: [COMPACT_CODECS],
      logLevel: "silent",
      // bigint=false is only a warning in esbuild: make every warning an error below.
    });
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (errors !== undefined && errors.length > 0) throw new BundleError("Espruino bundle failed", errors.map(formatMessage));
    throw e;
  }
  if (r.warnings.length > 0) throw new BundleError("Espruino bundle has warnings (treated as errors)", r.warnings.map(formatMessage));
  return r.outputFiles[0].text;
}

/** Bundles `entry` as an IIFE exposing `globalName` (the helper the core-bundle test uses). */
export async function bundleForEspruino(entry: string, globalName: string): Promise<string> {
  return bundleEntryForEspruino(entry, { globalName });
}

/** The generated entry of a board build: the board's definition inlined, the kind's boot call. */
export function boardEntry(board: BoardDef, kind: BuildKind): string {
  const def = JSON.stringify(board);
  const rt = JSON.stringify(resolve(PROJECT_ROOT, "boards/runtime/main.ts"));
  const st = JSON.stringify(resolve(PROJECT_ROOT, "boards/selftest/selftest-main.ts"));
  if (kind === "selftest") return `import { bootSelftest } from ${st};\nexport const result = bootSelftest(${def});\n`;
  const radio = JSON.stringify(resolve(PROJECT_ROOT, "boards/runtime/board-radio.ts"));
  const factory = board.radio.chip === "sx1262" ? "createSx1262Radio" : "createSx127xRadio";
  return `import { boot } from ${rt};\nimport { ${factory} } from ${radio};\nexport const runtime = boot(${def}, ${JSON.stringify(kind)}, ${factory});\n`;
}

export interface BoardBundle {
  board: BoardDef;
  kind: BuildKind;
  code: string;
  bytes: number;
  jsVarsEstimate: number;
  budgetBytes: number;
}

/** The global the bundle's exports land in on the board (`meshport.runtime` at the console). */
export const BUNDLE_GLOBAL = "meshport";

export function isBuildKind(k: string): k is BuildKind {
  return (BUILD_KINDS as readonly string[]).indexOf(k) >= 0;
}

export function boardIds(): string[] {
  return BOARDS.map((b) => b.id);
}

/** Builds the bundle of one board and kind; throws for an unknown board, a build error or a non-ASCII output. */
export async function buildBoardBundle(boardId: string, kind: BuildKind): Promise<BoardBundle> {
  const board = boardById(boardId);
  if (board === undefined) throw new Error("unknown board " + boardId + " (known: " + boardIds().join(", ") + ")");
  const code = await bundleEntryForEspruino(boardEntry(board, kind), { globalName: BUNDLE_GLOBAL });
  for (let i = 0; i < code.length; i++) {
    if (code.charCodeAt(i) > 0x7f) throw new Error("bundle is not ASCII at offset " + i);
  }
  const bytes = Buffer.byteLength(code, "utf8");
  return { board, kind, code, bytes, jsVarsEstimate: estimateJsVars(bytes), budgetBytes: BUNDLE_BUDGET_BYTES[kind] };
}
