// `meshport board build|flash`: bundles the board runtime for one board and build kind, and uploads
// it to the board's Espruino console (serial or telnet) with its configuration: the bundle goes to
// Storage as `.bootcde` and runs from flash at every boot (cli/board-upload.ts says how and why).
// Offline by construction: the bundle needs no module but Espruino's built-ins.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { BUILD_KINDS, buildBoardBundle, boardIds, ESP32_MAX_JSVARS, isBuildKind } from "../boards/bundle/build-bundle.js";
import type { BoardBundle, BuildKind } from "../boards/bundle/build-bundle.js";
import { boardById } from "../boards/defs/index.js";
import type { BoardDef } from "../boards/defs/index.js";
import { BOARD_CONFIG_FILE, BOARD_CONFIG_VERSION, isValidHost, regionCodeOf, validateStoredConfig } from "../boards/runtime/board-config.js";
import type { StoredConfig } from "../boards/runtime/board-config.js";
import { openConsole } from "./board-console.js";
import { sendUpload, UploadError, uploadSteps, uploadText } from "./board-upload.js";
import { UsageError } from "./usage-error.js";

export const BOARD_USAGE = `usage: meshport board build BOARD [--kind gateway|node|selftest] [--out FILE]
       meshport board flash BOARD --port /dev/ttyUSB0|tcp://IP[:23] [--kind K]
                            [--wifi SSID:PASSWORD] [--broker mqtt://HOST[:PORT]]
                            [--region REGION] [--name LONG/SHORT] [--dry-run FILE]

build writes the Espruino bundle (default kind gateway, default file dist/boards/BOARD.js, or
dist/boards/BOARD.KIND.js for the other kinds) and prints its size and a JsVars estimate.
flash builds, writes the configuration to Storage "${BOARD_CONFIG_FILE}" and the bundle to Storage ".bootcde"
(it runs from flash at every boot), checks its CRC and reboots the board. Serial ports need the
serialport package; tcp:// is the board's telnet console. A gateway needs --wifi and --broker.
--dry-run FILE writes exactly the bytes the upload would send, without connecting.
boards: ${boardIds().join(", ")}`;

interface Out {
  write(s: string): unknown;
}

function takeValue(argv: string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
  return v;
}

function boardOf(id: string | undefined): BoardDef {
  if (id === undefined) throw new UsageError("missing BOARD");
  const b = boardById(id);
  if (b === undefined) throw new UsageError(`unknown board ${id} (known: ${boardIds().join(", ")})`);
  return b;
}

function kindOf(k: string): BuildKind {
  if (!isBuildKind(k)) throw new UsageError(`--kind ${k}: expected one of ${BUILD_KINDS.join(", ")}`);
  return k;
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

export interface FlashArgs {
  board: BoardDef;
  kind: BuildKind;
  port: string | undefined;
  dryRun: string | undefined;
  config: StoredConfig;
}

/** /dev/..., COMn, or tcp://HOST[:PORT] (the telnet console, port 23 by default). */
export function checkPort(p: string): string {
  if (p.startsWith("/dev/") && p.length > 5) return p;
  if (/^COM\d+$/i.test(p)) return p;
  const m = /^tcp:\/\/([^:/]+)(?::(\d+))?$/.exec(p);
  if (m !== null && isValidHost(m[1]) && (m[2] === undefined || (Number(m[2]) >= 1 && Number(m[2]) <= 65535))) return p;
  throw new UsageError(`--port ${p}: expected a serial device (/dev/ttyUSB0, COM3) or tcp://IP[:PORT]`);
}

/** SSID:PASSWORD, split at the first ':' (an SSID with ':' cannot be given this way). */
export function parseWifi(s: string): { ssid: string; password: string } {
  const i = s.indexOf(":");
  if (i <= 0) throw new UsageError(`--wifi ${s}: expected SSID:PASSWORD (PASSWORD may be empty for an open network)`);
  return { ssid: s.substring(0, i), password: s.substring(i + 1) };
}

/** mqtt://HOST[:PORT]: plain TCP only, the board runtime has no TLS. */
export function parseBoardBroker(s: string): { host: string; port: number } {
  const m = /^mqtt:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(s);
  if (m === null) throw new UsageError(`--broker ${s}: expected mqtt://HOST[:PORT] (the board runtime has no TLS)`);
  const port = m[2] === undefined ? 1883 : Number(m[2]);
  if (!isValidHost(m[1])) throw new UsageError(`--broker ${s}: bad host ${m[1]}`);
  if (!(port >= 1 && port <= 65535)) throw new UsageError(`--broker ${s}: port out of range 1..65535`);
  return { host: m[1], port };
}

/** LONG/SHORT, split at the last '/'. */
export function parseName(s: string): { longName: string; shortName: string } {
  const i = s.lastIndexOf("/");
  if (i <= 0 || i === s.length - 1) throw new UsageError(`--name ${s}: expected LONG/SHORT, e.g. "Roof gateway/ROOF"`);
  return { longName: s.substring(0, i), shortName: s.substring(i + 1) };
}

export function parseFlashArgs(argv: string[]): FlashArgs {
  let boardId: string | undefined;
  let kind: BuildKind = "gateway";
  let port: string | undefined;
  let dryRun: string | undefined;
  let wifi: { ssid: string; password: string } | undefined;
  let broker: { host: string; port: number } | undefined;
  let region = "";
  let name: { longName: string; shortName: string } | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--kind") kind = kindOf(takeValue(argv, i++, a));
    else if (a === "--port") port = checkPort(takeValue(argv, i++, a));
    else if (a === "--dry-run") dryRun = takeValue(argv, i++, a);
    else if (a === "--wifi") wifi = parseWifi(takeValue(argv, i++, a));
    else if (a === "--broker") broker = parseBoardBroker(takeValue(argv, i++, a));
    else if (a === "--region") {
      region = takeValue(argv, i++, a).toUpperCase();
      if (regionCodeOf(region) === undefined) throw new UsageError(`--region ${region}: unknown region (e.g. US, EU_868, ANZ)`);
    } else if (a === "--name") name = parseName(takeValue(argv, i++, a));
    else if (a.startsWith("--")) throw new UsageError(`unknown option ${a}`);
    else if (boardId === undefined) boardId = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  const board = boardOf(boardId);
  if (port === undefined && dryRun === undefined) throw new UsageError("missing --port (a serial device or tcp://IP), or --dry-run FILE");
  if (kind === "gateway" && (wifi === undefined || broker === undefined)) throw new UsageError("a gateway needs --wifi SSID:PASSWORD and --broker mqtt://HOST[:PORT] (or use --kind node)");
  const raw: Record<string, unknown> = { v: BOARD_CONFIG_VERSION, nodeNum: 0, region };
  if (name !== undefined) {
    raw.longName = name.longName;
    raw.shortName = name.shortName;
  }
  if (wifi !== undefined) raw.wifi = wifi;
  if (broker !== undefined) raw.mqtt = { host: broker.host, port: broker.port };
  const r = validateStoredConfig(raw);
  if (!r.ok) throw new UsageError(r.error.message);
  return { board, kind, port, dryRun, config: r.value };
}

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
