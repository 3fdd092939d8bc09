// `meshport board build|flash`: bundles the board runtime for one board and build kind, and uploads
// it with the `espruino` CLI (EspruinoTools from npm) together with the board's configuration.
// Offline by construction: the board JSON comes from boards/<FIRMWARE>.json, MODULE_URL is empty,
// and the bundle needs no module but Espruino's built-ins.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { buildBoardBundle, boardIds, ESP32_MAX_JSVARS, PROJECT_ROOT } from "../boards/bundle/build-bundle.js";
import type { BoardBundle, BuildKind } from "../boards/bundle/build-bundle.js";
import type { BoardDef } from "../boards/defs/index.js";
import { BOARD_CONFIG_FILE } from "../boards/runtime/board-config.js";
import type { StoredConfig } from "../boards/runtime/board-config.js";
import { boardOf, kindOf, parseFlashArgs, takeValue } from "./board-flash-args.js";
import { UsageError } from "./usage-error.js";

export { checkPort, parseBoardBroker, parseFlashArgs, parseName, parseWifi } from "./board-flash-args.js";
export type { FlashArgs } from "./board-flash-args.js";

export const BOARD_USAGE = `usage: meshport board build BOARD [--kind gateway|node|selftest] [--out FILE]
       meshport board flash BOARD --port /dev/ttyUSB0|tcp://IP[:23] [--kind K] [--dry-run FILE]
            [--wifi SSID [--wifi-password-file FILE]] [--broker mqtt://HOST[:PORT]] [--tls]
            [--mqtt-user USER [--mqtt-password-file FILE]] [--root TOPIC]
            [--channel NAME] [--psk default|none|simpleN|base64:KEY|hex:KEY]
            [--region REGION] [--preset PRESET] [--role ROLE] [--name LONG/SHORT]

build writes the Espruino bundle (default kind gateway, default file dist/boards/BOARD.js, or
dist/boards/BOARD.KIND.js for the other kinds) and prints its size and a JsVars estimate.
flash builds, prepends the configuration (written to Storage "${BOARD_CONFIG_FILE}") and uploads it with
the espruino CLI, saved to flash so it runs at every boot. A gateway needs --wifi and --broker.
Passwords come from a one-line file (--wifi-password-file, --mqtt-password-file), or are asked for
without echo when stdin is a terminal; the MQTT password may also come from MESHPORT_MQTT_PASSWORD. --wifi SSID:PASSWORD still works, but
other users can read it in ps. --tls (or mqtts://, default port 8883) encrypts; the board cannot
check the broker's certificate. --channel names the primary channel (at most 11 bytes; default the
preset's name); --psk sets its key: 16 or 32 bytes, none, or simpleN (simple0 = default).
--role: CLIENT, CLIENT_MUTE, CLIENT_HIDDEN, CLIENT_BASE, ROUTER, ROUTER_LATE. --root: the topic root
(default msh/REGION).
--dry-run FILE writes what would be sent instead of connecting (espruino -n -o FILE).
boards: ${boardIds().join(", ")}`;

/** Serial speed of the ESP32 console (boards/ESP32.py default_console_baudrate). */
export const ESPRUINO_BAUD = 115200;
/** An upload of ~150 KB at 115200 baud takes ~15 s; allow for slow flashing. */
export const UPLOAD_TIMEOUT_MS = 300_000;

interface Out {
  write(s: string): unknown;
}

export function defaultBundlePath(boardId: string, kind: BuildKind): string {
  return join("dist", "boards", kind === "gateway" ? boardId + ".js" : boardId + "." + kind + ".js");
}

export function sizeLine(b: BoardBundle, file: string): string {
  const pct = Math.round((b.jsVarsEstimate / ESP32_MAX_JSVARS) * 100);
  return `${file}: ${b.bytes} bytes (budget ${b.budgetBytes}${b.bytes > b.budgetBytes ? ", OVER BUDGET" : ""}), ~${b.jsVarsEstimate} JsVars (estimate, ${pct}% of ${ESP32_MAX_JSVARS})`;
}

async function runBuild(argv: string[], out: Out): Promise<number> {
  let boardId: string | undefined;
  let kind: BuildKind = "gateway";
  let file: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--kind") kind = kindOf(takeValue(argv, i++, a));
    else if (a === "--out") file = takeValue(argv, i++, a);
    else if (a.startsWith("--")) throw new UsageError(`unknown option ${a}`);
    else if (boardId === undefined) boardId = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  const board = boardOf(boardId);
  const b = await buildBoardBundle(board.id, kind);
  const path = file ?? defaultBundlePath(board.id, kind);
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, b.code);
  out.write(sizeLine(b, path) + "\n");
  return 0;
}

// ------------------------------------------------------------------ flash

/**
 * The code sent before the bundle: stores the configuration with Storage.writeJSON. It is saved in
 * .bootcde with the bundle, so it runs at every boot; it keeps the node number the board already
 * chose (re-flashing does not make it a new node) and writes only when the stored file differs, so
 * a normal boot does not touch flash.
 */
export function configPrelude(c: StoredConfig): string {
  const json = JSON.stringify(c);
  const f = JSON.stringify(BOARD_CONFIG_FILE);
  return `(function(){var S=require("Storage"),o=S.readJSON(${f},true)||{},c=${json};if(!c.nodeNum&&o.nodeNum)c.nodeNum=o.nodeNum;if(JSON.stringify(o)!==JSON.stringify(c))S.writeJSON(${f},c);})();\n`;
}

/** The espruino CLI's arguments for an upload (or a dry run) of `file`. */
export function espruinoArgs(board: BoardDef, file: string, port: string | undefined, dryRun: string | undefined): string[] {
  const args = [
    "--board",
    join(PROJECT_ROOT, "boards", board.espruinoFirmware + ".json"),
    "--no-ble",
    // Offline: never fetch modules from espruino.com (the bundle needs none).
    "--config",
    "MODULE_URL=",
    // Save into .bootcde so it runs at every boot (espruino.md 2.8).
    "--config",
    "SAVE_ON_SEND=1",
    "-b",
    String(ESPRUINO_BAUD),
  ];
  if (dryRun !== undefined) args.push("-n", "-o", dryRun);
  else if (port !== undefined) args.push("-p", port);
  args.push(file);
  return args;
}

export const ESPRUINO_CLI = join(PROJECT_ROOT, "node_modules", "espruino", "bin", "espruino-cli.js");

function runEspruino(args: string[], out: Out, err: Out): Promise<number> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [ESPRUINO_CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), UPLOAD_TIMEOUT_MS);
    child.stdout.on("data", (b: Buffer) => out.write(b.toString()));
    child.stderr.on("data", (b: Buffer) => err.write(b.toString()));
    child.on("error", (e) => {
      clearTimeout(timer);
      err.write(`cannot run the espruino CLI: ${e.message}\n`);
      resolvePromise(2);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise(code === 0 ? 0 : 2);
    });
  });
}

async function runFlash(argv: string[], out: Out, err: Out): Promise<number> {
  const a = parseFlashArgs(argv);
  const b = await buildBoardBundle(a.board.id, a.kind);
  out.write(sizeLine(b, a.board.id + " " + a.kind) + "\n");
  const dir = mkdtempSync(join(tmpdir(), "meshport-flash-"));
  try {
    const file = join(dir, a.board.id + ".js");
    writeFileSync(file, configPrelude(a.config) + b.code + "\n");
    out.write(a.dryRun !== undefined ? `dry run: writing the upload to ${a.dryRun}\n` : `uploading to ${a.port} (Espruino ${a.board.espruinoFirmware} firmware must already be on the board)\n`);
    const code = await runEspruino(espruinoArgs(a.board, file, a.port, a.dryRun), out, err);
    if (code !== 0) err.write("meshport board flash: the espruino CLI failed\n");
    return code;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runBoard(argv: string[], out: Out, err: Out): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "build") return runBuild(rest, out);
  if (sub === "flash") return runFlash(rest, out, err);
  throw new UsageError(sub === undefined ? "missing subcommand (build or flash)" : `unknown subcommand ${sub} (build or flash)`);
}
