// Which ECMAScript built-ins Espruino 2v29 (ESP32 configuration) lacks, as the real interpreter
// answers: the candidates are what TypeScript's locked ES2022 library declares (so the list does not
// change with the Node that runs the build), the probe is a program run on espruino-esp32like, and
// the answer is committed as espruino-missing.json (scripts/probe-espruino-builtins.ts writes it;
// test/boards/real/builtins-real.test.ts re-probes and fails when reality and the file differ).
//
// Three places read the file: the Node sandbox deletes every missing member before running a
// bundle (test/support/espruino-sandbox.ts), eslint.config.js bans the missing globals and static
// members in firmware/ and boards/, and this header is the one place that says why.
//
// Prototype members are probed on an instance (`[].at`, `"".padEnd`): on Espruino
// `Array.prototype.x` is undefined for built-in methods that instances do have (espruino.md 1.1).
//
// Node only (boards/bundle is exempt from the Espruino lint).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** Static members probed: interface name in the TS library -> the global that holds them. */
const STATIC_INTERFACES: Record<string, string> = {
  Math: "Math",
  NumberConstructor: "Number",
  ObjectConstructor: "Object",
  ArrayConstructor: "Array",
  StringConstructor: "String",
  PromiseConstructor: "Promise",
  JSON: "JSON",
  ArrayBufferConstructor: "ArrayBuffer",
  Uint8ArrayConstructor: "Uint8Array",
  DateConstructor: "Date",
};

/** Prototype members probed: interface name -> an expression giving an instance. */
const INSTANCE_INTERFACES: Record<string, { name: string; instance: string }> = {
  Array: { name: "Array", instance: "[]" },
  String: { name: "String", instance: '""' },
  Number: { name: "Number", instance: "(1)" },
  Function: { name: "Function", instance: "(function(){})" },
  Promise: { name: "Promise", instance: "Promise.resolve()" },
  Uint8Array: { name: "Uint8Array", instance: "new Uint8Array(1)" },
  ArrayBuffer: { name: "ArrayBuffer", instance: "new ArrayBuffer(1)" },
  DataView: { name: "DataView", instance: "new DataView(new ArrayBuffer(4))" },
  RegExp: { name: "RegExp", instance: "new RegExp('a')" },
  Date: { name: "Date", instance: "new Date(0)" },
  Error: { name: "Error", instance: "new Error('x')" },
  Object: { name: "Object", instance: "({})" },
};

/** The committed answer (see the header). */
export interface EspruinoMissing {
  interpreter: string;
  /** Global names (`Map`, `Symbol`). */
  globals: string[];
  /** `Math.fround`, `Number.isInteger`. */
  statics: string[];
  /** `Array.prototype.at`, `String.prototype.padEnd`. */
  prototype: string[];
}

export const ESPRUINO_MISSING_FILE = join(dirname(fileURLToPath(import.meta.url)), "espruino-missing.json");

export function committedMissing(): EspruinoMissing {
  return JSON.parse(readFileSync(ESPRUINO_MISSING_FILE, "utf8")) as EspruinoMissing;
}

function libFiles(): ts.SourceFile[] {
  const dir = dirname(ts.getDefaultLibFilePath({}));
  const out: ts.SourceFile[] = [];
  const seen = new Set<string>();
  const add = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const sf = ts.createSourceFile(name, readFileSync(join(dir, name), "utf8"), ts.ScriptTarget.ES2022, false);
    // Follow /// <reference lib="..." /> from lib.es2022.d.ts down to lib.es5.d.ts.
    for (const r of sf.libReferenceDirectives) add("lib." + r.fileName.toLowerCase() + ".d.ts");
    out.push(sf);
  };
  add("lib.es2022.d.ts");
  return out;
}

function memberName(m: ts.TypeElement): string | undefined {
  if (m.name === undefined) return undefined;
  if (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name)) return m.name.text;
  return undefined;
}

/** Names to probe, per kind, from the ES2022 library declarations. */
export function builtinCandidates(): { globals: string[]; statics: string[]; prototype: { name: string; instance: string; member: string }[] } {
  const globals = new Set<string>();
  const statics = new Set<string>();
  const proto = new Map<string, { name: string; instance: string; member: string }>();
  for (const sf of libFiles()) {
    for (const st of sf.statements) {
      if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) globals.add(d.name.text);
      if (ts.isFunctionDeclaration(st) && st.name !== undefined) globals.add(st.name.text);
      if (!ts.isInterfaceDeclaration(st)) continue;
      const holder = STATIC_INTERFACES[st.name.text];
      const inst = INSTANCE_INTERFACES[st.name.text];
      for (const m of st.members) {
        const n = memberName(m);
        if (n === undefined || n === "prototype" || n === "constructor") continue;
        if (holder !== undefined) statics.add(holder + "." + n);
        if (inst !== undefined) proto.set(inst.name + ".prototype." + n, { name: inst.name, instance: inst.instance, member: n });
      }
    }
  }
  return { globals: [...globals].sort(), statics: [...statics].sort(), prototype: [...proto.keys()].sort().map((k) => proto.get(k)!) };
}

/** An Espruino program that prints `MISSING=<json>` listing the candidates it lacks. */
export function probeProgram(): string {
  const c = builtinCandidates();
  const lines = ["var m={globals:[],statics:[],prototype:[]};", "function t(f){try{return f()!==undefined}catch(e){return false}}"];
  for (const g of c.globals) lines.push(`if(!t(function(){return typeof ${g}==="undefined"?undefined:1}))m.globals.push(${JSON.stringify(g)});`);
  for (const s of c.statics) {
    const dot = s.indexOf(".");
    const holder = s.substring(0, dot);
    lines.push(`if(!t(function(){return ${holder}[${JSON.stringify(s.substring(dot + 1))}]}))m.statics.push(${JSON.stringify(s)});`);
  }
  for (const p of c.prototype) lines.push(`if(!t(function(){return ${p.instance}[${JSON.stringify(p.member)}]}))m.prototype.push(${JSON.stringify(p.name + ".prototype." + p.member)});`);
  lines.push('print("MISSING="+JSON.stringify(m)+" V="+process.version);');
  return lines.join("\n") + "\n";
}

/** The probe's answer from the interpreter's output, or undefined when it did not print one. */
export function parseProbe(output: string): { globals: string[]; statics: string[]; prototype: string[] } | undefined {
  const m = /MISSING=(\{[^\r\n]*\}) V=/.exec(output);
  return m === null ? undefined : (JSON.parse(m[1]) as { globals: string[]; statics: string[]; prototype: string[] });
}
