// Differential tests of the compact codec against two @bufbuild/protobuf schemas: the official
// Meshtastic one (@meshtastic/protobufs, a test oracle only) and our own proto/gen. What the compact
// codec encodes decodes there to the same values, and the reverse.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage } from "../../firmware/wire/index.js";
import type { MessageSchema } from "../../firmware/wire/index.js";
import { genPairs } from "../support/gen-pairs.js";
import { officialPairs, sharedFields } from "../support/official-pairs.js";
import type { Pair } from "../support/official-pairs.js";
import { canonical, fromBufbuild, messageArbitrary, toBufbuildInit } from "../support/schema-arbitrary.js";

const RUNS = 300;

function differential(pairs: Pair[], where: string): void {
  for (const p of pairs) {
    const shared = sharedFields(p.ours, p.official);
    it(`${p.name}: our encoding decodes in ${where} to the same values`, () => {
      fc.assert(
        fc.property(messageArbitrary(shared), (m) => {
          const bytes = encodeMessage(p.ours, m);
          const theirs = fromBinary(p.official, bytes);
          expect(fromBufbuild(p.ours, theirs)).toEqual(canonical(p.ours, m));
        }),
        { numRuns: RUNS },
      );
    });

    it(`${p.name}: the ${where} encoding decodes in ours to the same values`, () => {
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
}

describe("compact codec vs @meshtastic/protobufs", () => differential(officialPairs, "@meshtastic/protobufs"));
describe("compact codec vs proto/gen", () => differential(genPairs, "proto/gen"));

describe("proto/gen covers the compact codec", () => {
  function fieldPaths(s: MessageSchema, prefix: string): string[] {
    return s.fields.flatMap((f) => [prefix + f.no, ...(f.msg ? fieldPaths(f.msg, prefix + f.no + ".") : [])]);
  }
  for (const p of genPairs) {
    it(`${p.name}: every compact field exists in proto/gen`, () => {
      expect(fieldPaths(sharedFields(p.ours, p.official), "")).toEqual(fieldPaths(p.ours, ""));
    });
  }
});
