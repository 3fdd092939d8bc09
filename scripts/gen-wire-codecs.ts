// Writes firmware/wire/gen/specialised-codecs.ts: straight-line decoders and encoders for the
// messages on every packet's path (ServiceEnvelope > MeshPacket > Data), generated from the same
// field tables as the generic codec (firmware/wire/schemas.ts). Each single field with its expected
// wire type gets its own switch case with constant property names; everything else (unknown fields,
// wrong wire types, repeated fields) goes through the generic codec's per-field functions, so
// errors and edge cases are the generic codec's by construction.
//
//   npx tsx scripts/gen-wire-codecs.ts [OUT]      (make generate)
import { writeFileSync } from "node:fs";
import { Cardinality, FieldType } from "../firmware/wire/field-schema.js";
import type { FieldSchema, MessageSchema } from "../firmware/wire/field-schema.js";
import { DataSchema, MeshPacketSchema, ServiceEnvelopeSchema } from "../firmware/wire/schemas.js";

/** Message schema export name, TS type name. Nested message types must be listed before their users. */
const MESSAGES: [string, string, MessageSchema][] = [
  ["DataSchema", "Data", DataSchema],
  ["MeshPacketSchema", "MeshPacket", MeshPacketSchema],
  ["ServiceEnvelopeSchema", "ServiceEnvelope", ServiceEnvelopeSchema],
];

const WT: Record<number, number> = {
  [FieldType.Uint32]: 0,
  [FieldType.Int32]: 0,
  [FieldType.Sint32]: 0,
  [FieldType.Bool]: 0,
  [FieldType.Fixed32]: 5,
  [FieldType.Sfixed32]: 5,
  [FieldType.Float]: 5,
  [FieldType.String]: 2,
  [FieldType.Bytes]: 2,
  [FieldType.Message]: 2,
};

function varintBytes(v: number): number[] {
  const out: number[] = [];
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}

function typeNameOf(s: MessageSchema): string {
  const m = MESSAGES.find((x) => x[2] === s);
  return m !== undefined ? m[1] : "";
}

function schemaNameOf(s: MessageSchema): string {
  return s.name + "Schema";
}

function oneofClears(s: MessageSchema, f: FieldSchema): string {
  if (f.oneof === "") return "";
  return s.fields
    .filter((g) => g.oneof === f.oneof && g !== f)
    .map((g) => `if (m.${g.name} !== undefined) delete m.${g.name}; `)
    .join("");
}

function decodeCase(s: MessageSchema, f: FieldSchema, i: number): string {
  const tag = (f.no << 3) | WT[f.type];
  const F = `${s.name}F[${i}]`;
  const S = schemaNameOf(s);
  const clear = oneofClears(s, f);
  const set = (expr: string) => `${clear}m.${f.name} = ${expr};`;
  let body: string;
  switch (f.type) {
    case FieldType.Uint32:
      body = `const p = r.pos; const v = r.varint(); if (r.hi !== 0) failOverflow(r, ${S}, ${F}, p); ${set("v")}`;
      break;
    case FieldType.Int32:
      body = `const p = r.pos; const v = r.varint(); if (!((r.hi === 0 && v < 0x80000000) || (r.hi === 0xffffffff && v >= 0x80000000))) failOverflow(r, ${S}, ${F}, p); ${set("v | 0")}`;
      break;
    case FieldType.Sint32:
      body = `const p = r.pos; const v = r.varint(); if (r.hi !== 0) failOverflow(r, ${S}, ${F}, p); ${set("(v >>> 1) ^ -(v & 1)")}`;
      break;
    case FieldType.Bool:
      body = `const v = r.varint(); ${set("v !== 0 || r.hi !== 0")}`;
      break;
    case FieldType.Fixed32:
      body = set("r.fixed32()");
      break;
    case FieldType.Sfixed32:
      body = set("r.sfixed32()");
      break;
    case FieldType.Float:
      body = set("r.float32()");
      break;
    case FieldType.String:
    case FieldType.Bytes: {
      const limit = f.max > 0 ? ` if (len > ${f.max}) failOverLimit(r, ${S}, ${F}, len, p);` : "";
      body = `${f.max > 0 ? "const p = r.pos; " : ""}const len = r.length("${s.name}.${f.name}");${limit} ${set(f.type === FieldType.String ? "r.string(len)" : "r.bytes(len)")}`;
      break;
    }
    default: {
      const sub = f.msg as MessageSchema;
      const tn = typeNameOf(sub);
      const call =
        tn !== ""
          ? `decode${tn}Body(r, depth + 1, m.${f.name} || {})`
          : `decodeMessageBody(r, ${schemaNameOf(sub)}, depth + 1, (m.${f.name} || {}) as Obj) as NonNullable<typeof m.${f.name}>`;
      // A repeated occurrence merges into the earlier message, as in the generic decoder.
      body = `const p = r.pos; const len = r.length("${s.name}.${f.name}"); if (depth + 1 > MAX_MESSAGE_DEPTH) failTooDeep(r, ${S}, ${F}, p); ${clear}const outerEnd = r.end; r.end = r.pos + len; m.${f.name} = ${call}; r.end = outerEnd;`;
    }
  }
  return `      case ${tag}: { // ${f.name}\n        ${body}\n        break;\n      }`;
}

function sizeField(s: MessageSchema, f: FieldSchema, i: number): string {
  const F = `${s.name}F[${i}]`;
  const S = schemaNameOf(s);
  const get = `const v = m.${f.name} as unknown;`;
  if (f.card !== Cardinality.Single) return `  n += fieldSize(${S}, ${F}, m.${f.name}, depth);`;
  const tagLen = varintBytes((f.no << 3) | WT[f.type]).length;
  const skip = (isDefault: string) => (f.presence ? "" : `if (!(${isDefault})) `);
  let body: string;
  switch (f.type) {
    case FieldType.Uint32:
    case FieldType.Fixed32: {
      const size = f.type === FieldType.Uint32 ? "varint32Size(v)" : "4";
      body = `if (typeof v !== "number" || v !== Math.floor(v) || v < 0 || v > 0xffffffff) badValue(${S}, ${F}, "expected an unsigned 32-bit integer"); ${skip("v === 0")}n += ${tagLen} + ${size};`;
      break;
    }
    case FieldType.Int32:
    case FieldType.Sint32:
    case FieldType.Sfixed32: {
      const size = f.type === FieldType.Int32 ? "varintInt32Size(v)" : f.type === FieldType.Sint32 ? "varint32Size((v << 1) ^ (v >> 31))" : "4";
      body = `if (typeof v !== "number" || v !== Math.floor(v) || v < -0x80000000 || v > 0x7fffffff) badValue(${S}, ${F}, "expected a signed 32-bit integer"); ${skip("v === 0")}n += ${tagLen} + ${size};`;
      break;
    }
    case FieldType.Float:
      body = `if (typeof v !== "number") badValue(${S}, ${F}, "expected a number"); ${skip("v === 0 && 1 / v > 0")}n += ${tagLen} + 4;`;
      break;
    case FieldType.Bool:
      body = `if (typeof v !== "boolean") badValue(${S}, ${F}, "expected a boolean"); ${skip("v === false")}n += ${tagLen} + 1;`;
      break;
    case FieldType.String:
    case FieldType.Bytes: {
      const isStr = f.type === FieldType.String;
      const check = isStr ? `typeof v !== "string"` : `!(v instanceof Uint8Array)`;
      const len = isStr ? "utf8Length(v)" : "v.length";
      const limit = f.max > 0 ? `if (len > ${f.max}) overLimit(${S}, ${F}, len); ` : "";
      body = `if (${check}) badValue(${S}, ${F}, "expected a ${isStr ? "string" : "Uint8Array"}"); const len = ${len}; ${limit}${skip("len === 0")}n += ${tagLen} + varint32Size(len) + len;`;
      break;
    }
    default: {
      const sub = f.msg as MessageSchema;
      const tn = typeNameOf(sub);
      const call = tn !== "" ? `size${tn}Body(v as ${tn}, depth + 1)` : `messageBodySize(${schemaNameOf(sub)}, v as Obj, depth + 1)`;
      body = `if (typeof v !== "object") badValue(${S}, ${F}, "expected a message object"); const len = ${call}; n += ${tagLen} + varint32Size(len) + len;`;
    }
  }
  return `  {\n    ${get}\n    if (v !== undefined && v !== null) {\n      ${body}\n    }\n  }`;
}

function writeFieldCode(s: MessageSchema, f: FieldSchema, i: number): string {
  const F = `${s.name}F[${i}]`;
  if (f.card !== Cardinality.Single) return `  writeField(w, ${F}, m.${f.name}, depth);`;
  const tag = varintBytes((f.no << 3) | WT[f.type]);
  const writeTag = tag.map((b) => `w.u8(${b});`).join(" ");
  const v = `m.${f.name}`;
  const skip = (isDefault: string) => (f.presence ? "" : ` && !(${isDefault})`);
  let cond: string;
  let write: string;
  switch (f.type) {
    case FieldType.Uint32:
      cond = skip("v === 0");
      write = "w.varint32(v);";
      break;
    case FieldType.Fixed32:
      cond = skip("v === 0");
      write = "w.fixed32(v);";
      break;
    case FieldType.Int32:
      cond = skip("v === 0");
      write = "w.varintInt32(v);";
      break;
    case FieldType.Sint32:
      cond = skip("v === 0");
      write = "w.varint32((v << 1) ^ (v >> 31));";
      break;
    case FieldType.Sfixed32:
      cond = skip("v === 0");
      write = "w.sfixed32(v);";
      break;
    case FieldType.Float:
      cond = skip("v === 0 && 1 / v > 0");
      write = "w.float32(v);";
      break;
    case FieldType.Bool:
      cond = skip("v === false");
      write = "w.u8(v ? 1 : 0);";
      break;
    case FieldType.String:
      cond = skip(`v === ""`);
      write = "w.varint32(utf8Length(v)); w.utf8(v);";
      break;
    case FieldType.Bytes:
      cond = skip("v.length === 0");
      write = "w.varint32(v.length); w.raw(v);";
      break;
    default: {
      const sub = f.msg as MessageSchema;
      const tn = typeNameOf(sub);
      write =
        tn !== ""
          ? `w.varint32(size${tn}Body(v, depth + 1)); write${tn}Body(w, v, depth + 1);`
          : `w.varint32(messageBodySize(${schemaNameOf(sub)}, v as Obj, depth + 1)); writeMessageBody(w, ${schemaNameOf(sub)}, v as Obj, depth + 1);`;
      cond = "";
    }
  }
  return `  {\n    const v = ${v};\n    if (v !== undefined && v !== null${cond}) {\n      ${writeTag}\n      ${write}\n    }\n  }`;
}

function messageCode(s: MessageSchema, tn: string): string {
  const S = schemaNameOf(s);
  const cases = s.fields
    .map((f, i) => (f.card === Cardinality.Single ? decodeCase(s, f, i) : ""))
    .filter((c) => c !== "")
    .join("\n");
  const writes = s.fields.map((f, i) => writeFieldCode(s, f, i)).join("\n");
  return `
const ${s.name}F = ${S}.fields;

/** ${tn}: the fields of r[pos, end) merged into m. */
export function decode${tn}Body(r: ByteReader, depth: number, m: ${tn}): ${tn} {
  while (r.pos < r.end) {
    const at = r.pos;
    // One-byte tags (fields 1-15) are read inline; readTag checks the rest.
    let tag = r.buf[at];
    if (tag >= 8 && tag < 0x80) r.pos = at + 1;
    else tag = readTag(r, at);
    switch (tag) {
${cases}
      default:
        decodeField(r, ${S}, depth, m as Obj, tag, at);
    }
  }
  return m;
}

/** Encoded size of ${tn}'s body; checks every value like the generic encoder. */
export function size${tn}Body(m: ${tn}, depth: number): number {
  checkDepth(${S}, depth);
  let n = 0;
${s.fields.map((f, i) => sizeField(s, f, i)).join("\n")}
  return n;
}

/** Writes ${tn}'s body (values already checked by size${tn}Body). */
export function write${tn}Body(w: ByteWriter, m: ${tn}, ${writes.includes("depth") ? "depth" : "_depth"}: number): void {
${writes}
}
`;
}

export function generate(): string {
  const names = MESSAGES.map((m) => m[0]);
  const nested = new Set<string>();
  for (const [, , s] of MESSAGES) for (const f of s.fields) if (f.msg !== undefined && typeNameOf(f.msg) === "") nested.add(schemaNameOf(f.msg));
  const schemaImports = [...new Set([...names, ...nested])].sort();
  const body = MESSAGES.map(([, tn, s]) => messageCode(s, tn)).join("");
  const helpers = [
    "MAX_MESSAGE_DEPTH",
    "badValue",
    "checkDepth",
    "decodeField",
    "decodeMessageBody",
    "failOverLimit",
    "failOverflow",
    "failTooDeep",
    "fieldSize",
    "messageBodySize",
    "overLimit",
    "readTag",
    "writeField",
    "writeMessageBody",
  ].filter((h) => new RegExp("\\b" + h + "\\b").test(body));
  return `// Generated by scripts/gen-wire-codecs.ts from firmware/wire/schemas.ts (make generate). Do not edit.
// Specialised decoders and encoders for ${MESSAGES.map((m) => m[1]).join(", ")}: same bytes, values and
// errors as the generic codec in message-codec.ts (test/wire/specialised.test.ts checks it).
import type { ByteReader } from "../../bytes/byte-reader.js";
import type { ByteWriter } from "../../bytes/byte-writer.js";
import { varint32Size, varintInt32Size } from "../../bytes/byte-writer.js";
import { utf8Length } from "../../bytes/utf8.js";
import { ${helpers.join(", ")} } from "../message-codec.js";
import type { ${MESSAGES.map((m) => m[1]).join(", ")} } from "../messages.js";
import { ${schemaImports.join(", ")} } from "../schemas.js";

type Obj = Record<string, unknown>;
${body}`;
}

const out = process.argv[2] ?? new URL("../firmware/wire/gen/specialised-codecs.ts", import.meta.url).pathname;
writeFileSync(out, generate());
