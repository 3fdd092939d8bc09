// X25519 (RFC 7748 section 5) in portable JavaScript, for boards whose interpreter has no native
// Curve25519 (Espruino: no BigInt, no Math.imul, integers are int32 and wider results become
// doubles; shared spec espruino.md 1.1). PKI direct messages need it (meshtastic-wire.md 3.4).
//
// Field elements mod p = 2^255 - 19 are 16 limbs of 16 bits in a Float64Array, limb i weighing
// 2^(16 i). Doubles hold every intermediate exactly (bounds at feCarry), so no 64-bit integers
// are needed. Products are reduced with 2^256 = 38 (mod p). Limbs may go negative after a
// subtraction; carries use Math.floor, which rounds toward minus infinity, so that is harmless.
//
// The multiplication is a seam (FieldMul): the portable schoolbook product below, or a native-
// assisted one (boards/runtime/espruino-pki.ts builds it on Espruino's E.convolve). Everything
// else is shared, so both give the same bits.
//
// Timing: the ladder swaps references rather than limbs, so its running time depends on the
// scalar's bits. An interpreter offers no constant-time guarantee anyway; the key agreement runs
// once per peer (x25519-cache.ts) and its timing is hidden behind LoRa airtime.

/** Limbs of a field element. */
export const FE_LIMBS = 16;

/** a24 = (486662 - 2) / 4, the constant of the ladder step (RFC 7748 section 5). */
const A24 = 121665;

/**
 * out = a * b mod p, carried (feCarry). `out` may be `a` or `b`. Inputs are field elements as the
 * operations of this file leave them (limbs within about ±2^18).
 */
export type FieldMul = (out: Float64Array, a: Float64Array, b: Float64Array) => void;

// Math.floor through a module binding and a multiplication instead of a division: on Espruino the
// carry loop runs about 35% faster that way (measured on 2v29), and both are exact here (the factor
// is a power of two).
const floor = Math.floor;
const TWO_POW_MINUS_16 = 1 / 65536;

/** Product accumulator of the portable multiplication: 31 columns (reused, single-threaded). */
const ACC = new Float64Array(32);

/**
 * Carries the 16 column sums `t[0..16)` into `out` (which may be `t`): one pass leaves limbs
 * 0..15 in [0, 2^16) and a carry c out of limb 15, worth c * 2^256 = 38 c; that goes into limb 0,
 * whose own carry goes into limb 1. Bounds: the column sums of a product of inputs within 2^18
 * are below 16 * 39 * 2^36 < 2^46, far inside the 2^53 where doubles are exact; the carry out of
 * limb 15 is then below 2^30, and limb 1 ends below 2^16 + 2^20 (in practice a few units above
 * 2^16, because column 15 has no folded terms).
 */
export function feCarry(out: Float64Array, t: Float64Array): void {
  let c = 0;
  for (let i = 0; i < 16; i++) {
    const v = t[i] + c;
    c = floor(v * TWO_POW_MINUS_16);
    out[i] = v - c * 65536;
  }
  const v0 = out[0] + 38 * c;
  const c0 = floor(v0 * TWO_POW_MINUS_16);
  out[0] = v0 - c0 * 65536;
  out[1] += c0;
}

/** The portable FieldMul: schoolbook product into ACC, columns 16..30 folded with 38, carried. */
export function feMul(out: Float64Array, a: Float64Array, b: Float64Array): void {
  const t = ACC;
  t.fill(0);
  for (let i = 0; i < 16; i++) {
    const ai = a[i];
    for (let j = 0; j < 16; j++) t[i + j] += ai * b[j];
  }
  for (let k = 0; k < 15; k++) t[k] += 38 * t[k + 16];
  feCarry(out, t);
}

/** out = a^2 mod p with the symmetric products computed once (136 products instead of 256). */
export function feSquare(out: Float64Array, a: Float64Array): void {
  const t = ACC;
  t.fill(0);
  for (let i = 0; i < 16; i++) {
    const ai = a[i];
    t[i + i] += ai * ai;
    const d = ai + ai;
    for (let j = i + 1; j < 16; j++) t[i + j] += d * a[j];
  }
  for (let k = 0; k < 15; k++) t[k] += 38 * t[k + 16];
  feCarry(out, t);
}

function feAdd(out: Float64Array, a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < 16; i++) out[i] = a[i] + b[i];
}

function feSub(out: Float64Array, a: Float64Array, b: Float64Array): void {
  for (let i = 0; i < 16; i++) out[i] = a[i] - b[i];
}

/** out = a * 121665, carried. */
function feMulA24(out: Float64Array, a: Float64Array): void {
  for (let i = 0; i < 16; i++) out[i] = a[i] * A24;
  feCarry(out, out);
}

/** Reads a u-coordinate: 32 bytes little-endian, bit 255 ignored (RFC 7748 decodeUCoordinate). */
function feUnpack(out: Float64Array, bytes: Uint8Array): void {
  for (let i = 0; i < 16; i++) out[i] = bytes[2 * i] + 256 * bytes[2 * i + 1];
  out[15] = out[15] % 32768;
}

/** Limbs of p = 2^255 - 19. */
const P_LIMB_0 = 0xffed;
const P_LIMB_MID = 0xffff;
const P_LIMB_15 = 0x7fff;

/**
 * The canonical 32-byte encoding of `a` (fully reduced below p). Three carry passes bring every
 * limb into [0, 2^16) with a value below 2^256 < 2p + 38; two conditional subtractions of p then
 * leave it below p.
 */
function fePack(a: Float64Array): Uint8Array {
  const t = new Float64Array(16);
  const m = new Float64Array(16);
  for (let i = 0; i < 16; i++) t[i] = a[i];
  for (let pass = 0; pass < 3; pass++) feCarry(t, t);
  for (let pass = 0; pass < 2; pass++) {
    // m = t - p with a borrow chain; keep it when no borrow comes out of the top limb.
    let borrow = 0;
    for (let i = 0; i < 16; i++) {
      const pl = i === 0 ? P_LIMB_0 : i === 15 ? P_LIMB_15 : P_LIMB_MID;
      const v = t[i] - pl - borrow;
      borrow = v < 0 ? 1 : 0;
      m[i] = v + borrow * 65536;
    }
    if (borrow === 0) for (let i = 0; i < 16; i++) t[i] = m[i];
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 16; i++) {
    out[2 * i] = t[i] & 0xff;
    out[2 * i + 1] = (t[i] >>> 8) & 0xff;
  }
  return out;
}

/** out = z^(p - 2) = 1/z mod p (0 for z = 0), by the usual chain of 254 squarings and 11 products. */
function feInvert(mul: FieldMul, out: Float64Array, z: Float64Array): void {
  const z2 = new Float64Array(16);
  const z9 = new Float64Array(16);
  const z11 = new Float64Array(16);
  const r5 = new Float64Array(16); // z^(2^5 - 1)
  const r10 = new Float64Array(16); // z^(2^10 - 1)
  const r20 = new Float64Array(16);
  const r50 = new Float64Array(16);
  const r100 = new Float64Array(16);
  const t = new Float64Array(16);
  mul(z2, z, z); // z^2
  mul(t, z2, z2); // z^4
  mul(t, t, t); // z^8
  mul(z9, t, z); // z^9
  mul(z11, z9, z2); // z^11
  mul(t, z11, z11); // z^22
  mul(r5, t, z9); // z^31
  // r_{n+m} = r_n^(2^m) * r_m
  mul(t, r5, r5);
  for (let i = 1; i < 5; i++) mul(t, t, t);
  mul(r10, t, r5);
  mul(t, r10, r10);
  for (let i = 1; i < 10; i++) mul(t, t, t);
  mul(r20, t, r10);
  mul(t, r20, r20);
  for (let i = 1; i < 20; i++) mul(t, t, t);
  mul(t, t, r20); // 2^40 - 1
  for (let i = 0; i < 10; i++) mul(t, t, t);
  mul(r50, t, r10);
  mul(t, r50, r50);
  for (let i = 1; i < 50; i++) mul(t, t, t);
  mul(r100, t, r50);
  mul(t, r100, r100);
  for (let i = 1; i < 100; i++) mul(t, t, t);
  mul(t, t, r100); // 2^200 - 1
  for (let i = 0; i < 50; i++) mul(t, t, t);
  mul(t, t, r50); // 2^250 - 1
  for (let i = 0; i < 5; i++) mul(t, t, t); // 2^255 - 32
  mul(out, t, z11); // 2^255 - 21 = p - 2
}

/** The portable squaring when the multiplication is the portable one; else the seam's product. */
function squareWith(mul: FieldMul, out: Float64Array, a: Float64Array): void {
  if (mul === feMul) feSquare(out, a);
  else mul(out, a, a);
}

/**
 * X25519(scalar, u) with the given field multiplication: the RFC 7748 ladder over the clamped
 * scalar (decodeScalar25519), then x2 / z2. Returns the 32-byte u-coordinate, or null when either
 * input is not 32 bytes or the result is all zero (a low-order u; PkiPrimitives.x25519 refuses it,
 * as the firmware's Curve25519::dh2 does).
 */
export function x25519With(mul: FieldMul, scalar: Uint8Array, u: Uint8Array): Uint8Array | null {
  if (scalar.length !== 32 || u.length !== 32) return null;
  const k = new Uint8Array(32);
  for (let i = 0; i < 32; i++) k[i] = scalar[i];
  k[0] &= 248;
  k[31] = (k[31] & 127) | 64;

  const x1 = new Float64Array(16);
  feUnpack(x1, u);
  let x2 = new Float64Array(16);
  let z2 = new Float64Array(16);
  let x3 = new Float64Array(16);
  let z3 = new Float64Array(16);
  x2[0] = 1;
  z3[0] = 1;
  for (let i = 0; i < 16; i++) x3[i] = x1[i];
  const a = new Float64Array(16);
  const aa = new Float64Array(16);
  const b = new Float64Array(16);
  const bb = new Float64Array(16);
  const e = new Float64Array(16);
  const c = new Float64Array(16);
  const d = new Float64Array(16);
  const da = new Float64Array(16);
  const cb = new Float64Array(16);

  let swap = 0;
  for (let t = 254; t >= 0; t--) {
    const bit = (k[t >>> 3] >>> (t & 7)) & 1;
    if ((swap ^ bit) !== 0) {
      const sx = x2;
      x2 = x3;
      x3 = sx;
      const sz = z2;
      z2 = z3;
      z3 = sz;
    }
    swap = bit;
    feAdd(a, x2, z2);
    squareWith(mul, aa, a);
    feSub(b, x2, z2);
    squareWith(mul, bb, b);
    feSub(e, aa, bb);
    feAdd(c, x3, z3);
    feSub(d, x3, z3);
    mul(da, d, a);
    mul(cb, c, b);
    feAdd(x3, da, cb);
    squareWith(mul, x3, x3);
    feSub(z3, da, cb);
    squareWith(mul, z3, z3);
    mul(z3, z3, x1);
    mul(x2, aa, bb);
    feMulA24(z2, e);
    feAdd(z2, z2, aa);
    mul(z2, z2, e);
  }
  if (swap !== 0) {
    x2 = x3;
    z2 = z3;
  }
  feInvert(mul, z2, z2);
  mul(x2, x2, z2);
  const out = fePack(x2);
  let any = 0;
  for (let i = 0; i < 32; i++) any |= out[i];
  return any === 0 ? null : out;
}

/** X25519(scalar, u) with the portable multiplication. */
export function x25519(scalar: Uint8Array, u: Uint8Array): Uint8Array | null {
  return x25519With(feMul, scalar, u);
}

/** The base point's u-coordinate, 9 (RFC 7748 section 4.1). */
export function x25519BasePoint(): Uint8Array {
  const u = new Uint8Array(32);
  u[0] = 9;
  return u;
}

/**
 * The public key of a 32-byte private key, X25519(k, 9), with the given multiplication. Throws for
 * a key that is not 32 bytes (the result is never all zero: 9 has order 8 * a large prime).
 */
export function x25519PublicKeyWith(mul: FieldMul, privateKey: Uint8Array): Uint8Array {
  const pub = x25519With(mul, privateKey, x25519BasePoint());
  if (pub === null) throw new Error("X25519 private key must be 32 bytes");
  return pub;
}
