// wasm/gen/meshport-wasm.ts is generated and committed (like proto/gen). This rebuilds it from
// wasm/assembly/index.ts and the portable sources into a temporary directory with the same script
// (`make wasm`) and requires the same bytes: asc output is deterministic, so any difference means a
// shared source changed without `make wasm`.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MESHPORT_WASM_BASE64, MESHPORT_WASM_BYTES, MESHPORT_WASM_SHA256 } from "../../wasm/gen/meshport-wasm.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const COMMITTED = path.join(ROOT, "wasm/gen/meshport-wasm.ts");
const ASC = path.join(ROOT, "node_modules/assemblyscript/dist/asc.js");
const hasAsc = existsSync(ASC);

describe("wasm/gen/meshport-wasm.ts", () => {
  it("is self-consistent (size and SHA-256 of the embedded module)", () => {
    const bytes = Buffer.from(MESHPORT_WASM_BASE64, "base64");
    expect(bytes.length).toBe(MESHPORT_WASM_BYTES);
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(MESHPORT_WASM_SHA256);
  });

  it.skipIf(!hasAsc)(
    hasAsc ? "matches a fresh asc build (run `make wasm` after changing a shared source)" : "SKIPPED: AssemblyScript (asc) is not installed, cannot rebuild",
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), "meshport-wasm-"));
      try {
        execFileSync(process.execPath, [path.join(ROOT, "scripts/build-wasm.mjs"), "--out-dir", dir], { cwd: ROOT, stdio: "pipe" });
        const fresh = readFileSync(path.join(dir, "meshport-wasm.ts"), "utf8");
        const committed = readFileSync(COMMITTED, "utf8");
        if (fresh !== committed) {
          const sha = /MESHPORT_WASM_SHA256 = "([0-9a-f]+)"/.exec(fresh)?.[1];
          expect.fail("wasm/gen/meshport-wasm.ts differs from a fresh build (fresh sha256 " + sha + ", committed " + MESHPORT_WASM_SHA256 + "). Run `make wasm`.");
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
