// Property names a board bundle must keep when esbuild renames properties (mangleProps).
//
// Renaming is consistent inside one bundle, so `a.hopLimit` and `{ hopLimit }` both become `a.x`;
// it breaks only where a name meets something outside the bundle's own code, or is read from a
// string. Protobuf field names are not on the list: the schema tables name fields with object keys
// (firmware/wire/schemas.ts), renamed with the code, and the generic codec reads `m[field.name]`
// with the renamed name. Each source below is one place where a name must stay, derived from the
// code it protects so it cannot fall behind:
//
//   built-ins      the JS engine's objects (Uint8Array#subarray, String#charCodeAt, ...): every
//                  member TypeScript's ECMAScript library declares, a superset of Espruino's.
//   espruino       Espruino's own API and option objects (E.toString, SPI1.setup({sck}), Wifi,
//                  net, Storage, crypto): every member named in boards/runtime/espruino-globals.d.ts.
//   JSON data      the board definition (inlined as JSON, quoted keys) and the Storage
//                  configuration (written by `meshport board flash`): BoardDef keys and the
//                  StoredConfig interfaces of boards/runtime/board-config.ts.
//   name lookups   tables indexed by a name read from the configuration: RegionCode and ModemPreset
//                  (board-config.ts regionCodeOf / presetCodeOf). A new by-name lookup adds its
//                  table here.
//   console        what a user reads or calls at the Espruino console through `meshport.runtime`:
//                  Runtime (status(), sendText()), BoardStatus and every *Stats interface it
//                  returns. Deeper objects (runtime.driver.node...) are reachable but renamed.
//
// This file runs in Node at build time only (boards/bundle is exempt from the Espruino lint).
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import ts from "typescript";
import { ModemPreset } from "../../firmware/mesh/modem-preset.js";
import { RegionCode } from "../../firmware/mesh/regions.js";
import { BOARDS } from "../defs/index.js";

/** Source files whose declarations name reserved properties, relative to the project root. */
const ESPRUINO_API_FILE = "boards/runtime/espruino-globals.d.ts";
const STORED_CONFIG = { file: "boards/runtime/board-config.ts", interfaces: ["StoredConfig", "StoredWifi", "StoredBroker", "StoredChannel"] };
/** Console surface: the interfaces of `meshport.runtime` and of what status() answers. */
const CONSOLE_SURFACE: { file: string; declarations: string[] }[] = [
  { file: "boards/runtime/main.ts", declarations: ["Runtime"] },
  { file: "boards/runtime/board-status.ts", declarations: ["BoardStatus", "NetStats"] },
];
/** Files whose `interface *Stats` members stay readable (counters a user inspects on the board). */
const STATS_FILES = [
  "boards/runtime/espruino-driver.ts",
  "firmware/mesh/router-drops.ts",
  "firmware/mesh/tx-queue.ts",
  "firmware/mesh/packet-history.ts",
  "firmware/gateway/mqtt-module.ts",
  "firmware/mqtt/client.ts",
  "firmware/mqtt/mqtt-parser.ts",
];
/** What the entry sets on globalThis (build-bundle.ts boardEntry): `meshport.booted`, `.runtime`, `.result`. */
const ENTRY_EXPORTS = ["meshport", "booted", "runtime", "result"];

export interface ReservedProps {
  names: Set<string>;
  /** Names per source, for the report and the tests. */
  bySource: Record<string, string[]>;
}

function parse(root: string, file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(resolve(root, file), "utf8"), ts.ScriptTarget.ES2022, true);
}

function nameText(n: ts.PropertyName | undefined): string | undefined {
  if (n === undefined) return undefined;
  if (ts.isIdentifier(n) || ts.isStringLiteral(n)) return n.text;
  return undefined;
}

/** Member names of the named top-level interfaces. */
function interfaceMembers(sf: ts.SourceFile, names: (n: string) => boolean): string[] {
  const out: string[] = [];
  for (const st of sf.statements) {
    if (!ts.isInterfaceDeclaration(st) || !names(st.name.text)) continue;
    for (const m of st.members) {
      const n = nameText(m.name);
      if (n !== undefined) out.push(n);
    }
  }
  return out;
}

/** Every member name anywhere in a declaration file: interface members and object-type members (option bags). */
function allMemberNames(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isPropertySignature(n) || ts.isMethodSignature(n)) {
      const name = nameText(n.name);
      if (name !== undefined) out.push(name);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/**
 * Members of the ECMAScript library as TypeScript declares it (lib.es5.d.ts, lib.es2015.*.d.ts, ...
 * up to esnext): a superset of Espruino's built-ins that depends only on the locked TypeScript
 * version, so the bundle is the same whichever Node builds it.
 */
function builtinNames(): string[] {
  const dir = dirname(ts.getDefaultLibFilePath({}));
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((n) => /^lib\.es(5|next|20\d\d)[\w.]*\.d\.ts$/.test(n)).sort()) {
    for (const n of allMemberNames(ts.createSourceFile(f, readFileSync(join(dir, f), "utf8"), ts.ScriptTarget.ES2022, false))) out.push(n);
  }
  return out;
}

function jsonKeys(v: unknown, out: string[]): string[] {
  if (v !== null && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      jsonKeys(x, out);
    }
  }
  return out;
}

/** The reserved property names of a board bundle (see the header for each source). */
export function reservedProps(root: string): ReservedProps {
  const bySource: Record<string, string[]> = {
    builtins: builtinNames(),
    espruino: allMemberNames(parse(root, ESPRUINO_API_FILE)),
    boardDefinition: jsonKeys(BOARDS, []),
    storedConfig: interfaceMembers(parse(root, STORED_CONFIG.file), (n) => STORED_CONFIG.interfaces.indexOf(n) >= 0),
    nameLookups: Object.keys(RegionCode).concat(Object.keys(ModemPreset)),
    console: ENTRY_EXPORTS.concat(
      ...CONSOLE_SURFACE.map((s) => interfaceMembers(parse(root, s.file), (n) => s.declarations.indexOf(n) >= 0)),
      ...STATS_FILES.map((f) => interfaceMembers(parse(root, f), (n) => /Stats$/.test(n))),
    ),
  };
  const names = new Set<string>();
  for (const k of Object.keys(bySource)) {
    bySource[k] = [...new Set(bySource[k])].sort();
    for (const n of bySource[k]) names.add(n);
  }
  return { names, bySource };
}

/** esbuild's reserveProps: an anchored alternation of the reserved names that are identifiers. */
export function reservePropsPattern(r: ReservedProps): RegExp {
  const ids = [...r.names].filter((n) => /^[A-Za-z_$][\w$]*$/.test(n)).sort();
  return new RegExp("^(?:" + ids.map((n) => n.replace(/\$/g, "\\$")).join("|") + ")$");
}
