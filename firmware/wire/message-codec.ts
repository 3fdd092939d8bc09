// The generic encoder/decoder behind every compact codec. It reproduces nanopb's output byte for
// byte: ascending field order, proto3 defaults omitted, explicit-presence fields kept, negative
// int32 as 10-byte varints, proto3 repeated scalars packed. Decoding skips unknown fields, accepts
// packed and unpacked repeated scalars, and enforces the nanopb size limits from the .options files.
import { ByteReader } from "../bytes/byte-reader.js";
import { ByteWriter, varint32Size, varintInt32Size, writerOfSize } from "../bytes/byte-writer.js";
import { utf8Length } from "../bytes/utf8.js";
import { WireError, WireErrorCode } from "../bytes/wire-error.js";
import { Cardinality, FieldType } from "./field-schema.js";
import type { FieldSchema, MessageSchema } from "./field-schema.js";

/** Nesting bound for decoding (ServiceEnvelope > MeshPacket > Data is 3; 8 leaves room). Each level costs one JS stack frame. */
export const MAX_MESSAGE_DEPTH = 8;

/** Largest message either direction: MQTT payloads are bounded well below this by the gateway. */
export const MAX_MESSAGE_BYTES = 65536;

type Obj = Record<string, unknown>;

const WT_VARINT = 0;
const WT_I64 = 1;
const WT_LEN = 2;
const WT_I32 = 5;

function wireTypeOf(t: FieldType): number {
  if (t === FieldType.Fixed32 || t === FieldType.Sfixed32 || t === FieldType.Float) return WT_I32;
  if (t === FieldType.String || t === FieldType.Bytes || t === FieldType.Message) return WT_LEN;
  return WT_VARINT;
}

function isPackable(t: FieldType): boolean {
  return wireTypeOf(t) !== WT_LEN;
}

/** "Message.field", how errors name a field. */
function fieldPath(s: MessageSchema, f: FieldSchema): string {
  return s.name + "." + f.name;
}

export function badValue(s: MessageSchema, f: FieldSchema, why: string): never {
  throw new WireError(WireErrorCode.BadValue, fieldPath(s, f) + ": " + why, 0);
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && v === Math.floor(v);
}

/** Checks a value's JS type and range for its field type, so the encoder never writes garbage. */
function checkValue(s: MessageSchema, f: FieldSchema, v: unknown): void {
  switch (f.type) {
    case FieldType.Uint32:
    case FieldType.Fixed32:
      if (!isInt(v) || v < 0 || v > 0xffffffff) badValue(s, f, "expected an unsigned 32-bit integer");
      return;
    case FieldType.Int32:
    case FieldType.Sint32:
    case FieldType.Sfixed32:
      if (!isInt(v) || v < -0x80000000 || v > 0x7fffffff) badValue(s, f, "expected a signed 32-bit integer");
      return;
    case FieldType.Float:
      if (typeof v !== "number") badValue(s, f, "expected a number");
      return;
    case FieldType.Bool:
      if (typeof v !== "boolean") badValue(s, f, "expected a boolean");
      return;
    case FieldType.String:
      if (typeof v !== "string") badValue(s, f, "expected a string");
      return;
    case FieldType.Bytes:
      if (!(v instanceof Uint8Array)) badValue(s, f, "expected a Uint8Array");
      return;
    default:
      if (typeof v !== "object" || v === null) badValue(s, f, "expected a message object");
  }
}

/** Whether an implicit-presence value equals its proto3 default (and is therefore not written). */
function isDefault(f: FieldSchema, v: unknown): boolean {
  switch (f.type) {
    case FieldType.Bool:
      return v === false;
    case FieldType.String:
      return v === "";
    case FieldType.Bytes:
      return (v as Uint8Array).length === 0;
    case FieldType.Message:
      return false;
    case FieldType.Float:
      // nanopb compares the stored bytes with zero, so -0 is written and +0 is not.
      return v === 0 && 1 / (v as number) > 0;
    default:
      return v === 0;
  }
}

function scalarSize(f: FieldSchema, v: unknown, depth: number): number {
  switch (f.type) {
    case FieldType.Uint32:
      return varint32Size(v as number);
    case FieldType.Int32:
      return varintInt32Size(v as number);
    case FieldType.Sint32: {
      const n = v as number;
      return varint32Size((n << 1) ^ (n >> 31));
    }
    case FieldType.Bool:
      return 1;
    case FieldType.Fixed32:
    case FieldType.Sfixed32:
    case FieldType.Float:
      return 4;
    case FieldType.String: {
      const n = utf8Length(v as string);
      return varint32Size(n) + n;
    }
    case FieldType.Bytes: {
      const n = (v as Uint8Array).length;
      return varint32Size(n) + n;
    }
    default: {
      // eslint-disable-next-line @typescript-eslint/no-use-before-define -- mutual recursion, both defined before any call
      const n = messageBodySize(f.msg as MessageSchema, v as Obj, depth + 1);
      return varint32Size(n) + n;
    }
  }
}

function checkLimit(s: MessageSchema, f: FieldSchema, v: unknown): void {
  if (f.max === 0) return;
  let n = 0;
  if (f.type === FieldType.String) n = utf8Length(v as string);
  else if (f.type === FieldType.Bytes) n = (v as Uint8Array).length;
  else return;
  if (n > f.max) throw new WireError(WireErrorCode.OverLimit, fieldPath(s, f) + " is " + n + " bytes, limit " + f.max, 0);
}

function tagSize(f: FieldSchema): number {
  return varint32Size(f.no << 3);
}

/** Bytes field `f` with value `v` takes, tag included (0 when it is not written). Checks the value. */
export function fieldSize(s: MessageSchema, f: FieldSchema, v: unknown, depth: number): number {
  if (v === undefined || v === null) return 0;
  if (f.card === Cardinality.Single) {
    checkValue(s, f, v);
    if (!f.presence && isDefault(f, v)) return 0;
    checkLimit(s, f, v);
    return tagSize(f) + scalarSize(f, v, depth);
  }
  if (!Array.isArray(v)) badValue(s, f, "expected an array");
  const arr = v as unknown[];
  if (arr.length === 0) return 0;
  if (f.max > 0 && arr.length > f.max)
    throw new WireError(WireErrorCode.OverLimit, fieldPath(s, f) + " has " + arr.length + " entries, limit " + f.max, 0);
  let body = 0;
  for (let j = 0; j < arr.length; j++) {
    checkValue(s, f, arr[j]);
    checkLimit(s, f, arr[j]);
    body += scalarSize(f, arr[j], depth);
  }
  if (f.card === Cardinality.RepeatedPacked && isPackable(f.type)) return tagSize(f) + varint32Size(body) + body;
  return tagSize(f) * arr.length + body;
}

/** OVER_LIMIT for a string or bytes value of `n` bytes above the field's nanopb limit. */
export function overLimit(s: MessageSchema, f: FieldSchema, n: number): never {
  throw new WireError(WireErrorCode.OverLimit, fieldPath(s, f) + " is " + n + " bytes, limit " + f.max, 0);
}

/** The decoder's errors for one field, kept out of line so the specialised decoders stay small. */
export function failOverflow(r: ByteReader, s: MessageSchema, f: FieldSchema, at: number): never {
  return r.fail(WireErrorCode.IntegerOverflow, fieldPath(s, f) + ": integer too large at byte " + at, at);
}

export function failOverLimit(r: ByteReader, s: MessageSchema, f: FieldSchema, len: number, at: number): never {
  return r.fail(WireErrorCode.OverLimit, fieldPath(s, f) + " is " + len + " bytes, limit " + f.max, at);
}

export function failTooDeep(r: ByteReader, s: MessageSchema, f: FieldSchema, at: number): never {
  return r.fail(WireErrorCode.TooDeep, fieldPath(s, f) + ": nested deeper than " + MAX_MESSAGE_DEPTH, at);
}

/** Throws TOO_DEEP for a message nested deeper than MAX_MESSAGE_DEPTH (checked on encode). */
export function checkDepth(s: MessageSchema, depth: number): void {
  if (depth > MAX_MESSAGE_DEPTH) throw new WireError(WireErrorCode.TooDeep, s.name + " nested deeper than " + MAX_MESSAGE_DEPTH, 0);
}

export function messageBodySize(s: MessageSchema, m: Obj, depth: number): number {
  checkDepth(s, depth);
  let size = 0;
  const fields = s.fields;
  for (let i = 0; i < fields.length; i++) size += fieldSize(s, fields[i], m[fields[i].name], depth);
  return size;
}

function writeScalar(w: ByteWriter, f: FieldSchema, v: unknown, depth: number): void {
  switch (f.type) {
    case FieldType.Uint32:
      w.varint32(v as number);
      return;
    case FieldType.Int32:
      w.varintInt32(v as number);
      return;
    case FieldType.Sint32: {
      const n = v as number;
      w.varint32((n << 1) ^ (n >> 31));
      return;
    }
    case FieldType.Bool:
      w.u8(v ? 1 : 0);
      return;
    case FieldType.Fixed32:
      w.fixed32(v as number);
      return;
    case FieldType.Sfixed32:
      w.sfixed32(v as number);
      return;
    case FieldType.Float:
      w.float32(v as number);
      return;
    case FieldType.String:
      w.varint32(utf8Length(v as string));
      w.utf8(v as string);
      return;
    case FieldType.Bytes:
      w.varint32((v as Uint8Array).length);
      w.raw(v as Uint8Array);
      return;
    default: {
      const sub = f.msg as MessageSchema;
      w.varint32(messageBodySize(sub, v as Obj, depth + 1));
      // eslint-disable-next-line @typescript-eslint/no-use-before-define -- mutual recursion
      writeMessageBody(w, sub, v as Obj, depth + 1);
    }
  }
}

/** Writes field `f` with value `v` (already checked by fieldSize); nothing for an omitted value. */
export function writeField(w: ByteWriter, f: FieldSchema, v: unknown, depth: number): void {
  if (v === undefined || v === null) return;
  if (f.card === Cardinality.Single) {
    if (!f.presence && isDefault(f, v)) return;
    w.varint32((f.no << 3) | wireTypeOf(f.type));
    writeScalar(w, f, v, depth);
    return;
  }
  const arr = v as unknown[];
  if (arr.length === 0) return;
  if (f.card === Cardinality.RepeatedPacked && isPackable(f.type)) {
    let body = 0;
    for (let j = 0; j < arr.length; j++) body += scalarSize(f, arr[j], depth);
    w.varint32((f.no << 3) | WT_LEN);
    w.varint32(body);
    for (let j = 0; j < arr.length; j++) writeScalar(w, f, arr[j], depth);
  } else {
    for (let j = 0; j < arr.length; j++) {
      w.varint32((f.no << 3) | wireTypeOf(f.type));
      writeScalar(w, f, arr[j], depth);
    }
  }
}

export function writeMessageBody(w: ByteWriter, s: MessageSchema, m: Obj, depth: number): void {
  const fields = s.fields;
  for (let i = 0; i < fields.length; i++) writeField(w, fields[i], m[fields[i].name], depth);
}

/** Encodes `m` with schema `s`. Throws WireError (BAD_VALUE, OVER_LIMIT, TOO_DEEP) for values nanopb could not hold. */
export function encodeMessage(s: MessageSchema, m: object): Uint8Array {
  const size = messageBodySize(s, m as Obj, 1);
  const w = writerOfSize(size);
  writeMessageBody(w, s, m as Obj, 1);
  return w.buf;
}

/** Encoded size of `m` without encoding it (used for the 255-byte LoRa limit checks). */
export function encodedSize(s: MessageSchema, m: object): number {
  return messageBodySize(s, m as Obj, 1);
}

function readScalar(r: ByteReader, s: MessageSchema, f: FieldSchema, depth: number, into: unknown): unknown {
  const at = r.pos;
  switch (f.type) {
    case FieldType.Uint32: {
      const v = r.varint();
      if (r.hi !== 0) failOverflow(r, s, f, at);
      return v;
    }
    case FieldType.Int32: {
      const v = r.varint();
      // Valid int32 encodings are the 64-bit sign extension of the value (nanopb rejects anything else).
      if (!((r.hi === 0 && v < 0x80000000) || (r.hi === 0xffffffff && v >= 0x80000000)))
        failOverflow(r, s, f, at);
      return v | 0;
    }
    case FieldType.Sint32: {
      const v = r.varint();
      if (r.hi !== 0) failOverflow(r, s, f, at);
      return (v >>> 1) ^ -(v & 1);
    }
    case FieldType.Bool: {
      const v = r.varint();
      return v !== 0 || r.hi !== 0;
    }
    case FieldType.Fixed32:
      return r.fixed32();
    case FieldType.Sfixed32:
      return r.sfixed32();
    case FieldType.Float:
      return r.float32();
    default:
      break;
  }
  const len = r.length(fieldPath(s, f));
  if (f.max > 0 && f.type !== FieldType.Message && len > f.max) failOverLimit(r, s, f, len, at);
  if (f.type === FieldType.String) return r.string(len);
  if (f.type === FieldType.Bytes) return r.bytes(len);
  if (depth + 1 > MAX_MESSAGE_DEPTH) failTooDeep(r, s, f, at);
  const outerEnd = r.end;
  r.end = r.pos + len;
  // eslint-disable-next-line @typescript-eslint/no-use-before-define -- mutual recursion
  const v = decodeMessageBody(r, f.msg as MessageSchema, depth + 1, (into as Obj | undefined) || {});
  r.end = outerEnd;
  return v;
}

function skipField(r: ByteReader, wt: number, at: number): void {
  if (wt === WT_VARINT) r.varint();
  else if (wt === WT_I64) r.skip(8);
  else if (wt === WT_I32) r.skip(4);
  else if (wt === WT_LEN) r.skip(r.length("unknown field"));
  else r.fail(WireErrorCode.BadWireType, "wire type " + wt + " at byte " + at + " is not supported", at);
}

function pushRepeated(r: ByteReader, s: MessageSchema, f: FieldSchema, m: Obj, v: unknown, at: number): void {
  let arr = m[f.name] as unknown[] | undefined;
  if (arr === undefined) {
    arr = [];
    m[f.name] = arr;
  }
  if (f.max > 0 && arr.length >= f.max) r.fail(WireErrorCode.OverLimit, fieldPath(s, f) + " has more than " + f.max + " entries", at);
  arr.push(v);
}

function clearOneof(s: MessageSchema, f: FieldSchema, m: Obj): void {
  const fields = s.fields;
  for (let i = 0; i < fields.length; i++) if (fields[i].oneof === f.oneof && fields[i] !== f) delete m[fields[i].name];
}

/** Reads a field tag: BAD_FIELD_NUMBER for a tag above 32 bits or field number 0. */
export function readTag(r: ByteReader, at: number): number {
  const tag = r.varint();
  if (r.hi !== 0) r.fail(WireErrorCode.BadFieldNumber, "field tag too large at byte " + at, at);
  if (tag >>> 3 === 0) r.fail(WireErrorCode.BadFieldNumber, "field number 0 at byte " + at, at);
  return tag;
}

/** Decodes one field whose tag was read at `at` into `m`: known, unknown (skipped) or repeated. */
export function decodeField(r: ByteReader, s: MessageSchema, depth: number, m: Obj, tag: number, at: number): void {
  const wt = tag & 7;
  const f = s.byNo[tag >>> 3];
  if (f === undefined) {
    skipField(r, wt, at);
    return;
  }
  const want = wireTypeOf(f.type);
  if (f.card !== Cardinality.Single) {
    if (wt === WT_LEN && want !== WT_LEN) {
      const len = r.length(fieldPath(s, f));
      const outerEnd = r.end;
      r.end = r.pos + len;
      while (r.pos < r.end) pushRepeated(r, s, f, m, readScalar(r, s, f, depth, undefined), r.pos);
      r.end = outerEnd;
      return;
    }
    if (wt !== want) r.fail(WireErrorCode.BadWireType, fieldPath(s, f) + ": wire type " + wt + " at byte " + at + ", expected " + want, at);
    pushRepeated(r, s, f, m, readScalar(r, s, f, depth, undefined), at);
    return;
  }
  if (wt !== want) r.fail(WireErrorCode.BadWireType, fieldPath(s, f) + ": wire type " + wt + " at byte " + at + ", expected " + want, at);
  if (f.oneof !== "") clearOneof(s, f, m);
  // A repeated occurrence of a message field merges into the earlier one (protobuf and nanopb agree).
  m[f.name] = readScalar(r, s, f, depth, f.type === FieldType.Message ? m[f.name] : undefined);
}

export function decodeMessageBody(r: ByteReader, s: MessageSchema, depth: number, m: Obj): Obj {
  while (r.pos < r.end) {
    const at = r.pos;
    decodeField(r, s, depth, m, readTag(r, at), at);
  }
  return m;
}

/** Decodes `buf[start, end)` with schema `s`. Throws WireError; public decoders wrap this with catchWireError. */
export function decodeMessage(s: MessageSchema, buf: Uint8Array, start: number, end: number): Obj {
  if (end - start > MAX_MESSAGE_BYTES)
    throw new WireError(WireErrorCode.OverLimit, s.name + " is " + (end - start) + " bytes, limit " + MAX_MESSAGE_BYTES, start);
  return decodeMessageBody(new ByteReader(buf, start, end), s, 1, {});
}
