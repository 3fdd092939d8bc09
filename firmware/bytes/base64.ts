// RFC 4648 base64 (standard alphabet, padded). Also accepts the URL-safe alphabet and missing
// padding on input, since channel URLs and some tools print keys that way.

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function toBase64(b: Uint8Array): string {
  let s = "";
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    s += B64.charAt(v >> 18) + B64.charAt((v >> 12) & 63) + B64.charAt((v >> 6) & 63) + B64.charAt(v & 63);
  }
  if (i < b.length) {
    const v = (b[i] << 16) | (i + 1 < b.length ? b[i + 1] << 8 : 0);
    s += B64.charAt(v >> 18) + B64.charAt((v >> 12) & 63);
    s += i + 1 < b.length ? B64.charAt((v >> 6) & 63) : "=";
    s += "=";
  }
  return s;
}

function b64Value(c: number): number {
  if (c >= 65 && c <= 90) return c - 65;
  if (c >= 97 && c <= 122) return c - 71;
  if (c >= 48 && c <= 57) return c + 4;
  if (c === 43 || c === 45) return 62; // '+' or URL-safe '-'
  if (c === 47 || c === 95) return 63; // '/' or URL-safe '_'
  return -1;
}

/** Parses base64; returns undefined for characters outside the alphabet, bad padding or a dangling 6-bit group. */
export function fromBase64(s: string): Uint8Array | undefined {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61) end--; // strip '='
  if (s.length - end > 2) return undefined;
  if (s.length % 4 !== 0 && s.length !== end) return undefined; // padded input must be whole quads
  if (end % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const v = b64Value(s.charCodeAt(i));
    if (v < 0) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
