// Every board x build kind bundles with the Espruino gates, stays ASCII, and fits its size budget;
// the gates fail the build on syntax Espruino cannot run; non-ASCII literals survive as escapes.
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { BOARDS } from "../../../boards/defs/index.js";
import {
  BUILD_KINDS,
  BundleError,
  JSVARS_BYTES_PER_VAR,
  PROJECT_ROOT,
  boardEntry,
  buildBoardBundle,
  bundleEntryForEspruino,
  compactForBoard,
} from "../../../boards/bundle/build-bundle.js";
import { reservePropsPattern, reservedProps } from "../../../boards/bundle/reserved-props.js";
import { espruinoNameHazards } from "../../../boards/bundle/espruino-names-check.js";
import { hoistingHazards } from "../../../boards/bundle/hoisting-check.js";

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

describe("board bundles", () => {
  for (const board of BOARDS) {
    for (const kind of BUILD_KINDS) {
      it(`${board.id} ${kind}: builds, ASCII, within its budget`, async () => {
        const b = await buildBoardBundle(board.id, kind);
        expect(isAscii(b.code)).toBe(true);
        expect(b.jsVarsEstimate).toBe(Math.ceil(b.bytes / JSVARS_BYTES_PER_VAR));
        // Only Espruino built-ins stay require() calls.
        const required = [...b.code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
        for (const r of required) expect(["net", "Wifi", "Storage", "crypto"]).toContain(r);
        expect(b.bytes, `${board.id} ${kind} is ${b.bytes} bytes, budget ${b.budgetBytes}`).toBeLessThanOrEqual(b.budgetBytes);
      });
    }
  }

  it("inlines the board's pins and picks its chip's driver only", () => {
    const heltec = BOARDS.find((b) => b.id === "heltec-v3")!;
    const t3 = BOARDS.find((b) => b.id === "t3-v1.6")!;
    expect(boardEntry(heltec, "gateway")).toContain('"nss":8');
    expect(boardEntry(heltec, "gateway")).toContain("createSx1262Radio");
    expect(boardEntry(t3, "node")).toContain("createSx127xRadio");
    expect(boardEntry(t3, "selftest")).toContain("bootSelftest");
  });

  it("fails with a clear error on destructuring", async () => {
    const attempt = bundleEntryForEspruino("export const f = (o: { a: number }) => { const { a } = o; return a; };", { globalName: "t" });
    await expect(attempt).rejects.toBeInstanceOf(BundleError);
    await expect(attempt).rejects.toThrow(/Espruino bundle failed:[\s\S]*destructuring/);
  });

  it("fails with a clear error on a default parameter, rest parameter and async", async () => {
    await expect(bundleEntryForEspruino("export function f(a = 1) { return a; }", { globalName: "t" })).rejects.toThrow(/default argument|default-argument/i);
    await expect(bundleEntryForEspruino("export function f(...a: number[]) { return a.length; }", { globalName: "t" })).rejects.toThrow(/rest argument|rest-argument/i);
    await expect(bundleEntryForEspruino("export async function f() { return 1; }", { globalName: "t" })).rejects.toThrow(/async/i);
  });

  it("fails on code that needs hoisting, which Espruino does not do (espruino.md 1.1)", async () => {
    // A function called before its declaration runs in V8 (and the sandbox) but not on the board.
    await expect(bundleEntryForEspruino("export const x = f();\nfunction f() { return 1; }\n", { globalName: "t" })).rejects.toThrow(
      /relies on hoisting[\s\S]*function \w+ is used before its declaration/,
    );
    // A var declared in a branch that may not run is never declared on the board.
    await expect(bundleEntryForEspruino("export function g(b: boolean) { if (b) { var y = 1; } return y; }\n", { globalName: "t", minify: false })).rejects.toThrow(
      /relies on hoisting[\s\S]*var inside a nested block/,
    );
    // Calls from a function body run later, after every declaration: fine.
    await expect(bundleEntryForEspruino("export function ok() { return h(); }\nfunction h() { return 2; }\n", { globalName: "t" })).resolves.toContain("return");
  });

  it("refuses a var assigned before its declaration in the same function (terser's inliner writes them)", () => {
    // On Espruino `i = ...` here assigns the enclosing scope's i: the var does not exist yet.
    expect(hoistingHazards("function f(t){return (i=t>0?t:1)*i;var i}")).toEqual([expect.stringMatching(/^var i is used before its declaration/)]);
    // The same name as a parameter is the parameter: fine; so is a declaration before the use.
    expect(hoistingHazards("function f(i){return (i=i>0?i:1)*i;var i}")).toEqual([]);
    expect(hoistingHazards("function f(t){var i=t;return i*i}")).toEqual([]);
  });

  it("refuses names Espruino's parser reads differently from V8 (found on the real interpreter)", () => {
    expect(espruinoNameHazards("class A { static of(x) { return x } }")).toEqual([expect.stringMatching(/class member named after the Espruino keyword 'of'/)]);
    expect(espruinoNameHazards("var of = [1]; print(of)")).toHaveLength(2);
    expect(espruinoNameHazards("var A = class t { static m() { return new t() } }")).toEqual([expect.stringMatching(/refers to its inner name 't'/)]);
    // Property accesses and object keys named `of` parse; reading `undefined` is fine.
    expect(espruinoNameHazards("var o = { of: 1 }; o.of = 2; var u = undefined; var B = class { m() { return 1 } }")).toEqual([]);
  });

  it("board builds never name anything after an Espruino keyword, whatever the minifiers choose", async () => {
    for (const kind of BUILD_KINDS) {
      const b = await buildBoardBundle("t3-v1.6", kind);
      expect(espruinoNameHazards(b.code)).toEqual([]);
      expect(hoistingHazards(b.code)).toEqual([]);
    }
  });

  it("compact builds: terser output goes through the Espruino gates again", async () => {
    // A construct the gates refuse that terser leaves as it is: the re-check must catch it.
    await expect(compactForBoard("var o={a:1};var {a}=o;console.log(a);")).rejects.toThrow(/terser output fails the Espruino gates[\s\S]*destructuring/);
    expect(await compactForBoard("var x = { alpha: 1 }; console.log(x.alpha + 1);")).toBe("var x={alpha:1};console.log(x.alpha+1);");
  });

  it("compact builds rename internal properties and keep the reserved ones", async () => {
    const b = await buildBoardBundle("heltec-v3", "gateway");
    // Internal names (private members, protobuf fields: the schema tables name them with object
    // keys, renamed with the code) are gone...
    for (const internal of ["ourRelayByte", "pendingSubFilters", "connectBytes", "busyUntil", "hopLimit", "transportMechanism", "wantResponse"]) expect(b.code).not.toContain(internal);
    // ...while Espruino API names, Storage configuration keys, name-lookup tables and the console
    // surface keep theirs.
    for (const kept of ["toUint8Array", "writeJSON", "setup", "nodeNum", "EU_868", "LONG_FAST", "status", "sendText", "subAcks", "radioRx"]) {
      expect(b.code, kept).toContain(kept);
    }
  });

  it("reserved names come from each source the header of reserved-props.ts lists", () => {
    const r = reservedProps(PROJECT_ROOT);
    expect(r.bySource.builtins).toEqual(expect.arrayContaining(["subarray", "charCodeAt", "fromCharCode", "length", "push", "hasOwnProperty"]));
    expect(r.bySource.espruino).toEqual(expect.arrayContaining(["toString", "toUint8Array", "hwRand", "setup", "send", "sck", "connect", "password", "readJSON", "encrypt", "mode", "log"]));
    expect(r.bySource.boardDefinition).toEqual(expect.arrayContaining(["radio", "nss", "busy", "dio2AsRfSwitch", "defaultRegion"]));
    expect(r.bySource.storedConfig).toEqual(["deviceRole", "host", "longName", "mqtt", "name", "nodeNum", "password", "port", "preset", "primaryChannel", "pskBase64", "region", "root", "shortName", "ssid", "useTls", "username", "v", "wifi"]);
    expect(r.bySource.nameLookups).toEqual(expect.arrayContaining(["US", "EU_868", "LONG_FAST", "SHORT_TURBO"]));
    expect(r.bySource.console).toEqual(expect.arrayContaining(["runtime", "status", "sendText", "mqttConnected", "radioRx", "subAcks", "uplinked", "recorded"]));
    // Private members stay renameable.
    expect(r.names.has("ourRelayByte")).toBe(false);
    expect(reservePropsPattern(r).test("subAcks")).toBe(true);
    expect(reservePropsPattern(r).test("ourRelayByte")).toBe(false);
  });

  it("keeps non-ASCII string literals as escapes that evaluate to the same text", async () => {
    const code = await bundleEntryForEspruino('export const s = "caf\u00e9 \u20ac \u{1F600}";', { globalName: "t" });
    expect(isAscii(code)).toBe(true);
    expect(code).toMatch(/\\u20AC|\\u20ac/);
    const ctx: Record<string, any> = {};
    runInNewContext(code, ctx);
    expect(ctx.t.s).toBe("caf\u00e9 \u20ac \u{1F600}");
  });
});
