export { Cardinality, FieldType, defineMessage, field } from "./field-schema.js";
export type { FieldSchema, MessageSchema } from "./field-schema.js";
export { decodeMessage, encodeMessage, encodedSize, MAX_MESSAGE_BYTES, MAX_MESSAGE_DEPTH } from "./message-codec.js";
export * from "./schemas.js";
export * from "./messages.js";
export * from "./enums.js";
export * from "./lora-header.js";
