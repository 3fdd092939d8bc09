// Loads the golden vectors from test/vectors/ (the repository's own copy) and converts hex.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const VECTOR_DIR = fileURLToPath(new URL("../vectors/", import.meta.url));

export interface CryptoVectors {
  sha256: { input_hex: string; input_len: number; sha256_hex: string }[];
  aes_ecb: { key_hex: string; plaintext_hex: string; ciphertext_hex: string }[];
  aes_ctr: { key_hex: string; key_bits: number; counter_block_hex: string; plaintext_hex: string; ciphertext_hex: string }[];
  x25519: {
    private_hex: string;
    public_hex: string;
    expect: "ok" | "fail";
    shared_hex?: string;
    sha256_of_shared_hex?: string;
  }[];
  pki_frame: {
    our_private_hex: string;
    our_public_hex_derived: string;
    sender_public_hex: string;
    frame_hex: string;
    frame_len: number;
    header: { to: number; from: number; id: number; channel: number };
    ciphertext_hex: string;
    tag_hex: string;
    extra_nonce_hex: string;
    extra_nonce_u32: number;
    x25519_shared_hex: string;
    aes_key_hex: string;
    aes_key_prefix_asserted_by_test_hex: string;
    nonce_hex: string;
    plaintext_hex: string;
  };
  psk_expansion: { psk_hex: string; psk_base64: string; expanded_key_hex: string | null; cipher: string }[];
  channel_hash: { name: string; psk_base64: string; hash: number }[];
}

export interface EnvelopeVectors {
  synthetic_packet: {
    inputs: {
      from: number;
      id: number;
      channel_name: string;
      modem_preset: string;
      psk_base64: string;
      expanded_key_hex: string;
      channel_hash: number;
    };
    expected: { data_plaintext_hex: string; iv_hex: string; ciphertext_hex: string; lora_frame_hex: string };
  };
  aes256_variant: { key_hex: string; iv_hex: string; plaintext_hex: string; ciphertext_hex: string; cipher: string };
}

export interface RadioVectors {
  presets: { name: string; enum: number; display_name: string; bw_khz: number; sf: number; cr_den: number }[];
  frequency_slots: { preset: string; primary_channel_name: string; bandwidth_khz: number }[];
}

function load(name: string): unknown {
  return JSON.parse(readFileSync(VECTOR_DIR + name + ".json", "utf8"));
}

export const cryptoVectors = load("crypto") as CryptoVectors;
export const envelopeVectors = load("envelopes") as EnvelopeVectors;
export const radioVectors = load("radio") as RadioVectors;

export function hex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "hex"));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

export function base64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "base64"));
}
