// protobuf: decode and encode of the messages a gateway handles on every packet, by our codecs
// (firmware/wire) and by the three JavaScript protobuf libraries people would reach for instead.
// Every impl decodes the same bytes, and encodes a message object it built from them beforehand
// (outside the timed function), so each is timed doing only the codec work.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import type { DescMessage, Message } from "@bufbuild/protobuf";
import { Mesh, Mqtt } from "@meshtastic/protobufs";
import protobuf from "protobufjs";
import { MeshPacketCodec, ServiceEnvelopeCodec } from "../../firmware/wire/index.js";
import type { Codec, MeshPacket } from "../../firmware/wire/index.js";
import { MeshPacketSchema, ServiceEnvelopeSchema } from "../../proto/index.js";
import type { BenchCase, Impl } from "../harness.js";
import { assertSame, sampleEnvelope, samplePositionPacket, sampleTextPacket } from "../samples.js";
import { utf8Decode } from "../../firmware/bytes/utf8.js";
import { TsEnvelopePipeline, newEnvelopeScanResult } from "../../wasm/loader.js";
import type { EnvelopePipeline } from "../../wasm/loader.js";
import { loadWasm, WASM_ABSENT_NOTE } from "../wasm-hooks.js";

export const PROTOBUF_BASELINE = "@bufbuild/protobuf (proto/gen)";

const PROTO_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "proto");

/**
 * Our .proto files loaded at run time: @meshtastic/protobufs ships only generated code, not its
 * .proto files, and ours are the schema proto/gen is generated from, so all four impls read the
 * same schema. Imports are written "meshtastic/x.proto", relative to proto/.
 */
function loadProtobufjsRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(PROTO_DIR, target));
  root.loadSync(["meshtastic/mqtt.proto", "meshtastic/mesh.proto"]);
  return root;
}

/**
 * The fields the samples set, in one shape whatever the library's (our optional fields, bufbuild's
 * payloadVariant oneof, protobufjs' Buffers), so the pre-timing check compares values, not shapes.
 */
interface PacketView {
  from: number;
  to: number;
  id: number;
  channel: number;
  rxTime: number;
  rxSnr: number;
  rxRssi: number;
  hopLimit: number;
  hopStart: number;
  relayNode: number;
  transportMechanism: number;
  portnum: number;
  payload: number[];
  bitfield: number;
  encrypted: number[];
}

function byteList(b: Uint8Array | undefined): number[] {
  return b === undefined ? [] : Array.from(b);
}

/** Loose access to a library's decoded message: each library types its objects differently. */
type Loose = Record<string, any>;

/** The MeshPacket header fields every library names the same way (absent = 0). */
const HEADER_FIELDS = ["from", "to", "id", "channel", "rxTime", "rxSnr", "rxRssi", "hopLimit", "hopStart", "relayNode", "transportMechanism"] as const;

/** The comparable view of a packet `p` with Data `d` and ciphertext `encrypted`, from any library. */
function viewOf(p: Loose | undefined, d: Loose | undefined, encrypted: Uint8Array | undefined): PacketView {
  // Key order matters: assertSame compares JSON text.
  const view = {} as PacketView;
  for (const k of HEADER_FIELDS) view[k] = (p?.[k] as number | undefined) ?? 0;
  view.portnum = d?.portnum ?? 0;
  view.payload = byteList(d?.payload);
  view.bitfield = d?.bitfield ?? 0;
  view.encrypted = byteList(encrypted);
  return view;
}

function viewOfOurs(p: MeshPacket | undefined): PacketView {
  return viewOf(p, p?.decoded, p?.encrypted);
}

function viewOfBufbuild(p: Loose | undefined): PacketView {
  const v = p?.payloadVariant;
  return viewOf(p, v?.case === "decoded" ? v.value : undefined, v?.case === "encrypted" ? v.value : undefined);
}

function viewOfProtobufjs(p: Loose | undefined): PacketView {
  return viewOf(p, p?.decoded ?? undefined, p?.encrypted ?? undefined);
}

/** One message type as each library sees it. */
interface Subject<T extends object> {
  label: string;
  bytes: Uint8Array;
  ours: Codec<T>;
  gen: DescMessage;
  official: DescMessage;
  pbjs: protobuf.Type;
  /** The case the "meshport WASM pipeline" impl belongs to. */
  wasmHook: boolean;
  /** The packet inside a decoded message, per library family, for the agreement check. */
  viewOurs: (m: T) => PacketView & { channelId?: string; gatewayId?: string };
  viewBufbuild: (m: Loose) => PacketView & { channelId?: string; gatewayId?: string };
  viewProtobufjs: (m: Loose) => PacketView & { channelId?: string; gatewayId?: string };
}

function ok<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  // WireError is not an Error subclass (Espruino cannot extend built-ins): rethrow its message.
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function decodeCase<T extends object>(s: Subject<T>, wasmImpl: Impl | undefined, more: Impl[] = []): BenchCase {
  const b = s.bytes;
  const views = [
    s.viewOurs(ok(s.ours.decode(b))),
    s.viewBufbuild(fromBinary(s.gen, b) as Loose),
    s.viewBufbuild(fromBinary(s.official, b) as Loose),
    s.viewProtobufjs(s.pbjs.decode(b) as Loose),
  ];
  for (let i = 1; i < views.length; i++) assertSame(`protobuf decode ${s.label} (impl ${i})`, views[0], views[i]);
  const impls: Impl[] = [
    { impl: "meshport TS", run: () => s.ours.decode(b) },
    { impl: PROTOBUF_BASELINE, run: () => fromBinary(s.gen, b) },
    { impl: "@meshtastic/protobufs", run: () => fromBinary(s.official, b) },
    { impl: "protobufjs", run: () => s.pbjs.decode(b) },
  ];
  const c: BenchCase = { suite: "protobuf", case: `decode ${s.label} (${b.length} B)`, baseline: PROTOBUF_BASELINE, impls };
  // Hook: the "meshport WASM pipeline" impl joins the envelope decode case (bench/wasm-hooks.ts).
  impls.push(...more);
  if (wasmImpl !== undefined) impls.push(wasmImpl);
  else if (s.wasmHook) c.notes = [WASM_ABSENT_NOTE];
  return c;
}

function encodeCase<T extends object>(s: Subject<T>): BenchCase {
  // Message objects built once, outside the timed function: encode alone is measured.
  const ours = ok(s.ours.decode(s.bytes));
  const gen: Message = fromBinary(s.gen, s.bytes);
  const official: Message = fromBinary(s.official, s.bytes);
  const pbjs = s.pbjs.decode(s.bytes);
  // All four write fields in field-number order with proto3 implicit presence, so byte equality
  // with the sample is the agreement check.
  assertSame(`protobuf encode ${s.label} (meshport TS)`, s.ours.encode(ours), s.bytes);
  assertSame(`protobuf encode ${s.label} (proto/gen)`, toBinary(s.gen, gen), s.bytes);
  assertSame(`protobuf encode ${s.label} (@meshtastic/protobufs)`, toBinary(s.official, official), s.bytes);
  assertSame(`protobuf encode ${s.label} (protobufjs)`, new Uint8Array(s.pbjs.encode(pbjs).finish()), s.bytes);
  return {
    suite: "protobuf",
    case: `encode ${s.label} (${s.bytes.length} B)`,
    baseline: PROTOBUF_BASELINE,
    impls: [
      { impl: "meshport TS", run: () => s.ours.encode(ours) },
      { impl: PROTOBUF_BASELINE, run: () => toBinary(s.gen, gen) },
      { impl: "@meshtastic/protobufs", run: () => toBinary(s.official, official) },
      { impl: "protobufjs", run: () => s.pbjs.encode(pbjs).finish() },
    ],
  };
}

/**
 * The envelope pipeline (WASM, or the same source as TypeScript) as a decoder: with no keys loaded it parses the envelope and the packet
 * header and stops at NO_KEY, leaving offsets into the input instead of strings and byte arrays (its
 * design: the gateway reads only what it needs). It fills a result object made once, as
 * scanInto allows. Checked against the others through the same view.
 */
function pipelineImpl(name: string, pipeline: EnvelopePipeline, bytes: Uint8Array, expected: PacketView & { channelId?: string; gatewayId?: string }): Impl {
  pipeline.setKeys([]);
  const result = newEnvelopeScanResult();
  const out = new Uint8Array(256);
  const r = pipeline.scanInto(bytes, result, out);
  if (r.code !== "NO_KEY") throw new Error(`protobuf decode (${name}): scan says ${r.code}`);
  const view = {
    from: r.from,
    to: r.to,
    id: r.id,
    channel: r.channel,
    rxTime: r.rxTime,
    rxSnr: r.rxSnr,
    rxRssi: r.rxRssi,
    hopLimit: r.hopLimit,
    hopStart: r.hopStart,
    relayNode: r.relayNode,
    transportMechanism: r.transportMechanism,
    portnum: 0,
    payload: [],
    bitfield: 0,
    encrypted: Array.from(bytes.subarray(r.encryptedOff, r.encryptedOff + r.encryptedLen)),
    channelId: utf8Decode(bytes, r.channelIdOff, r.channelIdOff + r.channelIdLen),
    gatewayId: utf8Decode(bytes, r.gatewayIdOff, r.gatewayIdOff + r.gatewayIdLen),
  };
  assertSame(`protobuf decode ServiceEnvelope (${name})`, view, expected);
  return { impl: name, run: () => pipeline.scanInto(bytes, result, out) };
}

export function protobufSuite(): BenchCase[] {
  const root = loadProtobufjsRoot();
  const envelope: Subject<{ packet?: MeshPacket; channelId?: string; gatewayId?: string }> = {
    label: "ServiceEnvelope (encrypted)",
    bytes: sampleEnvelope(),
    ours: ServiceEnvelopeCodec,
    gen: ServiceEnvelopeSchema,
    official: Mqtt.ServiceEnvelopeSchema,
    pbjs: root.lookupType("meshtastic.ServiceEnvelope"),
    wasmHook: true,
    viewOurs: (m) => ({ ...viewOfOurs(m.packet), channelId: m.channelId ?? "", gatewayId: m.gatewayId ?? "" }),
    viewBufbuild: (m) => ({ ...viewOfBufbuild(m.packet), channelId: m.channelId, gatewayId: m.gatewayId }),
    viewProtobufjs: (m) => ({ ...viewOfProtobufjs(m.packet), channelId: m.channelId, gatewayId: m.gatewayId }),
  };
  const packet = (label: string, p: MeshPacket): Subject<MeshPacket> => ({
    label,
    bytes: MeshPacketCodec.encode(p),
    ours: MeshPacketCodec,
    gen: MeshPacketSchema,
    official: Mesh.MeshPacketSchema,
    pbjs: root.lookupType("meshtastic.MeshPacket"),
    wasmHook: false,
    viewOurs: viewOfOurs,
    viewBufbuild: viewOfBufbuild,
    viewProtobufjs: viewOfProtobufjs,
  });
  const text = packet("MeshPacket (TEXT decoded)", sampleTextPacket());
  const position = packet("MeshPacket (POSITION decoded)", samplePositionPacket());
  const wasm = loadWasm();
  const expected = envelope.viewOurs(ok(ServiceEnvelopeCodec.decode(envelope.bytes)));
  const wasmEnvelope = wasm === undefined ? undefined : pipelineImpl("meshport WASM pipeline", wasm.pipeline, envelope.bytes, expected);
  const tsEnvelope = pipelineImpl("meshport TS pipeline", new TsEnvelopePipeline(), envelope.bytes, expected);
  return [decodeCase(envelope, wasmEnvelope, [tsEnvelope]), encodeCase(envelope), decodeCase(text, undefined), encodeCase(text), decodeCase(position, undefined), encodeCase(position)];
}
