// `meshport decode` as a user runs it: the real bin/meshport in a child process.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { encodeEnvelope } from "../../firmware/gateway/index.js";
import { DataCodec, MapReportCodec, PortNum, PositionCodec, encodeLoraFrame } from "../../firmware/wire/index.js";
import { NodeChannelCipher } from "../../firmware/platform/node/index.js";
import { hex, loadVectors, toHexString } from "../support/vectors.js";

const BIN = fileURLToPath(new URL("../../bin/meshport", import.meta.url));
const env = loadVectors("envelopes");
const SYNTH = env.synthetic_packet.expected.envelope_encrypted_hex as string;

function run(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: "utf8", timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function noStackTrace(s: string): void {
  expect(s).not.toMatch(/\n\s+at /);
}

describe("meshport decode", () => {
  it("decodes the synthetic envelope: text, from and id", () => {
    const r = run(["decode", SYNTH]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.payload).toEqual({ text: "Hello, mesh!" });
    expect(j.packet.from).toBe(0x12345678);
    expect(j.packet.fromId).toBe("!12345678");
    expect(j.packet.id).toBe(0x0a0b0c0d);
    expect(j.packet.toId).toBe("!ffffffff");
    expect(j.envelope).toEqual({ channelId: "LongFast", gatewayId: "!12345678" });
    expect(j.decryption).toEqual({ key: "AQ==", channelHash: 8, hashMatchesChannel: true });
    expect(j.data).toEqual({ portnum: "TEXT_MESSAGE_APP", payload: "SGVsbG8sIG1lc2gh", bitfield: 1 });
  });

  it("accepts base64 input and the decoded (plaintext) envelope", () => {
    const b64 = Buffer.from(env.synthetic_packet.expected.envelope_decoded_hex, "hex").toString("base64");
    const r = run(["decode", b64]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.decryption).toEqual({ plaintext: true });
    expect(j.payload.text).toBe("Hello, mesh!");
  });

  it("decodes a raw LoRa frame with --frame", () => {
    const r = run(["decode", "--frame", env.synthetic_packet.expected.lora_frame_hex]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.packet).toMatchObject({ hopLimit: 3, hopStart: 3, channel: 8, relayNode: 120 });
    expect(j.payload.text).toBe("Hello, mesh!");
  });

  it("uses --psk keys (AES-256) and decodes a position payload", () => {
    const key = hex(env.aes256_variant.key_hex);
    const data = DataCodec.encode({ portnum: PortNum.POSITION_APP, payload: PositionCodec.encode({ latitudeI: 515000000, longitudeI: -1000000, altitude: 12 }) });
    const enc = new NodeChannelCipher().ctr(key, 7, 0x1234, data);
    const envelope = encodeEnvelope({ from: 0x1234, to: 0xffffffff, id: 7, channel: 0x42, encrypted: enc, hopLimit: 3, hopStart: 3 }, "Secret", 0xabcdef01);
    const r = run(["decode", "--psk", Buffer.from(key).toString("base64"), toHexString(envelope)]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.payload).toEqual({ latitudeI: 515000000, longitudeI: -1000000, altitude: 12 });
    expect(j.decryption.key).toBe(Buffer.from(key).toString("base64"));
  });

  it("decodes a map report envelope", () => {
    const report = MapReportCodec.encode({ longName: "Hilltop", shortName: "HT", latitudeI: 515000000, positionPrecision: 14 });
    const envelope = encodeEnvelope({ from: 0x99, to: 0xffffffff, decoded: { portnum: PortNum.MAP_REPORT_APP, payload: report } }, "LongFast", 0x99);
    const j = JSON.parse(run(["decode", toHexString(envelope)]).stdout);
    expect(j.payload).toEqual({ longName: "Hilltop", shortName: "HT", latitudeI: 515000000, positionPrecision: 14 });
  });

  it("reads one item per line from stdin and prints NDJSON", () => {
    const r = run(["decode", "-"], `${SYNTH}\n\nnot-hex!\n${SYNTH.slice(0, 30)}\n`);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    expect(lines[0].payload.text).toBe("Hello, mesh!");
    expect(lines[1]).toEqual({ line: 3, error: "not hex or base64" });
    expect(lines[2].line).toBe(4);
    expect(lines[2].error).toMatch(/^truncated at byte 15/);
    expect(r.stderr).toBe("meshport decode: 2 of the input lines could not be decoded\n");
  });

  describe("bad input: one line, exit 2, no stack trace", () => {
    const cases: [string, string[], RegExp][] = [
      ["not hex", ["decode", "not-hex!"], /^meshport decode: not hex or base64\n$/],
      ["truncated", ["decode", SYNTH.slice(0, 40)], /^meshport decode: truncated at byte 20: ServiceEnvelope.packet at byte 1 needs 46 bytes\n$/],
      ["no key", ["decode", "--psk", "Ag==", SYNTH.replace("2a1290ee", "2a1291ee")], /^meshport decode: no key decrypts it \(channel hash 8, tried AQ==, Ag==\)\n$/],
      ["PKI frame", ["decode", "--frame", "8c646d7a2909000062d6b2136b00000040df24abfcc30a17a3d9046726099e796a1c036a792b"], /PKI direct message\)\n$/],
      ["short frame", ["decode", "--frame", "00112233"], /^meshport decode: frame is 4 bytes, the header alone is 16\n$/],
      ["bad psk", ["decode", "--psk", "%%", SYNTH], /^meshport decode: --psk %%: not base64\n/],
      ["unknown option", ["decode", "--bogus", SYNTH], /^meshport decode: unknown option --bogus\nusage:/],
      ["missing input", ["decode"], /^meshport decode: missing input\n/],
    ];
    for (const [what, args, message] of cases) {
      it(what, () => {
        const r = run(args);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe("");
        expect(r.stderr).toMatch(message);
        noStackTrace(r.stderr);
      });
    }
  });

  it("frames a DM whose encrypted bytes are garbage under every key", () => {
    const frame = encodeLoraFrame(
      { to: 1, from: 2, id: 3, hopLimit: 3, wantAck: false, viaMqtt: false, hopStart: 3, channel: 8, nextHop: 0, relayNode: 0 },
      new Uint8Array([0xff, 0xfe, 0xfd]),
    );
    const r = run(["decode", "--frame", toHexString(frame)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no key decrypts it/);
  });
});
