// Espruino does not hoist (shared spec espruino.md section 1.1): a function declaration is defined
// when execution reaches it, and a `var` when its statement runs, so `f(); function f() {}` and a
// `var` read after a branch that never ran both throw ReferenceError on the board while V8 (and
// so the Node sandbox) runs them. The source lint (no-use-before-define) guards what we write; this
// check guards what the bundler and terser write, on the final bundle text.
//
// Node only (boards/bundle is exempt from the Espruino lint). Parses with the TypeScript compiler,
// already a build dependency.
import ts from "typescript";

function isFunctionLike(n: ts.Node): boolean {
  return ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n) || ts.isClassLike(n) || ts.isAccessor(n) || ts.isConstructorDeclaration(n);
}

/** Identifiers a statement reads while it runs: nested functions and classes run later, property names are not references. */
function eagerReferences(stmt: ts.Statement): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (n !== stmt && isFunctionLike(n)) return;
    if (ts.isIdentifier(n)) {
      const p = n.parent;
      const isPropertyName =
        (ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n) || (ts.isMethodDeclaration(p) && p.name === n);
      if (!isPropertyName) out.push(n.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(stmt);
  return out;
}

function checkStatements(sf: ts.SourceFile, stmts: readonly ts.Statement[], hazards: string[]): void {
  const declaredAt = new Map<string, number>();
  stmts.forEach((s, i) => {
    if (ts.isFunctionDeclaration(s) && s.name !== undefined) declaredAt.set(s.name.text, i);
  });
  if (declaredAt.size === 0) return;
  stmts.forEach((s, i) => {
    if (ts.isFunctionDeclaration(s)) return;
    for (const name of eagerReferences(s)) {
      const at = declaredAt.get(name);
      if (at !== undefined && at > i) hazards.push("function " + name + " is used before its declaration: " + snippet(sf, s));
    }
  });
}

function snippet(sf: ts.SourceFile, n: ts.Node): string {
  return sf.text.slice(n.getStart(sf), n.getStart(sf) + 80);
}

/** A `var` statement is safe at the top of a program or directly in a function body. */
function isSafeVarPlace(stmt: ts.VariableStatement): boolean {
  const p = stmt.parent;
  return ts.isSourceFile(p) || (ts.isBlock(p) && isFunctionLike(p.parent));
}

/**
 * A `var` in a function body read or assigned by an earlier statement of that body: Espruino
 * creates the variable only when its statement runs, so the earlier `x = ...` assigns the enclosing
 * scope's `x` (terser's inliner writes `return (i = f(t)) * i; var i`; seen overwriting a
 * top-level function on the real interpreter). A parameter of the same name is the same variable.
 */
function checkLateVars(sf: ts.SourceFile, body: ts.Block, hazards: string[]): void {
  const fn = body.parent as ts.SignatureDeclaration;
  const params = new Set<string>();
  for (const p of fn.parameters) if (ts.isIdentifier(p.name)) params.add(p.name.text);
  const stmts = body.statements;
  stmts.forEach((s, i) => {
    if (!ts.isVariableStatement(s) || (s.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) !== 0) return;
    for (const d of s.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || params.has(d.name.text)) continue;
      const name = d.name.text;
      for (let j = 0; j < i; j++) {
        // A function declared earlier runs later (it is checked as its own body).
        if (ts.isFunctionDeclaration(stmts[j]) || ts.isClassDeclaration(stmts[j])) continue;
        if (eagerReferences(stmts[j]).indexOf(name) >= 0) {
          hazards.push("var " + name + " is used before its declaration: " + snippet(sf, stmts[j]));
          break;
        }
      }
    }
  });
}

/** Everything in `code` that relies on hoisting, one line each (empty when none). */
export function hoistingHazards(code: string): string[] {
  const sf = ts.createSourceFile("bundle.js", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const hazards: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isSourceFile(n) || ts.isBlock(n) || ts.isModuleBlock(n) || ts.isCaseClause(n) || ts.isDefaultClause(n)) checkStatements(sf, n.statements, hazards);
    if (ts.isBlock(n) && isFunctionLike(n.parent)) checkLateVars(sf, n, hazards);
    if (ts.isVariableStatement(n) && (n.declarationList.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const)) === 0 && !isSafeVarPlace(n)) {
      hazards.push("var inside a nested block: " + snippet(sf, n));
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return hazards;
}
