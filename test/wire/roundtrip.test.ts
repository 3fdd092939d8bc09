// Property tests of the compact codec against itself: decode(encode(m)) is m in canonical form, and
// encoding is canonical (re-encoding decoded bytes gives the same bytes).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, encodedSize } from "../../firmware/wire/index.js";
import { officialPairs } from "../support/official-pairs.js";
import { canonical, messageArbitrary } from "../support/schema-arbitrary.js";

describe("compact codec round trip", () => {
  for (const { name, ours } of officialPairs) {
    it(`${name}: decode(encode(m)) == m and re-encoding is byte-identical`, () => {
      fc.assert(
        fc.property(messageArbitrary(ours), (m) => {
          const bytes = encodeMessage(ours, m);
          expect(encodedSize(ours, m)).toBe(bytes.length);
          const back = decodeMessage(ours, bytes, 0, bytes.length);
          expect(canonical(ours, back)).toEqual(canonical(ours, m));
          expect(encodeMessage(ours, back)).toEqual(bytes);
        }),
        { numRuns: 300 },
      );
    });
  }
});
