// What the firmware's nanopb build refuses in a string field beyond the protobuf wire format, and how
// it keeps the strings it accepts. Firmware 2.7.26 is built with PB_VALIDATE_UTF8=1
// (platformio.ini 32), so pb_dec_string (nanopb 0.4.9 pb_decode.c) fails a message whose string is
// not UTF-8 by pb_validate_utf8 (pb_common.c): checked up to the first NUL, overlong forms,
// surrogates, U+FFFE/U+FFFF and code points above U+10FFFF refused. The decoded value is a C string,
// so everything from a NUL on is lost when the firmware stores or re-encodes it.
//
// The compact codec stays lenient (tools decode what the air carries); the node applies these rules
// where the firmware decodes: a User in NodeInfoModule (ProtobufModule, MeshModule.cpp), and the
// ServiceEnvelope strings of a downlink.
import { readerOf } from "../bytes/byte-reader.js";
import { catchWireError } from "../bytes/wire-error.js";

/** pb_validate_utf8 on the C string in b[start, end): stops at the first NUL (or at `end`). */
export function nanopbUtf8Valid(b: Uint8Array, start: number, end: number): boolean {
  // Bytes past the string read as its NUL terminator, as in the C code.
  const at = (i: number): number => (i < end ? b[i] : 0);
  let i = start;
  while (i < end && b[i] !== 0) {
    const c = b[i];
    if (c < 0x80) i++;
    else if ((c & 0xe0) === 0xc0) {
      if ((at(i + 1) & 0xc0) !== 0x80 || (c & 0xfe) === 0xc0) return false;
      i += 2;
    } else if ((c & 0xf0) === 0xe0) {
      const c1 = at(i + 1);
      if ((c1 & 0xc0) !== 0x80 || (at(i + 2) & 0xc0) !== 0x80) return false;
      if ((c === 0xe0 && (c1 & 0xe0) === 0x80) || (c === 0xed && (c1 & 0xe0) === 0xa0)) return false;
      if (c === 0xef && c1 === 0xbf && (at(i + 2) & 0xfe) === 0xbe) return false;
      i += 3;
    } else if ((c & 0xf8) === 0xf0) {
      const c1 = at(i + 1);
      if ((c1 & 0xc0) !== 0x80 || (at(i + 2) & 0xc0) !== 0x80 || (at(i + 3) & 0xc0) !== 0x80) return false;
      if ((c === 0xf0 && (c1 & 0xf0) === 0x80) || (c === 0xf4 && c1 > 0x8f) || c > 0xf4) return false;
      i += 4;
    } else return false;
  }
  return true;
}

/**
 * Whether every top-level string field numbered in `stringFields` of the message in `b` passes
 * pb_validate_utf8. A message that does not parse returns true: its decoder reports that.
 */
export function nanopbStringsValid(b: Uint8Array, stringFields: readonly number[]): boolean {
  const r = catchWireError(() => {
    const rd = readerOf(b);
    while (rd.pos < rd.end) {
      const tag = rd.varint();
      const wire = tag & 7;
      const no = tag >>> 3;
      if (wire === 0) rd.varint();
      else if (wire === 1) rd.skip(8);
      else if (wire === 5) rd.skip(4);
      else if (wire === 2) {
        const n = rd.length("field");
        if (stringFields.indexOf(no) >= 0 && !nanopbUtf8Valid(rd.buf, rd.pos, rd.pos + n)) return false;
        rd.skip(n);
      } else return true;
    }
    return true;
  });
  return r.ok ? r.value : true;
}

/** The C string the firmware keeps of a decoded string: up to its first NUL. */
export function cString(s: string): string {
  const i = s.indexOf("\u0000");
  return i < 0 ? s : s.substring(0, i);
}
