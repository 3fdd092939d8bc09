// `meshport sim` as a user runs it: the real command in a child process.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/meshport", import.meta.url));

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, "sim", ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("meshport sim", () => {
  it("runs two-meshes: text crosses from one island to the other over MQTT, reports written, same seed same report.json", () => {
    const a = mkdtempSync(join(tmpdir(), "meshport-sim-a-"));
    const b = mkdtempSync(join(tmpdir(), "meshport-sim-b-"));
    const r1 = run(["sim/scenarios/two-meshes.json", "--out", a, "--quiet"]);
    expect(r1.code).toBe(0);
    expect(r1.stdout).toMatch(/"Hello from island A": \d+ nodes, across the broker to B-gw/);
    expect(r1.stdout).toMatch(/"Hello from island B": \d+ nodes, across the broker to A-gw/);
    const r2 = run(["sim/scenarios/two-meshes.json", "--out", b, "--quiet"]);
    expect(r2.code).toBe(0);
    // Identical but for the wall-clock block (start time, elapsed seconds, speed-up).
    const withoutWall = (dir: string) => {
      const j = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
      expect(j.wall).toBeDefined();
      delete j.wall;
      return JSON.stringify(j);
    };
    const j1 = withoutWall(a);
    expect(withoutWall(b)).toBe(j1);
    expect(readFileSync(join(a, "report.html"), "utf8")).toMatch(/<svg/);
    const other = mkdtempSync(join(tmpdir(), "meshport-sim-c-"));
    expect(run(["sim/scenarios/two-meshes.json", "--out", other, "--quiet", "--seed", "45"]).code).toBe(0);
    expect(withoutWall(other)).not.toBe(j1);
  }, 240_000);

  it("a bad scenario prints each error with its field and exits 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "meshport-sim-bad-"));
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ durationS: -5, nodes: [{ x: 0, y: 0, role: "KING" }] }));
    const r = run([file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/durationS/);
    expect(r.stderr).toMatch(/nodes\[0\]\.role/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const notJson = join(dir, "x.json");
    writeFileSync(notJson, "{ nope");
    expect(run([notJson]).stderr).toMatch(/x.json: \(root\): not valid JSON/);
    expect(run(["/nonexistent.json"]).stderr).toMatch(/cannot read \/nonexistent.json: ENOENT/);
  });
});
