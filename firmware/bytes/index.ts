export { ByteReader } from "./byte-reader.js";
export { ByteWriter, varint32Size, varintInt32Size } from "./byte-writer.js";
export { fromBase64, toBase64 } from "./base64.js";
export { fromHex, toHex } from "./hex.js";
export { readU32le, writeU32le } from "./le32.js";
export { utf8Decode, utf8Encode, utf8Length, utf8Write } from "./utf8.js";
export { catchWireError, isWireError, WireError, WireErrorCode } from "./wire-error.js";
export type { DecodeResult } from "./wire-error.js";
