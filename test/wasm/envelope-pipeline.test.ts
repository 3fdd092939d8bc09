// The envelope pipeline (firmware/gateway/envelope-scan.ts) as TypeScript and as WASM: the
// envelope vectors, every channel-hash vector, the firmware's several-keys-per-hash rule, every
// error code, and random, mutated and garbage envelopes. Both builds must give the same result
// words and plaintext, and both must agree with the compact codec + decryptWithChannels oracle.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { utf8Decode } from "../../firmware/bytes/utf8.js";
import { PortableChannelCipher, channelHash, expandPsk, expandedKeyBytes } from "../../firmware/crypto/index.js";
import * as scan from "../../firmware/gateway/envelope-scan.js";
import { SCAN_MAX_ENVELOPE_BYTES, SCAN_STATUS_COUNT } from "../../firmware/gateway/envelope-scan.js";
import { DataCodec, ServiceEnvelopeCodec } from "../../firmware/wire/messages.js";
import type { Data, MeshPacket } from "../../firmware/wire/messages.js";
import { DataSchema, MeshPacketSchema } from "../../firmware/wire/schemas.js";
import {
  ENVELOPE_SCAN_CODES,
  TsEnvelopePipeline,
  WasmEnvelopePipeline,
  newEnvelopeScanResult,
  wasmMemoryBytes,
} from "../../wasm/loader.js";
import type { EnvelopeKey, EnvelopePipeline, EnvelopeScanResult } from "../../wasm/loader.js";
import { base64, cryptoVectors, hex, toHex } from "../crypto/vectors.js";
import { mutate, mutations } from "../support/mutations.js";
import { messageArbitrary } from "../support/schema-arbitrary.js";
import { loadVectors } from "../support/vectors.js";
import { expectMatchesOracle, oracle } from "./envelope-oracle.js";

/** The fields of test/vectors/envelopes.json used here (test/crypto/vectors.ts types only the crypto steps). */
interface EnvelopeVectors {
  synthetic_packet: {
    inputs: {
      from: number;
      to: number;
      id: number;
      channel_name: string;
      expanded_key_hex: string;
      channel_hash: number;
      hop_limit: number;
      hop_start: number;
      relay_node: number;
      priority: number;
      portnum: number;
      payload_text: string;
      bitfield: number;
      gateway_id: string;
    };
    expected: {
      data_plaintext_hex: string;
      ciphertext_hex: string;
      envelope_encrypted_hex: string;
      envelope_decoded_hex: string;
    };
  };
  aes256_variant: { key_hex: string; plaintext_hex: string; ciphertext_hex: string };
  negative_int32_varint: { value: number; encoded_hex: string };
}

const envelopeVectors = loadVectors<EnvelopeVectors>("envelopes");
const cipher = new PortableChannelCipher();
const ts = new TsEnvelopePipeline();
const wasm = new WasmEnvelopePipeline();

interface Both {
  ts: EnvelopeScanResult;
  wasm: EnvelopeScanResult;
}

/** Scans with both pipelines under the same keys and asserts identical words, results and plaintext. */
function scanBoth(bytes: Uint8Array, keys: readonly EnvelopeKey[]): Both {
  ts.setKeys(keys);
  wasm.setKeys(keys);
  const a = ts.scan(bytes);
  const tsWords = Array.from(ts.words);
  const b = wasm.scan(bytes);
  expect(Array.from(wasm.words)).toEqual(tsWords);
  expect(b).toEqual(a);
  return { ts: a, wasm: b };
}

function check(bytes: Uint8Array, keys: readonly EnvelopeKey[]): EnvelopeScanResult {
  const r = scanBoth(bytes, keys);
  expectMatchesOracle(bytes, r.ts, oracle(bytes, keys));
  return r.ts;
}

function envelope(packet: MeshPacket | undefined, channelId: string | undefined, gatewayId: string | undefined): Uint8Array {
  return ServiceEnvelopeCodec.encode({ packet, channelId, gatewayId });
}

/** A length-delimited field: tag bytes, varint length, body. */
function ld(tag: number[], body: Uint8Array): Uint8Array {
  const len: number[] = [];
  let n = body.length;
  while (n >= 0x80) {
    len.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  len.push(n);
  return new Uint8Array([...tag, ...len, ...body]);
}

function encrypted(key: Uint8Array, hash: number, id: number, from: number, data: Data, extra: MeshPacket = {}): MeshPacket {
  const pt = DataCodec.encode(data);
  return { from, to: 0xffffffff, channel: hash, id, ...extra, encrypted: key.length === 0 ? pt : cipher.ctr(key, id, from, pt) };
}

describe("envelope pipeline", () => {
  it("has a name for every status code", () => {
    expect(ENVELOPE_SCAN_CODES.length).toBe(SCAN_STATUS_COUNT);
    for (const name of ENVELOPE_SCAN_CODES) expect([name, (scan as Record<string, unknown>)["SCAN_" + name]]).toEqual([name, ENVELOPE_SCAN_CODES.indexOf(name)]);
    expect([ts.name, wasm.name]).toEqual(["ts", "wasm"]);
  });

  describe("envelopes.json", () => {
    const v = envelopeVectors.synthetic_packet;
    const keys = [{ hash: v.inputs.channel_hash, key: hex(v.inputs.expanded_key_hex) }];

    it("decrypts the encrypted envelope", () => {
      const bytes = hex(v.expected.envelope_encrypted_hex);
      const r = check(bytes, keys);
      expect(r.code).toBe("OK");
      expect(r.from).toBe(v.inputs.from);
      expect(r.to).toBe(v.inputs.to);
      expect(r.id).toBe(v.inputs.id);
      expect(r.channel).toBe(8);
      expect(r.hopLimit).toBe(v.inputs.hop_limit);
      expect(r.hopStart).toBe(v.inputs.hop_start);
      expect(r.priority).toBe(v.inputs.priority);
      expect(r.relayNode).toBe(v.inputs.relay_node);
      expect(utf8Decode(bytes, r.channelIdOff, r.channelIdOff + r.channelIdLen)).toBe(v.inputs.channel_name);
      expect(utf8Decode(bytes, r.gatewayIdOff, r.gatewayIdOff + r.gatewayIdLen)).toBe(v.inputs.gateway_id);
      expect(toHex(bytes.subarray(r.encryptedOff, r.encryptedOff + r.encryptedLen))).toBe(v.expected.ciphertext_hex);
      expect(toHex(r.plaintext as Uint8Array)).toBe(v.expected.data_plaintext_hex);
      expect(r.portnum).toBe(v.inputs.portnum);
      const pt = r.plaintext as Uint8Array;
      expect(utf8Decode(pt, r.payloadOff, r.payloadOff + r.payloadLen)).toBe(v.inputs.payload_text);
      expect(r.bitfield).toBe(v.inputs.bitfield);
      expect((r.dataFields >>> 9) & 1).toBe(1);
      expect([r.keySlot, r.keysTried]).toEqual([0, 1]);
    });

    it("passes the decoded envelope through with its Data range", () => {
      const bytes = hex(v.expected.envelope_decoded_hex);
      const r = check(bytes, keys);
      expect(r.code).toBe("NOT_ENCRYPTED");
      expect(toHex(bytes.subarray(r.dataOff, r.dataOff + r.dataLen))).toBe(v.expected.data_plaintext_hex);
      expect(utf8Decode(bytes, r.payloadOff, r.payloadOff + r.payloadLen)).toBe(v.inputs.payload_text);
      expect(r.portnum).toBe(1);
      expect(r.plaintext).toBeNull();
    });

    it("reads a negative rx_rssi (10-byte varint)", () => {
      const n = envelopeVectors.negative_int32_varint;
      const packet: MeshPacket = { from: 1, id: 2, rxRssi: n.value, decoded: { portnum: 1 } };
      const bytes = envelope(packet, "LongFast", "!00000001");
      expect(toHex(bytes)).toContain(n.encoded_hex);
      expect(check(bytes, []).rxRssi).toBe(-92);
    });

    it("AES-256 variant", () => {
      const a = envelopeVectors.aes256_variant;
      const key = hex(a.key_hex);
      const packet: MeshPacket = { from: v.inputs.from, id: v.inputs.id, channel: 0x42, encrypted: hex(a.ciphertext_hex) };
      const r = check(envelope(packet, "Secret", "!12345678"), [{ hash: 0x42, key }]);
      expect(toHex(r.plaintext ?? new Uint8Array(0))).toBe(a.plaintext_hex);
    });
  });

  describe("crypto.json channel_hash vectors", () => {
    it.each(cryptoVectors.channel_hash.map((c) => [c.name, c.psk_base64, c] as const))("%s / %s", (_n, _p, c) => {
      const key = expandedKeyBytes(expandPsk(base64(c.psk_base64))) ?? new Uint8Array(0);
      expect(channelHash(c.name, key)).toBe(c.hash);
      const packet = encrypted(key, c.hash, 0x01020304, 0x0a0b0c0d, { portnum: 1, payload: new Uint8Array([104, 105]), bitfield: 0 });
      const bytes = envelope(packet, c.name, "!0a0b0c0d");
      const decoy = { hash: c.hash ^ 1, key: new Uint8Array(16).fill(7) };
      const r = check(bytes, [decoy, { hash: c.hash, key }]);
      expect([r.code, r.keySlot, r.portnum, r.payloadLen]).toEqual(["OK", 1, 1, 2]);
    });
  });

  describe("several keys with one hash (Router.cpp perhapsDecode)", () => {
    const right = new Uint8Array(16).fill(0x11);
    const wrong = new Uint8Array(32).fill(0x22);
    const data: Data = { portnum: 3, payload: new Uint8Array([1, 2, 3]), bitfield: 1 };
    const bytes = envelope(encrypted(right, 8, 77, 99, data), "LongFast", "!00000063");

    it("tries every candidate in slot order and takes the first that decodes", () => {
      const r = check(bytes, [{ hash: 8, key: wrong }, { hash: 9, key: right }, { hash: 8, key: right }]);
      expect([r.code, r.keySlot, r.keysTried]).toEqual(["OK", 2, 2]);
    });

    it("BAD_DATA when candidates exist but none decodes with portnum != 0", () => {
      const r = check(bytes, [{ hash: 8, key: wrong }]);
      expect([r.code, r.keysTried, r.dataFields]).toEqual(["BAD_DATA", 1, 0]);
    });

    it("NO_KEY when no key has the hash", () => {
      expect(check(bytes, [{ hash: 9, key: right }]).code).toBe("NO_KEY");
      expect(check(bytes, []).code).toBe("NO_KEY");
    });

    it("an empty key is an unencrypted channel (the payload is the plain Data)", () => {
      const plain = envelope(encrypted(new Uint8Array(0), 5, 1, 2, data), "Open", "!00000002");
      expect(check(plain, [{ hash: 5, key: new Uint8Array(0) }]).code).toBe("OK");
    });

    it("a Data with portnum 0 is not a success (the firmware's bad-psk test)", () => {
      const zero = envelope(encrypted(right, 8, 1, 2, { portnum: 0, payload: new Uint8Array([1]) }), "LongFast", "!00000002");
      expect(check(zero, [{ hash: 8, key: right }]).code).toBe("BAD_DATA");
    });
  });

  describe("error codes", () => {
    const key = new Uint8Array(16).fill(1);
    const good = envelope(encrypted(key, 8, 5, 6, { portnum: 1, payload: new Uint8Array([65]) }), "LongFast", "!00000006");
    const keys = [{ hash: 8, key }];

    it.each([
      ["empty input", new Uint8Array(0), "NO_PACKET"],
      ["no channel_id", envelope({ from: 1, decoded: { portnum: 1 } }, undefined, "!00000001"), "NO_CHANNEL_ID"],
      ["empty channel_id", envelope({ from: 1, decoded: { portnum: 1 } }, "", "!00000001"), "NO_CHANNEL_ID"],
      ["no gateway_id", envelope({ from: 1, decoded: { portnum: 1 } }, "LongFast", undefined), "NO_GATEWAY_ID"],
      ["no payload", envelope({ from: 1 }, "LongFast", "!00000001"), "NO_PAYLOAD"],
      ["empty packet", envelope({}, "LongFast", "!00000001"), "NO_PAYLOAD"],
      ["packet with wire type 0", new Uint8Array([0x08, 0x01]), "BAD_WIRE_TYPE"],
      ["group wire type", new Uint8Array([0x0b]), "BAD_WIRE_TYPE"],
      ["field number 0", new Uint8Array([0x02, 0x00]), "BAD_FIELD_NUMBER"],
      ["tag wider than 32 bits", new Uint8Array([0x8a, 0x80, 0x80, 0x80, 0x80, 0x01]), "BAD_FIELD_NUMBER"],
      ["11-byte varint", new Uint8Array([0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), "VARINT_TOO_LONG"],
      ["length past the input", new Uint8Array([0x0a, 0x05, 0x0d]), "TRUNCATED"],
      ["length past the packet", new Uint8Array([0x0a, 0x03, 0x2a, 0x05, 0x00, 0x12, 0x01, 0x41]), "LENGTH_PAST_END"],
      ["fixed32 cut short", new Uint8Array([0x0a, 0x02, 0x0d, 0x01]), "TRUNCATED"],
      ["hop_limit above 32 bits", new Uint8Array([0x0a, 0x07, 0x48, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00]), "INTEGER_OVERFLOW"],
      ["priority not sign-extended", new Uint8Array([0x0a, 0x07, 0x58, 0xff, 0xff, 0xff, 0xff, 0x1f, 0x00]), "INTEGER_OVERFLOW"],
    ] as const)("%s: %s", (_what, bytes, code) => {
      expect(check(bytes, keys).code).toBe(code);
    });

    it("TOO_LONG for encrypted, public_key or Data.payload over the nanopb limits", () => {
      const packet = (body: Uint8Array): Uint8Array => ld([0x0a], body);
      expect(check(packet(ld([0x2a], new Uint8Array(256))), keys).code).toBe("NO_CHANNEL_ID");
      expect(check(packet(ld([0x2a], new Uint8Array(257))), keys).code).toBe("TOO_LONG");
      expect(check(packet(ld([0x82, 0x01], new Uint8Array(32))), keys).code).toBe("NO_CHANNEL_ID");
      expect(check(packet(ld([0x82, 0x01], new Uint8Array(33))), keys).code).toBe("TOO_LONG");
      expect(check(packet(ld([0x22], ld([0x12], new Uint8Array(233)))), keys).code).toBe("NO_CHANNEL_ID");
      expect(check(packet(ld([0x22], ld([0x12], new Uint8Array(234)))), keys).code).toBe("TOO_LONG");
      expect(check(packet(ld([0x22], ld([0x52], new Uint8Array(65)))), keys).code).toBe("TOO_LONG");
    });

    it("TOO_LONG for input beyond the 64 KiB buffer, without copying it", () => {
      const big = new Uint8Array(SCAN_MAX_ENVELOPE_BYTES + 1);
      big.set(good, 0);
      const r = check(big, keys);
      expect([r.code, r.errorAt]).toEqual(["TOO_LONG", -1]);
      const max = new Uint8Array(SCAN_MAX_ENVELOPE_BYTES);
      max.set(good, 0); // the zero bytes after the envelope are field 0: a real decoder error, not TOO_LONG
      expect(check(max, keys).code).toBe("BAD_FIELD_NUMBER");
    });

    it("every prefix of a valid envelope", () => {
      for (let n = 0; n <= good.length; n++) check(good.subarray(0, n), keys);
      expect(check(good, keys).code).toBe("OK");
    });
  });

  describe("protobuf merge rules, like the compact codec", () => {
    const key = new Uint8Array(16).fill(4);
    const keys = [{ hash: 3, key }];
    const enc = ServiceEnvelopeCodec.encode({ packet: encrypted(key, 3, 10, 20, { portnum: 5 }), channelId: "A", gatewayId: "B" });
    const dec = ServiceEnvelopeCodec.encode({ packet: { from: 7, decoded: { portnum: 9, payload: new Uint8Array([1]) } } });

    it("a later packet occurrence merges into the earlier one; decoded replaces encrypted", () => {
      const r = check(new Uint8Array([...enc, ...dec]), keys);
      expect([r.code, r.from, r.id, r.portnum]).toEqual(["NOT_ENCRYPTED", 7, 10, 9]);
    });

    it("encrypted replaces decoded", () => {
      const r = check(new Uint8Array([...dec, ...enc]), keys);
      expect([r.code, r.from, r.portnum]).toEqual(["OK", 20, 5]);
    });

    it("two decoded occurrences merge field by field", () => {
      const second = ServiceEnvelopeCodec.encode({ packet: { decoded: { bitfield: 1 } }, channelId: "A", gatewayId: "B" });
      const r = check(new Uint8Array([...dec, ...second]), keys);
      expect([r.code, r.portnum, r.payloadLen, r.bitfield]).toEqual(["NOT_ENCRYPTED", 9, 1, 1]);
    });
  });

  describe("random envelopes: TS = WASM = compact codec", () => {
    const keyArb = fc.record({
      hash: fc.integer({ min: 0, max: 3 }),
      key: fc.oneof(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.constant(new Uint8Array(0)),
      ),
    });
    const caseArb = fc.record({
      keys: fc.array(keyArb, { maxLength: 8 }),
      packet: messageArbitrary(MeshPacketSchema),
      data: messageArbitrary(DataSchema),
      encrypt: fc.integer({ min: 0, max: 3 }),
      pick: fc.nat(),
      hasPacket: fc.integer({ min: 0, max: 15 }),
      // Mostly present, so most cases reach the packet; sometimes missing or empty.
      channelId: fc.oneof(
        { arbitrary: fc.constantFrom("LongFast", "PKI", "Ünïcode"), weight: 10 },
        { arbitrary: fc.constantFrom(undefined, ""), weight: 1 },
      ),
      gatewayId: fc.oneof({ arbitrary: fc.constant("!12345678"), weight: 10 }, { arbitrary: fc.constantFrom(undefined, ""), weight: 1 }),
    });
    type Case = typeof caseArb extends fc.Arbitrary<infer C> ? C : never;

    function build(c: Case): Uint8Array {
      const packet = { ...c.packet } as MeshPacket;
      if (c.encrypt > 0 && c.keys.length > 0) {
        const k = c.keys[c.pick % c.keys.length];
        const pt = DataCodec.encode(c.data as Data);
        if (pt.length <= 256) {
          delete packet.decoded;
          const id = packet.id ?? 0;
          const from = packet.from ?? 0;
          packet.encrypted = k.key.length === 0 ? pt : cipher.ctr(k.key, id, from, pt);
          packet.channel = k.hash;
        }
      }
      return envelope(c.hasPacket === 0 ? undefined : packet, c.channelId, c.gatewayId);
    }

    it("well-formed envelopes", () => {
      fc.assert(
        fc.property(caseArb, (c) => {
          check(build(c), c.keys);
        }),
        { numRuns: 600 },
      );
    });

    it("mutated envelopes", () => {
      fc.assert(
        fc.property(caseArb, mutations, (c, ms) => {
          check(mutate(build(c), ms), c.keys);
        }),
        { numRuns: 800 },
      );
    });

    it("random bytes", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), fc.array(keyArb, { maxLength: 8 }), (bytes, keys) => {
          check(bytes, keys);
        }),
        { numRuns: 800 },
      );
    });
  });

  describe("API", () => {
    const key = new Uint8Array(32).fill(5);
    const bytes = envelope(encrypted(key, 1, 2, 3, { portnum: 4, payload: new Uint8Array([9, 9]) }), "A", "B");

    it.each([ts, wasm].map((p) => [p.name, p] as const))("%s: scanInto fills a reused result and writes the plaintext into caller memory", (_n, p) => {
      p.setKeys([{ hash: 1, key }]);
      const result = newEnvelopeScanResult();
      const out = new Uint8Array(256);
      expect(p.scanInto(bytes, result, out)).toBe(result);
      expect(result.code).toBe("OK");
      expect(result.plaintext).toBe(out);
      expect(out[result.payloadOff]).toBe(9);
      expect(p.scanInto(new Uint8Array([0x0b]), result, out).code).toBe("BAD_WIRE_TYPE");
      expect(result.plaintext).toBeNull();
      expect(() => p.scanInto(bytes, result, new Uint8Array(2))).toThrow(RangeError);
    });

    it.each([ts, wasm].map((p) => [p.name, p] as const))("%s: setKeys validates and copies", (_n, p) => {
      expect(() => p.setKeys(Array.from({ length: 9 }, () => ({ hash: 1, key })))).toThrow(RangeError);
      expect(() => p.setKeys([{ hash: 1, key: new Uint8Array(15) }])).toThrow(RangeError);
      const mine = key.slice();
      p.setKeys([{ hash: 1, key: mine }]);
      mine.fill(0);
      expect(p.scan(bytes).code).toBe("OK");
    });

    it("WASM pipelines with different keys share the module without seeing each other's keys", () => {
      const other = new WasmEnvelopePipeline();
      const pipelines: EnvelopePipeline[] = [wasm, other];
      wasm.setKeys([{ hash: 1, key }]);
      other.setKeys([{ hash: 1, key: new Uint8Array(16) }]);
      for (let i = 0; i < 4; i++) {
        expect(pipelines[0].scan(bytes).code).toBe("OK");
        expect(pipelines[1].scan(bytes).code).toBe("BAD_DATA");
      }
    });

    it("memory does not grow under heavy use", () => {
      const before = wasmMemoryBytes();
      wasm.setKeys([{ hash: 1, key }, { hash: 1, key: new Uint8Array(16) }]);
      const result = newEnvelopeScanResult();
      const out = new Uint8Array(256);
      const garbage = new Uint8Array(300).map((_, i) => (i * 73) & 0xff);
      for (let i = 0; i < 20000; i++) wasm.scanInto(i % 2 === 0 ? bytes : garbage.subarray(0, i % 300), result, out);
      expect(wasmMemoryBytes()).toBe(before);
    });
  });
});
