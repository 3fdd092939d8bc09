// The rules MQTT 3.1.1 puts on strings and topics: UTF-8 encoded strings (section 1.5.3) and topic
// names and filters (section 4.7). Checked by hand, without regex (Espruino's is partial).
import { utf8Decode } from "../bytes/utf8.js";

/** Longest UTF-8 encoded string: the 2-byte length prefix (section 1.5.3). */
export const MQTT_MAX_STRING_BYTES = 65535;

/**
 * True when b[start, end) is well-formed UTF-8 as the standard requires: no overlong forms, no
 * UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF ([MQTT-1.5.3-1]) and no U+0000
 * ([MQTT-1.5.3-2]). A U+FEFF byte order mark is kept as a character ([MQTT-1.5.3-3]).
 */
export function isWellFormedMqttUtf8(b: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const c = b[i];
    if (c === 0) return false;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0; // overlong below U+0800
      if (c === 0xed) hi = 0x9f; // surrogates U+D800..U+DFFF
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90; // overlong below U+10000
      if (c === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return false; // continuation byte, overlong lead C0/C1, or F5..FF
    if (i + n >= end) return false; // truncated sequence
    const second = b[i + 1];
    if (second < lo || second > hi) return false;
    for (let k = 2; k <= n; k++) {
      if ((b[i + k] & 0xc0) !== 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

/** Longest string the ASCII fast path of decodeMqttString builds with one fromCharCode.apply (an argument list Espruino takes). */
const ASCII_FAST_PATH_MAX = 256;

/**
 * Decodes b[start, end) as an MQTT UTF-8 encoded string, or returns undefined when it is not
 * well-formed (isWellFormedMqttUtf8). Topics and client ids are nearly always short ASCII: that case
 * is checked and converted in one pass; anything else takes the general check and decoder.
 */
export function decodeMqttString(b: Uint8Array, start: number, end: number): string | undefined {
  const n = end - start;
  if (n <= ASCII_FAST_PATH_MAX) {
    // Sized up front: growing the array by push costs more than the rest of the conversion.
    const codes: number[] = new Array(n);
    let i = start;
    for (; i < end; i++) {
      const c = b[i];
      if (c === 0) return undefined; // [MQTT-1.5.3-2]
      if (c >= 0x80) break;
      codes[i - start] = c;
    }
    if (i === end) return String.fromCharCode.apply(null, codes);
  }
  if (!isWellFormedMqttUtf8(b, start, end)) return undefined;
  return utf8Decode(b, start, end);
}

/**
 * The UTF-8 length of `s` when it can be sent as an MQTT string (isEncodableMqttString), else -1:
 * the encoder's check and size in one pass over the string.
 */
export function encodableMqttStringLength(s: string): number {
  let n = 0;
  const len = s.length;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0) return -1;
      n += 1;
    } else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < len ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) return -1;
      n += 4;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return -1;
    else n += 3;
  }
  return n;
}

/**
 * True when `s` can be sent as an MQTT string: no U+0000 ([MQTT-1.5.3-2]) and no lone surrogate,
 * which has no UTF-8 form ([MQTT-1.5.3-1]; utf8Write would silently turn it into U+FFFD).
 */
export function isEncodableMqttString(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return false;
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/** A topic name (PUBLISH, will): at least one character ([MQTT-4.7.3-1]) and no wildcard ([MQTT-3.3.2-2], [MQTT-4.7.1-1]). */
export function isValidTopicName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x23 || c === 0x2b) return false; // '#', '+'
  }
  return true;
}

/**
 * A topic filter (SUBSCRIBE, UNSUBSCRIBE): at least one character ([MQTT-4.7.3-1]); '#' only as the
 * whole last level ([MQTT-4.7.1-2]); '+' only as a whole level ([MQTT-4.7.1-3]).
 */
export function isValidTopicFilter(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x23 && c !== 0x2b) continue;
    const startsLevel = i === 0 || s.charCodeAt(i - 1) === 0x2f; // '/'
    if (!startsLevel) return false;
    if (c === 0x23) {
      if (i !== n - 1) return false;
    } else if (i !== n - 1 && s.charCodeAt(i + 1) !== 0x2f) return false;
  }
  return true;
}
