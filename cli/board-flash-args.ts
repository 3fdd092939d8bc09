// The command line of `meshport board flash`: which board and build, where to upload, and the
// configuration the board stores (checked with validateStoredConfig, as the board checks it at boot).
// Kept apart from the upload (cli/board.ts) so the two change independently.
import { BUILD_KINDS, boardIds, isBuildKind } from "../boards/bundle/build-bundle.js";
import type { BuildKind } from "../boards/bundle/build-bundle.js";
import { boardById } from "../boards/defs/index.js";
import type { BoardDef } from "../boards/defs/index.js";
import { BOARD_CONFIG_VERSION, isValidHost, regionCodeOf, validateStoredConfig } from "../boards/runtime/board-config.js";
import type { StoredConfig } from "../boards/runtime/board-config.js";
import { UsageError } from "./usage-error.js";

export function takeValue(argv: string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
  return v;
}

export function boardOf(id: string | undefined): BoardDef {
  if (id === undefined) throw new UsageError("missing BOARD");
  const b = boardById(id);
  if (b === undefined) throw new UsageError(`unknown board ${id} (known: ${boardIds().join(", ")})`);
  return b;
}

export function kindOf(k: string): BuildKind {
  if (!isBuildKind(k)) throw new UsageError(`--kind ${k}: expected one of ${BUILD_KINDS.join(", ")}`);
  return k;
}

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
