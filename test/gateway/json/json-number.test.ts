// formatJsonNumber against the firmware's number text: `ss.precision(15); ss << double`
// (JSONValue::StringifyImpl), i.e. "%.15g", NaN/Infinity as null. Fixed cases were printed by
// libstdc++ (g++, std::stringstream precision 15); the property compares with an oracle built on
// Node's toPrecision(15), rewritten to %g rules, with exact ties settled half-to-even from the
// exact binary value (BigInt), since printf rounds ties to even and toPrecision rounds them up.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fround } from "../../../firmware/bytes/float32.js";
import { formatByLimbs, formatJsonNumber } from "../../../firmware/gateway/json-number.js";

const FIXED: [string, number, string][] = [
  ["float32 4.2", Math.fround(4.2), "4.19999980926514"],
  ["float32 0.3", Math.fround(0.3), "0.300000011920929"],
  ["float32 65.3", Math.fround(65.3), "65.3000030517578"],
  ["float32 1013.25", Math.fround(1013.25), "1013.25"],
  ["float32 -7.75", Math.fround(-7.75), "-7.75"],
  ["-17", -17, "-17"],
  ["0", 0, "0"],
  ["-0", -0, "-0"],
  ["6.25", 6.25, "6.25"],
  ["0.1", 0.1, "0.1"],
  ["1/3", 1 / 3, "0.333333333333333"],
  ["1e-7", 1e-7, "1e-07"],
  ["float32 1e-7", Math.fround(1e-7), "1.0000000116861e-07"],
  ["0.0001 (last fixed)", 0.0001, "0.0001"],
  ["0.00001 (first exponential)", 0.00001, "1e-05"],
  ["0.000123456789", 0.000123456789, "0.000123456789"],
  ["1e14 (last fixed)", 1e14, "100000000000000"],
  ["123456789012345", 123456789012345, "123456789012345"],
  ["1e15 (first exponential)", 1e15, "1e+15"],
  ["999999999999999.9 rounds up into exponential", 999999999999999.9, "1e+15"],
  ["1e21", 1e21, "1e+21"],
  ["1e100 (three-digit exponent)", 1e100, "1e+100"],
  ["uint32 max", 4294967295, "4294967295"],
  ["int32 min", -2147483648, "-2147483648"],
  ["12345678901234.5", 12345678901234.5, "12345678901234.5"],
  ["tie 1234567890123445 (to even: down)", 1234567890123445, "1.23456789012344e+15"],
  ["tie 1234567890123455 (to even: up)", 1234567890123455, "1.23456789012346e+15"],
  ["tie 2^-22 (exact float32)", 2 ** -22, "2.38418579101562e-07"],
  ["smallest subnormal", 5e-324, "4.94065645841247e-324"],
  ["largest double", Number.MAX_VALUE, "1.79769313486232e+308"],
  ["float32 max", 3.4028234663852886e38, "3.40282346638529e+38"],
  ["float32 min normal", 2 ** -126, "1.17549435082229e-38"],
  ["float32 min subnormal", 2 ** -149, "1.40129846432482e-45"],
  ["NaN", NaN, "null"],
  ["Infinity", Infinity, "null"],
  ["-Infinity", -Infinity, "null"],
];

describe("formatJsonNumber fixed cases (libstdc++ output)", () => {
  for (const [name, x, want] of FIXED) {
    it(name, () => expect(formatJsonNumber(x)).toBe(want));
  }
  it("fround rounds like a C float", () => {
    expect(fround(4.2)).toBe(Math.fround(4.2));
    expect(fround(1e40)).toBe(Infinity);
    expect(formatJsonNumber(fround(4.2))).toBe("4.19999980926514");
  });
});

/** Exact decimal digits (no leading zeros) and decimal exponent of |x| (x finite, non-zero). */
function exactDecimal(x: number): { digits: string; exp10: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let m = bits & ((1n << 52n) - 1n);
  let e: number;
  if (biased === 0) e = -1074;
  else {
    m |= 1n << 52n;
    e = biased - 1075;
  }
  let digits: string;
  let point: number;
  if (e >= 0) {
    digits = (m << BigInt(e)).toString();
    point = digits.length;
  } else {
    digits = (m * 5n ** BigInt(-e)).toString();
    point = digits.length + e;
  }
  return { digits: digits.replace(/0+$/, "") || "0", exp10: point - 1 };
}

/** printf %g layout of 15 significant digits `d` (trailing zeros allowed) with exponent `x`. */
function gLayout(negative: boolean, d: string, x: number): string {
  const digits = d.replace(/0+$/, "") || "0";
  let out: string;
  if (x < -4 || x >= 15) {
    const mag = Math.abs(x);
    out = digits[0] + (digits.length > 1 ? "." + digits.slice(1) : "") + (x < 0 ? "e-" : "e+") + (mag < 10 ? "0" : "") + mag;
  } else if (x >= 0) {
    const intLen = x + 1;
    out = digits.length <= intLen ? digits + "0".repeat(intLen - digits.length) : digits.slice(0, intLen) + "." + digits.slice(intLen);
  } else out = "0." + "0".repeat(-x - 1) + digits;
  return (negative ? "-" : "") + out;
}

/** The oracle: Node's toPrecision(15) digits in %g layout; exact ties go to even as in printf. */
function oracle(x: number): string {
  if (!Number.isFinite(x)) return "null";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const negative = x < 0;
  const exact = exactDecimal(x);
  if (exact.digits.length === 16 && exact.digits.endsWith("5")) {
    // A tie at the 16th digit: toPrecision rounds it up, printf to even.
    let kept = BigInt(exact.digits.slice(0, 15));
    let exp10 = exact.exp10;
    if (kept % 2n === 1n) kept += 1n;
    let d = kept.toString();
    if (d.length > 15) {
      d = d.slice(0, 15);
      exp10++;
    }
    return gLayout(negative, d, exp10);
  }
  const p = Math.abs(x).toPrecision(15);
  let digits: string;
  let exp10: number;
  const ePos = p.indexOf("e");
  if (ePos >= 0) {
    digits = p.slice(0, ePos).replace(".", "");
    exp10 = Number(p.slice(ePos + 1));
  } else {
    const dot = p.indexOf(".");
    const intPart = dot < 0 ? p : p.slice(0, dot);
    const frac = dot < 0 ? "" : p.slice(dot + 1);
    if (intPart !== "0") {
      exp10 = intPart.length - 1;
      digits = intPart + frac;
    } else {
      const lead = frac.length - frac.replace(/^0+/, "").length;
      exp10 = -(lead + 1);
      digits = frac.slice(lead);
    }
  }
  return gLayout(negative, digits.slice(0, 15), exp10);
}

describe("formatJsonNumber matches the %.15g oracle", () => {
  it("agrees with the oracle on the fixed cases", () => {
    for (const [, x, want] of FIXED) expect(oracle(x)).toBe(want);
  });
  it("random doubles", () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        expect(formatJsonNumber(x)).toBe(oracle(x));
      }),
      { numRuns: 20000 },
    );
  });
  it("random float32 values (as decoded telemetry floats)", () => {
    fc.assert(
      fc.property(fc.float(), (x) => {
        expect(formatJsonNumber(x)).toBe(oracle(x));
      }),
      { numRuns: 20000 },
    );
  });
  it("random integers, including 16-digit ties", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (x) => {
        expect(formatJsonNumber(x)).toBe(oracle(x));
      }),
      { numRuns: 10000 },
    );
  });
  it("the fast paths (whole numbers, short binary fractions) give what the limb path gives", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.integer({ min: 0, max: 10 }), (n, shift) => {
        const x = n / 2 ** shift;
        expect(formatJsonNumber(x)).toBe(formatByLimbs(x));
      }),
      { numRuns: 20000 },
    );
  });
  it("random values with few fraction bits (sensor readings, SNR/4, ties)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.integer({ min: 0, max: 60 }), (n, shift) => {
        const x = n / 2 ** shift;
        expect(formatJsonNumber(x)).toBe(oracle(x));
      }),
      { numRuns: 20000 },
    );
  });
});
