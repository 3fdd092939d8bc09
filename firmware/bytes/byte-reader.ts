// Bounds-checked reader over a Uint8Array slice. Every read that would cross `end` throws a
// WireError carrying the absolute offset; the message decoders catch it at their boundary.
import { WireError, WireErrorCode } from "./wire-error.js";
import { copyBytes } from "./byte-copy.js";
import { float32FromBits } from "./float32.js";
import { utf8Decode } from "./utf8.js";

export class ByteReader {
  readonly buf: Uint8Array;
  pos: number;
  /** End of the message being read (nested messages narrow it). */
  end: number;
  /** End of the whole input: running past it means the input is truncated. */
  readonly limit: number;
  /** Bits 32..63 of the last varint read (see varint()). */
  hi = 0;

  constructor(buf: Uint8Array, start: number, end: number) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.limit = end;
  }

  fail(code: WireErrorCode, message: string, offset: number): never {
    throw new WireError(code, message, offset);
  }

  truncated(at: number): never {
    return this.fail(WireErrorCode.Truncated, "truncated at byte " + at, at);
  }

  need(n: number): void {
    if (this.end - this.pos < n) this.truncated(this.end);
  }

  u8(): number {
    if (this.pos >= this.end) this.truncated(this.end);
    return this.buf[this.pos++];
  }

  /**
   * Reads a varint of up to 10 bytes. Returns the low 32 bits as an unsigned number and leaves the
   * bits above 32 in `hi` (so 32-bit-only code can still validate int32/uint32 ranges without BigInt).
   */
  varint(): number {
    const start = this.pos;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.truncated(this.end);
      const b = this.buf[this.pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x70) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32 + 0);
      if ((b & 0x80) === 0) {
        // Byte 9 may only carry bit 63.
        if (i === 9 && b > 1) this.fail(WireErrorCode.VarintTooLong, "varint longer than 64 bits at byte " + start, start);
        this.hi = hi >>> 0;
        return lo >>> 0;
      }
    }
    return this.fail(WireErrorCode.VarintTooLong, "varint longer than 10 bytes at byte " + start, start);
  }

  // Little-endian reads by hand: a DataView per reader costs more than the whole of a small message.
  sfixed32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos = p + 4;
    return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
  }

  fixed32(): number {
    return this.sfixed32() >>> 0;
  }

  float32(): number {
    return float32FromBits(this.sfixed32());
  }

  /**
   * Reads the length of a length-delimited field and checks it against the enclosing message. A
   * length past the end of the whole input is reported as truncation, one past a nested message's
   * end as a bad length.
   */
  length(what: string): number {
    const at = this.pos;
    const len = this.varint();
    if (this.hi !== 0 || len > this.end - this.pos) {
      if (this.end === this.limit)
        this.fail(WireErrorCode.Truncated, "truncated at byte " + this.limit + ": " + what + " at byte " + at + " needs " + len + " bytes", at);
      this.fail(WireErrorCode.LengthPastEnd, what + ": length " + len + " at byte " + at + " runs past the end of its message", at);
    }
    return len;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** A copy of the next `n` bytes (a copy, so decoded messages never alias network buffers). */
  bytes(n: number): Uint8Array {
    this.need(n);
    const out = copyBytes(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(n: number): string {
    this.need(n);
    const s = utf8Decode(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

/**
 * A reader over all of `buf`. A module function rather than a static factory: a class that names
 * itself in its own body breaks on Espruino (boards/bundle/espruino-names-check.ts).
 */
export function readerOf(buf: Uint8Array): ByteReader {
  return new ByteReader(buf, 0, buf.length);
}
