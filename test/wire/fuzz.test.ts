// Fuzz: random bytes and mutations of valid encodings never produce anything but a value or the
// typed WireError, for every decoder.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WireError } from "../../firmware/bytes/index.js";
import { codecFor, decodeLoraFrame } from "../../firmware/wire/index.js";
import { officialPairs } from "../support/official-pairs.js";
import { messageArbitrary } from "../support/schema-arbitrary.js";
import { mutate, mutation } from "../support/mutations.js";

const RUNS = 2000;

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
