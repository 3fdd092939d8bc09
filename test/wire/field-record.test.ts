// The two ways a field descriptor is stored (firmware/wire/field-record.ts on Node, the board
// build's field-record-board.ts, which keeps only non-default properties and inherits the rest)
// answer every read the codec makes identically, for every field of every schema table. The
// codec running on board-form descriptors is tested by the board selftest (sandbox and real
// interpreter).
import { describe, expect, it } from "vitest";
import { fieldRecord } from "../../firmware/wire/field-record.js";
import { fieldRecord as boardFieldRecord } from "../../firmware/wire/field-record-board.js";
import type { FieldSchema, MessageSchema } from "../../firmware/wire/field-schema.js";
import * as schemas from "../../firmware/wire/schemas.js";

const READS = ["no", "name", "type", "card", "presence", "max", "oneof", "msg"] as const;

function allSchemas(): MessageSchema[] {
  return Object.values(schemas).filter((x): x is MessageSchema => typeof x === "object" && x !== null && Array.isArray((x as MessageSchema).fields));
}

const board = (f: FieldSchema): FieldSchema => boardFieldRecord(f.no, f.name, f.type, f.card, f.presence, f.max, f.oneof, f.msg);

describe("field records: Node and board forms", () => {
  it("every schema field reads the same through both forms", () => {
    let n = 0;
    for (const s of allSchemas()) {
      for (const f of s.fields) {
        const plain = fieldRecord(f.no, f.name, f.type, f.card, f.presence, f.max, f.oneof, f.msg);
        const b = board(f);
        for (const k of READS) expect(b[k], s.name + "." + f.name + "." + k).toBe(plain[k]);
        n++;
      }
    }
    expect(n).toBeGreaterThan(150);
  });

  it("the board form stores only what differs from the defaults", () => {
    const f = boardFieldRecord(3, "x", 1, 0, false, 0, "", undefined);
    expect(Object.keys(f).sort()).toEqual(["name", "no", "type"]);
    const g = boardFieldRecord(5, "y", 9, 2, true, 233, "payloadVariant", undefined);
    expect(Object.keys(g).sort()).toEqual(["card", "max", "name", "no", "oneof", "presence", "type"]);
  });
});
