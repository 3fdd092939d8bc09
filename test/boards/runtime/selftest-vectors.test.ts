// The board's copies of the golden vectors (boards/selftest/vectors.ts) still equal test/vectors/,
// and the selftest fails loudly on a wrong answer (it is not a test that cannot fail).
import { describe, expect, it } from "vitest";
import { AES256_VARIANT, AES_CTR_VECTORS, AES_ECB_VECTORS, DEFAULT_KEY_HEX, LONGFAST_HASH, SYNTHETIC } from "../../../boards/selftest/vectors.js";
import { runSelftest, selftestCases } from "../../../boards/selftest/selftest.js";
import { validateStoredConfig } from "../../../boards/runtime/board-config.js";
import { loadVectors } from "../../support/vectors.js";

describe("selftest vectors", () => {
  it("match crypto.json and envelopes.json", () => {
    const c = loadVectors("crypto");
    const e = loadVectors("envelopes");
    expect(AES_ECB_VECTORS).toEqual(c.aes_ecb.map((v: any) => ({ keyHex: v.key_hex, plaintextHex: v.plaintext_hex, ciphertextHex: v.ciphertext_hex })));
    expect(AES_CTR_VECTORS).toEqual(c.aes_ctr.map((v: any) => ({ keyHex: v.key_hex, counterBlockHex: v.counter_block_hex, plaintextHex: v.plaintext_hex, ciphertextHex: v.ciphertext_hex })));
    expect(DEFAULT_KEY_HEX).toBe(c.psk_expansion.find((v: any) => v.psk_hex === "01").expanded_key_hex);
    expect(LONGFAST_HASH).toBe(c.channel_hash.find((v: any) => v.name === "LongFast").hash);
    const s = e.synthetic_packet;
    expect(SYNTHETIC).toEqual({
      from: s.inputs.from, to: s.inputs.to, id: s.inputs.id, channelName: s.inputs.channel_name, hopLimit: s.inputs.hop_limit, hopStart: s.inputs.hop_start,
      relayNode: s.inputs.relay_node, payloadText: s.inputs.payload_text, gatewayId: s.inputs.gateway_id, mqttRoot: s.inputs.mqtt_root,
      dataPlaintextHex: s.expected.data_plaintext_hex, ivHex: s.expected.iv_hex, ciphertextHex: s.expected.ciphertext_hex, loraFrameHex: s.expected.lora_frame_hex,
      envelopeEncryptedHex: s.expected.envelope_encrypted_hex, envelopeDecodedHex: s.expected.envelope_decoded_hex, topic: s.expected.topic,
    });
    expect(AES256_VARIANT).toEqual({ keyHex: e.aes256_variant.key_hex, ivHex: e.aes256_variant.iv_hex, plaintextHex: e.aes256_variant.plaintext_hex, ciphertextHex: e.aes256_variant.ciphertext_hex });
  });

  it("a native AES that answers wrongly fails the selftest at the first native case", () => {
    const broken = { encrypt: (d: Uint8Array) => new Uint8Array(d.length).buffer };
    const r = runSelftest(selftestCases(broken));
    expect(r.line).toMatch(/^SELFTEST FAIL native-aes-ecb: vector 0: expected f3eed1bd/);
    expect(r.passed).toBe(4);
  });
});

describe("stored configuration", () => {
  it("bounds every field with a typed error", () => {
    const base = { v: 1, region: "US", wifi: { ssid: "lab", password: "password123" }, mqtt: { host: "127.0.0.1", port: 1883 } };
    expect(validateStoredConfig(base).ok).toBe(true);
    const bad: [unknown, string, string][] = [
      [null, "not-an-object", ""],
      [{ ...base, v: 2 }, "unsupported-version", "v"],
      [{ ...base, nodeNum: 2 }, "out-of-range", "nodeNum"],
      [{ ...base, nodeNum: 0xffffffff }, "out-of-range", "nodeNum"],
      [{ ...base, nodeNum: 1.5 }, "wrong-type", "nodeNum"],
      [{ ...base, longName: "x".repeat(25) }, "out-of-range", "longName"],
      [{ ...base, shortName: "ABCDE" }, "out-of-range", "shortName"],
      [{ ...base, region: "MARS" }, "bad-format", "region"],
      [{ ...base, preset: "FAST" }, "bad-format", "preset"],
      [{ ...base, wifi: { ssid: "", password: "" } }, "out-of-range", "wifi.ssid"],
      [{ ...base, wifi: { ssid: "lab", password: "1234567" } }, "out-of-range", "wifi.password"],
      [{ ...base, mqtt: { host: "mqtt://x", port: 1883 } }, "bad-format", "mqtt.host"],
      [{ ...base, mqtt: { host: "x", port: 0 } }, "out-of-range", "mqtt.port"],
      [{ ...base, mqtt: { host: "x", port: "1883" } }, "wrong-type", "mqtt.port"],
      [{ ...base, mqtt: { host: "x", root: "msh/#" } }, "bad-format", "mqtt.root"],
    ];
    for (const [doc, code, field] of bad) {
      const r = validateStoredConfig(doc);
      expect(r.ok, JSON.stringify(doc)).toBe(false);
      if (!r.ok) expect([r.error.code, r.error.field]).toEqual([code, field]);
    }
  });
});
