// Every board x build kind bundles with the Espruino gates, stays ASCII, and fits its size budget;
// the gates fail the build on syntax Espruino cannot run; non-ASCII literals survive as escapes.
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { BOARDS } from "../../../boards/defs/index.js";
import {
  BUILD_KINDS,
  BundleError,
  JSVARS_BYTES_PER_VAR,
  boardEntry,
  buildBoardBundle,
  bundleEntryForEspruino,
} from "../../../boards/bundle/build-bundle.js";

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

  it("keeps non-ASCII string literals as escapes that evaluate to the same text", async () => {
    const code = await bundleEntryForEspruino('export const s = "caf\u00e9 \u20ac \u{1F600}";', { globalName: "t" });
    expect(isAscii(code)).toBe(true);
    expect(code).toMatch(/\\u20AC|\\u20ac/);
    const ctx: Record<string, any> = {};
    runInNewContext(code, ctx);
    expect(ctx.t.s).toBe("caf\u00e9 \u20ac \u{1F600}");
  });
});
