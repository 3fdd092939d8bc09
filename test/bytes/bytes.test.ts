// The leaf byte layer against Node's own implementations (TextEncoder/TextDecoder, Buffer).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readerOf, writerOfSize, WireErrorCode, fromBase64, fromHex, toBase64, toHex, utf8Decode, utf8Encode, utf8Length, varint32Size, varintInt32Size } from "../../firmware/bytes/index.js";

describe("utf8", () => {
  it("encodes like TextEncoder, lone surrogates included", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 80 }), fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), maxLength: 3 }), (a, b) => {
        const s = a + b + a;
        const expected = new TextEncoder().encode(s);
        expect(utf8Encode(s)).toEqual(expected);
        expect(utf8Length(s)).toBe(expected.length);
      }),
      { numRuns: 2000 },
    );
  });

  it("decodes any bytes like a non-fatal TextDecoder", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        expect(utf8Decode(b, 0, b.length)).toBe(new TextDecoder().decode(b));
      }),
      { numRuns: 5000 },
    );
  });

  it("decodes long strings in chunks", () => {
    const s = "é€😀".repeat(2000);
    const b = new TextEncoder().encode(s);
    expect(utf8Decode(b, 0, b.length)).toBe(s);
  });
});

describe("hex and base64", () => {
  it("round trip and agree with Buffer", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (b) => {
        expect(toHex(b)).toBe(Buffer.from(b).toString("hex"));
        expect(fromHex(toHex(b))).toEqual(b);
        expect(toBase64(b)).toBe(Buffer.from(b).toString("base64"));
        expect(fromBase64(toBase64(b))).toEqual(b);
        expect(fromBase64(Buffer.from(b).toString("base64url"))).toEqual(b);
      }),
    );
  });

  it("refuse malformed text", () => {
    expect(fromHex("abc")).toBeUndefined();
    expect(fromHex("zz")).toBeUndefined();
    expect(fromBase64("A")).toBeUndefined();
    expect(fromBase64("AQ=")).toBeUndefined();
    expect(fromBase64("A%==")).toBeUndefined();
    expect(fromBase64("AQ===")).toBeUndefined();
    expect(fromBase64("AQ==")).toEqual(new Uint8Array([1]));
  });
});

describe("varints", () => {
  it("uint32 varints round trip with the right size", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (v) => {
        const w = writerOfSize(varint32Size(v));
        w.varint32(v);
        expect(w.pos).toBe(w.buf.length);
        const r = readerOf(w.buf);
        expect(r.varint()).toBe(v);
        expect(r.hi).toBe(0);
      }),
    );
  });

  it("negative int32 is the 64-bit sign extension, 10 bytes", () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: -1 }), (v) => {
        const w = writerOfSize(varintInt32Size(v));
        w.varintInt32(v);
        expect(w.buf.length).toBe(10);
        const r = readerOf(w.buf);
        expect(r.varint() | 0).toBe(v);
        expect(r.hi).toBe(0xffffffff);
      }),
    );
  });

  it("reader refuses reads past the end with TRUNCATED", () => {
    const r = readerOf(new Uint8Array([1, 2]));
    let code = "";
    try {
      r.fixed32();
    } catch (e) {
      code = (e as { code: string }).code;
    }
    expect(code).toBe(WireErrorCode.Truncated);
  });
});
