// Byte-level mutations of valid encodings for the fuzz suites: flip a bit, overwrite, insert,
// delete, truncate.
import fc from "fast-check";

export const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);
export type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

/** One to four mutations. */
export const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

export function mutate(b: Uint8Array, ms: Mutation[]): Uint8Array {
  let out = Array.from(b);
  for (const m of ms) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.kind === "flip" && out.length > 0) out[at] ^= 1 << m.bit;
    else if (m.kind === "set" && out.length > 0) out[at] = m.value;
    else if (m.kind === "insert") out.splice(at, 0, m.value);
    else if (m.kind === "delete") out.splice(at, 1);
    else if (m.kind === "truncate") out = out.slice(0, at);
  }
  return new Uint8Array(out);
}
