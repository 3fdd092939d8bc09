// Runs a bundle on a local Espruino interpreter (Node only): the ESP32-like Linux build of 2v29
// (espruino-esp32like, built by ../shared/tools/espruino/install.sh) or whatever MESHPORT_ESPRUINO
// names. Used by scripts/measure-board-pki.ts and the real-interpreter tests; the interpreter
// ignores SIGTERM, so a run that overstays is killed with SIGKILL.
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

/** The interpreter's name on PATH when MESHPORT_ESPRUINO is not set. */
export const ESPRUINO_ESP32LIKE = "espruino-esp32like";

/** How to get the interpreter, for skip messages. */
export const ESPRUINO_HOWTO = "build it with ../shared/tools/espruino/install.sh, or set MESHPORT_ESPRUINO to an Espruino binary";

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** MESHPORT_ESPRUINO when set (and executable), else espruino-esp32like from PATH, else undefined. */
export function findEspruino(): string | undefined {
  const env = process.env.MESHPORT_ESPRUINO;
  if (env !== undefined && env !== "") return isExecutable(env) ? env : undefined;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const p = join(dir, ESPRUINO_ESP32LIKE);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

export interface EspruinoRun {
  /** Everything the interpreter printed (banner, program output, errors). */
  output: string;
  /** Killed after timeoutMs. */
  timedOut: boolean;
}

/**
 * Writes `code` to a file in a fresh directory (the interpreter keeps its Storage file,
 * espruino.flash, in the working directory) and runs it; the directory is removed afterwards.
 */
export function runOnEspruino(espruino: string, code: string, timeoutMs: number): EspruinoRun {
  const dir = mkdtempSync(join(tmpdir(), "meshport-espruino-"));
  try {
    const file = join(dir, "program.js");
    writeFileSync(file, code);
    const r = spawnSync(espruino, [file], { cwd: dir, encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL", stdio: ["ignore", "pipe", "pipe"] });
    return { output: (r.stdout ?? "") + (r.stderr ?? ""), timedOut: r.error !== undefined && (r.error as NodeJS.ErrnoException).code === "ETIMEDOUT" };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The JSON after the last line starting with `marker` in `output`, or undefined. */
export function markedJson(output: string, marker: string): unknown {
  const lines = output.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const at = lines[i].indexOf(marker);
    if (at >= 0) return JSON.parse(lines[i].slice(at + marker.length));
  }
  return undefined;
}
