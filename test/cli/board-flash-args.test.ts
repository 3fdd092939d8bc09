// `meshport board flash` for a gateway operator: channel, key, role, preset, broker credentials,
// root and TLS; passwords from a file, MESHPORT_MQTT_PASSWORD or a prompt. Each flag's mistakes are
// one typed line and exit 2; what the flags say arrives in the node's and the MQTT module's
// configuration as the board builds them; and no secret reaches the console, even in a dry run.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mqttConfigOf, nodeConfigOf, validateStoredConfig } from "../../boards/runtime/board-config.js";
import { parseFlashArgs, readSecretFileBounded } from "../../cli/board-flash-args.js";
import type { FlashInput } from "../../cli/board-flash-args.js";
import { parsePskSpec } from "../../cli/psk-spec.js";
import { UsageError } from "../../cli/usage-error.js";
import { ModemPreset } from "../../firmware/mesh/modem-preset.js";
import { RegionCode } from "../../firmware/mesh/regions.js";
import { RebroadcastMode, Role } from "../../firmware/wire/enums.js";

const dir = mkdtempSync(join(tmpdir(), "meshport-flash-args-"));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const WIFI_PW = "wifi-Secret-4711";
const MQTT_PW = "mqtt-Secret-0815";
const ENV_PW = "env-Secret-1234";
const KEY = Buffer.from("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "hex");
const KEY_B64 = KEY.toString("base64");
const KEY_HEX = KEY.toString("hex");
const SECRETS = [WIFI_PW, MQTT_PW, ENV_PW, KEY_B64, KEY_HEX];
const wifiFile = file("wifi.txt", WIFI_PW + "\n");
const mqttFile = file("mqtt.txt", MQTT_PW + "\r\n");

/** Real files, an environment and a terminal as the test says; warnings collected. */
function input(o: { env?: Record<string, string>; answers?: string[] } = {}): FlashInput & { warnings: string[]; asked: string[] } {
  const answers = o.answers;
  const r = {
    warnings: [] as string[],
    asked: [] as string[],
    readSecretFile: readSecretFileBounded,
    env: o.env ?? {},
    promptSecret: (what: string) => {
      r.asked.push(what);
      return answers === undefined ? undefined : answers.shift();
    },
    warn: (line: string) => {
      r.warnings.push(line);
    },
  };
  return r;
}

const GATEWAY = ["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab", "--wifi-password-file", wifiFile, "--broker", "mqtt://broker.example"];
const OPERATOR = [...GATEWAY, "--tls", "--mqtt-user", "gw", "--mqtt-password-file", mqttFile, "--root", "msh/EU_868/roof", "--channel", "Roof", "--psk", "base64:" + KEY_B64, "--preset", "medium_fast", "--role", "router", "--region", "EU_868"];

describe("board flash operator options: errors", () => {
  const node = ["heltec-v3", "--kind", "node", "--dry-run", "/tmp/x"];
  const cases: [string, string[], RegExp][] = [
    ["--psk of an unknown form", [...GATEWAY, "--psk", "bogus"], /^--psk: expected default, none, simple0\.\.simple254, base64:KEY or hex:KEY/],
    ["--psk simpleN out of range", [...GATEWAY, "--psk", "simple255"], /^--psk: simpleN takes N in 0\.\.254$/],
    ["--psk base64 that is not", [...GATEWAY, "--psk", "base64:!!!!"], /^--psk: the base64: key is not base64$/],
    ["--psk hex that is not", [...GATEWAY, "--psk", "hex:abc"], /^--psk: the hex: key is not an even number of hex digits$/],
    ["--psk of 20 bytes", [...GATEWAY, "--psk", "base64:" + KEY.subarray(0, 20).toString("base64")], /^--psk: a key is 16 or 32 bytes, this one is 20$/],
    ["--channel too long", [...GATEWAY, "--channel", "TwelveBytes!"], /^primaryChannel\.name: must be 0\.\.11 bytes, got 12$/],
    ["--channel with a topic separator", [...GATEWAY, "--channel", "a/b"], /^primaryChannel\.name: must not contain '\/'/],
    ["--role not for a board", [...GATEWAY, "--role", "tracker"], /^--role TRACKER: expected one of CLIENT, CLIENT_MUTE, CLIENT_HIDDEN, CLIENT_BASE, ROUTER, ROUTER_LATE$/],
    ["--preset unknown", [...GATEWAY, "--preset", "fast"], /^--preset FAST: unknown modem preset/],
    ["--root with a wildcard", [...GATEWAY, "--root", "msh/#"], /^mqtt\.root: must not contain MQTT wildcards$/],
    ["--root too long", [...GATEWAY, "--root", "r".repeat(32)], /^mqtt\.root: must be 0\.\.31 bytes, got 32$/],
    ["--tls without a broker", [...node, "--tls"], /^--tls, --mqtt-user and --root need --broker/],
    ["--mqtt-user without a broker", [...node, "--mqtt-user", "gw"], /^--tls, --mqtt-user and --root need --broker/],
    ["--mqtt-user too long", [...GATEWAY, "--mqtt-user", "u".repeat(64), "--mqtt-password-file", mqttFile], /^mqtt\.username: must be 0\.\.63 bytes, got 64$/],
    ["--mqtt-user without a password source", [...GATEWAY, "--mqtt-user", "gw"], /^--mqtt-user gw: no password; give --mqtt-password-file FILE or MESHPORT_MQTT_PASSWORD/],
    ["--mqtt-password-file without --mqtt-user", [...GATEWAY, "--mqtt-password-file", mqttFile], /^--mqtt-password-file needs --mqtt-user/],
    ["--mqtt-password-file missing", [...GATEWAY, "--mqtt-user", "gw", "--mqtt-password-file", join(dir, "nope")], /^--mqtt-password-file .*nope: cannot read it \(ENOENT\)$/],
    ["--wifi-password-file without --wifi", [...node, "--wifi-password-file", wifiFile], /^--wifi-password-file needs --wifi SSID$/],
    ["--wifi-password-file missing", ["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab", "--wifi-password-file", join(dir, "nope"), "--broker", "mqtt://h"], /cannot read it \(ENOENT\)$/],
    ["--wifi-password-file of two lines", ["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab", "--wifi-password-file", file("two.txt", WIFI_PW + "\nsecond\n"), "--broker", "mqtt://h"], /: must hold the password on one line$/],
    ["--wifi-password-file too large", ["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab", "--wifi-password-file", file("big.txt", "x".repeat(2000)), "--broker", "mqtt://h"], /cannot read it \(larger than 1024 bytes\)$/],
    ["--wifi-password-file with a short password", ["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab", "--wifi-password-file", file("short.txt", "Secret7"), "--broker", "mqtt://h"], /^wifi\.password: must be empty \(open network\) or 8\.\.63/],
    ["--wifi SSID without a password source", ["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab", "--broker", "mqtt://h"], /^--wifi lab: no password/],
    ["--wifi :PASSWORD (no SSID)", ["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", ":" + WIFI_PW, "--broker", "mqtt://h"], /^--wifi: expected SSID or SSID:PASSWORD, and the SSID is empty$/],
  ];
  for (const [what, argv, message] of cases) {
    it(`rejects: ${what}`, () => {
      let err: unknown;
      try {
        parseFlashArgs(argv, input());
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(message);
      for (const s of SECRETS.concat("Secret7")) expect((err as Error).message).not.toContain(s);
    });
  }

  it("through the command: exit 2, one line first, no secret on stderr", async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
        const child = execFile(process.execPath, ["bin/meshport", "board", "flash", ...args], { encoding: "utf8", timeout: 60_000 }, (_e, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }));
        child.stdin?.end();
      });
    const pick = [0, 4, 5, 7, 8, 9, 11, 14, 16, 18, 22];
    const results = await Promise.all(pick.map((i) => run(cases[i][1])));
    results.forEach((r, k) => {
      const [what, , message] = cases[pick[k]];
      expect(r.code, what).toBe(2);
      expect(r.stderr.split("\n")[0].replace(/^meshport board: /, ""), what).toMatch(message);
      for (const s of SECRETS) expect(r.stderr + r.stdout, what).not.toContain(s);
    });
  }, 60_000);
});

describe("board flash operator options: what the board gets", () => {
  it("round trip: flags -> StoredConfig -> validateStoredConfig -> NodeConfig and MqttGatewayConfig", () => {
    const io = input();
    const a = parseFlashArgs(OPERATOR, io);
    expect(io.warnings).toEqual([]);
    expect(io.asked).toEqual([]);
    const r = validateStoredConfig(JSON.parse(JSON.stringify(a.config)));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const c = r.value;
    expect(c).toEqual(a.config);
    expect(c).toMatchObject({ region: "EU_868", preset: "MEDIUM_FAST", deviceRole: "ROUTER", primaryChannel: { name: "Roof", pskBase64: KEY_B64 }, wifi: { ssid: "lab", password: WIFI_PW } });

    const n = nodeConfigOf(c, 0x1234, true, RegionCode.US, ModemPreset.LONG_FAST);
    expect(n.region).toBe(RegionCode.EU_868);
    expect(n.modemPreset).toBe(ModemPreset.MEDIUM_FAST);
    expect(n.role).toBe(Role.ROUTER);
    expect(n.rebroadcastMode).toBe(RebroadcastMode.CORE_PORTNUMS_ONLY);
    expect(n.channels[0].name).toBe("Roof");
    expect(Buffer.from(n.channels[0].psk).equals(KEY)).toBe(true);
    expect(n.channels[0].uplinkEnabled).toBe(true);

    // --tls without a port: 8883.
    expect(mqttConfigOf(c.mqtt!, "EU_868")).toMatchObject({ address: "broker.example:8883", username: "gw", password: MQTT_PW, root: "msh/EU_868/roof", tlsEnabled: true, tlsInsecure: true });
  });

  it("psk forms: default, none, simpleN, hex, and the default channel when neither --channel nor --psk is given", () => {
    const psk = (spec: string) => {
      const r = parsePskSpec(spec);
      return r.ok ? [...r.psk] : r.message;
    };
    expect([psk("default"), psk("none"), psk("simple0"), psk("simple10"), psk("simple254")]).toEqual([[1], [0], [1], [11], [255]]);
    expect(psk("hex:" + KEY_HEX.substring(0, 32))).toEqual([...KEY.subarray(0, 16)]);
    const only = parseFlashArgs([...GATEWAY, "--psk", "simple3"], input()).config;
    expect(only.primaryChannel).toEqual({ name: "", pskBase64: "BA==" });
    const named = parseFlashArgs([...GATEWAY, "--channel", "Roof"], input()).config;
    expect(named.primaryChannel).toEqual({ name: "Roof", pskBase64: "AQ==" });
    expect(parseFlashArgs(GATEWAY, input()).config.primaryChannel).toBeUndefined();
    // --psk-file: the same forms, from a file, so the key stays out of the command line (and ps).
    const keyFile = file("psk.txt", "base64:" + KEY_B64 + "\n");
    expect(parseFlashArgs([...GATEWAY, "--channel", "Roof", "--psk-file", keyFile], input()).config.primaryChannel).toEqual({ name: "Roof", pskBase64: KEY_B64 });
    expect(() => parseFlashArgs([...GATEWAY, "--psk", "simple1", "--psk-file", keyFile], input())).toThrow(/^--psk and --psk-file: give the key one way$/);
    const badFile = file("psk-bad.txt", "base64:" + KEY_HEX + "!\n");
    const bad = (() => {
      try {
        parseFlashArgs([...GATEWAY, "--psk-file", badFile], input());
        return "";
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(bad).toMatch(/^--psk-file .*psk-bad\.txt: the base64: key is not base64$/);
    expect(bad).not.toContain(KEY_HEX);
    expect(parseFlashArgs([...GATEWAY.slice(0, -1), "mqtts://broker.example"], input()).config.mqtt).toMatchObject({ port: 8883, useTls: true });
    expect(parseFlashArgs([...GATEWAY.slice(0, -1), "mqtt://broker.example:1884", "--tls"], input()).config.mqtt).toMatchObject({ port: 1884, useTls: true });
  });

  it("passwords: from a file, from MESHPORT_MQTT_PASSWORD, or asked for; the file wins", () => {
    const fromFile = parseFlashArgs([...GATEWAY, "--mqtt-user", "gw", "--mqtt-password-file", mqttFile], input({ env: { MESHPORT_MQTT_PASSWORD: ENV_PW } })).config;
    expect([fromFile.wifi?.password, fromFile.mqtt?.password]).toEqual([WIFI_PW, MQTT_PW]);
    const fromEnv = parseFlashArgs([...GATEWAY, "--mqtt-user", "gw"], input({ env: { MESHPORT_MQTT_PASSWORD: ENV_PW } })).config;
    expect(fromEnv.mqtt?.password).toBe(ENV_PW);
    const emptyEnv = parseFlashArgs([...GATEWAY, "--mqtt-user", "gw"], input({ env: { MESHPORT_MQTT_PASSWORD: "" } })).config;
    expect(emptyEnv.mqtt).toMatchObject({ username: "gw", password: "" });

    const io = input({ answers: [MQTT_PW] });
    const asked = parseFlashArgs(["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "my:netpass99", "--broker", "mqtt://h", "--mqtt-user", "gw"], io);
    // Without a password file, "my:netpass99" is the old SSID:PASSWORD form; an SSID with ':' needs the file.
    expect(io.warnings.length).toBe(1);
    expect(asked.config.wifi).toEqual({ ssid: "my", password: "netpass99" });
    expect(io.asked).toEqual(["MQTT password for gw"]);
    expect(asked.config.mqtt).toMatchObject({ username: "gw", password: MQTT_PW });

    const io2 = input({ answers: [WIFI_PW] });
    const c = parseFlashArgs(["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab", "--broker", "mqtt://h"], io2).config;
    expect(io2.asked).toEqual(["Wifi password for lab (empty for an open network)"]);
    expect(c.wifi).toEqual({ ssid: "lab", password: WIFI_PW });
    const colon = parseFlashArgs(["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "my:net", "--wifi-password-file", wifiFile, "--broker", "mqtt://h"], input()).config;
    expect(colon.wifi).toEqual({ ssid: "my:net", password: WIFI_PW });
  });

  it("checks everything it can before asking for a password", () => {
    const io = input({ answers: [WIFI_PW] });
    expect(() => parseFlashArgs(["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab", "--broker", "mqtt://h", "--channel", "much too long"], io)).toThrow(/primaryChannel\.name/);
    expect(io.asked).toEqual([]);
  });

  it("--wifi SSID:PASSWORD still works, with a one-line warning that does not repeat the password", () => {
    const io = input();
    const a = parseFlashArgs(["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab:" + WIFI_PW, "--broker", "mqtt://h"], io);
    expect(a.config.wifi).toEqual({ ssid: "lab", password: WIFI_PW });
    expect(io.warnings).toEqual(["meshport board: warning: --wifi SSID:PASSWORD leaves the password readable in ps; use --wifi SSID with --wifi-password-file FILE, or let it ask"]);
  });
});

describe("board flash dry run: no secret on the console", () => {
  it("neither the passwords nor the key appear in stdout or stderr; they are in the upload", () => {
    const out = join(dir, "upload.js");
    // OPERATOR without its board and --port; the MQTT password file wins over the environment.
    const args = ["bin/meshport", "board", "flash", "t3-v1.6", "--dry-run", out, ...OPERATOR.slice(3)];
    const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000, env: { ...process.env, MESHPORT_MQTT_PASSWORD: ENV_PW } });
    expect(r.stderr).not.toMatch(/espruino CLI failed/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/t3-v1\.6 gateway: \d+ bytes/);
    for (const s of SECRETS) expect(r.stdout + r.stderr).not.toContain(s);
    const sent = readFileSync(out, "latin1");
    for (const s of [WIFI_PW, MQTT_PW, KEY_B64]) expect(sent).toContain(s);
    expect(sent).toContain('"deviceRole":"ROUTER"');
    expect(sent).toContain('"useTls":true');

    const legacy = spawnSync(process.execPath, ["bin/meshport", "board", "flash", "t3-v1.6", "--dry-run", out, "--wifi", "lab:" + WIFI_PW, "--broker", "mqtt://h"], { encoding: "utf8", timeout: 60_000 });
    expect(legacy.status).toBe(0);
    expect(legacy.stderr).toMatch(/warning: --wifi SSID:PASSWORD leaves the password readable in ps/);
    expect(legacy.stdout + legacy.stderr).not.toContain(WIFI_PW);
  }, 120_000);
});
