// Portable SHA-256 (firmware/crypto/sha256.ts) against the crypto.json vectors and node:crypto.
import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../firmware/crypto/sha256.js";
import { cryptoVectors as V, hex, toHex } from "./vectors.js";

describe("sha256 (portable)", () => {
  it.each(V.sha256.map((v) => [v.input_len, v] as const))("crypto.json vector of %d bytes", (_n, v) => {
    expect(toHex(sha256(hex(v.input_hex)))).toBe(v.sha256_hex);
  });

  it("equals node:crypto for every length 0..300 (padding boundaries at 55, 56, 63, 64, 119, 120)", () => {
    for (let n = 0; n <= 300; n++) {
      const data = new Uint8Array(randomBytes(n));
      expect(toHex(sha256(data))).toBe(createHash("sha256").update(data).digest("hex"));
    }
  });

  it("hashes a subarray view by its own bytes, not the whole buffer", () => {
    const big = new Uint8Array(randomBytes(100));
    const view = big.subarray(10, 42);
    expect(toHex(sha256(view))).toBe(createHash("sha256").update(view).digest("hex"));
  });
});
