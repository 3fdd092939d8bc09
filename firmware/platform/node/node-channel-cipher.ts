// ChannelCipher on node:crypto (OpenSSL AES-CTR). OpenSSL increments the whole 128-bit block while
// the firmware increments only the last 32 bits; they agree whenever the 32-bit counter does not
// wrap, which for a block counter starting at 0 needs 64 GiB of payload, far beyond a packet.

import { createCipheriv } from "node:crypto";
import { BAD_KEY_LENGTH_MESSAGE } from "../../crypto/channel-cipher.js";
import type { ChannelCipher } from "../../crypto/channel-cipher.js";
import { PACKET_NONCE_BYTES, packetNonce } from "../../crypto/nonce.js";

export class NodeChannelCipher implements ChannelCipher {
  readonly name = "node";

  ctr(key: Uint8Array, id: number, from: number, input: Uint8Array): Uint8Array {
    let algorithm: string;
    if (key.length === 16) algorithm = "aes-128-ctr";
    else if (key.length === 32) algorithm = "aes-256-ctr";
    else throw new Error(BAD_KEY_LENGTH_MESSAGE);
    const iv = new Uint8Array(PACKET_NONCE_BYTES);
    packetNonce(id, from, iv, 0);
    const cipher = createCipheriv(algorithm, key, iv);
    const head = cipher.update(input);
    const tail = cipher.final();
    const out = new Uint8Array(input.length);
    out.set(head, 0);
    out.set(tail, head.length);
    return out;
  }
}
