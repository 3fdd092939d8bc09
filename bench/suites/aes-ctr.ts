// aes-ctr: channel encryption of one packet, (key, id, from, payload) -> new ciphertext, as the
// router does it for every packet it sends or receives. Every impl builds the packet's counter block
// (firmware/crypto/nonce.ts) and its cipher state per call, as a ChannelCipher has to: only our
// portable cipher caches expanded keys across packets (that is part of what it is).
import { ctr as nobleCtr } from "@noble/ciphers/aes.js";
import aesjs from "aes-js";
import { PACKET_NONCE_BYTES, packetNonce, PortableChannelCipher } from "../../firmware/crypto/index.js";
import type { ChannelCipher } from "../../firmware/crypto/index.js";
import { NodeChannelCipher } from "../../firmware/platform/node/index.js";
import type { BenchCase, Impl } from "../harness.js";
import { assertSame, pattern } from "../samples.js";
import { loadWasm, WASM_ABSENT_NOTE } from "../wasm-hooks.js";

export const AES_BASELINE = "node:crypto (cipher per packet)";

/** Payload sizes: a few bytes, a short text, a position, the largest LoRa payload, and bulk. */
export const AES_SIZES = [16, 64, 128, 237, 65536];

/** @noble/ciphers' CTR (its counter is the whole 128-bit block, like OpenSSL's). */
export class NobleChannelCipher implements ChannelCipher {
  readonly name = "noble";
  ctr(key: Uint8Array, id: number, from: number, input: Uint8Array): Uint8Array {
    const iv = new Uint8Array(PACKET_NONCE_BYTES);
    packetNonce(id, from, iv, 0);
    return nobleCtr(key, iv).encrypt(input);
  }
}

/** aes-js' ModeOfOperation.ctr with a Counter holding the packet's counter block. */
export class AesJsChannelCipher implements ChannelCipher {
  readonly name = "aes-js";
  ctr(key: Uint8Array, id: number, from: number, input: Uint8Array): Uint8Array {
    const iv = new Uint8Array(PACKET_NONCE_BYTES);
    packetNonce(id, from, iv, 0);
    return new aesjs.ModeOfOperation.ctr(key, new aesjs.Counter(iv)).encrypt(input);
  }
}

function sizeLabel(n: number): string {
  return n >= 1024 ? `${n / 1024} KiB` : `${n} B`;
}

export function aesSuite(): BenchCase[] {
  const key = pattern(16, 7);
  const id = 0x0a0b0c0d;
  const from = 0x12345678;
  const wasm = loadWasm();
  const ciphers: [string, ChannelCipher][] = [
    ["meshport TS", new PortableChannelCipher()],
    [AES_BASELINE, new NodeChannelCipher()],
    ["@noble/ciphers", new NobleChannelCipher()],
    ["aes-js", new AesJsChannelCipher()],
  ];
  // Hook: "meshport WASM" (WasmChannelCipher from wasm/loader.ts via bench/wasm-hooks.ts).
  if (wasm !== undefined) ciphers.push(["meshport WASM", wasm.cipher]);
  return AES_SIZES.map((n) => {
    const data = pattern(n, 3);
    const expected = ciphers[1][1].ctr(key, id, from, data);
    for (const [name, cipher] of ciphers) assertSame(`aes-ctr ${n} B (${name})`, cipher.ctr(key, id, from, data), expected);
    const impls: Impl[] = ciphers.map(([name, cipher]) => ({ impl: name, run: () => cipher.ctr(key, id, from, data) }));
    const c: BenchCase = { suite: "aes-ctr", case: `AES-128-CTR ${sizeLabel(n)}`, baseline: AES_BASELINE, impls };
    if (wasm === undefined) c.notes = [WASM_ABSENT_NOTE];
    return c;
  });
}
