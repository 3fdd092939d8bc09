// The generated codecs (firmware/wire/gen/specialised-codecs.ts) behind DataCodec, MeshPacketCodec
// and ServiceEnvelopeCodec must be indistinguishable from the generic table-driven codec: same
// decoded values (property order included), same bytes, same typed errors with the same offsets.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { catchWireError } from "../../firmware/bytes/index.js";
import type { DecodeResult } from "../../firmware/bytes/index.js";
import { decodeMessage, encodeMessage } from "../../firmware/wire/message-codec.js";
import { DataCodec, MeshPacketCodec, ServiceEnvelopeCodec } from "../../firmware/wire/index.js";
import type { Codec } from "../../firmware/wire/index.js";
import { messageArbitrary } from "../support/schema-arbitrary.js";
import { mutate, mutation } from "../support/mutations.js";
import { hex, loadVectors } from "../support/vectors.js";

const RUNS = 3000;
const CODECS: [string, Codec<object>][] = [
  ["Data", DataCodec as Codec<object>],
  ["MeshPacket", MeshPacketCodec as Codec<object>],
  ["ServiceEnvelope", ServiceEnvelopeCodec as Codec<object>],
];

/** Comparable form: values with key order, or the error's code, message and offset. */
function outcome(r: DecodeResult<unknown>): unknown {
  if (r.ok) return { keys: JSON.stringify(r.value, (_k, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v)), value: r.value };
  return { code: r.error.code, message: r.error.message, offset: r.error.offset };
}

describe("specialised codecs = generic codec", () => {
  for (const [name, codec] of CODECS) {
    const s = codec.schema;
    const generic = {
      decode: (b: Uint8Array) => catchWireError(() => decodeMessage(s, b, 0, b.length)),
      encode: (m: object) => catchWireError(() => encodeMessage(s, m)),
    };

    it(`${name}: decode of random bytes`, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
            expect(outcome(codec.decode(b))).toEqual(outcome(generic.decode(b)));
          }), { numRuns: RUNS });
    });

    it(`${name}: decode of mutated valid encodings`, () => {
      fc.assert(
        fc.property(messageArbitrary(s), fc.array(mutation, { minLength: 0, maxLength: 4 }), (m, ms) => {
          const b = mutate(encodeMessage(s, m), ms);
          expect(outcome(codec.decode(b))).toEqual(outcome(generic.decode(b)));
        }),
        { numRuns: RUNS },
      );
    });

    it(`${name}: encode and size of random messages`, () => {
      fc.assert(
        fc.property(messageArbitrary(s), (m) => {
          const ours = codec.tryEncode(m);
          expect(ours).toEqual(generic.encode(m));
          if (ours.ok) expect(codec.size(m)).toBe(ours.value.length);
        }),
        { numRuns: RUNS },
      );
    });

    it(`${name}: encode refuses what the generic encoder refuses, with the same error`, () => {
      const bad = fc.oneof(fc.constant(-1), fc.constant(2 ** 32), fc.constant(1.5), fc.constant(NaN), fc.constant("x"), fc.constant(true), fc.constant(new Uint8Array(300)), fc.constant("é".repeat(300)), fc.constant({}), fc.constant([1]));
      fc.assert(
        fc.property(messageArbitrary(s), fc.constantFrom(...s.fields.map((f) => f.name)), bad, (m, field, v) => {
          const broken = { ...m, [field]: v };
          const ours = codec.tryEncode(broken);
          const theirs = generic.encode(broken);
          expect(ours.ok).toBe(theirs.ok);
          if (!ours.ok && !theirs.ok) expect([ours.error.code, ours.error.message]).toEqual([theirs.error.code, theirs.error.message]);
          else expect(ours).toEqual(theirs);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it("the real envelopes of the shared vectors decode the same both ways", () => {
    const e = loadVectors("envelopes").synthetic_packet.expected;
    for (const h of [e.envelope_encrypted_hex, e.envelope_decoded_hex]) {
      const b = hex(h);
      const r = ServiceEnvelopeCodec.decode(b);
      expect(r.ok).toBe(true);
      expect(outcome(r)).toEqual(outcome(catchWireError(() => decodeMessage(ServiceEnvelopeCodec.schema, b, 0, b.length))));
      if (r.ok) expect(ServiceEnvelopeCodec.encode(r.value)).toEqual(b);
    }
  });

  it("the generated file is what scripts/gen-wire-codecs.ts writes from the current schemas", () => {
    const out = join(mkdtempSync(join(tmpdir(), "meshport-gen-")), "specialised-codecs.ts");
    execFileSync(process.execPath, ["--import", "tsx", "scripts/gen-wire-codecs.ts", out], { cwd: join(import.meta.dirname, "../..") });
    expect(readFileSync(out, "utf8")).toBe(readFileSync(join(import.meta.dirname, "../../firmware/wire/gen/specialised-codecs.ts"), "utf8"));
  });
});
