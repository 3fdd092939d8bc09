// The body functions of gen/specialised-codecs.ts, on the generic table-driven codec. Board bundles
// resolve the generated module to this one (boards/bundle/build-bundle.ts): same results, about
// 10 KB less code, slower decoding, which a board receiving a few packets a minute does not notice.
import type { ByteReader } from "../bytes/byte-reader.js";
import type { ByteWriter } from "../bytes/byte-writer.js";
import { decodeMessageBody, messageBodySize, writeMessageBody } from "./message-codec.js";
import type { Data, MeshPacket, ServiceEnvelope } from "./messages.js";
import { DataSchema, MeshPacketSchema, ServiceEnvelopeSchema } from "./schemas.js";

type Obj = Record<string, unknown>;

export function decodeDataBody(r: ByteReader, depth: number, m: Data): Data {
  return decodeMessageBody(r, DataSchema, depth, m as Obj) as Data;
}

export function sizeDataBody(m: Data, depth: number): number {
  return messageBodySize(DataSchema, m as Obj, depth);
}

export function writeDataBody(w: ByteWriter, m: Data, depth: number): void {
  writeMessageBody(w, DataSchema, m as Obj, depth);
}

export function decodeMeshPacketBody(r: ByteReader, depth: number, m: MeshPacket): MeshPacket {
  return decodeMessageBody(r, MeshPacketSchema, depth, m as Obj) as MeshPacket;
}

export function sizeMeshPacketBody(m: MeshPacket, depth: number): number {
  return messageBodySize(MeshPacketSchema, m as Obj, depth);
}

export function writeMeshPacketBody(w: ByteWriter, m: MeshPacket, depth: number): void {
  writeMessageBody(w, MeshPacketSchema, m as Obj, depth);
}

export function decodeServiceEnvelopeBody(r: ByteReader, depth: number, m: ServiceEnvelope): ServiceEnvelope {
  return decodeMessageBody(r, ServiceEnvelopeSchema, depth, m as Obj) as ServiceEnvelope;
}

export function sizeServiceEnvelopeBody(m: ServiceEnvelope, depth: number): number {
  return messageBodySize(ServiceEnvelopeSchema, m as Obj, depth);
}

export function writeServiceEnvelopeBody(w: ByteWriter, m: ServiceEnvelope, depth: number): void {
  writeMessageBody(w, ServiceEnvelopeSchema, m as Obj, depth);
}
