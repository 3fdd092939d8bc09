// The channel-crypto steps of test/vectors/envelopes.json: IV, ciphertext with the default key and
// with an AES-256 key, through both ChannelCipher implementations, and the channel hash.

import { describe, expect, it } from "vitest";
import { PortableChannelCipher, channelHash, expandPsk, expandedKeyBytes, packetNonce } from "../../firmware/crypto/index.js";
import type { ChannelCipher } from "../../firmware/crypto/index.js";
import { ModemPreset, effectiveChannelName } from "../../firmware/mesh/modem-preset.js";
import { NodeChannelCipher } from "../../firmware/platform/node/node-channel-cipher.js";
import { base64, envelopeVectors, hex, toHex } from "./vectors.js";

const packet = envelopeVectors.synthetic_packet;
const variant = envelopeVectors.aes256_variant;
const ciphers: ChannelCipher[] = [new PortableChannelCipher(), new NodeChannelCipher()];

describe("synthetic packet", () => {
  const { id, from } = packet.inputs;

  it("builds the IV with packetNonce", () => {
    const iv = new Uint8Array(20);
    packetNonce(id, from, iv, 2);
    expect(toHex(iv.subarray(2, 18))).toBe(packet.expected.iv_hex);
    expect(iv[0]).toBe(0);
    expect(iv[19]).toBe(0);
  });

  it("expands AQ== to the default key", () => {
    const key = expandedKeyBytes(expandPsk(base64(packet.inputs.psk_base64)));
    expect(toHex(key as Uint8Array)).toBe(packet.inputs.expanded_key_hex);
  });

  it.each(ciphers.map((c) => [c.name, c] as const))("%s cipher encrypts and decrypts", (_name, cipher) => {
    const key = hex(packet.inputs.expanded_key_hex);
    const plaintext = hex(packet.expected.data_plaintext_hex);
    const ciphertext = cipher.ctr(key, id, from, plaintext);
    expect(toHex(ciphertext)).toBe(packet.expected.ciphertext_hex);
    expect(toHex(plaintext)).toBe(packet.expected.data_plaintext_hex); // input untouched
    expect(toHex(cipher.ctr(key, id, from, ciphertext))).toBe(packet.expected.data_plaintext_hex);
    expect(packet.expected.lora_frame_hex.endsWith(packet.expected.ciphertext_hex)).toBe(true);
  });

  it("has channel hash 8 for LongFast / AQ==", () => {
    expect(packet.inputs.modem_preset).toBe("LONG_FAST");
    const name = effectiveChannelName("", true, ModemPreset.LONG_FAST);
    expect(name).toBe(packet.inputs.channel_name);
    const key = expandedKeyBytes(expandPsk(base64(packet.inputs.psk_base64)));
    expect(channelHash(name, key)).toBe(packet.inputs.channel_hash);
    expect(channelHash(name, key)).toBe(8);
  });
});

describe("AES-256 variant", () => {
  it.each(ciphers.map((c) => [c.name, c] as const))("%s cipher", (_name, cipher) => {
    expect(variant.cipher).toBe("aes-256-ctr");
    const key = hex(variant.key_hex);
    expect(key.length).toBe(32);
    const expanded = expandedKeyBytes(expandPsk(key)) as Uint8Array;
    expect(toHex(expanded)).toBe(variant.key_hex); // a 32-byte psk is used as-is
    const iv = new Uint8Array(16);
    packetNonce(packet.inputs.id, packet.inputs.from, iv, 0);
    expect(toHex(iv)).toBe(variant.iv_hex);
    expect(toHex(cipher.ctr(expanded, packet.inputs.id, packet.inputs.from, hex(variant.plaintext_hex)))).toBe(
      variant.ciphertext_hex,
    );
  });
});
