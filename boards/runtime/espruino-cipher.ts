// Channel AES-CTR on Espruino's native AES (mbedtls, hardware-backed on the S3 builds). Espruino's
// own CTR mode ignores the IV and always starts from a zero counter (shared spec espruino.md 2.6,
// libs/crypto/jswrap_crypto.c), so the counter blocks are built here, encrypted in one ECB call,
// and XORed with the data. The counter is the firmware's (firmware/crypto/aes-ctr.ts): the 16-byte
// block from packetNonce, where only the last 4 bytes count, as a big-endian number that wraps
// without carrying into byte 11.
import { BAD_KEY_LENGTH_MESSAGE, PortableChannelCipher } from "../../firmware/crypto/channel-cipher.js";
import type { ChannelCipher } from "../../firmware/crypto/channel-cipher.js";
import { PACKET_NONCE_BYTES, packetNonce } from "../../firmware/crypto/nonce.js";
import type { EspruinoAes } from "./espruino-globals.js";
import { cryptoModule } from "./espruino-host.js";

/**
 * Largest input handled by one call: a LoRa payload is at most 255 bytes, an MQTT downlink the
 * same. The counter buffer is 16 bytes per started block (272 bytes for 256 input bytes).
 */
export const ESPRUINO_CTR_MAX_BYTES = 512;

/** Fills `blocks` (a multiple of 16 bytes) with the counter sequence that starts at `counter16`. */
export function fillCounterBlocks(counter16: Uint8Array, blocks: Uint8Array): void {
  for (let i = 0; i < 16; i++) blocks[i] = counter16[i];
  for (let off = 16; off < blocks.length; off += 16) {
    for (let i = 0; i < 16; i++) blocks[off + i] = blocks[off - 16 + i];
    // Big-endian increment of bytes 12..15 only (CTR::setCounterSize(4)).
    for (let k = 15; k >= 12; k--) {
      const v = (blocks[off + k] + 1) & 0xff;
      blocks[off + k] = v;
      if (v !== 0) break;
    }
  }
}

/** AES-CTR of `input` with `counter16` through `aes` in ECB mode; a new array of input.length bytes. */
export function aesCtrViaEcb(aes: EspruinoAes, key: Uint8Array, counter16: Uint8Array, input: Uint8Array): Uint8Array {
  const out = new Uint8Array(input.length);
  if (input.length === 0) return out;
  const blocks = new Uint8Array(((input.length + 15) >> 4) << 4);
  fillCounterBlocks(counter16, blocks);
  const keystream = new Uint8Array(aes.encrypt(blocks, key, { mode: "ECB" }));
  if (keystream.length < input.length) throw new Error("AES ECB returned " + keystream.length + " bytes for " + blocks.length);
  for (let i = 0; i < input.length; i++) out[i] = input[i] ^ keystream[i];
  return out;
}

export class EspruinoChannelCipher implements ChannelCipher {
  readonly name = "espruino-aes";
  private readonly aes: EspruinoAes;
  private readonly counter = new Uint8Array(PACKET_NONCE_BYTES);

  constructor(aes: EspruinoAes) {
    this.aes = aes;
  }

  ctr(key: Uint8Array, id: number, from: number, input: Uint8Array): Uint8Array {
    if (key.length !== 16 && key.length !== 32) throw new Error(BAD_KEY_LENGTH_MESSAGE);
    if (input.length > ESPRUINO_CTR_MAX_BYTES) throw new Error("channel payload of " + input.length + " bytes exceeds " + ESPRUINO_CTR_MAX_BYTES);
    packetNonce(id, from, this.counter, 0);
    return aesCtrViaEcb(this.aes, key, this.counter, input);
  }
}

/** Espruino's AES when require("crypto") works and has AES, else undefined. */
export function nativeAes(): EspruinoAes | undefined {
  const c = cryptoModule();
  if (c === undefined || c.AES === undefined || typeof c.AES.encrypt !== "function") return undefined;
  return c.AES;
}

/**
 * The cipher a board runs: native AES when the firmware has it, else the portable TypeScript AES
 * (slower, same results). `forcePortable` is the switch the selftest uses to check the fallback.
 */
export function createChannelCipher(forcePortable: boolean): ChannelCipher {
  const aes = forcePortable ? undefined : nativeAes();
  return aes === undefined ? new PortableChannelCipher() : new EspruinoChannelCipher(aes);
}
