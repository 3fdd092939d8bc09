// Fixed-width integer names for the files that compile both as TypeScript and as AssemblyScript
// (ARCHITECTURE.md "Portable subsets": aes.ts, aes-ctr.ts, gateway/envelope-scan.ts).
//
// Under tsc and esbuild these are plain `number`, so the TypeScript API and the emitted JavaScript
// are exactly what `number` gives. Under AssemblyScript `number` means f64, which would turn every
// bit operation into a float conversion; scripts/build-wasm.mjs drops the `import type` lines that
// bring these names in (they carry no code in either compiler), so asc resolves i32, u32 and u8 to
// its native integer types instead. Portable code therefore writes:
//   - `as u32` / `as i32` where a byte read from a Uint8Array is widened before a shift (in
//     AssemblyScript a u8 shifted left stays a u8), `as u8` where an int is stored into a byte;
//     both are type-only in TypeScript;
//   - `>>> 0` and `& 0xff` masks so TypeScript numbers keep the same bits as the native integers;
//   - `(x >>> 31) !== 0` instead of `x < 0` / `x > 0x7fffffff` on values that may carry bit 31,
//     because such a value is negative as an AssemblyScript i32 but large as a TypeScript u32.

/** Signed 32-bit integer (AssemblyScript i32). */
export type i32 = number;
/** Unsigned 32-bit integer (AssemblyScript u32). */
export type u32 = number;
/** Unsigned 8-bit integer (AssemblyScript u8): only as a cast target when storing into a Uint8Array. */
export type u8 = number;
