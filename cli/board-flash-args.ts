// The command line of `meshport board flash`: which board and build, where to upload, and the
// configuration the board stores (checked with validateStoredConfig, as the board checks it at boot).
// Kept apart from the upload (cli/board.ts) so the two change independently.
//
// Secrets (the Wifi and MQTT passwords, the channel key) are never printed: not in errors, not in
// warnings. Passwords come from a file, MESHPORT_MQTT_PASSWORD, or a prompt without echo, because a
// command line is visible to every user of the machine (ps, /proc/PID/cmdline).
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readSync } from "node:fs";
import { isatty } from "node:tty";
import { BUILD_KINDS, boardIds, isBuildKind } from "../boards/bundle/build-bundle.js";
import type { BuildKind } from "../boards/bundle/build-bundle.js";
import { boardById } from "../boards/defs/index.js";
import type { BoardDef } from "../boards/defs/index.js";
import { BOARD_CONFIG_VERSION, BOARD_ROLES, isValidHost, presetCodeOf, regionCodeOf, roleCodeOf, validateStoredConfig } from "../boards/runtime/board-config.js";
import type { StoredConfig } from "../boards/runtime/board-config.js";
import { toBase64 } from "../firmware/bytes/base64.js";
import { parsePskSpec } from "./psk-spec.js";
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

/** The environment variable an MQTT password may come from (after --mqtt-password-file). */
export const MQTT_PASSWORD_ENV = "MESHPORT_MQTT_PASSWORD";
/** A password file is read up to this many bytes; longer is an error (no password is this long). */
export const SECRET_FILE_MAX_BYTES = 1024;

/** Where secrets come from besides the command line, and where warnings go; injected by tests. */
export interface FlashInput {
  /** The text of a password file; throws when it cannot be read. */
  readSecretFile(path: string): string;
  env: Record<string, string | undefined>;
  /** Asks for `what` on the terminal without echo; undefined when stdin is not a terminal. */
  promptSecret(what: string): string | undefined;
  /** One line on stderr. */
  warn(line: string): void;
}

/** Reads at most SECRET_FILE_MAX_BYTES + 1 bytes, so a wrong path (a log, /dev/zero) cannot fill memory. */
export function readSecretFileBounded(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(SECRET_FILE_MAX_BYTES + 1);
    let n = 0;
    while (n < buf.length) {
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    if (n > SECRET_FILE_MAX_BYTES) throw new Error(`larger than ${SECRET_FILE_MAX_BYTES} bytes`);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

// POSIX sh does the no-echo read (Node has no synchronous one, and the parser is synchronous); the
// trap turns echo back on if the user presses Ctrl-C. The password leaves through a pipe, never argv.
const PROMPT_SCRIPT = `trap 'stty echo' EXIT INT TERM; printf '%s: ' "$1" >&2; stty -echo; IFS= read -r p || exit 1; printf '\\n' >&2; printf '%s' "$p"`;

/** A prompt without echo on the terminal (stdin), or undefined when stdin is not one. */
export function promptSecretOnTerminal(what: string): string | undefined {
  if (!isatty(0)) return undefined;
  const r = spawnSync("sh", ["-c", PROMPT_SCRIPT, "sh", what], { stdio: ["inherit", "pipe", "inherit"], encoding: "utf8", maxBuffer: SECRET_FILE_MAX_BYTES });
  if (r.error !== undefined || r.status !== 0) throw new UsageError(`could not read "${what}" from the terminal; give it in a file instead`);
  return r.stdout;
}

export function processFlashInput(): FlashInput {
  return {
    readSecretFile: readSecretFileBounded,
    env: process.env,
    promptSecret: promptSecretOnTerminal,
    warn: (line) => process.stderr.write(line + "\n"),
  };
}

/** /dev/..., COMn, or tcp://HOST[:PORT] (the telnet console, port 23 by default). */
export function checkPort(p: string): string {
  if (p.startsWith("/dev/") && p.length > 5) return p;
  if (/^COM\d+$/i.test(p)) return p;
  const m = /^tcp:\/\/([^:/]+)(?::(\d+))?$/.exec(p);
  if (m !== null && isValidHost(m[1]) && (m[2] === undefined || (Number(m[2]) >= 1 && Number(m[2]) <= 65535))) return p;
  throw new UsageError(`--port ${p}: expected a serial device (/dev/ttyUSB0, COM3) or tcp://IP[:PORT]`);
}

/** SSID:PASSWORD, split at the first ':' (an SSID with ':' needs --wifi-password-file). The message never repeats the value. */
export function parseWifi(s: string): { ssid: string; password: string } {
  const i = s.indexOf(":");
  if (i <= 0) throw new UsageError("--wifi: expected SSID or SSID:PASSWORD, and the SSID is empty");
  return { ssid: s.substring(0, i), password: s.substring(i + 1) };
}

/** mqtt://HOST[:PORT], or mqtts:// for TLS; the port defaults to 8883 with TLS, else 1883. */
export function parseBoardBroker(s: string, tlsFlag = false): { host: string; port: number; tls: boolean } {
  const m = /^(mqtts?):\/\/([^:/]+)(?::(\d+))?\/?$/.exec(s);
  if (m === null) throw new UsageError(`--broker ${s}: expected mqtt://HOST[:PORT] (add --tls, or write mqtts://, for TLS)`);
  const tls = tlsFlag || m[1] === "mqtts";
  const port = m[3] === undefined ? (tls ? 8883 : 1883) : Number(m[3]);
  if (!isValidHost(m[2])) throw new UsageError(`--broker ${s}: bad host ${m[2]}`);
  if (!(port >= 1 && port <= 65535)) throw new UsageError(`--broker ${s}: port out of range 1..65535`);
  return { host: m[2], port, tls };
}

/** LONG/SHORT, split at the last '/'. */
export function parseName(s: string): { longName: string; shortName: string } {
  const i = s.lastIndexOf("/");
  if (i <= 0 || i === s.length - 1) throw new UsageError(`--name ${s}: expected LONG/SHORT, e.g. "Roof gateway/ROOF"`);
  return { longName: s.substring(0, i), shortName: s.substring(i + 1) };
}

/** The password (or key) in a file: its one line, without the line break. */
function passwordFromFile(input: FlashInput, flag: string, path: string): string {
  let text: string;
  try {
    text = input.readSecretFile(path);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new UsageError(`${flag} ${path}: cannot read it (${why})`);
  }
  const line = text.replace(/\r?\n$/, "");
  if (line.indexOf("\n") >= 0 || line.indexOf("\r") >= 0) throw new UsageError(`${flag} ${path}: must hold the password on one line`);
  return line;
}

/** What the command line says, before any secret is read. */
interface FlashOptions {
  boardId: string | undefined;
  kind: BuildKind;
  port: string | undefined;
  dryRun: string | undefined;
  wifi: string | undefined;
  wifiPasswordFile: string | undefined;
  broker: string | undefined;
  tls: boolean;
  mqttUser: string | undefined;
  mqttPasswordFile: string | undefined;
  root: string | undefined;
  region: string;
  preset: string;
  role: string;
  name: { longName: string; shortName: string } | undefined;
  channel: string | undefined;
  psk: Uint8Array | undefined;
  pskFile: string | undefined;
}

function readOptions(argv: string[]): FlashOptions {
  const o: FlashOptions = { boardId: undefined, kind: "gateway", port: undefined, dryRun: undefined, wifi: undefined, wifiPasswordFile: undefined, broker: undefined, tls: false, mqttUser: undefined, mqttPasswordFile: undefined, root: undefined, region: "", preset: "", role: "", name: undefined, channel: undefined, psk: undefined, pskFile: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => takeValue(argv, i++, a);
    if (a === "--kind") o.kind = kindOf(value());
    else if (a === "--port") o.port = checkPort(value());
    else if (a === "--dry-run") o.dryRun = value();
    else if (a === "--wifi") o.wifi = value();
    else if (a === "--wifi-password-file") o.wifiPasswordFile = value();
    else if (a === "--broker") o.broker = value();
    else if (a === "--tls") o.tls = true;
    else if (a === "--mqtt-user") o.mqttUser = value();
    else if (a === "--mqtt-password-file") o.mqttPasswordFile = value();
    else if (a === "--root") o.root = value();
    else if (a === "--region") {
      o.region = value().toUpperCase();
      if (regionCodeOf(o.region) === undefined) throw new UsageError(`--region ${o.region}: unknown region (e.g. US, EU_868, ANZ)`);
    } else if (a === "--preset") {
      o.preset = value().toUpperCase();
      if (presetCodeOf(o.preset) === undefined) throw new UsageError(`--preset ${o.preset}: unknown modem preset (e.g. LONG_FAST, MEDIUM_FAST, SHORT_FAST)`);
    } else if (a === "--role") {
      o.role = value().toUpperCase();
      if (roleCodeOf(o.role) === undefined) throw new UsageError(`--role ${o.role}: expected one of ${BOARD_ROLES.join(", ")}`);
    } else if (a === "--name") o.name = parseName(value());
    else if (a === "--channel") o.channel = value();
    else if (a === "--psk") {
      const r = parsePskSpec(value());
      if (!r.ok) throw new UsageError("--psk: " + r.message);
      o.psk = r.psk;
    } else if (a === "--psk-file") o.pskFile = value();
    else if (a.startsWith("--")) throw new UsageError(`unknown option ${a}`);
    else if (o.boardId === undefined) o.boardId = a;
    else throw new UsageError(`unexpected argument ${a}`);
  }
  if (o.wifiPasswordFile !== undefined && o.wifi === undefined) throw new UsageError("--wifi-password-file needs --wifi SSID");
  if (o.psk !== undefined && o.pskFile !== undefined) throw new UsageError("--psk and --psk-file: give the key one way");
  if (o.mqttPasswordFile !== undefined && o.mqttUser === undefined) throw new UsageError("--mqtt-password-file needs --mqtt-user (MQTT has no password without a user name)");
  if (o.broker === undefined && (o.tls || o.mqttUser !== undefined || o.root !== undefined)) throw new UsageError("--tls, --mqtt-user and --root need --broker mqtt://HOST[:PORT]");
  return o;
}

function configOf(raw: Record<string, unknown>): StoredConfig {
  const r = validateStoredConfig(raw);
  if (!r.ok) throw new UsageError(r.error.message);
  return r.value;
}

/**
 * The board, the upload target and the configuration. Every check that needs no secret runs before
 * any password is read or asked for, so a typo does not cost a password typed in vain.
 */
export function parseFlashArgs(argv: string[], input: FlashInput = processFlashInput()): FlashArgs {
  const o = readOptions(argv);
  const board = boardOf(o.boardId);
  if (o.port === undefined && o.dryRun === undefined) throw new UsageError("missing --port (a serial device or tcp://IP), or --dry-run FILE");
  if (o.kind === "gateway" && (o.wifi === undefined || o.broker === undefined)) throw new UsageError("a gateway needs --wifi SSID and --broker mqtt://HOST[:PORT] (or use --kind node)");
  const raw: Record<string, unknown> = { v: BOARD_CONFIG_VERSION, nodeNum: 0, region: o.region, preset: o.preset, deviceRole: o.role };
  if (o.name !== undefined) {
    raw.longName = o.name.longName;
    raw.shortName = o.name.shortName;
  }
  // --psk-file: the same forms as --psk on one line, kept out of the command line (and so out of ps).
  if (o.pskFile !== undefined) {
    const r = parsePskSpec(passwordFromFile(input, "--psk-file", o.pskFile));
    if (!r.ok) throw new UsageError("--psk-file " + o.pskFile + ": " + r.message);
    o.psk = r.psk;
  }
  if (o.channel !== undefined || o.psk !== undefined) raw.primaryChannel = { name: o.channel ?? "", pskBase64: toBase64(o.psk ?? new Uint8Array([1])) };
  // --wifi SSID:PASSWORD is the old form; with a password file the whole value is the SSID.
  const legacyWifi = o.wifi !== undefined && o.wifiPasswordFile === undefined && o.wifi.indexOf(":") >= 0 ? parseWifi(o.wifi) : undefined;
  const wifi = legacyWifi ?? (o.wifi !== undefined ? { ssid: o.wifi, password: "" } : undefined);
  if (wifi !== undefined) raw.wifi = wifi;
  const broker = o.broker !== undefined ? parseBoardBroker(o.broker, o.tls) : undefined;
  const mqtt = broker !== undefined ? { host: broker.host, port: broker.port, username: o.mqttUser ?? "", password: "", root: o.root ?? "", useTls: broker.tls } : undefined;
  if (mqtt !== undefined) raw.mqtt = mqtt;
  configOf(raw);

  if (legacyWifi !== undefined) input.warn("meshport board: warning: --wifi SSID:PASSWORD leaves the password readable in ps; use --wifi SSID with --wifi-password-file FILE, or let it ask");
  else if (wifi !== undefined) {
    if (o.wifiPasswordFile !== undefined) wifi.password = passwordFromFile(input, "--wifi-password-file", o.wifiPasswordFile);
    else {
      const p = input.promptSecret(`Wifi password for ${wifi.ssid} (empty for an open network)`);
      if (p === undefined) throw new UsageError(`--wifi ${wifi.ssid}: no password; give --wifi-password-file FILE (an empty file for an open network), or run in a terminal to be asked`);
      wifi.password = p;
    }
  }
  if (mqtt !== undefined && o.mqttUser !== undefined) {
    const env = input.env[MQTT_PASSWORD_ENV];
    if (o.mqttPasswordFile !== undefined) mqtt.password = passwordFromFile(input, "--mqtt-password-file", o.mqttPasswordFile);
    else if (env !== undefined) mqtt.password = env;
    else {
      const p = input.promptSecret(`MQTT password for ${o.mqttUser}`);
      if (p === undefined) throw new UsageError(`--mqtt-user ${o.mqttUser}: no password; give --mqtt-password-file FILE or ${MQTT_PASSWORD_ENV} (empty for none), or run in a terminal to be asked`);
      mqtt.password = p;
    }
  }
  return { board, kind: o.kind, port: o.port, dryRun: o.dryRun, config: configOf(raw) };
}
