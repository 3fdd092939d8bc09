// Writer over a buffer of known size. Message encoders size first (like nanopb's sizing pass) and
// then write once, so there is no growth, no copying of nested messages and no length back-patching.
import { allocBytes } from "./byte-copy.js";
import { float32Bits } from "./float32.js";
import { utf8Write } from "./utf8.js";

export class ByteWriter {
  readonly buf: Uint8Array;
  pos: number;

  constructor(buf: Uint8Array, start: number) {
    this.buf = buf;
    this.pos = start;
  }

  u8(b: number): void {
    this.buf[this.pos++] = b & 0xff;
  }

  /** Unsigned 32-bit varint. */
  varint32(v: number): void {
    v = v >>> 0;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = v >>> 7;
    }
    this.buf[this.pos++] = v;
  }

  /** int32 as protobuf writes it: negative values are sign-extended to 64 bits, always 10 bytes. */
  varintInt32(v: number): void {
    if (v >= 0) {
      this.varint32(v);
      return;
    }
    let u = v >>> 0;
    for (let i = 0; i < 4; i++) {
      this.buf[this.pos++] = (u & 0x7f) | 0x80;
      u = u >>> 7;
    }
    // Bits 28..31 of the value, and bits 32..34 which are all ones for a negative number.
    this.buf[this.pos++] = (u & 0x0f) | 0xf0;
    for (let i = 0; i < 4; i++) this.buf[this.pos++] = 0xff;
    this.buf[this.pos++] = 0x01;
  }

  /** Little-endian 32 bits (signed or unsigned: the low 32 bits of `v` are written). */
  fixed32(v: number): void {
    const b = this.buf;
    const p = this.pos;
    b[p] = v & 0xff;
    b[p + 1] = (v >>> 8) & 0xff;
    b[p + 2] = (v >>> 16) & 0xff;
    b[p + 3] = (v >>> 24) & 0xff;
    this.pos = p + 4;
  }

  sfixed32(v: number): void {
    this.fixed32(v | 0);
  }

  float32(v: number): void {
    this.fixed32(float32Bits(v));
  }

  raw(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Writes UTF-8 whose byte length the caller has already measured. */
  utf8(s: string): void {
    this.pos = utf8Write(s, this.buf, this.pos);
  }
}

/** Bytes a uint32 varint takes. */
export function varint32Size(v: number): number {
  v = v >>> 0;
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

/** Bytes an int32 varint takes (10 for negative values). */
export function varintInt32Size(v: number): number {
  return v < 0 ? 10 : varint32Size(v);
}

/** A writer over a new buffer of `n` bytes (a module function for the reason given at readerOf). */
export function writerOfSize(n: number): ByteWriter {
  return new ByteWriter(allocBytes(n), 0);
}
