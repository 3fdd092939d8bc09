// The rules MQTT 3.1.1 puts on strings and topics: UTF-8 encoded strings (section 1.5.3) and topic
// names and filters (section 4.7). Checked by hand, without regex (Espruino's is partial).

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
