// Randomness enters the core only through Rng: seeded in the simulator and tests, hardware-backed
// on a board. Nothing in firmware/ calls Math.random.

export interface Rng {
  /** A uniformly distributed unsigned 32-bit integer. */
  nextU32(): number;
}

/**
 * Arduino `random(min, max)`: an integer in [min, max) (max exclusive), as the firmware's
 * contention-window and packet-id code uses it. Returns min when max <= min.
 */
export function randomRange(rng: Rng, min: number, max: number): number {
  if (max <= min) return min;
  const span = max - min;
  // Scale the 32-bit draw with float math; spans here are small (< 2^31), so bias is negligible.
  return min + Math.floor((rng.nextU32() / 4294967296) * span);
}

/**
 * xorshift128 (Marsaglia): shifts and XORs only, so it runs the same on Espruino's 32-bit ints and
 * in Node, with no Math.imul. Good enough for contention windows and packet ids; not for keys.
 */
export class SeededRng implements Rng {
  private x: number;
  private y: number;
  private z: number;
  private w: number;

  constructor(seed: number) {
    // Spread the seed over the state with a SplitMix-like sequence of xorshifts; never all zero.
    let s = (seed ^ 0x9e3779b9) >>> 0;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.x = s >>> 0 || 0x6c078965;
    this.y = (this.x ^ 0x2545f491) >>> 0;
    this.z = (this.y ^ (this.x << 7)) >>> 0;
    this.w = (this.z ^ (this.y >>> 3) ^ 0x1b873593) >>> 0;
    for (let i = 0; i < 16; i++) this.nextU32();
  }

  nextU32(): number {
    const t = this.x ^ (this.x << 11);
    this.x = this.y;
    this.y = this.z;
    this.z = this.w;
    this.w = (this.w ^ (this.w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return this.w;
  }
}
