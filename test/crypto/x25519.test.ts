// Portable X25519 (firmware/crypto/x25519.ts) against node:crypto (firmware/platform/node/node-pki.ts),
// the crypto.json vectors, RFC 7748 section 5.2, and a BigInt model of the field arithmetic.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { nodePki } from "../../firmware/platform/node/node-pki.js";
import { feCarry, feMul, feSquare, x25519, x25519BasePoint, x25519PublicKeyWith } from "../../firmware/crypto/x25519.js";
import { cryptoVectors as V, hex, toHex } from "./vectors.js";

const P = (1n << 255n) - 19n;

function valueOf(fe: Float64Array): bigint {
  let v = 0n;
  for (let i = 15; i >= 0; i--) v = v * 65536n + BigInt(fe[i]);
  return v;
}

function mod(v: bigint): bigint {
  const r = v % P;
  return r < 0n ? r + P : r;
}

/** A field element with limbs drawn from [-lim, lim] (integers), as sums and differences leave them. */
function randomFe(lim: number): Float64Array {
  const fe = new Float64Array(16);
  const b = randomBytes(64);
  for (let i = 0; i < 16; i++) fe[i] = (b.readUInt32LE(4 * i) % (2 * lim + 1)) - lim;
  return fe;
}

describe("x25519 (portable)", () => {
  it.each(V.x25519.map((v, i) => [i, v.expect, v] as const))("crypto.json vector %d expects %s", (_i, expectation, v) => {
    const shared = x25519(hex(v.private_hex), hex(v.public_hex));
    if (expectation === "fail") expect(shared).toBeNull();
    else expect(toHex(shared as Uint8Array)).toBe(v.shared_hex);
  });

  it("RFC 7748 section 5.2 vectors", () => {
    expect(toHex(x25519(hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"), hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c")) as Uint8Array)).toBe(
      "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
    );
    expect(toHex(x25519(hex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"), hex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493")) as Uint8Array)).toBe(
      "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
    );
  });

  it("RFC 7748 section 5.2 iteration, 1 and 1000 times", () => {
    let k = x25519BasePoint();
    let u = x25519BasePoint();
    for (let i = 1; i <= 1000; i++) {
      const r = x25519(k, u) as Uint8Array;
      u = k;
      k = r;
      if (i === 1) expect(toHex(k)).toBe("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
    }
    expect(toHex(k)).toBe("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
  });

  it("equals node:crypto on 300 random key pairs, including u with bit 255 set and u >= p", () => {
    for (let n = 0; n < 300; n++) {
      const k = randomBytes(32);
      const u = randomBytes(32);
      if (n % 10 === 1) u[31] |= 0x80; // bit 255 is ignored
      if (n % 10 === 2) u.fill(0xff); // 2^256 - 1: reduced mod p after masking
      if (n % 10 === 3) {
        u.fill(0xff, 1);
        u[0] = 0xed + (n % 19); // p .. p + 18, non-canonical
        u[31] = 0x7f;
      }
      const ours = x25519(k, u);
      const theirs = nodePki.x25519(k, u);
      expect(ours === null ? null : toHex(ours)).toBe(theirs === null ? null : toHex(theirs));
    }
  });

  it("publicKeyFor equals node:crypto on 100 random private keys", () => {
    for (let n = 0; n < 100; n++) {
      const k = randomBytes(32);
      expect(toHex(x25519PublicKeyWith(feMul, k))).toBe(toHex(nodePki.publicKeyFor(k)));
    }
  });

  it("refuses low-order points (all-zero result) and wrong lengths", () => {
    const k = randomBytes(32);
    // u = 0, 1 and the order-8 points of Curve25519 (and their non-canonical forms u + p).
    const lowOrder = [
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    ];
    for (const u of lowOrder) {
      expect(x25519(k, hex(u))).toBeNull();
      expect(nodePki.x25519(k, hex(u))).toBeNull();
    }
    expect(x25519(new Uint8Array(31), x25519BasePoint())).toBeNull();
    expect(x25519(k, new Uint8Array(33))).toBeNull();
    expect(() => x25519PublicKeyWith(feMul, new Uint8Array(16))).toThrow(/32 bytes/);
  });
});

describe("field arithmetic (BigInt model)", () => {
  it("feMul and feSquare are exact for limbs up to +-2^18, and carry to limbs below 2^16 except limb 1", () => {
    const out = new Float64Array(16);
    for (let n = 0; n < 2000; n++) {
      const lim = n % 4 === 0 ? 262144 : n % 4 === 1 ? 65535 : n % 4 === 2 ? 131072 : 1;
      const a = randomFe(lim);
      const b = randomFe(lim);
      feMul(out, a, b);
      expect(mod(valueOf(out))).toBe(mod(valueOf(a) * valueOf(b)));
      for (let i = 0; i < 16; i++) {
        expect(Number.isInteger(out[i])).toBe(true);
        if (i !== 1) expect(out[i] >= 0 && out[i] < 65536).toBe(true);
      }
      feSquare(out, a);
      expect(mod(valueOf(out))).toBe(mod(valueOf(a) * valueOf(a)));
    }
  });

  it("extreme inputs: every limb at +2^18 or -2^18", () => {
    const out = new Float64Array(16);
    const hi = new Float64Array(16).fill(262144);
    const lo = new Float64Array(16).fill(-262144);
    for (const [a, b] of [[hi, hi], [lo, lo], [hi, lo]]) {
      feMul(out, a, b);
      expect(mod(valueOf(out))).toBe(mod(valueOf(a) * valueOf(b)));
    }
  });

  it("feCarry keeps the value mod p", () => {
    const t = new Float64Array(16);
    for (let n = 0; n < 200; n++) {
      for (let i = 0; i < 16; i++) t[i] = Math.floor(Math.random() * 2 ** 45) - 2 ** 44;
      const before = valueOf(t);
      const out = new Float64Array(16);
      feCarry(out, t);
      expect(mod(valueOf(out))).toBe(mod(before));
    }
  });
});
