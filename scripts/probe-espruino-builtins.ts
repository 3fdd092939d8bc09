// Probes the real Espruino interpreter for the ECMAScript built-ins it lacks and writes
// boards/bundle/espruino-missing.json (see boards/bundle/espruino-builtins.ts for who reads it).
// Usage: npx tsx scripts/probe-espruino-builtins.ts [path/to/espruino-esp32like]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ESPRUINO_MISSING_FILE, parseProbe, probeProgram } from "../boards/bundle/espruino-builtins.js";

const binary = process.argv[2] ?? process.env.MESHPORT_ESPRUINO ?? "espruino-esp32like";
const dir = mkdtempSync(join(tmpdir(), "meshport-probe-"));
try {
  writeFileSync(join(dir, "probe.js"), probeProgram());
  const r = spawnSync(binary, ["probe.js"], { cwd: dir, encoding: "latin1", timeout: 60_000, killSignal: "SIGKILL" });
  const out = (r.stdout ?? "") + (r.stderr ?? "");
  const answer = parseProbe(out);
  if (answer === undefined) {
    process.stderr.write("probe-espruino-builtins: no answer from " + binary + ":\n" + out.slice(-2000) + "\n");
    process.exit(1);
  }
  const version = /V=(\S+)/.exec(out)?.[1] ?? "unknown";
  const file = { interpreter: "Espruino " + version + " (espruino-esp32like, ESP32 configuration)", ...answer };
  writeFileSync(ESPRUINO_MISSING_FILE, JSON.stringify(file, null, 2) + "\n");
  process.stdout.write(`${ESPRUINO_MISSING_FILE}: ${answer.globals.length} globals, ${answer.statics.length} static members, ${answer.prototype.length} prototype members missing\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
