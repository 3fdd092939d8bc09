// Number text of the firmware's JSON library (firmware 2.7 src/serialization/JSONValue.cpp,
// JSONValue::StringifyImpl, case JSONType_Number): every number is a double written with
// `std::stringstream ss; ss.precision(15); ss << value`, i.e. printf "%.15g" (default floatfield),
// and NaN or +-Infinity become `null`. So float32 values show their binary artifacts
// (4.2f -> 4.19999980926514), whole values have no fraction (-17, 0, -0), and exponents appear
// below 1e-4 or from 1e15 on, signed and with at least two digits (1e-07, 1.23456789012346e+15).
//
// Espruino has no toPrecision and its own number printing is not exact, so the digits are made
// here from the exact binary value: x = m * 2^e with an integer m < 2^53, whose decimal expansion
// is the integer m * 2^e (e >= 0) or m * 5^-e shifted -e places (e < 0). That integer is held in
// base-1e7 limbs (little-endian), so its decimal digits are just the limbs, and is rounded to 15
// significant digits half-to-even on the exact digits, as newlib's and glibc's printf do.

/** Significant digits of "%.15g". */
export const JSON_NUMBER_PRECISION = 15;

/** Limb base: a power of ten, so limbs print as 7 decimal digits each. */
const BASE = 10000000;
/** 2^32, to assemble the 52-bit mantissa from two 32-bit words. */
const TWO_POW_32 = 4294967296;
/** 2^52, the implicit leading bit of a normal double. */
const TWO_POW_52 = 4503599627370496;
/** Largest chunks multiplied in one pass: limb (< 1e7) * chunk + carry stays below 2^53. */
const POW2_CHUNK = 268435456; // 2^28
const POW2_CHUNK_BITS = 28;
const POW5_CHUNK = 244140625; // 5^12
const POW5_CHUNK_EXP = 12;

function limbsOf(m: number): number[] {
  const out: number[] = [];
  while (m > 0) {
    const r = m % BASE;
    out.push(r);
    m = (m - r) / BASE;
  }
  return out;
}

/** limbs *= k in place, for 1 <= k <= 2^28 (every intermediate is an exact integer below 2^53). */
function mulSmall(limbs: number[], k: number): void {
  let carry = 0;
  for (let i = 0; i < limbs.length; i++) {
    const t = limbs[i] * k + carry;
    const r = t % BASE;
    limbs[i] = r;
    carry = (t - r) / BASE;
  }
  while (carry > 0) {
    const r = carry % BASE;
    limbs.push(r);
    carry = (carry - r) / BASE;
  }
}

function pow2Small(n: number): number {
  let v = 1;
  for (let i = 0; i < n; i++) v *= 2;
  return v;
}

function pow5Small(n: number): number {
  let v = 1;
  for (let i = 0; i < n; i++) v *= 5;
  return v;
}

/** Decimal digits of a non-zero limb array, without leading zeros. */
function limbDigits(limbs: number[]): string {
  let s = "" + limbs[limbs.length - 1];
  for (let i = limbs.length - 2; i >= 0; i--) {
    const part = "" + limbs[i];
    for (let k = part.length; k < 7; k++) s += "0";
    s += part;
  }
  return s;
}

/** Adds one unit in the last place of a digit string; "999" becomes "1000". */
function incrementDigits(d: string): string {
  let i = d.length - 1;
  let tail = "";
  while (i >= 0 && d.charAt(i) === "9") {
    tail += "0";
    i--;
  }
  if (i < 0) return "1" + tail;
  return d.substring(0, i) + String.fromCharCode(d.charCodeAt(i) + 1) + tail;
}

/** Decimal digits of a whole number 1 <= a < 2^53 (each step is exact in a double). */
function wholeDigits(a: number): string {
  let s = "";
  while (a > 0) {
    const r = a % 10;
    s = String.fromCharCode(48 + r) + s;
    a = (a - r) / 10;
  }
  return s;
}

function zeros(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += "0";
  return s;
}

/** Largest k tried in shortBinaryFraction: a = n / 2^k. */
const SHORT_FRACTION_BITS = 8;
/** 2^53: integers below it are exact in a double. */
const TWO_POW_53 = 9007199254740992;

/**
 * %.15g of a = n / 2^k (k <= SHORT_FRACTION_BITS, 1e-4 <= a < 1e15), or "" when a is not such a
 * number or needs more than 15 significant digits (then printf rounds and the limb path decides).
 * Such a value is exactly n * 5^k / 10^k, so its decimal digits are those of the integer n * 5^k
 * with the point k places from the right: SNRs in quarter dB, halves, most sensor readings that
 * were set from short binary fractions.
 */
function shortBinaryFraction(a: number): string {
  if (a < 1e-4 || a >= 1e15) return "";
  let n = a;
  let k = 0;
  // Doubling is exact, so n stays a * 2^k.
  while (k < SHORT_FRACTION_BITS && n !== Math.floor(n)) {
    n *= 2;
    k++;
  }
  if (n !== Math.floor(n)) return "";
  let d = n;
  for (let i = 0; i < k; i++) d *= 5;
  if (d >= TWO_POW_53) return "";
  let digits = wholeDigits(d);
  while (digits.length <= k) digits = "0" + digits;
  const intPart = digits.substring(0, digits.length - k);
  let frac = digits.substring(digits.length - k);
  let end = frac.length;
  while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
  frac = frac.substring(0, end);
  // Significant digits: from the first non-zero digit to the last one kept.
  const all = intPart + frac;
  let first = 0;
  while (first < all.length && all.charCodeAt(first) === 48) first++;
  if (all.length - first > JSON_NUMBER_PRECISION) return "";
  return frac.length > 0 ? intPart + "." + frac : intPart;
}

/** The general path of formatJsonNumber: exact digits from the binary value, rounded half-to-even. */
export function formatByLimbs(x: number): string {
  if (x !== x || x === Infinity || x === -Infinity) return "null";
  if (x === 0) return 1 / x < 0 ? "-0" : "0";
  const negative = x < 0;
  // Split the double into its exact integer mantissa and binary exponent.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, negative ? -x : x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (hi & 0xfffff) * TWO_POW_32 + lo;
  let e: number;
  if (biased === 0) e = -1074;
  else {
    m += TWO_POW_52;
    e = biased - 1075;
  }
  while (m % 2 === 0) {
    m = m / 2;
    e++;
  }
  // Exact decimal digits and the position of the decimal point (value = 0.DIGITS * 10^point).
  const limbs = limbsOf(m);
  let point: number;
  if (e >= 0) {
    let left = e;
    while (left >= POW2_CHUNK_BITS) {
      mulSmall(limbs, POW2_CHUNK);
      left -= POW2_CHUNK_BITS;
    }
    if (left > 0) mulSmall(limbs, pow2Small(left));
  } else {
    let left = -e;
    while (left >= POW5_CHUNK_EXP) {
      mulSmall(limbs, POW5_CHUNK);
      left -= POW5_CHUNK_EXP;
    }
    if (left > 0) mulSmall(limbs, pow5Small(left));
  }
  let digits = limbDigits(limbs);
  point = e >= 0 ? digits.length : digits.length + e;
  // Round to 15 significant digits, ties to even (the exact value decides, as in printf).
  const P = JSON_NUMBER_PRECISION;
  if (digits.length > P) {
    const next = digits.charCodeAt(P) - 48;
    let up = next > 5;
    if (next === 5) {
      let rest = false;
      for (let i = P + 1; i < digits.length; i++) {
        if (digits.charCodeAt(i) !== 48) {
          rest = true;
          break;
        }
      }
      up = rest || ((digits.charCodeAt(P - 1) - 48) & 1) === 1;
    }
    digits = digits.substring(0, P);
    if (up) {
      digits = incrementDigits(digits);
      if (digits.length > P) {
        digits = digits.substring(0, P);
        point++;
      }
    }
  }
  // %g drops trailing zeros (no '#' flag).
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.substring(0, end);
  const exp10 = point - 1;
  let out: string;
  if (exp10 < -4 || exp10 >= P) {
    const mag = exp10 < 0 ? -exp10 : exp10;
    out = digits.charAt(0) + (digits.length > 1 ? "." + digits.substring(1) : "") + (exp10 < 0 ? "e-" : "e+") + (mag < 10 ? "0" : "") + mag;
  } else if (exp10 >= 0) {
    const intLen = exp10 + 1;
    if (digits.length <= intLen) out = digits + zeros(intLen - digits.length);
    else out = digits.substring(0, intLen) + "." + digits.substring(intLen);
  } else {
    out = "0." + zeros(-exp10 - 1) + digits;
  }
  return negative ? "-" + out : out;
}

/**
 * The firmware's text for a JSON number: printf("%.15g") of the double, or "null" for NaN and
 * infinities. Pass float32 values as they widen to double (the decoded protobuf value, or
 * `fround(x)`, firmware/bytes/float32.ts), since the firmware stores them as `float` and prints the widened double.
 */
export function formatJsonNumber(x: number): string {
  if (x !== x || x === Infinity || x === -Infinity) return "null";
  if (x === 0) return 1 / x < 0 ? "-0" : "0";
  const negative = x < 0;
  // Whole numbers below 1e15 print all their digits (%.15g keeps up to 15, no exponent): the common
  // case (ids, times, counters), done with exact integer steps instead of the limb arithmetic.
  const a = negative ? -x : x;
  if (a < 1e15 && a === Math.floor(a)) return (negative ? "-" : "") + wholeDigits(a);
  const short = shortBinaryFraction(a);
  if (short !== "") return (negative ? "-" : "") + short;
  return formatByLimbs(x);
}
