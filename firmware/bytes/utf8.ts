// UTF-8 by hand: Espruino has no TextEncoder/TextDecoder (shared spec espruino.md section 1.3).

/** Number of UTF-8 bytes needed for `s` (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** Writes `s` as UTF-8 into `out` at `pos`; returns the position after the last byte. */
export function utf8Write(s: string, out: Uint8Array, pos: number): number {
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[pos++] = c;
      continue;
    }
    if (c < 0x800) {
      out[pos++] = 0xc0 | (c >> 6);
      out[pos++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        out[pos++] = 0xf0 | (c >> 18);
        out[pos++] = 0x80 | ((c >> 12) & 0x3f);
        out[pos++] = 0x80 | ((c >> 6) & 0x3f);
        out[pos++] = 0x80 | (c & 0x3f);
        continue;
      }
      c = 0xfffd; // lone surrogate: what TextEncoder writes
    }
    out[pos++] = 0xe0 | (c >> 12);
    out[pos++] = 0x80 | ((c >> 6) & 0x3f);
    out[pos++] = 0x80 | (c & 0x3f);
  }
  return pos;
}

/** The longest prefix of `s` (whole characters) whose UTF-8 fits `maxBytes` (a char[] field of the firmware). */
export function utf8Prefix(s: string, maxBytes: number): string {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < s.length;
    const n = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
    if (bytes + n > maxBytes) return s.substring(0, i);
    bytes += n;
    if (pair) i++;
  }
  return s;
}

export function utf8Encode(s: string): Uint8Array {
  const out = new Uint8Array(utf8Length(s));
  utf8Write(s, out, 0);
  return out;
}

/**
 * Decodes UTF-8 like a non-fatal TextDecoder: every maximal invalid subsequence becomes U+FFFD
 * (WHATWG "decode" with replacement), so the result equals `new TextDecoder().decode(bytes)`.
 */
export function utf8Decode(b: Uint8Array, start: number, end: number): string {
  // ASCII fast path (channel ids, node ids, most names): no code point buffer.
  if (end - start <= 64) {
    let a = "";
    let i = start;
    while (i < end && b[i] < 0x80) a += String.fromCharCode(b[i++]);
    if (i === end) return a;
  }
  let s = "";
  let chunk: number[] = [];
  let i = start;
  while (i < end) {
    const c = b[i];
    let cp = 0xfffd;
    let n = 1;
    if (c < 0x80) cp = c;
    else if (c >= 0xc2 && c <= 0xdf) {
      if (i + 1 < end && (b[i + 1] & 0xc0) === 0x80) {
        cp = ((c & 0x1f) << 6) | (b[i + 1] & 0x3f);
        n = 2;
      }
    } else if (c >= 0xe0 && c <= 0xef) {
      const lo = c === 0xe0 ? 0xa0 : 0x80;
      const hi = c === 0xed ? 0x9f : 0xbf;
      if (i + 1 < end && b[i + 1] >= lo && b[i + 1] <= hi) {
        if (i + 2 < end && (b[i + 2] & 0xc0) === 0x80) {
          cp = ((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
          n = 3;
        } else n = 2;
      }
    } else if (c >= 0xf0 && c <= 0xf4) {
      const lo = c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xf4 ? 0x8f : 0xbf;
      if (i + 1 < end && b[i + 1] >= lo && b[i + 1] <= hi) {
        if (i + 2 < end && (b[i + 2] & 0xc0) === 0x80) {
          if (i + 3 < end && (b[i + 3] & 0xc0) === 0x80) {
            cp = ((c & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f);
            n = 4;
          } else n = 3;
        } else n = 2;
      }
    }
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      chunk.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else chunk.push(cp);
    if (chunk.length >= 1024) {
      s += String.fromCharCode.apply(null, chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) s += String.fromCharCode.apply(null, chunk);
  return s;
}
