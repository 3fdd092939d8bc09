// IEEE 754 single-precision <-> its 32 bits, through one shared 4-byte buffer instead of a DataView
// per reader or writer. Typed arrays use the host's byte order, so the bits are read as a Uint32.
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The float whose IEEE 754 bits are `bits` (any 32-bit integer, signed or not). */
export function float32FromBits(bits: number): number {
  U32[0] = bits >>> 0;
  return F32[0];
}

/** The IEEE 754 bits of `v` rounded to single precision, as an unsigned 32-bit integer. */
export function float32Bits(v: number): number {
  F32[0] = v;
  return U32[0];
}

/**
 * `v` rounded to the nearest float32, as a double: what a C `float` holds. Math.fround is missing on
 * Espruino (boards/bundle/espruino-missing.json).
 */
export function fround(v: number): number {
  F32[0] = v;
  return F32[0];
}
