// Differential tests against the official Meshtastic schema (@meshtastic/protobufs, a test oracle
// only): what our compact codec encodes decodes there to the same values, and the reverse.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage } from "../../firmware/wire/index.js";
import { officialPairs, sharedFields } from "../support/official-pairs.js";
import { canonical, fromBufbuild, messageArbitrary, toBufbuildInit } from "../support/schema-arbitrary.js";

const RUNS = 300;

describe("compact codec vs @meshtastic/protobufs", () => {
  for (const p of officialPairs) {
    const shared = sharedFields(p.ours, p.official);
    it(`${p.name}: our encoding decodes in the official schema to the same values`, () => {
      fc.assert(
        fc.property(messageArbitrary(shared), (m) => {
          const bytes = encodeMessage(p.ours, m);
          const theirs = fromBinary(p.official, bytes);
          expect(fromBufbuild(p.ours, theirs)).toEqual(canonical(p.ours, m));
        }),
        { numRuns: RUNS },
      );
    });

    it(`${p.name}: the official encoding decodes in ours to the same values`, () => {
      fc.assert(
        fc.property(messageArbitrary(shared, { noNegativeZero: true }), (m) => {
          const msg = create(p.official, toBufbuildInit(p.ours, m) as never);
          const bytes = toBinary(p.official, msg);
          expect(canonical(p.ours, decodeMessage(p.ours, bytes, 0, bytes.length))).toEqual(canonical(p.ours, m));
        }),
        { numRuns: RUNS },
      );
    });
  }
});
