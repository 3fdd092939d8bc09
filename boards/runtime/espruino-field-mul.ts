// The X25519 field multiplication (firmware/crypto/x25519.ts FieldMul) with its 256 limb products
// done in C by Espruino's E.convolve: one call per output column instead of 16 interpreted
// multiply-adds. Measured on the ESP32-like 2v29 build (scripts/measure-board-pki.ts) it makes a
// key agreement about 3 times faster than the portable product (0.77 s against 2.4 s on Linux).
//
// E.convolve(a, r, off) = sum over i < 16 of a[i] * r[(i + off) % 32]. With r holding b reversed,
// then 38 * b reversed (2^256 = 38 mod p):
//   r[m] = b[15 - m] for m < 16,   r[m] = 38 * b[31 - m] for m >= 16,
// the call with off = 15 - k reads r[i + 15 - k]: b[k - i] for i <= k and 38 * b[k + 16 - i] for
// i > k, which is column k of a * b with the columns above 15 already folded. Sums stay below
// 2^46, exact in the doubles E.convolve accumulates in; feCarry then finishes as in feMul.

import type { FieldMul } from "../../firmware/crypto/x25519.js";
import { feCarry } from "../../firmware/crypto/x25519.js";

export type Convolve = (a: Float64Array, b: Float64Array, offset: number) => number;

/** A FieldMul on `convolve` (E.convolve on a board; a JavaScript equivalent in the Node tests). */
export function convolveFieldMul(convolve: Convolve): FieldMul {
  const r = new Float64Array(32);
  const cols = new Float64Array(16);
  return (out: Float64Array, a: Float64Array, b: Float64Array): void => {
    for (let i = 0; i < 16; i++) {
      const v = b[i];
      r[15 - i] = v;
      r[31 - i] = 38 * v;
    }
    for (let k = 0; k < 16; k++) cols[k] = convolve(a, r, 15 - k);
    feCarry(out, cols);
  };
}

/** E.convolve when this firmware has it (not in SAVE_ON_FLASH builds), else undefined. */
export function nativeConvolve(): Convolve | undefined {
  const f = E.convolve;
  return typeof f === "function" ? f : undefined;
}
