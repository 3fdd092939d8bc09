// The lint rules that stand in for the Espruino interpreter: each forbidden construct, placed in a
// firmware/ file, must be reported; the same code in cli/ (ordinary Node TypeScript) must not.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => m.ruleId ?? m.message);
}

const forbidden: [string, string][] = [
  ["destructuring", "export function f(o: { a: number }): number { const { a } = o; return a; }"],
  ["default parameter", "export function f(a = 1): number { return a; }"],
  ["rest parameter", "export function f(...a: number[]): number { return a.length; }"],
  ["array spread", "export function f(a: number[]): number[] { return [...a]; }"],
  ["object spread", "export function f(o: { a: number }): { a: number } { return { ...o }; }"],
  ["call spread", "export function f(a: number[]): number { return Math.max(...a); }"],
  ["async", "export async function f(): Promise<number> { return 1; }"],
  ["generator", "export function* f(): Generator<number> { yield 1; }"],
  ["Map", "export const m = new Map<string, number>();"],
  ["TextEncoder", "export const e = new TextEncoder();"],
  ["Math.imul", "export const x = Math.imul(3, 4);"],
  ["Array.from", "export const x = Array.from([1]);"],
  ["computed key", "const k = 'a'; export const o = { [k]: 1 };"],
  ["exponent", "export const x = 2 ** 8;"],
  ["BigInt literal", "export const x = 10n;"],
  ["label", "export function f(): void { outer: for (let i = 0; i < 2; i++) { break outer; } }"],
  ["extends Error", "export class E extends Error {}"],
  ["use before define", "export function f(): number { return g(); }\nfunction g(): number { return 1; }"],
  ["Date.now", "export const t = Date.now();"],
  ["Math.random", "export const r = Math.random();"],
];

describe("Espruino subset lint", () => {
  for (const [what, code] of forbidden) {
    it(`reports ${what} in firmware/`, async () => {
      expect((await ruleIds(code, "firmware/mesh/example.ts")).length).toBeGreaterThan(0);
    });
  }

  it("reports in boards/ too", async () => {
    expect(await ruleIds("export const m = new Set<number>();", "boards/example.ts")).toContain("no-restricted-globals");
  });

  it("does not apply to the Node platform adapters, the board bundler or cli/", async () => {
    const code = "export function f(o: { a: number }): number { const { a } = o; return new Map([[a, 1]]).size; }";
    expect(await ruleIds(code, "boards/bundle/example.ts")).toEqual([]);
    expect(await ruleIds(code, "firmware/platform/node/example.ts")).toEqual([]);
    expect(await ruleIds(code, "cli/example.ts")).toEqual([]);
  });

  it("allows Object.assign, the way to copy an object there", async () => {
    expect(await ruleIds("export function f(o: { a: number }): { a: number } { return Object.assign({}, o); }", "firmware/mesh/example.ts")).toEqual([]);
  });

  it("accepts the portable style", async () => {
    const code = "export function f(b: Uint8Array): number { let s = 0; for (let i = 0; i < b.length; i++) s = (s + b[i]) & 0xff; return s; }";
    expect(await ruleIds(code, "firmware/mesh/example.ts")).toEqual([]);
  });
});
