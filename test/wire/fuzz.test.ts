// Fuzz: random bytes and mutations of valid encodings never produce anything but a value or the
// typed WireError, for every decoder.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WireError } from "../../firmware/bytes/index.js";
import { codecFor, decodeLoraFrame } from "../../firmware/wire/index.js";
import { officialPairs } from "../support/official-pairs.js";
import { messageArbitrary } from "../support/schema-arbitrary.js";

const RUNS = 2000;

/** Byte-level mutations: flip, overwrite, insert, delete, truncate. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(b: Uint8Array, ms: Mutation[]): Uint8Array {
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

function valueOrTypedError(r: { ok: boolean; error?: unknown }): void {
  if (!r.ok) expect(r.error).toBeInstanceOf(WireError);
}

describe("decoders under fuzz", () => {
  for (const { name, ours } of officialPairs) {
    const codec = codecFor<object>(ours);
    it(`${name}: random bytes`, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => valueOrTypedError(codec.decode(b))), { numRuns: RUNS });
    });
    it(`${name}: mutations of valid encodings`, () => {
      fc.assert(
        fc.property(messageArbitrary(ours), fc.array(mutation, { minLength: 1, maxLength: 4 }), (m, ms) =>
          valueOrTypedError(codec.decode(mutate(codec.encode(m), ms))),
        ),
        { numRuns: RUNS },
      );
    });
  }

  it("LoRa header: random frames", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => valueOrTypedError(decodeLoraFrame(b))), { numRuns: RUNS });
  });
});
