// The decoders under fuzz (issue 8) as FuzzTargets, each with its valid seeds, its generator and its
// contract: what counts as a value, what as the decoder's typed error. Anything else a decoder does
// (another exception, a result of the wrong shape) is thrown from `run` and becomes a failure.
//
// Families: LoRa frame, every protobuf codec (each exported *Codec and codecFor(schema) for every
// schema in schemas.ts), the envelope pipeline (TypeScript and WASM), MQTT (whole-packet decoder and
// the streaming parser fed random chunks), the JSON downlink parser, and the scenario validator.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { WireError } from "../../firmware/bytes/wire-error.js";
import { DEFAULT_PSK, PortableChannelCipher, channelHash, expandPsk, expandedKeyBytes } from "../../firmware/crypto/index.js";
import { JsonDownlinkErrorCode, parseJsonDownlink } from "../../firmware/gateway/json-downlink.js";
import { ANY_MQTT_PACKET, decodeMqttPacket, encodeMqttPacket, MqttError, MqttParser, MqttParserState } from "../../firmware/mqtt/index.js";
import type { MqttPacket } from "../../firmware/mqtt/index.js";
import type { MessageSchema } from "../../firmware/wire/field-schema.js";
import { decodeLoraFrame, encodeLoraFrame } from "../../firmware/wire/lora-header.js";
import * as messages from "../../firmware/wire/messages.js";
import type { Codec } from "../../firmware/wire/messages.js";
import * as schemas from "../../firmware/wire/schemas.js";
import { parseScenario } from "../../sim/scenario-parse.js";
import { PRESET_NAMES, REBROADCAST_NAMES, REGION_NAMES, ROLE_NAMES, PATH_LOSS_NAMES } from "../../sim/scenario-schema.js";
import { ENVELOPE_SCAN_CODES, SCAN_NOT_ENCRYPTED, SCAN_OK, TsEnvelopePipeline, WasmEnvelopePipeline, wasmSupported } from "../../wasm/loader.js";
import type { EnvelopeKey, EnvelopePipeline } from "../../wasm/loader.js";
import { concat, validPacket } from "../mqtt/support.js";
import { messageArbitrary } from "../support/schema-arbitrary.js";
import { byteInputs, Rng, toHex } from "./engine.js";
import type { ByteGenerator, FuzzTarget, Outcome } from "./engine.js";

/** Seed inputs per target are sampled with this fast-check seed (the run's SEED only drives mutation). */
const SEED_SAMPLES = 48;
const SEED_FC = 8008;

const ascii = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "latin1"));


function bytesTarget(name: string, gen: ByteGenerator, run: (b: Uint8Array) => Outcome): FuzzTarget {
  return { name, next: gen, run, show: toHex };
}

function broken(what: string): never {
  throw new Error("contract broken: " + what);
}

// ---- LoRa frame ----

function loraTarget(): FuzzTarget {
  const rng = new Rng(SEED_FC, 1);
  const seeds: Uint8Array[] = [];
  for (let i = 0; i < SEED_SAMPLES; i++) {
    const payload = new Uint8Array(rng.below(240));
    for (let k = 0; k < payload.length; k++) payload[k] = rng.u32() & 0xff;
    seeds.push(
      encodeLoraFrame(
        {
          to: rng.chance(0.5) ? 0xffffffff : rng.u32(),
          from: 1 + rng.below(0xfffffffe),
          id: rng.u32(),
          hopLimit: rng.below(8),
          wantAck: rng.chance(0.5),
          viaMqtt: rng.chance(0.3),
          hopStart: rng.below(8),
          channel: rng.below(256),
          nextHop: rng.below(256),
          relayNode: rng.below(256),
        },
        payload,
      ),
    );
  }
  return bytesTarget("decodeLoraFrame", byteInputs({ seeds, maxLen: 300, maxRandomLen: 300 }), (b) => {
    const r = decodeLoraFrame(b);
    if (!r.ok) {
      if (!(r.error instanceof WireError)) broken("error is not a WireError");
      return "typed";
    }
    if (r.value.payload.length !== b.length - 16) broken("payload length " + r.value.payload.length + " for a " + b.length + "-byte frame");
    return "value";
  });
}

// ---- protobuf codecs ----

function isSchema(x: unknown): x is MessageSchema {
  return typeof x === "object" && x !== null && typeof (x as MessageSchema).name === "string" && Array.isArray((x as MessageSchema).fields);
}

function isCodec(x: unknown): x is Codec<object> {
  return typeof x === "object" && x !== null && typeof (x as Codec<object>).decode === "function" && isSchema((x as Codec<object>).schema);
}

/** Every `*Codec` export of messages.ts, by export name. */
export function namedCodecs(): { name: string; codec: Codec<object> }[] {
  return Object.entries(messages)
    .filter(([k, v]) => k.endsWith("Codec") && isCodec(v))
    .map(([k, v]) => ({ name: k, codec: v as Codec<object> }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Every MessageSchema export of schemas.ts, by export name. */
export function allSchemas(): { name: string; schema: MessageSchema }[] {
  return Object.entries(schemas)
    .filter(([, v]) => isSchema(v))
    .map(([k, v]) => ({ name: k, schema: v as MessageSchema }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const seedCache = new Map<MessageSchema, Uint8Array[]>();

/** Valid encodings of `schema`: the empty message and random messages from its field table. */
function protobufSeeds(schema: MessageSchema): Uint8Array[] {
  let seeds = seedCache.get(schema);
  if (seeds === undefined) {
    const codec = messages.codecFor<object>(schema);
    seeds = [new Uint8Array(0), ...fc.sample(messageArbitrary(schema), { numRuns: SEED_SAMPLES, seed: SEED_FC }).map((m) => codec.encode(m))];
    seedCache.set(schema, seeds);
  }
  return seeds;
}

function codecTarget(name: string, codec: Codec<object>): FuzzTarget {
  const seeds = protobufSeeds(codec.schema);
  const longest = seeds.reduce((n, s) => Math.max(n, s.length), 0);
  return bytesTarget(name, byteInputs({ seeds, maxLen: Math.max(512, 2 * longest), maxRandomLen: 300 }), (b) => {
    const r = codec.decode(b);
    if (!r.ok) {
      if (!(r.error instanceof WireError)) broken("error is not a WireError");
      return "typed";
    }
    if (typeof r.value !== "object" || r.value === null) broken("value is not an object");
    return "value";
  });
}

/** One target per exported *Codec. */
export function namedCodecTargets(): FuzzTarget[] {
  return namedCodecs().map(({ name, codec }) => codecTarget(name, codec));
}

/** One target per schema in schemas.ts, through the generic codecFor. */
export function codecForTargets(): FuzzTarget[] {
  return allSchemas().map(({ schema }) => codecTarget("codecFor(" + schema.name + ")", messages.codecFor<object>(schema)));
}

// ---- envelope pipeline ----

interface EnvelopeSetup {
  keys: EnvelopeKey[];
  seeds: Uint8Array[];
}

let envelopeSetup: EnvelopeSetup | undefined;

/** Three channels (default AES-128 key, an AES-256 key, an unencrypted one) and envelopes for each. */
function envelopes(): EnvelopeSetup {
  if (envelopeSetup !== undefined) return envelopeSetup;
  const defaultKey = expandedKeyBytes(expandPsk(new Uint8Array([1]))) as Uint8Array;
  const key256 = new Uint8Array(32).map((_, i) => (i * 37 + DEFAULT_PSK[i % 16]) & 0xff);
  const keys: EnvelopeKey[] = [
    { hash: channelHash("LongFast", defaultKey), key: defaultKey },
    { hash: channelHash("Secret", key256), key: key256 },
    { hash: channelHash("Open", null), key: new Uint8Array(0) },
  ];
  const cipher = new PortableChannelCipher();
  const rng = new Rng(SEED_FC, 2);
  const datas = fc.sample(messageArbitrary(schemas.DataSchema), { numRuns: SEED_SAMPLES, seed: SEED_FC });
  const packets = fc.sample(messageArbitrary(schemas.MeshPacketSchema), { numRuns: 16, seed: SEED_FC });
  const seeds: Uint8Array[] = [];
  datas.forEach((d, i) => {
    const k = keys[i % keys.length];
    const plain = messages.DataCodec.encode(d);
    if (plain.length > 233) return;
    const id = rng.u32();
    const from = 1 + rng.below(0xfffffffe);
    const packet = { from, to: 0xffffffff, channel: k.hash, id, hopLimit: 3, hopStart: 3, encrypted: k.key.length === 0 ? plain : cipher.ctr(k.key, id, from, plain) };
    seeds.push(messages.ServiceEnvelopeCodec.encode({ packet, channelId: i % 2 === 0 ? "LongFast" : "Secret", gatewayId: "!" + (from >>> 0).toString(16).padStart(8, "0") }));
  });
  for (const p of packets) {
    const r = messages.ServiceEnvelopeCodec.tryEncode({ packet: p as messages.MeshPacket, channelId: "LongFast", gatewayId: "!deadbeef" });
    if (r.ok) seeds.push(r.value);
  }
  envelopeSetup = { keys, seeds };
  return envelopeSetup;
}

function scanOutcome(p: EnvelopePipeline, b: Uint8Array): Outcome {
  const r = p.scan(b);
  if (ENVELOPE_SCAN_CODES[r.status] === undefined || r.code !== ENVELOPE_SCAN_CODES[r.status]) broken("status " + r.status + " has no code");
  if (r.status === SCAN_OK) {
    if (r.plaintext === null || r.plaintext.length !== r.encryptedLen) broken("OK without a plaintext of encryptedLen bytes");
    return "value";
  }
  if (r.plaintext !== null) broken("a plaintext with status " + r.code);
  return r.status === SCAN_NOT_ENCRYPTED ? "value" : "typed";
}

export function envelopeTargets(): FuzzTarget[] {
  const { keys, seeds } = envelopes();
  const gen = byteInputs({ seeds, maxLen: 700, maxRandomLen: 300 });
  const ts = new TsEnvelopePipeline();
  ts.setKeys(keys);
  const out: FuzzTarget[] = [bytesTarget("TsEnvelopePipeline.scan", gen, (b) => scanOutcome(ts, b))];
  if (wasmSupported()) {
    const wasm = new WasmEnvelopePipeline();
    wasm.setKeys(keys);
    const reference = new TsEnvelopePipeline();
    reference.setKeys(keys);
    out.push(
      bytesTarget("WasmEnvelopePipeline.scan", gen, (b) => {
        const outcome = scanOutcome(wasm, b);
        // Differential: the WASM build must give the TypeScript build's result words.
        reference.scan(b);
        const w = wasm.words;
        const t = reference.words;
        for (let i = 0; i < t.length; i++) if (w[i] !== t[i]) broken("WASM result word " + i + " is " + w[i] + ", TypeScript's " + t[i]);
        return outcome;
      }),
    );
  }
  return out;
}

// ---- MQTT ----

const MQTT_LIMIT = 512;

let mqttSeedCache: Uint8Array[] | undefined;

/** Encoded valid packets, alone and two or three back to back. */
function mqttSeeds(): Uint8Array[] {
  if (mqttSeedCache !== undefined) return mqttSeedCache;
  const singles = fc
    .sample(validPacket, { numRuns: 96, seed: SEED_FC })
    .map((p) => encodeMqttPacket(p))
    .filter((b) => b.length <= MQTT_LIMIT);
  const rng = new Rng(SEED_FC, 3);
  const streams: Uint8Array[] = [];
  for (let i = 0; i < 32; i++) streams.push(concat(rng.pick(singles), rng.pick(singles), ...(rng.chance(0.5) ? [rng.pick(singles)] : [])));
  mqttSeedCache = [...singles, ...streams];
  return mqttSeedCache;
}

const MQTT_DICTIONARY = [
  [0x10], [0x20, 0x02], [0x30], [0x32], [0x82], [0x90], [0xa2], [0xc0, 0x00], [0xe0, 0x00],
  [0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04], [0xff, 0xff, 0xff, 0x7f], [0x80, 0x80, 0x80, 0x80, 0x01], [0xed, 0xa0, 0x80], [0xc0, 0x80],
].map((a) => new Uint8Array(a));

/** Accepted packets must re-encode to bytes that decode to the same packet. */
function checkAccepted(p: MqttPacket): void {
  const again = decodeMqttPacket(encodeMqttPacket(p));
  if (!again.ok || !isDeepStrictEqual(again.value, p)) broken("accepted packet does not round-trip: " + JSON.stringify(p));
}

const PLAUSIBLE_HEADERS = [0x10, 0x20, 0x30, 0x31, 0x32, 0x3b, 0x40, 0x50, 0x62, 0x70, 0x82, 0x90, 0xa2, 0xb0, 0xc0, 0xd0, 0xe0];

/** Mutated packet streams, and a share of random bodies behind a plausible fixed header (so every body decoder is reached). */
function mqttInputs(maxLen: number): ByteGenerator {
  const mutated = byteInputs({ seeds: mqttSeeds(), maxLen, dictionary: MQTT_DICTIONARY });
  return (rng: Rng): Uint8Array => {
    if (!rng.chance(0.1)) return mutated(rng);
    const body = new Uint8Array(2 + rng.length(126));
    for (let i = 2; i < body.length; i++) body[i] = rng.u32() & 0xff;
    body[0] = rng.pick(PLAUSIBLE_HEADERS);
    body[1] = body.length - 2;
    return body;
  };
}

function mqttWholeTarget(): FuzzTarget {
  return bytesTarget("decodeMqttPacket", mqttInputs(700), (b) => {
    const r = decodeMqttPacket(b, MQTT_LIMIT);
    if (!r.ok) {
      if (!(r.error instanceof MqttError)) broken("error is not an MqttError");
      return "typed";
    }
    checkAccepted(r.value);
    return "value";
  });
}

export interface ChunkedInput {
  bytes: Uint8Array;
  /** Chunk ends, ascending, the last one bytes.length. */
  cuts: number[];
}

function mqttStreamTarget(): FuzzTarget<ChunkedInput> {
  const gen = mqttInputs(1500);
  return {
    name: "MqttParser.push (random chunks)",
    next(rng: Rng): ChunkedInput {
      const bytes = gen(rng);
      const cuts: number[] = [];
      if (rng.chance(0.05)) for (let i = 1; i <= bytes.length; i++) cuts.push(i);
      else {
        const n = rng.below(7);
        for (let i = 0; i < n; i++) cuts.push(rng.below(bytes.length + 1));
        cuts.sort((a, b) => a - b);
        cuts.push(bytes.length);
      }
      return { bytes, cuts };
    },
    run(input: ChunkedInput): Outcome {
      const parser = new MqttParser({ accept: ANY_MQTT_PACKET, maxPacketBytes: MQTT_LIMIT });
      let at = 0;
      let error: MqttError | undefined;
      let packets = 0;
      for (const cut of input.cuts) {
        const r = parser.push(input.bytes.subarray(at, cut));
        at = cut;
        for (const p of r.packets) checkAccepted(p);
        packets += r.packets.length;
        if (r.error !== undefined) {
          if (!(r.error instanceof MqttError)) broken("error is not an MqttError");
          if (parser.state !== MqttParserState.Failed) broken("error returned but the parser is " + parser.state);
          error = r.error;
        }
      }
      if (error !== undefined) {
        const again = parser.push(new Uint8Array([0xc0, 0x00]));
        if (again.error !== error || again.packets.length !== 0) broken("a failed parser accepted more input");
        return "typed";
      }
      if (parser.stats.packets !== packets) broken("stats.packets " + parser.stats.packets + " but " + packets + " returned");
      return "value";
    },
    show(input: ChunkedInput): string {
      return toHex(input.bytes) + " cuts " + JSON.stringify(input.cuts);
    },
  };
}

export function mqttTargets(): FuzzTarget<unknown>[] {
  return [mqttWholeTarget() as FuzzTarget<unknown>, mqttStreamTarget() as FuzzTarget<unknown>];
}

// ---- JSON downlink ----

export const JSON_OUR_NUM = 0x12345678;
const JSON_CHANNELS = 2;

const JSON_SEEDS = [
  '{"from":305419896,"type":"sendtext","payload":"hello mesh"}',
  '{"from":305419896,"to":4294967295,"channel":1,"hopLimit":3,"type":"sendtext","payload":"caf\\u00e9 \\ud83d\\ude00 \\"q\\" \\\\ \\/ \\n\\t"}',
  '{"sender":"!00000001","from":305419896,"to":12345,"type":"sendposition","payload":{"latitude_i":524000000,"longitude_i":-13000000,"altitude":42,"time":1700000000}}',
  ' { "from" : 3.05419896e8 , "type" : "sendposition" , "payload" : { "latitude_i" : -0.5e-3 , "time" : 1E9 } , "channel" : 0.9 } ',
  '{"from":305419896,"type":"sendtext","payload":"x","extra":[1,-2.5,true,FALSE,Null,{"a":[[],{}]},"s"]}',
  '{"from":305419896,"type":"other","payload":[1,2,3]}',
  '{"sender":"!12345678","from":305419896,"type":"sendtext","payload":"mine"}',
  '[{"from":305419896}]',
  '"just a string"',
  '{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":1}}}}}}}}',
].map(ascii);

const JSON_DICTIONARY = [
  "{", "}", "[", "]", '"', ":", ",", "\\u", "\\ud800", "\\udc00", "\\u00", "\\", "true", "FALSE", "null", "1e309", "-1e-400", "-", ".", "e+", "0x1",
  '"from":305419896', '"type":"sendtext"', '"type":"sendposition"', '"payload":', '"channel":', '"hopLimit":', '"to":', '"sender":', '"latitude_i":',
  "\t", "\r\n", "\u0000", "\u0001", "\u00ff", "4294967296", "2147483648", "-2147483649", "9".repeat(40), "[[[[[[[[[[", "{\"a\":{\"a\":{\"a\":{\"a\":",
].map(ascii);

const JSON_CODES = new Set<string>(Object.values(JsonDownlinkErrorCode));

function jsonTarget(): FuzzTarget {
  const long = ascii('{"from":305419896,"type":"sendtext","payload":"' + "x".repeat(1000) + '"}');
  return bytesTarget(
    "parseJsonDownlink",
    byteInputs({ seeds: [...JSON_SEEDS, long], maxLen: 1100, maxRandomLen: 200, dictionary: JSON_DICTIONARY }),
    (b) => {
      // Both readings: the firmware default and the extended one (odd lengths).
      const r = parseJsonDownlink(b, JSON_OUR_NUM, JSON_CHANNELS, (b.length & 1) === 1);
      if (!r.ok) {
        if (!JSON_CODES.has(r.code) || typeof r.message !== "string") broken("refusal without a known code: " + String(r.code));
        return "typed";
      }
      const q = r.request;
      if (!(q.payload instanceof Uint8Array) || !Number.isInteger(q.to) || q.to < 0 || q.to > 0xffffffff || !Number.isInteger(q.channel) || q.channel >= JSON_CHANNELS)
        broken("request out of range: " + JSON.stringify({ ...q, payload: toHex(q.payload) }));
      return "value";
    },
  );
}

export function jsonTargets(): FuzzTarget[] {
  return [jsonTarget()];
}

// ---- scenario validator ----

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** JSON text that JSON.parse turns back into `v` exactly (non-finite numbers as 1e999, -0 as -0). */
export function jsonText(v: Json): string {
  if (typeof v === "number") {
    if (v === Infinity) return "1e999";
    if (v === -Infinity) return "-1e999";
    if (Object.is(v, -0)) return "-0";
    return JSON.stringify(v);
  }
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return "[" + v.map(jsonText).join(",") + "]";
  return "{" + Object.keys(v).map((k) => JSON.stringify(k) + ":" + jsonText(v[k])).join(",") + "}";
}

function scenarioSeeds(): Json[] {
  const dir = fileURLToPath(new URL("../../sim/scenarios/", import.meta.url));
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => JSON.parse(readFileSync(dir + f, "utf8")) as Json);
}

const SCENARIO_KEYS = [
  "name", "description", "seed", "durationS", "area", "origin", "lat", "lon", "region", "preset", "pathLoss", "medium", "linkOffsetSigmaDb", "sumInterference",
  "logDistance", "gamma", "d0M", "lossAtD0Db", "bootSpreadS", "pki", "channels", "mqtt", "defaults", "nodes", "traffic", "messages", "role", "rebroadcastMode",
  "hopLimit", "heightM", "txPowerDbm", "antennaGainDbi", "gateway", "okToMqtt", "generate", "x", "y", "nodeNum", "count", "namePrefix", "placement",
  "minDistanceM", "mustHear", "maxTries", "psk", "uplink", "downlink", "positionPrecision", "address", "root", "encryptionEnabled", "jsonEnabled",
  "latencyMs", "text", "direct", "positionIntervalS", "smartPosition", "telemetryIntervalS", "nodeInfoIntervalS", "startS", "stopS", "meanIntervalS",
  "payloadBytes", "wantAck", "channel", "atS", "from", "to", "widthM", "depthM", "__proto__", "constructor", "toString", "",
];

const SCENARIO_STRINGS = [
  "", "A1", "L0", "broadcast", "AQ==", "AA==", "=", "!!!", "msh/US", "msh/+", "#", "x".repeat(300), "\u0000", "\ud800", "é",
  ...Object.keys(ROLE_NAMES), ...Object.keys(REBROADCAST_NAMES), ...Object.keys(REGION_NAMES), ...Object.keys(PRESET_NAMES), ...Object.keys(PATH_LOSS_NAMES),
];

const SCENARIO_NUMBERS = [0, -0, 1, -1, 0.5, 2, 3, 7, 8, 255, 256, 1000, 65535, 4294967295, 4294967296, 2 ** 53, -(2 ** 31), 1e308, Infinity, -Infinity, 1e-300, 20000, 20001, 604800];

function randomLeaf(rng: Rng): Json {
  switch (rng.below(5)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.chance(0.7) ? rng.pick(SCENARIO_NUMBERS) : (rng.u32() | 0) / (1 + rng.below(1000));
    case 3:
      return rng.pick(SCENARIO_STRINGS);
    default:
      return rng.chance(0.5) ? [] : {};
  }
}

/** The containers of a JSON tree with their depth (capped), for picking a place to mutate. */
function containers(v: Json, out: (Json[] | { [k: string]: Json })[]): void {
  if (v === null || typeof v !== "object" || out.length > 400) return;
  out.push(v);
  if (Array.isArray(v)) for (const x of v) containers(x, out);
  else for (const k of Object.keys(v)) containers(v[k], out);
}

function clone(v: Json): Json {
  return v === null || typeof v !== "object" ? v : (JSON.parse(JSON.stringify(v)) as Json);
}

/** One structural mutation in place: replace, delete, add, duplicate or graft a subtree. */
function mutateJson(root: Json, rng: Rng, seeds: Json[]): Json {
  const cs: (Json[] | { [k: string]: Json })[] = [];
  containers(root, cs);
  if (cs.length === 0 || rng.chance(0.01)) return randomLeaf(rng);
  const c = rng.pick(cs);
  const graft = (): Json => {
    const others: (Json[] | { [k: string]: Json })[] = [];
    containers(rng.pick(seeds), others);
    const o = rng.pick(others);
    const vals = Array.isArray(o) ? o : Object.values(o);
    return vals.length === 0 ? randomLeaf(rng) : clone(rng.pick(vals));
  };
  const newValue = (): Json => (rng.chance(0.25) ? graft() : randomLeaf(rng));
  if (Array.isArray(c)) {
    const op = rng.below(4);
    if (op === 0 && c.length > 0) c.splice(rng.below(c.length), 1);
    else if (op === 1 && c.length > 0) c[rng.below(c.length)] = newValue();
    else if (op === 2 && c.length > 0) {
      const copies = rng.chance(0.1) ? 200 : 1 + rng.below(3);
      const x = c[rng.below(c.length)];
      for (let i = 0; i < copies; i++) c.push(clone(x));
    } else c.splice(rng.below(c.length + 1), 0, newValue());
  } else {
    const keys = Object.keys(c);
    const op = rng.below(3);
    if (op === 0 && keys.length > 0) delete c[rng.pick(keys)];
    else if (op === 1 && keys.length > 0) c[rng.pick(keys)] = newValue();
    else {
      const k = rng.chance(0.9) ? rng.pick(SCENARIO_KEYS) : String.fromCharCode(...Array.from({ length: rng.below(6) }, () => 32 + rng.below(95)));
      // A JSON "__proto__" key is an own property after JSON.parse; defineProperty does the same here.
      Object.defineProperty(c, k, { value: newValue(), enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
}

export interface ScenarioInput {
  value: Json;
}

function scenarioTarget(): FuzzTarget<ScenarioInput> {
  const seeds = scenarioSeeds();
  const texts = seeds.map((s) => ascii(JSON.stringify(s)));
  const textGen = byteInputs({ seeds: texts, maxLen: 20000, maxRandomLen: 64, dictionary: JSON_DICTIONARY, randomShare: 0.02 });
  return {
    name: "parseScenario",
    next(rng: Rng): ScenarioInput {
      if (rng.chance(0.2)) {
        // Byte-level mutation of the JSON text; kept only when it still parses (as a file would).
        for (let t = 0; t < 4; t++) {
          const text = Buffer.from(textGen(rng)).toString("latin1");
          try {
            return { value: JSON.parse(text) as Json };
          } catch {
            // not JSON: try another
          }
        }
      }
      let v = clone(rng.pick(seeds));
      const n = 1 + rng.length(7);
      for (let i = 0; i < n; i++) v = mutateJson(v, rng, seeds);
      return { value: v };
    },
    run(input: ScenarioInput): Outcome {
      const r = parseScenario(input.value);
      if (r.ok) {
        if (typeof r.scenario !== "object" || r.scenario === null) broken("ok without a scenario");
        return "value";
      }
      if (!Array.isArray(r.errors) || r.errors.length === 0) broken("not ok without errors");
      for (const e of r.errors) if (typeof e.path !== "string" || typeof e.message !== "string") broken("malformed error " + JSON.stringify(e));
      return "typed";
    },
    show(input: ScenarioInput): string {
      const text = jsonText(input.value);
      return toHex(new Uint8Array(Buffer.from(text, "utf8"))) + (text.length <= 4000 ? "\n  as JSON: " + text : "");
    },
  };
}

export function scenarioTargets(): FuzzTarget<unknown>[] {
  return [scenarioTarget() as FuzzTarget<unknown>];
}

// ---- all of them ----

export const FAMILIES = ["lora", "codecs", "codecFor", "envelope", "mqtt", "json", "scenario"] as const;
export type Family = (typeof FAMILIES)[number];

export function targetsOf(family: Family): FuzzTarget<unknown>[] {
  switch (family) {
    case "lora":
      return [loraTarget() as FuzzTarget<unknown>];
    case "codecs":
      return namedCodecTargets() as FuzzTarget<unknown>[];
    case "codecFor":
      return codecForTargets() as FuzzTarget<unknown>[];
    case "envelope":
      return envelopeTargets() as FuzzTarget<unknown>[];
    case "mqtt":
      return mqttTargets();
    case "json":
      return jsonTargets() as FuzzTarget<unknown>[];
    default:
      return scenarioTargets();
  }
}
