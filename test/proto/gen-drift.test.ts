// Fails when proto/gen is not what `buf generate` produces from proto/ today
// (edited .proto without regenerating, hand-edited or stale generated files).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "node_modules", ".bin");
const COMMITTED = join(ROOT, "proto", "gen");
const BUF_TIMEOUT_MS = 50_000;

/** Relative paths of all files below dir (sorted; empty if dir is missing). */
function listFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"))
    .sort();
}

const scratch = mkdtempSync(join(tmpdir(), "meshport-buf-gen-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("proto/gen", () => {
  it("matches a fresh `buf generate`", () => {
    // buf.gen.yaml writes to proto/gen; --output moves that base into scratch.
    const run = spawnSync(join(BIN, "buf"), ["generate", "--output", scratch], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${BIN}${delimiter}${process.env["PATH"] ?? ""}` },
      encoding: "utf8",
      timeout: BUF_TIMEOUT_MS,
    });
    const how = run.error ? String(run.error) : `exit ${run.status}${run.signal ? `, ${run.signal}` : ""}`;
    expect(run.status, `buf generate failed (${how}):\n${run.stdout}${run.stderr}`).toBe(0);

    const fresh = join(scratch, "proto", "gen");
    const expected = listFiles(fresh);
    const actual = listFiles(COMMITTED);
    expect(expected.length, "buf generate produced no files").toBeGreaterThan(0);

    const missing = expected.filter((f) => !actual.includes(f));
    const extra = actual.filter((f) => !expected.includes(f));
    const differing = expected.filter(
      (f) => actual.includes(f) && !readFileSync(join(fresh, f)).equals(readFileSync(join(COMMITTED, f))),
    );
    const report = [
      ...missing.map((f) => `missing:   proto/gen/${f}`),
      ...extra.map((f) => `extra:     proto/gen/${f}`),
      ...differing.map((f) => `differs:   proto/gen/${f}`),
    ];
    expect(
      report,
      `proto/gen is out of date with proto/*.proto; run \`make generate\` (npx buf generate) and commit the result:\n${report.join("\n")}`,
    ).toEqual([]);
  }, 60_000);
});
