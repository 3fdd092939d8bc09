// How one field descriptor is stored. Here: a plain object with every property, so all descriptors
// share one shape and the codec's reads stay monomorphic in V8. Board builds swap in
// field-record-board.ts (boards/bundle/build-bundle.ts), which keeps only what differs from the
// defaults: on Espruino every property costs a JsVar, and the gateway's tables are ~155 fields.
import type { Cardinality, FieldSchema, FieldType, MessageSchema } from "./field-schema.js";

export function fieldRecord(no: number, name: string, type: FieldType, card: Cardinality, presence: boolean, max: number, oneof: string, msg: MessageSchema | undefined): FieldSchema {
  return { no, name, type, card, presence, max, oneof, msg };
}
