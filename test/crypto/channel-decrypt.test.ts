import { describe, expect, it } from "vitest";
import { PortableChannelCipher, channelHash, decryptWithChannels, expandPsk, tryChannelKey } from "../../firmware/crypto/index.js";
import { DataCodec } from "../../firmware/wire/index.js";
import { hex, loadVectors } from "../support/vectors.js";

const v = loadVectors("envelopes").synthetic_packet;
const cipher = new PortableChannelCipher();
const id = v.inputs.id;
const from = v.inputs.from;
const ciphertext = hex(v.expected.ciphertext_hex);

function keyOf(b64: string): Uint8Array | null {
  const e = expandPsk(new Uint8Array(Buffer.from(b64, "base64")));
  return e.kind === "key" ? e.key : null;
}

describe("channel matching", () => {
  const def = keyOf("AQ==");
  const other = keyOf("Ag==");

  it("decrypts with the channel whose hash matches and reports its index", () => {
    const channels = [
      { index: 0, hash: channelHash("Other", other), key: other },
      { index: 1, hash: channelHash("LongFast", def), key: def },
    ];
    const r = decryptWithChannels(cipher, channels, 8, id, from, ciphertext);
    expect(r?.index).toBe(1);
    expect(new TextDecoder().decode(r?.data.payload)).toBe("Hello, mesh!");
  });

  it("tries channels sharing a hash in index order and skips one that fails", () => {
    // Same hash value, wrong key first: decryption yields garbage that does not pass the test.
    const channels = [
      { index: 0, hash: 8, key: other },
      { index: 3, hash: 8, key: def },
    ];
    expect(decryptWithChannels(cipher, channels, 8, id, from, ciphertext)?.index).toBe(3);
  });

  it("does not try channels whose hash differs", () => {
    expect(decryptWithChannels(cipher, [{ index: 0, hash: 9, key: def }], 8, id, from, ciphertext)).toBeUndefined();
  });

  it("treats portnum 0 as a failed decrypt", () => {
    const plain = DataCodec.encode({ portnum: 0, payload: new Uint8Array([1, 2]) });
    expect(tryChannelKey(cipher, null, id, from, plain)).toBeUndefined();
    const ok = DataCodec.encode({ portnum: 1, payload: new Uint8Array([1, 2]) });
    expect(tryChannelKey(cipher, null, id, from, ok)?.data.portnum).toBe(1);
  });
});
