// Table-driven message descriptions for the compact codec. One descriptor per field, sorted by
// field number, so the generic encoder writes fields in ascending order exactly like nanopb.
import { fieldRecord } from "./field-record.js";

/** Scalar and composite field types, named after their .proto type. */
export const FieldType = {
  Uint32: 1, // also used for nanopb int8/int16 fields declared uint32
  Int32: 2, // also every enum: protobuf enums are int32 on the wire
  Sint32: 3,
  Bool: 4,
  Fixed32: 5,
  Sfixed32: 6,
  Float: 7,
  String: 8,
  Bytes: 9,
  Message: 10,
} as const;
export type FieldType = (typeof FieldType)[keyof typeof FieldType];

/** How many values a field holds. Packed is what nanopb writes for proto3 repeated scalars. */
export const Cardinality = { Single: 0, RepeatedPacked: 1, Repeated: 2 } as const;
export type Cardinality = (typeof Cardinality)[keyof typeof Cardinality];

export interface FieldSchema {
  /** Field number. */
  readonly no: number;
  /** Property name on the decoded object (the proto3 JSON name). */
  readonly name: string;
  readonly type: FieldType;
  readonly card: Cardinality;
  /** Explicit presence (`optional` or oneof member): written whenever set, even to its default. */
  readonly presence: boolean;
  /** nanopb limit: usable bytes for string/bytes (max_size minus the NUL for strings), element count for repeated. 0 = none. */
  readonly max: number;
  /** Name of the oneof this field belongs to, or "". */
  readonly oneof: string;
  /** Schema of a message-typed field. */
  readonly msg: MessageSchema | undefined;
}

export interface MessageSchema {
  readonly name: string;
  readonly fields: FieldSchema[];
  /** Sparse lookup by field number, filled by defineMessage. */
  readonly byNo: (FieldSchema | undefined)[];
}

export interface FieldOptions {
  presence?: boolean;
  max?: number;
  oneof?: string;
  card?: Cardinality;
}

/** Builds one field descriptor. `opts` is optional so the tables stay readable. */
export function field(no: number, name: string, type: FieldType, opts?: FieldOptions, msg?: MessageSchema): FieldSchema {
  const o = opts || {};
  return fieldRecord(no, name, type, o.card === undefined ? Cardinality.Single : o.card, o.presence === true || (o.oneof !== undefined && o.oneof !== ""), o.max || 0, o.oneof || "", msg);
}

export function defineMessage(name: string, fields: FieldSchema[]): MessageSchema {
  const sorted = fields.slice().sort((a, b) => a.no - b.no);
  const byNo: (FieldSchema | undefined)[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const f = sorted[i];
    if (i > 0 && sorted[i - 1].no === f.no) throw new Error("duplicate field number " + f.no + " in " + name);
    byNo[f.no] = f;
  }
  return { name, fields: sorted, byNo };
}

/** A field before it has a name: messageOf names it after its key. */
export interface FieldDef {
  readonly no: number;
  readonly type: FieldType;
  readonly opts: FieldOptions | undefined;
  readonly msg: MessageSchema | undefined;
}

/**
 * A message from `{ fieldName: def }` (schemas.ts writes its tables this way): with the names as
 * object keys, a bundler that renames properties renames the table and the code reading it alike.
 */
export function messageOf(name: string, defs: Record<string, FieldDef>): MessageSchema {
  const keys = Object.keys(defs);
  const fields: FieldSchema[] = [];
  for (let i = 0; i < keys.length; i++) {
    const d = defs[keys[i]];
    fields.push(field(d.no, keys[i], d.type, d.opts, d.msg));
  }
  return defineMessage(name, fields);
}
