// Names Espruino 2v29's parser reads differently from V8, checked on the final bundle text (after
// esbuild's renaming and terser), because the bundler and the minifier, not only our sources, can
// write them. Each was found on the real interpreter (espruino-esp32like; shared spec espruino.md
// 1.1b) and each runs fine in V8, so the Node sandbox cannot catch it:
//
//   keyword member   a class method, getter, setter or field named after one of Espruino's
//                    reserved words (src/jslex.h LEX_R_IF..LEX_R_OF) is `SyntaxError: Got of
//                    expected ID`. `o.of` and `{of: 1}` parse; class bodies do not.
//   keyword binding  `of`, `static`, `let` and `undefined` are words V8 lets a program use as
//                    names, and Espruino's lexer always makes tokens of them: a variable, parameter
//                    or reference named so is a SyntaxError (reading `undefined` is fine).
//   inner class name esbuild writes `X = class t { static m() { return new t() } }` for a class
//                    that names itself inside its body. Espruino does not bind `t` in the body, so
//                    `t` is whatever `t` is outside (in a minified bundle, another function).
//
// Node only (boards/bundle is exempt from the Espruino lint). Parses with the TypeScript compiler,
// already a build dependency, like hoisting-check.ts.
import ts from "typescript";

/** Espruino's reserved words, in src/jslex.h order (LEX_R_IF .. LEX_R_OF). */
export const ESPRUINO_RESERVED_WORDS = [
  "if", "else", "do", "while", "for", "break", "continue", "function", "return", "var", "let", "const", "this", "throw", "try",
  "catch", "finally", "true", "false", "null", "undefined", "new", "in", "instanceof", "switch", "case", "default", "delete",
  "typeof", "void", "debugger", "class", "extends", "super", "static", "of",
];

/** Reserved to Espruino but usable as names in V8 (the others a JS parser refuses already). */
const NAME_WORDS = new Set(["of", "static", "let", "undefined"]);
const RESERVED = new Set(ESPRUINO_RESERVED_WORDS);

function isPropertyName(n: ts.Identifier): boolean {
  const p = n.parent;
  return (
    (ts.isPropertyAccessExpression(p) && p.name === n) ||
    (ts.isPropertyAssignment(p) && p.name === n) ||
    ((ts.isMethodDeclaration(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isPropertyDeclaration(p)) && p.name === n)
  );
}

function isDeclarationName(n: ts.Identifier): boolean {
  const p = n.parent;
  return (
    ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isClassLike(p) || ts.isBindingElement(p)) && p.name === n) ||
    (ts.isCatchClause(p.parent) && ts.isVariableDeclaration(p))
  );
}

function where(sf: ts.SourceFile, n: ts.Node): string {
  const at = n.getStart(sf);
  const text = sf.text;
  return "at " + at + ": " + text.substring(Math.max(0, at - 40), Math.min(text.length, at + 40)).replace(/\s+/g, " ");
}

/** True when `name` is read inside `body` (property names and nested re-declarations aside). */
function refersTo(name: string, cls: ts.ClassExpression): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isIdentifier(n) && n.text === name && n !== cls.name && !isPropertyName(n)) found = true;
    else ts.forEachChild(n, visit);
  };
  for (const m of cls.members) visit(m);
  if (cls.heritageClauses !== undefined) for (const h of cls.heritageClauses) visit(h);
  return found;
}

/** One line per construct Espruino parses differently from V8; empty when the bundle is clear. */
export function espruinoNameHazards(code: string): string[] {
  const sf = ts.createSourceFile("bundle.js", code, ts.ScriptTarget.ES2020, true, ts.ScriptKind.JS);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isClassLike(n)) {
      for (const m of n.members) {
        if (m.name !== undefined && ts.isIdentifier(m.name) && RESERVED.has(m.name.text)) out.push("class member named after the Espruino keyword '" + m.name.text + "' " + where(sf, m));
      }
      if (ts.isClassExpression(n) && n.name !== undefined && refersTo(n.name.text, n))
        out.push("class expression refers to its inner name '" + n.name.text + "', which Espruino does not bind " + where(sf, n));
    } else if (ts.isIdentifier(n) && NAME_WORDS.has(n.text) && !isPropertyName(n)) {
      if (n.text !== "undefined" || isDeclarationName(n)) out.push("name '" + n.text + "' is a keyword to Espruino " + where(sf, n));
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}
