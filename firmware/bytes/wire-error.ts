// Typed decoder errors. Espruino cannot subclass Error (ARCHITECTURE.md, "Portable subsets"), so a
// WireError is a plain class; decoders catch it at their public boundary and return it as a value.

/** Stable error codes: tests and callers match on these, never on the message text. */
export const WireErrorCode = {
  Truncated: "TRUNCATED",
  BadWireType: "BAD_WIRE_TYPE",
  LengthPastEnd: "LENGTH_PAST_END",
  TooDeep: "TOO_DEEP",
  OverLimit: "OVER_LIMIT",
  VarintTooLong: "VARINT_TOO_LONG",
  IntegerOverflow: "INTEGER_OVERFLOW",
  BadFieldNumber: "BAD_FIELD_NUMBER",
  MissingField: "MISSING_FIELD",
  FrameTooShort: "FRAME_TOO_SHORT",
  FrameTooLong: "FRAME_TOO_LONG",
  BadValue: "BAD_VALUE",
  BadText: "BAD_TEXT",
} as const;
export type WireErrorCode = (typeof WireErrorCode)[keyof typeof WireErrorCode];

export class WireError {
  readonly code: WireErrorCode;
  readonly message: string;
  /** Byte offset in the outermost input where the problem was found. */
  readonly offset: number;
  constructor(code: WireErrorCode, message: string, offset: number) {
    this.code = code;
    this.message = message;
    this.offset = offset;
  }
  toString(): string {
    return this.code + ": " + this.message;
  }
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

export function isWireError(x: unknown): x is WireError {
  return x instanceof WireError;
}

/** Runs a decoder that throws WireError internally and returns it as a value; anything else is a bug and rethrown. */
export function catchWireError<T>(run: () => T): DecodeResult<T> {
  try {
    return { ok: true, value: run() };
  } catch (e) {
    if (e instanceof WireError) return { ok: false, error: e };
    throw e;
  }
}
