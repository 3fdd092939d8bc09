// fast-check arbitraries and normalisers derived from the compact codec's own field tables, so the
// property, conformance and fuzz suites cover every field of every message without hand-written lists.
import fc from "fast-check";
import { utf8Length } from "../../firmware/bytes/utf8.js";
import { Cardinality, FieldType } from "../../firmware/wire/field-schema.js";
import type { FieldSchema, MessageSchema } from "../../firmware/wire/field-schema.js";

type Obj = Record<string, unknown>;

export interface ArbitraryOptions {
  /** Leave out -0 floats (bufbuild drops -0 for implicit fields, nanopb keeps it). */
  noNegativeZero?: boolean;
}

function scalarArbitrary(f: FieldSchema, opts: ArbitraryOptions): fc.Arbitrary<unknown> {
  switch (f.type) {
    case FieldType.Uint32:
    case FieldType.Fixed32:
      return fc.oneof(fc.integer({ min: 0, max: 300 }), fc.nat({ max: 0xffffffff }));
    case FieldType.Int32:
    case FieldType.Sint32:
    case FieldType.Sfixed32:
      return fc.oneof(fc.integer({ min: -300, max: 300 }), fc.integer({ min: -0x80000000, max: 0x7fffffff }));
    case FieldType.Float:
      return fc.float({ noNaN: true }).map((x) => (opts.noNegativeZero && Object.is(x, -0) ? 0 : x));
    case FieldType.Bool:
      return fc.boolean();
    case FieldType.String: {
      const max = f.max || 60;
      return fc.string({ unit: "binary", maxLength: max }).filter((s) => utf8Length(s) <= max);
    }
    case FieldType.Bytes:
      return fc.uint8Array({ maxLength: f.max || 64 });
    default:
      return messageArbitrary(f.msg as MessageSchema, opts);
  }
}

/** Random messages of schema `s`: each field absent or holding any value the codec accepts. */
export function messageArbitrary(s: MessageSchema, opts: ArbitraryOptions = {}): fc.Arbitrary<Obj> {
  const oneofs = new Map<string, FieldSchema[]>();
  const plain: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of s.fields) {
    if (f.oneof !== "") {
      const list = oneofs.get(f.oneof) ?? [];
      list.push(f);
      oneofs.set(f.oneof, list);
      continue;
    }
    const one = scalarArbitrary(f, opts);
    plain[f.name] =
      f.card === Cardinality.Single ? fc.option(one, { nil: undefined }) : fc.option(fc.array(one, { maxLength: f.max || 5 }), { nil: undefined });
  }
  const oneofArbs = [...oneofs.values()].map((members) =>
    fc.oneof(fc.constant<Obj>({}), ...members.map((m) => scalarArbitrary(m, opts).map((v): Obj => ({ [m.name]: v })))),
  );
  return fc.tuple(fc.record(plain), ...oneofArbs).map(([base, ...picked]) => {
    const out: Obj = {};
    for (const [k, v] of Object.entries(base)) if (v !== undefined) out[k] = v;
    for (const p of picked) Object.assign(out, p);
    return out;
  });
}

function isDefaultScalar(f: FieldSchema, v: unknown): boolean {
  if (f.type === FieldType.Bytes) return (v as Uint8Array).length === 0;
  if (f.type === FieldType.Float) return Object.is(v, 0);
  return v === 0 || v === false || v === "";
}

/** The canonical form of a message: implicit-presence defaults and empty repeated fields removed. */
export function canonical(s: MessageSchema, m: Obj): Obj {
  const out: Obj = {};
  for (const f of s.fields) {
    const v = m[f.name];
    if (v === undefined) continue;
    if (f.card !== Cardinality.Single) {
      const arr = v as unknown[];
      if (arr.length === 0) continue;
      out[f.name] = f.type === FieldType.Message ? arr.map((x) => canonical(f.msg as MessageSchema, x as Obj)) : [...arr];
      continue;
    }
    if (f.type === FieldType.Message) out[f.name] = canonical(f.msg as MessageSchema, v as Obj);
    else if (f.presence || !isDefaultScalar(f, v)) out[f.name] = v;
  }
  return out;
}

/** Reads a @bufbuild/protobuf message (ours or the official one) into our canonical plain shape. */
export function fromBufbuild(s: MessageSchema, m: any): Obj {
  const out: Obj = {};
  for (const f of s.fields) {
    let v: unknown;
    if (f.oneof !== "") {
      const o = m[f.oneof];
      if (o === undefined || o.case !== f.name) continue;
      v = o.value;
    } else v = m[f.name];
    if (v === undefined) continue;
    if (f.card !== Cardinality.Single) {
      const arr = v as unknown[];
      if (arr.length === 0) continue;
      out[f.name] = f.type === FieldType.Message ? arr.map((x) => fromBufbuild(f.msg as MessageSchema, x)) : [...arr];
      continue;
    }
    if (f.type === FieldType.Message) out[f.name] = fromBufbuild(f.msg as MessageSchema, v);
    else if (f.presence || !isDefaultScalar(f, v)) out[f.name] = v;
  }
  return out;
}

/** Builds the init object for @bufbuild/protobuf's `create` from our plain shape (oneofs become {case, value}). */
export function toBufbuildInit(s: MessageSchema, m: Obj): Obj {
  const out: Obj = {};
  for (const f of s.fields) {
    const v = m[f.name];
    if (v === undefined) continue;
    let conv: unknown = v;
    if (f.type === FieldType.Message)
      conv = f.card === Cardinality.Single ? toBufbuildInit(f.msg as MessageSchema, v as Obj) : (v as Obj[]).map((x) => toBufbuildInit(f.msg as MessageSchema, x));
    if (f.oneof !== "") out[f.oneof] = { case: f.name, value: conv };
    else out[f.name] = conv;
  }
  return out;
}
