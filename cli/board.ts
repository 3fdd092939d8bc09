// `meshport board build|flash`: bundles the board runtime for one board and build kind, and uploads
// it to the board's Espruino console (serial or telnet) with its configuration: the bundle goes to
// Storage as `.bootcde` and runs from flash at every boot (cli/board-upload.ts says how and why).
// Offline by construction: the bundle needs no module but Espruino's built-ins.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { buildBoardBundle, boardIds, ESP32_MAX_JSVARS } from "../boards/bundle/build-bundle.js";
import type { BoardBundle, BuildKind } from "../boards/bundle/build-bundle.js";
import { BOARD_CONFIG_FILE } from "../boards/runtime/board-config.js";
import { openConsole } from "./board-console.js";
import { boardOf, kindOf, parseFlashArgs, takeValue } from "./board-flash-args.js";
import { sendUpload, UploadError, uploadSteps, uploadText } from "./board-upload.js";
import { UsageError } from "./usage-error.js";

export { checkPort, parseBoardBroker, parseFlashArgs, parseName, parseWifi } from "./board-flash-args.js";
export type { FlashArgs } from "./board-flash-args.js";

export const BOARD_USAGE = `usage: meshport board build BOARD [--kind gateway|node|selftest] [--out FILE]
       meshport board flash BOARD --port /dev/ttyUSB0|tcp://IP[:23] [--kind K] [--dry-run FILE]
            [--wifi SSID [--wifi-password-file FILE]] [--broker mqtt://HOST[:PORT]] [--tls]
            [--mqtt-user USER [--mqtt-password-file FILE]] [--root TOPIC]
            [--channel NAME] [--psk default|none|simpleN|base64:KEY|hex:KEY | --psk-file FILE]
            [--region REGION] [--preset PRESET] [--role ROLE] [--name LONG/SHORT]

build writes the Espruino bundle (default kind gateway, default file dist/boards/BOARD.js, or
dist/boards/BOARD.KIND.js for the other kinds) and prints its size and a JsVars estimate.
flash builds, writes the configuration to Storage "${BOARD_CONFIG_FILE}" and the bundle to Storage ".bootcde"
(it runs from flash at every boot), checks its CRC and reboots the board. Serial ports need the
serialport package (an optional dependency); tcp:// is the board's telnet console. A gateway needs --wifi and --broker.
Passwords come from a one-line file (--wifi-password-file, --mqtt-password-file), or are asked for
without echo when stdin is a terminal; the MQTT password may also come from MESHPORT_MQTT_PASSWORD. --wifi SSID:PASSWORD still works, but
other users can read it in ps. --tls (or mqtts://, default port 8883) encrypts; the board cannot
check the broker's certificate. --channel names the primary channel (at most 11 bytes; default the
preset's name); --psk sets its key: 16 or 32 bytes, none, or simpleN (simple0 = default);
--psk-file FILE reads the same forms from a file, out of sight of ps.
--role: CLIENT, CLIENT_MUTE, CLIENT_HIDDEN, CLIENT_BASE, ROUTER, ROUTER_LATE. --root: the topic root
(default msh/REGION).
--dry-run FILE writes exactly the bytes the upload would send, without connecting.
boards: ${boardIds().join(", ")}`;

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

async function runFlash(argv: string[], out: Out, err: Out): Promise<number> {
  const a = parseFlashArgs(argv);
  const b = await buildBoardBundle(a.board.id, a.kind);
  out.write(sizeLine(b, a.board.id + " " + a.kind) + "\n");
  const steps = uploadSteps(b.code, a.config);
  if (a.dryRun !== undefined) {
    const text = uploadText(steps);
    writeFileSync(a.dryRun, text, "latin1");
    out.write(`dry run: wrote the ${text.length} bytes the upload sends (${steps.length} lines) to ${a.dryRun}\n`);
    return 0;
  }
  const port = a.port!;
  out.write(`uploading to ${port} (Espruino ${a.board.espruinoFirmware} firmware must already be on the board)\n`);
  let link;
  try {
    link = await openConsole(port);
  } catch (e) {
    err.write(`meshport board flash: ${(e as Error).message}\n`);
    return 2;
  }
  let shown = -1;
  try {
    await sendUpload(link, steps, (done, total, what) => {
      const pct = Math.floor((done * 100) / total);
      if (pct >= shown + 10 || done === total) {
        shown = pct;
        out.write(`  ${pct}% ${what}\n`);
      }
    });
    out.write("uploaded and checked; the board is rebooting into it\n");
    return 0;
  } catch (e) {
    if (!(e instanceof UploadError)) throw e;
    err.write(`meshport board flash: ${e.message}\n`);
    return 2;
  } finally {
    link.close();
  }
}

export async function runBoard(argv: string[], out: Out, err: Out): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "build") return runBuild(rest, out);
  if (sub === "flash") return runFlash(rest, out, err);
  throw new UsageError(sub === undefined ? "missing subcommand (build or flash)" : `unknown subcommand ${sub} (build or flash)`);
}
