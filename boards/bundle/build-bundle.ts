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
import { build, transform } from "esbuild";
import type { Message, Plugin } from "esbuild";
import { minify as terserMinify } from "terser";
import { boardById, BOARDS } from "../defs/index.js";
import type { BoardDef } from "../defs/index.js";
import { ESPRUINO_RESERVED_WORDS, espruinoNameHazards } from "./espruino-names-check.js";
import { hoistingHazards } from "./hoisting-check.js";
import { reservedProps, reservePropsPattern } from "./reserved-props.js";

/** esbuild features Espruino cannot run: the build fails on them. */
export const ESPRUINO_UNSUPPORTED = ["destructuring", "default-argument", "rest-argument", "array-spread", "generator", "async-await", "async-generator", "for-await", "bigint"];

/** Espruino built-in modules (ESP32 and ESP32S3 builds, espruino.md 2.1): left as require() calls. */
export const ESPRUINO_BUILTIN_MODULES = ["net", "Wifi", "Storage", "crypto", "tls", "dgram"];

export const BUILD_KINDS = ["gateway", "node", "selftest"] as const;
export type BuildKind = (typeof BUILD_KINDS)[number];

/**
 * Size budgets (bytes of the minified bundle, KB = 1024 bytes), checked in CI by test/boards/bundle.
 * Issue 7 set 96 KB for the gateway build. Board builds get there by renaming properties (with a
 * derived list of names that must stay: reserved-props.ts; protobuf field names are renamed with
 * the schema tables), a terser pass after esbuild, pure schema tables that unused messages drop
 * out of, and a client-only MQTT decoder; each is described where it is done. The gateway build
 * went from 137 KB to 96 KB that way; the node and selftest budgets hold their builds' sizes, so
 * growth fails CI. Issue 13 (firmware 2.7.26 parity: the router's layers, the module chain, first
 * sight, key pinning, congestion scaling, position and telemetry rules, then the admin module's
 * refusals, nanopb's string rules, the clock's quality, the NodeDB's order and online snapshot, the
 * radio's receive path and MQTT.cpp's edge cases) added about 26 KB to every build (gateway
 * 119.3 KB, node 116.3 KB, selftest 111.2 KB when set); the budgets were raised to hold that, with
 * under 5 KB to spare. Whether the boards run it is measured on the real interpreter (issue 14),
 * where the bundle is read from Storage (flash) rather than held in RAM.
 */
export const GATEWAY_BUNDLE_BUDGET_BYTES = 124 * 1024;
export const NODE_BUNDLE_BUDGET_BYTES = 120 * 1024;
export const SELFTEST_BUNDLE_BUDGET_BYTES = 115 * 1024;
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
  /**
   * Board builds: rename properties outside reserved-props.ts's list, lower class fields to plain
   * assignments, and run terser after esbuild (see compactForBoard). Implies minify.
   */
  compact?: boolean;
}

/**
 * Board bundles take the generic codec's body functions (firmware/wire/generic-bodies.ts) in place
 * of the generated straight-line ones: the same results in about 10 KB less code.
 */
const COMPACT_CODECS: Plugin = {
  name: "meshport-compact-codecs",
  setup(b) {
    b.onResolve({ filter: /\/gen\/specialised-codecs\.js$/ }, () => ({ path: resolve(PROJECT_ROOT, "firmware/wire/generic-bodies.ts") }));
    // Field descriptors without their default-valued properties (field-record-board.ts).
    b.onResolve({ filter: /\/field-record\.js$/ }, () => ({ path: resolve(PROJECT_ROOT, "firmware/wire/field-record-board.ts") }));
  },
};

/** The global a board bundle sets (`meshport.runtime` at the console). */
export const BUNDLE_GLOBAL = "meshport";

let reservedPattern: RegExp | undefined;

/** Bundles TypeScript `entry` source for Espruino; throws BundleError on any esbuild error. */
export async function bundleEntryForEspruino(entry: string, o: EspruinoBuildOptions): Promise<string> {
  const compact = o.compact === true;
  if (compact && reservedPattern === undefined) reservedPattern = reservePropsPattern(reservedProps(PROJECT_ROOT));
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
      // Board builds leave local names to terser (compactForBoard), which is told never to produce
      // an Espruino keyword; esbuild's renamer produces `of`, a keyword only to Espruino.
      ...(compact ? { minifySyntax: true, minifyWhitespace: true, minifyIdentifiers: false } : { minify: o.minify ?? true }),
      ...(compact
        ? {
            mangleProps: /./,
            reserveProps: reservedPattern,
            // Never rename a property *to* one of Espruino's keywords (a class method named `of`
            // is a SyntaxError there): each is taken by a name no source uses.
            mangleCache: keywordMangleCache(),
            // `this.x = v` instead of esbuild's defineProperty helper with the name quoted: shorter,
            // renameable, and cheaper on Espruino. [[Set]] and [[Define]] differ when a subclass
            // field shadows a base class accessor (no class in firmware/ or boards/ extends
            // another) and for a field without initialiser, an own property only once assigned
            // (nothing here enumerates instances or tests `in` on them).
            tsconfigRaw: { compilerOptions: { useDefineForClassFields: false } },
          }
        : {}),
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
  const code = compact ? await compactForBoard(r.outputFiles[0].text) : r.outputFiles[0].text;
  const hazards = hoistingHazards(code);
  if (hazards.length > 0) throw new BundleError("Espruino bundle relies on hoisting, which Espruino does not do", hazards);
  const names = espruinoNameHazards(code);
  if (names.length > 0) throw new BundleError("Espruino bundle uses names Espruino's parser reads differently", names);
  return code;
}

/** esbuild mangle cache entries that take every Espruino keyword as an output name. */
function keywordMangleCache(): Record<string, string> {
  const cache: Record<string, string> = {};
  for (const w of ESPRUINO_RESERVED_WORDS) cache["__espruinoKeyword_" + w] = w;
  return cache;
}

/**
 * terser over esbuild's output: about 6% smaller than esbuild's minifier alone on the gateway build
 * (7 KB, measured when this was added), which the 96 KB budget needs. terser is told to write no
 * syntax newer than ECMAScript 5 beyond what the input has, and ASCII only; the result goes through
 * esbuild again with the same Espruino gates, so a construct terser introduced fails the build, and
 * bundleEntryForEspruino then checks it for reliance on hoisting (hoisting-check.ts).
 */
export async function compactForBoard(code: string): Promise<string> {
  const t = await terserMinify(code, {
    ecma: 5,
    // inline 1 (functions without parameters or variables), not 3: inlining a function that has
    // either leaves them as a `var` at the end of the caller (`return (i = ...) * i; var i`),
    // which only works with hoisting; on Espruino `i = ...` then assigns the enclosing scope's
    // `i` (seen: a top-level function overwritten by a number). hoisting-check.ts refuses it.
    compress: { passes: 2, inline: 1 },
    // Local names terser invents must not be Espruino keywords V8 allows as names (`of`, `static`).
    mangle: { reserved: ESPRUINO_RESERVED_WORDS },
    format: { ascii_only: true },
  });
  if (t.code === undefined) throw new BundleError("terser produced no output", []);
  try {
    await transform(t.code, { target: "es2015", supported: espruinoSupported(), charset: "ascii", logLevel: "silent" });
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (errors !== undefined && errors.length > 0) throw new BundleError("terser output fails the Espruino gates", errors.map(formatMessage));
    throw e;
  }
  return t.code;
}

/** Bundles `entry` as an IIFE exposing `globalName` (the helper the core-bundle test uses). */
export async function bundleForEspruino(entry: string, globalName: string): Promise<string> {
  return bundleEntryForEspruino(entry, { globalName });
}

/**
 * The generated entry of a board build: the board's definition inlined, the kind's boot call, and
 * the result set on `globalThis.meshport` (Espruino has globalThis, espruino.md 1.1) so the console
 * reaches it as `meshport.runtime` / `meshport.result`. Assigning it directly rather than through
 * esbuild's globalName keeps the export helpers (about 300 bytes) out of the bundle.
 *
 * The boot call runs from a timeout, after the bundle's top-level function has returned: an Error
 * created while that ~120 KB function is on the stack makes Espruino build a stack trace that runs
 * it out of memory (LOW_MEMORY, measured on espruino-esp32like), so a missing radio or Wifi module
 * would kill the board instead of taking the no-radio path. `meshport` is set at once with
 * `booted: false` so the console can tell a board that is still starting from one that failed.
 */
export function boardEntry(board: BoardDef, kind: BuildKind): string {
  const def = JSON.stringify(board);
  const rt = JSON.stringify(resolve(PROJECT_ROOT, "boards/runtime/main.ts"));
  const st = JSON.stringify(resolve(PROJECT_ROOT, "boards/selftest/selftest-main.ts"));
  const g = "(globalThis as unknown as Record<string, { booted: boolean; result?: unknown; runtime?: unknown }>)." + BUNDLE_GLOBAL;
  const start = (call: string, field: string): string =>
    `${g} = { booted: false };\nsetTimeout(function meshportStart() {\n  ${g}.${field} = ${call};\n  ${g}.booted = true;\n}, 0);\n`;
  if (kind === "selftest") return `import { bootSelftest } from ${st};\n` + start(`bootSelftest(${def})`, "result");
  const radio = JSON.stringify(resolve(PROJECT_ROOT, "boards/runtime/board-radio.ts"));
  const factory = board.radio.chip === "sx1262" ? "createSx1262Radio" : "createSx127xRadio";
  const imports = `import { boot } from ${rt};\nimport { ${factory} } from ${radio};\n`;
  if (kind === "node") return imports + start(`boot(${def}, ${factory}, undefined)`, "runtime");
  const links = JSON.stringify(resolve(PROJECT_ROOT, "boards/runtime/gateway-links.ts"));
  return imports + `import { createGatewayLinks } from ${links};\n` + start(`boot(${def}, ${factory}, createGatewayLinks)`, "runtime");
}

export interface BoardBundle {
  board: BoardDef;
  kind: BuildKind;
  code: string;
  bytes: number;
  jsVarsEstimate: number;
  budgetBytes: number;
}


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
  const code = await bundleEntryForEspruino(boardEntry(board, kind), { globalName: "", compact: true });
  for (let i = 0; i < code.length; i++) {
    if (code.charCodeAt(i) > 0x7f) throw new Error("bundle is not ASCII at offset " + i);
  }
  const bytes = Buffer.byteLength(code, "utf8");
  return { board, kind, code, bytes, jsVarsEstimate: estimateJsVars(bytes), budgetBytes: BUNDLE_BUDGET_BYTES[kind] };
}
