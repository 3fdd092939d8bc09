// Bad input gives a typed WireError with a stable code and message, never another exception.
import { describe, expect, it } from "vitest";
import { WireError, WireErrorCode } from "../../firmware/bytes/index.js";
import {
  Cardinality,
  DataCodec,
  FieldType,
  MeshPacketCodec,
  RouteDiscoveryCodec,
  ServiceEnvelopeCodec,
  decodeLoraFrame,
  decodeMessage,
  defineMessage,
  field,
} from "../../firmware/wire/index.js";
import { hex } from "../support/vectors.js";

function errorOf<T>(r: { ok: true; value: T } | { ok: false; error: WireError }): WireError {
  if (r.ok) throw new Error("expected a decode error, got " + JSON.stringify(r.value));
  expect(r.error).toBeInstanceOf(WireError);
  return r.error;
}

describe("typed decode errors", () => {
  it("truncated fixed32", () => {
    const e = errorOf(MeshPacketCodec.decode(hex("0d785634")));
    expect(e.code).toBe(WireErrorCode.Truncated);
    expect(e.message).toBe("truncated at byte 4");
  });

  it("truncated varint", () => {
    const e = errorOf(MeshPacketCodec.decode(hex("4880")));
    expect(e.code).toBe(WireErrorCode.Truncated);
    expect(e.message).toBe("truncated at byte 2");
  });

  it("wrong wire type for a known field", () => {
    // from (field 1) is fixed32 but sent as a varint
    const e = errorOf(MeshPacketCodec.decode(hex("0801")));
    expect(e.code).toBe(WireErrorCode.BadWireType);
    expect(e.message).toBe("MeshPacket.from: wire type 0 at byte 0, expected 5");
  });

  it("group wire types are refused even for unknown fields", () => {
    const e = errorOf(MeshPacketCodec.decode(hex("fb01")));
    expect(e.code).toBe(WireErrorCode.BadWireType);
  });

  it("a length past the end of the input is truncation", () => {
    const e = errorOf(DataCodec.decode(hex("120548656c6c")));
    expect(e.code).toBe(WireErrorCode.Truncated);
    expect(e.message).toBe("truncated at byte 6: Data.payload at byte 1 needs 5 bytes");
  });

  it("a nested length past its parent's end is caught in the nested message", () => {
    // ServiceEnvelope.packet of 3 bytes whose content claims a 10-byte field
    const e = errorOf(ServiceEnvelopeCodec.decode(hex("0a032a0a00" + "00".repeat(10))));
    expect(e.code).toBe(WireErrorCode.LengthPastEnd);
    expect(e.message).toBe("MeshPacket.encrypted: length 10 at byte 3 runs past the end of its message");
  });

  it("over the nanopb limit: Data.payload of 234 bytes", () => {
    const e = errorOf(DataCodec.decode(hex("12ea01" + "00".repeat(234))));
    expect(e.code).toBe(WireErrorCode.OverLimit);
    expect(e.message).toBe("Data.payload is 234 bytes, limit 233");
  });

  it("over the nanopb repeated limit: 9 route hops", () => {
    const e = errorOf(RouteDiscoveryCodec.decode(hex("0a24" + "01000000".repeat(9))));
    expect(e.code).toBe(WireErrorCode.OverLimit);
  });

  it("uint32 field larger than 32 bits", () => {
    const e = errorOf(MeshPacketCodec.decode(hex("488080808010")));
    expect(e.code).toBe(WireErrorCode.IntegerOverflow);
  });

  it("varint longer than 10 bytes", () => {
    const e = errorOf(MeshPacketCodec.decode(hex("60ffffffffffffffffff7f")));
    expect(e.code).toBe(WireErrorCode.VarintTooLong);
  });

  it("field number 0", () => {
    const e = errorOf(DataCodec.decode(hex("0001")));
    expect(e.code).toBe(WireErrorCode.BadFieldNumber);
  });

  it("nesting deeper than MAX_MESSAGE_DEPTH", () => {
    const Node = defineMessage("Node", []);
    const child = field(1, "child", FieldType.Message, undefined, Node);
    Node.fields.push(child);
    Node.byNo[1] = child;
    let bytes = new Uint8Array(0);
    for (let i = 0; i < 12; i++) bytes = new Uint8Array([0x0a, bytes.length, ...bytes]);
    let err: unknown;
    try {
      decodeMessage(Node, bytes, 0, bytes.length);
    } catch (e) {
      err = e;
    }
    expect((err as WireError).code).toBe(WireErrorCode.TooDeep);
  });

  it("encoding refuses values nanopb could not hold", () => {
    const big = DataCodec.tryEncode({ payload: new Uint8Array(234) });
    expect(big.ok || big.error.code).toBe(WireErrorCode.OverLimit);
    const neg = MeshPacketCodec.tryEncode({ hopLimit: -1 });
    expect(neg.ok || neg.error.code).toBe(WireErrorCode.BadValue);
    const unpacked = defineMessage("U", [field(1, "xs", FieldType.Uint32, { card: Cardinality.Repeated })]);
    expect(decodeMessage(unpacked, hex("08010802"), 0, 4)).toEqual({ xs: [1, 2] });
  });

  it("skips unknown fields of every wire type", () => {
    // unknown 50 varint, 51 fixed64, 52 len, 53 fixed32, then portnum 1
    const r = DataCodec.decode(hex("9003019903" + "0000000000000000" + "a20302aabb" + "ad0300000000" + "0801"));
    expect(r.ok && r.value).toEqual({ portnum: 1 });
  });

  it("accepts unpacked repeated scalars as well as packed", () => {
    const r = RouteDiscoveryCodec.decode(hex("0d010000000d02000000"));
    expect(r.ok && r.value).toEqual({ route: [1, 2] });
  });

  it("LoRa frames shorter than the header", () => {
    const r = decodeLoraFrame(new Uint8Array(15));
    expect(errorOf(r).code).toBe(WireErrorCode.FrameTooShort);
  });
});
