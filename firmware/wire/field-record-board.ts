// field-record.ts for board builds: a descriptor holds no, name and type, plus only the properties
// that differ from FIELD_DEFAULTS, which it inherits from there. The codec reads every property the
// same way. Measured on espruino-esp32like: the gateway's schema tables took 2,612 JsVars as plain
// objects (about 17 per field); see test/boards/real for the board's free memory.
import type { Cardinality, FieldSchema, FieldType, MessageSchema } from "./field-schema.js";

// Literal values, no import: field-schema.ts imports this module, so its constants do not exist
// yet when this runs (Cardinality.Single is 0).
const SINGLE = 0;
const FIELD_DEFAULTS = { card: SINGLE as Cardinality, presence: false, max: 0, oneof: "", msg: undefined as MessageSchema | undefined };

export function fieldRecord(no: number, name: string, type: FieldType, card: Cardinality, presence: boolean, max: number, oneof: string, msg: MessageSchema | undefined): FieldSchema {
  const f = Object.create(FIELD_DEFAULTS) as { -readonly [K in keyof FieldSchema]: FieldSchema[K] };
  f.no = no;
  f.name = name;
  f.type = type;
  if (card !== SINGLE) f.card = card;
  if (presence) f.presence = true;
  if (max !== 0) f.max = max;
  if (oneof !== "") f.oneof = oneof;
  if (msg !== undefined) f.msg = msg;
  return f;
}
