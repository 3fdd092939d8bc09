// Lint: TypeScript rules everywhere, plus the Espruino subset (ARCHITECTURE.md "Portable subsets",
// shared spec espruino.md section 1) on the code that must run on the boards: firmware/ (except the
// Node adapters) and boards/ (except the bundler, boards/bundle, which runs in Node). esbuild already fails the board build on destructuring, default/rest
// parameters, spread, generators and async; these rules catch what esbuild lets through.
import { readFileSync } from "node:fs";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const espruinoSyntax = [
  { selector: "ObjectPattern", message: "Espruino has no destructuring." },
  { selector: "ArrayPattern", message: "Espruino has no destructuring." },
  { selector: "AssignmentPattern", message: "Espruino has no default parameters." },
  { selector: "RestElement", message: "Espruino has no rest parameters." },
  // Object spread runs on Espruino once esbuild lowers it, but the helpers cost about 400 bytes of
  // every board bundle and a defineProperty per key; Object.assign is native there.
  { selector: "ObjectExpression > SpreadElement", message: "Use Object.assign: object spread lowers to esbuild helpers (about 400 bytes on a board)." },
  { selector: "ArrayExpression > SpreadElement", message: "Espruino has no array spread." },
  { selector: "CallExpression > SpreadElement", message: "Espruino has no spread arguments." },
  { selector: "NewExpression > SpreadElement", message: "Espruino has no spread arguments." },
  { selector: ":function[async=true]", message: "Espruino has no async/await." },
  { selector: ":function[generator=true]", message: "Espruino has no generators." },
  { selector: "Property[computed=true]", message: "Espruino has no computed keys." },
  { selector: "MethodDefinition[computed=true]", message: "Espruino has no computed keys." },
  { selector: "PrivateIdentifier", message: "#private is lowered to WeakMap, which Espruino lacks." },
  { selector: "LabeledStatement", message: "Espruino has no labels." },
  { selector: "TaggedTemplateExpression", message: "Espruino has no tagged templates." },
  { selector: "BinaryExpression[operator='**']", message: "'**' becomes an imprecise Math.pow on Espruino." },
  { selector: "AssignmentExpression[operator='**=']", message: "'**' becomes an imprecise Math.pow on Espruino." },
  { selector: "ClassDeclaration[superClass.name=/^(Error|Array|Map|Set|Promise|TypeError|RangeError)$/]", message: "Espruino cannot extend built-ins." },
  { selector: "Literal[bigint]", message: "Espruino has no BigInt." },
  { selector: "Literal[regex]", message: "Espruino's regex support is partial and fails silently; parse by hand." },
  { selector: "TSEnumDeclaration", message: "Use a const object instead of an enum in the portable core." },
  { selector: "ForOfStatement", message: "Use an index loop: for...of over non-arrays needs iterators Espruino lacks." },
];

// What the real interpreter lacks (probed; boards/bundle/espruino-builtins.ts), plus what the
// portable core must not use even where Espruino has it (host APIs, nondeterminism).
const espruinoMissing = JSON.parse(readFileSync(new URL("./boards/bundle/espruino-missing.json", import.meta.url), "utf8"));
const notAllowed = ["TextEncoder", "TextDecoder", "Buffer", "process", "console", "require", "setTimeout", "setInterval"];
const espruinoGlobals = [...new Set([...espruinoMissing.globals, ...notAllowed])].map((name) => ({
  name,
  message: "Not available (or not allowed) in the portable core: " + name + ".",
}));

const espruinoProperties = [
  ...espruinoMissing.statics.map((s) => s.split(".")),
  // Present on Espruino, but not allowed in the portable core (nondeterministic; the host supplies them).
  ["Math", "random"],
  ["Date", "now"],
].map(([object, property]) => ({ object, property, message: "Not available (or not allowed) in the portable core." }));

export default tseslint.config(
  { ignores: ["node_modules/**", "dist/**", "proto/gen/**", "coverage/**", ".scratch/**", "sim-out/**"] },
  {
    // Runs on the real Espruino interpreter as Storage file .boot0 (test/boards/real): Espruino's globals.
    files: ["test/boards/real/fake-board.js"],
    languageOptions: {
      sourceType: "script",
      globals: { FAKE: "readonly", global: "readonly", SPI1: "readonly", Modules: "readonly", getTime: "readonly", setTimeout: "readonly", setInterval: "readonly" },
    },
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: "readonly", process: "readonly", Buffer: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["firmware/**/*.ts", "boards/**/*.ts"],
    ignores: ["firmware/platform/node/**", "boards/bundle/**"],
    rules: {
      "no-restricted-syntax": ["error", ...espruinoSyntax],
      "no-restricted-globals": ["error", ...espruinoGlobals],
      "no-restricted-properties": ["error", ...espruinoProperties],
      // Espruino does not hoist function declarations: define before use.
      "@typescript-eslint/no-use-before-define": ["error", { functions: true, classes: true, variables: true }],
      "no-loop-func": "error",
    },
  },
);
