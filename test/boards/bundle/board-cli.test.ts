// `meshport board build|flash`: argument errors are one line and exit 2; a dry-run flash writes
// exactly the lines the upload sends (cli/board-upload.ts): the configuration, the bundle in
// Storage chunks, the CRC check and load(). test/boards/real runs such uploads on the interpreter.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildBoardBundle } from "../../../boards/bundle/build-bundle.js";
import { BOARD_CONFIG_FILE } from "../../../boards/runtime/board-config.js";
import { parseFlashArgs } from "../../../cli/board.js";
import type { FlashInput } from "../../../cli/board-flash-args.js";
import { configStatement, uploadSteps, uploadText, UPLOAD_CHUNK_BYTES } from "../../../cli/board-upload.js";
import { UsageError } from "../../../cli/usage-error.js";
import { freePort } from "../../support/brokers.js";
import { boardById } from "../../../boards/defs/index.js";

function meshport(args: string[]) {
  const r = spawnSync(process.execPath, ["bin/meshport", ...args], { encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** No terminal, no environment, warnings dropped: the test's stdin may be anything. */
const NO_TERMINAL: FlashInput = { readSecretFile: () => "", env: {}, promptSecret: () => undefined, warn: () => {} };

const GOOD = ["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab:password123", "--broker", "mqtt://10.0.0.2:1883"];

describe("board flash arguments", () => {
  const cases: [string, string[], RegExp][] = [
    ["missing port", ["heltec-v3", "--wifi", "lab:password123", "--broker", "mqtt://h:1883"], /missing --port/],
    ["bad port", ["heltec-v3", "--port", "ttyUSB0", "--wifi", "lab:password123", "--broker", "mqtt://h"], /--port ttyUSB0/],
    ["--wifi SSID without a password source", ["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab", "--broker", "mqtt://h"], /--wifi lab: no password/],
    ["bad --wifi (short password)", ["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab:short", "--broker", "mqtt://h"], /wifi.password/],
    ["bad --wifi (long ssid)", ["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "x".repeat(33) + ":password123", "--broker", "mqtt://h"], /wifi.ssid: must be 1..32 bytes/],
    ["bad --broker scheme", ["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab:password123", "--broker", "tcp://h:8883"], /--broker tcp:\/\/h:8883: expected mqtt:\/\/HOST/],
    ["bad --broker port", ["heltec-v3", "--port", "/dev/ttyUSB0", "--wifi", "lab:password123", "--broker", "mqtt://h:70000"], /port out of range/],
    ["unknown board", ["nope-v9", "--port", "/dev/ttyUSB0"], /unknown board nope-v9/],
    ["bad region", [...GOOD, "--region", "MARS"], /--region MARS: unknown region/],
    ["bad name", [...GOOD, "--name", "NoShort"], /--name NoShort: expected LONG\/SHORT/],
    ["short name too long", [...GOOD, "--name", "Long/TOOLONG"], /shortName: must be 0..4 bytes, got 7/],
    ["gateway without wifi", ["heltec-v3", "--port", "/dev/ttyUSB0"], /a gateway needs --wifi/],
  ];
  for (const [what, argv, message] of cases) {
    it(`rejects: ${what}`, () => {
      expect(() => parseFlashArgs(argv, NO_TERMINAL)).toThrow(UsageError);
      expect(() => parseFlashArgs(argv, NO_TERMINAL)).toThrow(message);
    });
  }

  it("accepts a full gateway command line", () => {
    const a = parseFlashArgs([...GOOD, "--region", "eu_868", "--name", "Roof gw/ROOF"], NO_TERMINAL);
    expect(a.board.id).toBe("heltec-v3");
    expect(a.config).toMatchObject({ region: "EU_868", longName: "Roof gw", shortName: "ROOF", wifi: { ssid: "lab", password: "password123" }, mqtt: { host: "10.0.0.2", port: 1883 } });
  });

  it("through the command: one line on stderr first, exit 2", () => {
    const r = meshport(["board", "flash", "heltec-v3", "--wifi", "lab", "--broker", "mqtt://h", "--port", "/dev/ttyUSB0"]);
    expect(r.status).toBe(2);
    expect(r.stderr.split("\n")[0]).toBe("meshport board: --wifi lab: no password; give --wifi-password-file FILE (an empty file for an open network), or run in a terminal to be asked");
    const u = meshport(["board", "build", "nope"]);
    expect(u.status).toBe(2);
    expect(u.stderr.split("\n")[0]).toMatch(/^meshport board: unknown board nope/);
  });
});

describe("board flash upload (dry run)", () => {
  it("writes exactly the upload: configuration, the bundle in Storage chunks, its CRC check, load()", async () => {
    const dir = mkdtempSync(join(tmpdir(), "meshport-flash-test-"));
    const out = join(dir, "upload.bin");
    const argv = ["t3-v1.6", "--dry-run", out, ...GOOD.slice(3), "--region", "ANZ", "--name", "Hill/HILL"];
    const r = meshport(["board", "flash", ...argv]);
    // The one stderr line is the warning that SSID:PASSWORD on the command line is visible in ps.
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^meshport board: warning: --wifi SSID:PASSWORD/)]);
    expect(r.status).toBe(0);
    const sent = readFileSync(out, "latin1");
    const bundle = await buildBoardBundle("t3-v1.6", "gateway");
    expect(sent).toBe(uploadText(uploadSteps(bundle.code, parseFlashArgs(argv).config)));
    expect(r.stdout).toContain(`wrote the ${statSync(out).size} bytes`);
    const lines = sent.split("\n").filter((l) => l !== "");
    expect(lines[0]).toBe("\x10reset()");
    expect(lines[lines.length - 1]).toBe("\x10load()");
    for (const l of lines) expect(l.charCodeAt(0)).toBe(0x10);
    expect(lines[2]).toContain('"region":"ANZ"');
    expect(lines[2]).toContain('"wifi":{"ssid":"lab","password":"password123"}');
    // The chunks put the bundle back together, and the check line carries its CRC-32.
    const chunks = lines.filter((l) => l.indexOf('require("Storage").write(".bootcde",') >= 0);
    expect(chunks.length).toBe(Math.ceil(bundle.code.length / UPLOAD_CHUNK_BYTES));
    const rebuilt = chunks.map((l) => JSON.parse(/write\("\.bootcde",("(?:[^"\\]|\\.)*")/.exec(l)![1]) as string).join("");
    expect(rebuilt).toBe(bundle.code);
    expect(lines[lines.length - 2]).toContain("E.CRC32");
    expect(uploadSteps(bundle.code, undefined)[uploadSteps(bundle.code, undefined).length - 2].ack).toBe("meshport upload crc " + crc32(bundle.code));
  }, 60_000);

  it("a port that does not answer is one line on stderr and exit 2 (serial through serialport, telnet over TCP)", async () => {
    const serial = meshport(["board", "flash", "heltec-v3", "--kind", "node", "--port", "/dev/ttyMESHPORTNONE"]);
    expect(serial.status).toBe(2);
    // Where the optional serialport package could not be installed, the message says how to get it.
    expect(serial.stderr).toMatch(/^meshport board flash: (cannot open \/dev\/ttyMESHPORTNONE|uploading over a serial port needs the serialport package)/m);
    const port = await freePort();
    const tcp = meshport(["board", "flash", "heltec-v3", "--kind", "node", "--port", "tcp://127.0.0.1:" + port]);
    expect(tcp.status).toBe(2);
    expect(tcp.stderr).toMatch(new RegExp("^meshport board flash: cannot connect to 127.0.0.1:" + port, "m"));
  }, 60_000);

  it("the configuration step keeps the board's node number and writes only on change", () => {
    const a = parseFlashArgs([...GOOD], NO_TERMINAL);
    const stmt = configStatement(a.config);
    let writes = 0;
    const files: Record<string, unknown> = { [BOARD_CONFIG_FILE]: { ...JSON.parse(JSON.stringify(a.config)), nodeNum: 0x1234 } };
    const Storage = {
      readJSON: (n: string) => (n in files ? JSON.parse(JSON.stringify(files[n])) : undefined),
      writeJSON: (n: string, d: unknown) => {
        writes++;
        files[n] = JSON.parse(JSON.stringify(d));
      },
    };
    runInNewContext(stmt, { require: () => Storage, JSON });
    expect(writes).toBe(0);
    files[BOARD_CONFIG_FILE] = { v: 1, nodeNum: 0x99, region: "EU_868" };
    runInNewContext(stmt, { require: () => Storage, JSON });
    expect(writes).toBe(1);
    expect(files[BOARD_CONFIG_FILE]).toMatchObject({ nodeNum: 0x99, mqtt: { host: "10.0.0.2" } });
    expect(boardById("heltec-v3")!.espruinoFirmware).toBe("ESP32S3");
  });
});
