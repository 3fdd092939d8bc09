// Headless Debian chromium for the report-page test: a screenshot run and a --dump-dom run, each with
// a fresh profile directory and every background service off. Chromium logs every console message
// of the page as an "INFO:CONSOLE" line on stderr (whatever its level), so consoleLines() finds them.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const CHROMIUM = "/usr/bin/chromium";

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export interface ChromiumRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

const BASE_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--enable-logging=stderr",
  "--v=0",
  "--window-size=1200,900",
];

function run(extra: string[], url: string): ChromiumRun {
  const profile = mkdtempSync(join(tmpdir(), "meshport-chromium-"));
  try {
    const r = spawnSync(CHROMIUM, [...BASE_FLAGS, "--user-data-dir=" + profile, ...extra, url], { encoding: "utf8", timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

export function screenshot(url: string, png: string): ChromiumRun {
  return run(["--screenshot=" + png], url);
}

export function dumpDom(url: string): ChromiumRun {
  return run(["--dump-dom"], url);
}

/** The page's console messages as chromium logged them. */
export function consoleLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.includes(":CONSOLE"));
}
