// Fuzz, issue 8 (CI size): every exported *Codec of firmware/wire/messages.ts (the specialised
// Data/MeshPacket/ServiceEnvelope codecs and the generic ones). See fuzz.test.ts.
import { describe, expect, it } from "vitest";
import { officialPairs } from "../support/official-pairs.js";
import { namedCodecs } from "./targets.js";
import { fuzzFamilies } from "./vitest-fuzz.js";

describe("fuzz coverage of the codecs", () => {
  it("every message of official-pairs has an exported *Codec under fuzz", () => {
    const fuzzed = new Set(namedCodecs().map((c) => c.codec.schema));
    expect(officialPairs.filter((p) => !fuzzed.has(p.ours)).map((p) => p.name)).toEqual([]);
  });
});

fuzzFamilies(["codecs"]);
