// Loads the AssemblyScript build of the portable hot paths (wasm/assembly/index.ts, embedded as
// base64 in wasm/gen/meshport-wasm.ts) synchronously, and puts it behind the same seams as the
// TypeScript code: ChannelCipher (firmware/crypto/channel-cipher.ts) and EnvelopePipeline, whose
// TypeScript implementation runs firmware/gateway/envelope-scan.ts directly. The factories pick the
// WASM build unless WebAssembly is missing or MESHPORT_FORCE_TS=1 (the protobuf-es habit: a
// capability seam with a switch that forces the fallback).
//
// One module instance serves every object: its memory is fixed at start-up (no growth, see
// wasm/asconfig.json), so the typed-array views below are created once. The instance's cipher key
// slots are a cache shared by all WasmChannelCipher objects (looked up by key content, so sharing is
// invisible); its pipeline key slots belong to the WasmEnvelopePipeline that used them last and are
// reloaded when another pipeline scans.

import { allocBytes } from "../firmware/bytes/byte-copy.js";
import { fromBase64 } from "../firmware/bytes/base64.js";
import { BAD_KEY_LENGTH_MESSAGE, PortableChannelCipher } from "../firmware/crypto/channel-cipher.js";
import type { ChannelCipher } from "../firmware/crypto/channel-cipher.js";
import {
  EnvelopeScanner,
  SCAN_MAX_KEYS,
  SCAN_NOT_ENCRYPTED,
  SCAN_OK,
  SCAN_RESULT_WORDS,
  SR_BITFIELD,
  SR_CHANNEL,
  SR_CHANNEL_ID_LEN,
  SR_CHANNEL_ID_OFF,
  SR_DATA_FIELDS,
  SR_DATA_LEN,
  SR_DATA_OFF,
  SR_DELAYED,
  SR_DEST,
  SR_DETAIL,
  SR_EMOJI,
  SR_ENCRYPTED_LEN,
  SR_ENCRYPTED_OFF,
  SR_ENVELOPE_FIELDS,
  SR_ERROR_AT,
  SR_FROM,
  SR_GATEWAY_ID_LEN,
  SR_GATEWAY_ID_OFF,
  SR_HOP_LIMIT,
  SR_HOP_START,
  SR_ID,
  SR_KEYS_TRIED,
  SR_KEY_SLOT,
  SR_NEXT_HOP,
  SR_PACKET_FIELDS,
  SR_PACKET_LEN,
  SR_PACKET_OFF,
  SR_PAYLOAD_LEN,
  SR_PAYLOAD_OFF,
  SR_PKI_ENCRYPTED,
  SR_PORTNUM,
  SR_PRIORITY,
  SR_PUBLIC_KEY_LEN,
  SR_PUBLIC_KEY_OFF,
  SR_RELAY_NODE,
  SR_REPLY_ID,
  SR_REQUEST_ID,
  SR_RX_RSSI,
  SR_RX_SNR_BITS,
  SR_RX_TIME,
  SR_SIGNATURE_LEN,
  SR_SIGNATURE_OFF,
  SR_SOURCE,
  SR_STATUS,
  SR_TO,
  SR_TRANSPORT_MECHANISM,
  SR_TX_AFTER,
  SR_VIA_MQTT,
  SR_WANT_ACK,
  SR_WANT_RESPONSE,
  SR_XEDDSA_SIGNED,
} from "../firmware/gateway/envelope-scan.js";
import { MESHPORT_WASM_BASE64 } from "./gen/meshport-wasm.js";

/** The ABI wasm/assembly/index.ts declares (abiVersion()). */
const ABI_VERSION = 1;

/** Names of the scan status codes, indexed by code (firmware/gateway/envelope-scan.ts SCAN_*). */
export const ENVELOPE_SCAN_CODES = [
  "OK",
  "NOT_ENCRYPTED",
  "TRUNCATED",
  "LENGTH_PAST_END",
  "BAD_WIRE_TYPE",
  "BAD_FIELD_NUMBER",
  "VARINT_TOO_LONG",
  "INTEGER_OVERFLOW",
  "TOO_LONG",
  "NO_PACKET",
  "NO_CHANNEL_ID",
  "NO_GATEWAY_ID",
  "NO_PAYLOAD",
  "NO_KEY",
  "BAD_DATA",
] as const;
export type EnvelopeScanCode = (typeof ENVELOPE_SCAN_CODES)[number];

/** Thrown by setKeys for more keys than slots or a key that is not 0, 16 or 32 bytes. */
export const BAD_PIPELINE_KEYS_MESSAGE = "envelope pipeline takes up to 8 keys of 0, 16 or 32 bytes with an integer hash";

// The slice of the WebAssembly JS API used here. The project compiles with lib ES2022 and no DOM,
// where TypeScript declares no WebAssembly values, so it is looked up on globalThis.
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

function webAssemblyApi(): WebAssemblyApi | undefined {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  return typeof api === "object" && typeof api.Module === "function" && typeof api.Instance === "function" ? api : undefined;
}

interface MeshportWasmExports {
  memory: { buffer: ArrayBuffer };
  abiVersion(): number;
  ioPtr(): number;
  ioBytes(): number;
  keyPtr(): number;
  counterPtr(): number;
  cipherSlots(): number;
  envelopePtr(): number;
  envelopeBytes(): number;
  scanResultPtr(): number;
  scanResultWords(): number;
  scanPlainPtr(): number;
  scanPlainBytes(): number;
  scanKeySlots(): number;
  cipherSetKey(slot: number, keyLen: number): number;
  cipherCtr(slot: number, id: number, from: number, len: number, block: number): number;
  cipherCtrWithCounter(slot: number, len: number): number;
  cipherEncryptBlock(slot: number): number;
  scanSetKey(slot: number, hash: number, keyLen: number): number;
  scanClearKeys(): void;
  scan(len: number): number;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The instance, its views (created once: memory never grows) and the shared slot bookkeeping. */
class WasmEngine {
  readonly x: MeshportWasmExports;
  readonly io: Uint8Array;
  readonly key: Uint8Array;
  readonly counter: Uint8Array;
  readonly envelope: Uint8Array;
  readonly result: Int32Array;
  readonly plain: Uint8Array;
  readonly ioBytes: number;
  // Cipher key cache: slot -> key copy, and the slots in most-recently-used order.
  private readonly slotKeys: Uint8Array[] = [];
  private readonly lru: number[] = [];
  /** The pipeline whose keys are loaded in the scanner's slots. */
  scanOwner: object | null = null;

  constructor(x: MeshportWasmExports) {
    this.x = x;
    if (x.abiVersion() !== ABI_VERSION) throw new Error("meshport wasm: ABI " + x.abiVersion() + ", loader expects " + ABI_VERSION);
    const buf = x.memory.buffer;
    this.ioBytes = x.ioBytes();
    this.io = new Uint8Array(buf, x.ioPtr(), this.ioBytes);
    this.key = new Uint8Array(buf, x.keyPtr(), 32);
    this.counter = new Uint8Array(buf, x.counterPtr(), 16);
    this.envelope = new Uint8Array(buf, x.envelopePtr(), x.envelopeBytes());
    this.result = new Int32Array(buf, x.scanResultPtr(), x.scanResultWords());
    this.plain = new Uint8Array(buf, x.scanPlainPtr(), x.scanPlainBytes());
    if (x.scanResultWords() !== SCAN_RESULT_WORDS || x.scanKeySlots() !== SCAN_MAX_KEYS)
      throw new Error("meshport wasm: module and firmware/gateway/envelope-scan.ts disagree; run `make wasm`");
  }

  /** Slot holding the expanded `key` (16 or 32 bytes), expanding it into the least recently used slot on a miss. */
  cipherSlot(key: Uint8Array): number {
    const lru = this.lru;
    for (let i = 0; i < lru.length; i++) {
      const slot = lru[i];
      if (sameBytes(this.slotKeys[slot], key)) {
        if (i > 0) {
          for (let j = i; j > 0; j--) lru[j] = lru[j - 1];
          lru[0] = slot;
        }
        return slot;
      }
    }
    let slot: number;
    if (lru.length < this.x.cipherSlots()) {
      slot = lru.length;
      lru.push(slot);
    } else slot = lru[lru.length - 1];
    for (let j = lru.length - 1; j > 0; j--) lru[j] = lru[j - 1];
    lru[0] = slot;
    this.key.set(key, 0);
    if (this.x.cipherSetKey(slot, key.length) === 0) {
      // Cannot happen for 16/32-byte keys (checked by the caller); never leave a stale key mapped.
      this.slotKeys[slot] = new Uint8Array(0);
      throw new Error(BAD_KEY_LENGTH_MESSAGE);
    }
    this.slotKeys[slot] = key.slice();
    return slot;
  }

  get memoryBytes(): number {
    return this.x.memory.buffer.byteLength;
  }
}

// undefined: not tried yet; null: WebAssembly missing or the module failed to load.
let engine: WasmEngine | null | undefined;
let engineError: unknown;

function loadEngine(): WasmEngine | null {
  if (engine !== undefined) return engine;
  engine = null;
  try {
    const api = webAssemblyApi();
    if (api === undefined) throw new Error("WebAssembly is not available");
    const bytes = fromBase64(MESHPORT_WASM_BASE64);
    if (bytes === undefined) throw new Error("wasm/gen/meshport-wasm.ts is not valid base64");
    const instance = new api.Instance(new api.Module(bytes), {});
    engine = new WasmEngine(instance.exports as unknown as MeshportWasmExports);
  } catch (e) {
    engineError = e;
  }
  return engine;
}

function requireEngine(): WasmEngine {
  const e = loadEngine();
  if (e === null) throw new Error("meshport wasm is not available: " + String(engineError));
  return e;
}

/** True when WebAssembly exists and the embedded module instantiates. */
export function wasmSupported(): boolean {
  return loadEngine() !== null;
}

/** Byte length of the module's memory (fixed at start-up; tests check that it never changes). */
export function wasmMemoryBytes(): number {
  return requireEngine().memoryBytes;
}

/** ChannelCipher on the WASM build of aes.ts / aes-ctr.ts. */
export class WasmChannelCipher implements ChannelCipher {
  readonly name = "wasm";
  private readonly e: WasmEngine;

  constructor() {
    this.e = requireEngine();
  }

  ctr(key: Uint8Array, id: number, from: number, input: Uint8Array): Uint8Array {
    const e = this.e;
    const len = input.length;
    if (len === 0 || len > e.ioBytes) {
      const out = new Uint8Array(len);
      this.ctrInto(key, id, from, input, out, 0);
      return out;
    }
    // One piece, copied out of the module's buffer into memory from allocBytes (the Node tools'
    // slab pool when installed: a fresh typed array above 64 bytes costs V8 more than the AES).
    if (key.length !== 16 && key.length !== 32) throw new Error(BAD_KEY_LENGTH_MESSAGE);
    const slot = e.cipherSlot(key);
    e.io.set(input, 0);
    e.x.cipherCtr(slot, id, from, len, 0);
    const out = allocBytes(len);
    out.set(e.io.subarray(0, len), 0);
    return out;
  }

  /**
   * Like ctr, but writes into `out[outOff..outOff+input.length)` (which may be `input` itself at the
   * same offset) and returns the length. Inputs longer than the module's 64 KiB buffer are run in
   * 64 KiB pieces continuing the block counter, so any length gives the firmware's keystream.
   */
  ctrInto(key: Uint8Array, id: number, from: number, input: Uint8Array, out: Uint8Array, outOff = 0): number {
    if (key.length !== 16 && key.length !== 32) throw new Error(BAD_KEY_LENGTH_MESSAGE);
    const len = input.length;
    if (!(outOff >= 0) || outOff + len > out.length) throw new RangeError("ctrInto: output too small");
    const e = this.e;
    const slot = e.cipherSlot(key);
    const io = e.io;
    const piece = e.ioBytes;
    for (let off = 0; off < len; off += piece) {
      const n = Math.min(piece, len - off);
      if (n === len) io.set(input, 0);
      else io.set(input.subarray(off, off + n), 0);
      // piece is a multiple of 16, so the next piece starts at block off / 16.
      e.x.cipherCtr(slot, id, from, n, off >>> 4);
      if (n <= 16) for (let i = 0; i < n; i++) out[outOff + off + i] = io[i];
      else out.set(io.subarray(0, n), outOff + off);
    }
    return len;
  }

  /** AES-CTR with an arbitrary 16-byte counter block (firmware counter rule: only bytes 12..15 count); inputs up to 64 KiB. */
  ctrWithCounter(key: Uint8Array, counter: Uint8Array, input: Uint8Array): Uint8Array {
    if (key.length !== 16 && key.length !== 32) throw new Error(BAD_KEY_LENGTH_MESSAGE);
    if (counter.length !== 16) throw new RangeError("counter block must be 16 bytes");
    const e = this.e;
    if (input.length > e.ioBytes) throw new RangeError("ctrWithCounter: input longer than " + e.ioBytes + " bytes");
    const slot = e.cipherSlot(key);
    e.counter.set(counter, 0);
    e.io.set(input, 0);
    e.x.cipherCtrWithCounter(slot, input.length);
    return e.io.slice(0, input.length);
  }

  /** One AES block (ECB), for the FIPS-197 vectors. */
  encryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
    if (key.length !== 16 && key.length !== 32) throw new Error(BAD_KEY_LENGTH_MESSAGE);
    if (block.length !== 16) throw new RangeError("block must be 16 bytes");
    const e = this.e;
    const slot = e.cipherSlot(key);
    e.io.set(block, 0);
    e.x.cipherEncryptBlock(slot);
    return e.io.slice(0, 16);
  }
}

/** A (channel hash, expanded key) pair for the pipeline; an empty key means an unencrypted channel. */
export interface EnvelopeKey {
  hash: number;
  key: Uint8Array;
}

/**
 * The outcome of one scan, decoded from the result words (envelope-scan.ts SR_*). Offsets are into
 * the scanned bytes, except the Data ranges (dataOff, payloadOff, signatureOff) after status OK,
 * which are into `plaintext`. Absent fields are 0/false; `packetFields` / `dataFields` have bit n
 * set for each field number n present. After a decoder error the fields keep what was read before
 * the error (useful for logging); only `code` says whether they are complete.
 */
export interface EnvelopeScanResult {
  status: number;
  code: EnvelopeScanCode;
  /** Decoder errors: byte offset of the problem; otherwise -1. */
  errorAt: number;
  /** BAD_DATA: decode status of the last key tried (0 when it decoded with portnum 0). */
  detail: number;
  envelopeFields: number;
  channelIdOff: number;
  channelIdLen: number;
  gatewayIdOff: number;
  gatewayIdLen: number;
  packetOff: number;
  packetLen: number;
  packetFields: number;
  from: number;
  to: number;
  channel: number;
  id: number;
  rxTime: number;
  rxSnr: number;
  hopLimit: number;
  wantAck: boolean;
  priority: number;
  rxRssi: number;
  delayed: number;
  viaMqtt: boolean;
  hopStart: number;
  publicKeyOff: number;
  publicKeyLen: number;
  pkiEncrypted: boolean;
  nextHop: number;
  relayNode: number;
  txAfter: number;
  transportMechanism: number;
  xeddsaSigned: boolean;
  encryptedOff: number;
  encryptedLen: number;
  dataOff: number;
  dataLen: number;
  dataFields: number;
  portnum: number;
  payloadOff: number;
  payloadLen: number;
  wantResponse: boolean;
  dest: number;
  source: number;
  requestId: number;
  replyId: number;
  emoji: number;
  bitfield: number;
  signatureOff: number;
  signatureLen: number;
  /** Pipeline slot of the key that decrypted the packet, -1 otherwise. */
  keySlot: number;
  keysTried: number;
  /** Status OK: the decrypted Data bytes (length encryptedLen); otherwise null. */
  plaintext: Uint8Array | null;
}

export interface EnvelopePipeline {
  /** "wasm" or "ts". */
  readonly name: string;
  /** Replaces the loaded keys (slot = array index; candidates with the same hash are tried in that order). */
  setKeys(keys: readonly EnvelopeKey[]): void;
  /** Scans one ServiceEnvelope; a plaintext is copied into `out` (which needs 256 bytes) or into a new array. */
  scan(bytes: Uint8Array, out?: Uint8Array): EnvelopeScanResult;
  /** Like scan, filling a reused result object; with `out` it allocates nothing. */
  scanInto(bytes: Uint8Array, result: EnvelopeScanResult, out?: Uint8Array): EnvelopeScanResult;
  /** The raw result words of the last scan (for parity tests and diagnostics). */
  readonly words: Int32Array;
}

/** A zeroed result object to pass to scanInto. */
export function newEnvelopeScanResult(): EnvelopeScanResult {
  return {
    status: 0,
    code: "OK",
    errorAt: -1,
    detail: 0,
    envelopeFields: 0,
    channelIdOff: 0,
    channelIdLen: 0,
    gatewayIdOff: 0,
    gatewayIdLen: 0,
    packetOff: 0,
    packetLen: 0,
    packetFields: 0,
    from: 0,
    to: 0,
    channel: 0,
    id: 0,
    rxTime: 0,
    rxSnr: 0,
    hopLimit: 0,
    wantAck: false,
    priority: 0,
    rxRssi: 0,
    delayed: 0,
    viaMqtt: false,
    hopStart: 0,
    publicKeyOff: 0,
    publicKeyLen: 0,
    pkiEncrypted: false,
    nextHop: 0,
    relayNode: 0,
    txAfter: 0,
    transportMechanism: 0,
    xeddsaSigned: false,
    encryptedOff: 0,
    encryptedLen: 0,
    dataOff: 0,
    dataLen: 0,
    dataFields: 0,
    portnum: 0,
    payloadOff: 0,
    payloadLen: 0,
    wantResponse: false,
    dest: 0,
    source: 0,
    requestId: 0,
    replyId: 0,
    emoji: 0,
    bitfield: 0,
    signatureOff: 0,
    signatureLen: 0,
    keySlot: -1,
    keysTried: 0,
    plaintext: null,
  };
}

// rx_snr arrives as the float's bit pattern.
const floatBits = new Int32Array(1);
const floatValue = new Float32Array(floatBits.buffer);

function fillResult(w: Int32Array, plain: Uint8Array, r: EnvelopeScanResult, out: Uint8Array | undefined): EnvelopeScanResult {
  const status = w[SR_STATUS];
  r.status = status;
  r.code = ENVELOPE_SCAN_CODES[status];
  r.errorAt = w[SR_ERROR_AT];
  r.detail = w[SR_DETAIL];
  r.envelopeFields = w[SR_ENVELOPE_FIELDS];
  r.channelIdOff = w[SR_CHANNEL_ID_OFF];
  r.channelIdLen = w[SR_CHANNEL_ID_LEN];
  r.gatewayIdOff = w[SR_GATEWAY_ID_OFF];
  r.gatewayIdLen = w[SR_GATEWAY_ID_LEN];
  r.packetOff = w[SR_PACKET_OFF];
  r.packetLen = w[SR_PACKET_LEN];
  r.packetFields = w[SR_PACKET_FIELDS];
  r.from = w[SR_FROM] >>> 0;
  r.to = w[SR_TO] >>> 0;
  r.channel = w[SR_CHANNEL] >>> 0;
  r.id = w[SR_ID] >>> 0;
  r.rxTime = w[SR_RX_TIME] >>> 0;
  floatBits[0] = w[SR_RX_SNR_BITS];
  r.rxSnr = floatValue[0];
  r.hopLimit = w[SR_HOP_LIMIT] >>> 0;
  r.wantAck = w[SR_WANT_ACK] !== 0;
  r.priority = w[SR_PRIORITY];
  r.rxRssi = w[SR_RX_RSSI];
  r.delayed = w[SR_DELAYED];
  r.viaMqtt = w[SR_VIA_MQTT] !== 0;
  r.hopStart = w[SR_HOP_START] >>> 0;
  r.publicKeyOff = w[SR_PUBLIC_KEY_OFF];
  r.publicKeyLen = w[SR_PUBLIC_KEY_LEN];
  r.pkiEncrypted = w[SR_PKI_ENCRYPTED] !== 0;
  r.nextHop = w[SR_NEXT_HOP] >>> 0;
  r.relayNode = w[SR_RELAY_NODE] >>> 0;
  r.txAfter = w[SR_TX_AFTER] >>> 0;
  r.transportMechanism = w[SR_TRANSPORT_MECHANISM];
  r.xeddsaSigned = w[SR_XEDDSA_SIGNED] !== 0;
  r.encryptedOff = w[SR_ENCRYPTED_OFF];
  r.encryptedLen = w[SR_ENCRYPTED_LEN];
  r.dataOff = w[SR_DATA_OFF];
  r.dataLen = w[SR_DATA_LEN];
  r.dataFields = w[SR_DATA_FIELDS];
  r.portnum = w[SR_PORTNUM];
  r.payloadOff = w[SR_PAYLOAD_OFF];
  r.payloadLen = w[SR_PAYLOAD_LEN];
  r.wantResponse = w[SR_WANT_RESPONSE] !== 0;
  r.dest = w[SR_DEST] >>> 0;
  r.source = w[SR_SOURCE] >>> 0;
  r.requestId = w[SR_REQUEST_ID] >>> 0;
  r.replyId = w[SR_REPLY_ID] >>> 0;
  r.emoji = w[SR_EMOJI] >>> 0;
  r.bitfield = w[SR_BITFIELD] >>> 0;
  r.signatureOff = w[SR_SIGNATURE_OFF];
  r.signatureLen = w[SR_SIGNATURE_LEN];
  r.keySlot = w[SR_KEY_SLOT];
  r.keysTried = w[SR_KEYS_TRIED];
  r.plaintext = null;
  if (status === SCAN_OK) {
    const n = r.encryptedLen;
    if (out === undefined) r.plaintext = plain.slice(0, n);
    else {
      if (out.length < n) throw new RangeError("scan: output needs " + n + " bytes");
      for (let i = 0; i < n; i++) out[i] = plain[i];
      r.plaintext = out;
    }
  }
  return r;
}

function checkKeys(keys: readonly EnvelopeKey[]): void {
  if (keys.length > SCAN_MAX_KEYS) throw new RangeError(BAD_PIPELINE_KEYS_MESSAGE);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const n = k.key.length;
    if ((n !== 0 && n !== 16 && n !== 32) || !Number.isInteger(k.hash)) throw new RangeError(BAD_PIPELINE_KEYS_MESSAGE);
  }
}

function copyKeys(keys: readonly EnvelopeKey[]): EnvelopeKey[] {
  return keys.map((k) => ({ hash: k.hash, key: k.key.slice() }));
}

/** The pipeline as plain TypeScript: the same envelope-scan.ts the WASM build runs. */
export class TsEnvelopePipeline implements EnvelopePipeline {
  readonly name = "ts";
  private readonly scanner = new EnvelopeScanner();

  get words(): Int32Array {
    return this.scanner.result;
  }

  setKeys(keys: readonly EnvelopeKey[]): void {
    checkKeys(keys);
    this.scanner.clearKeys();
    for (let i = 0; i < keys.length; i++) this.scanner.setKey(i, keys[i].hash, keys[i].key, 0, keys[i].key.length);
  }

  scan(bytes: Uint8Array, out?: Uint8Array): EnvelopeScanResult {
    return this.scanInto(bytes, newEnvelopeScanResult(), out);
  }

  scanInto(bytes: Uint8Array, result: EnvelopeScanResult, out?: Uint8Array): EnvelopeScanResult {
    this.scanner.scan(bytes, bytes.length);
    return fillResult(this.scanner.result, this.scanner.plain, result, out);
  }
}

/** The pipeline on the WASM build. */
export class WasmEnvelopePipeline implements EnvelopePipeline {
  readonly name = "wasm";
  private readonly e: WasmEngine;
  private keys: EnvelopeKey[] = [];

  constructor() {
    this.e = requireEngine();
  }

  get words(): Int32Array {
    return this.e.result;
  }

  setKeys(keys: readonly EnvelopeKey[]): void {
    checkKeys(keys);
    this.keys = copyKeys(keys);
    if (this.e.scanOwner === this) this.e.scanOwner = null;
  }

  /** Makes the module's key slots hold this pipeline's keys. */
  private own(): void {
    const e = this.e;
    if (e.scanOwner === this) return;
    e.x.scanClearKeys();
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i];
      e.key.set(k.key, 0);
      e.x.scanSetKey(i, k.hash, k.key.length);
    }
    e.scanOwner = this;
  }

  scan(bytes: Uint8Array, out?: Uint8Array): EnvelopeScanResult {
    return this.scanInto(bytes, newEnvelopeScanResult(), out);
  }

  scanInto(bytes: Uint8Array, result: EnvelopeScanResult, out?: Uint8Array): EnvelopeScanResult {
    const e = this.e;
    this.own();
    // Longer than the buffer: nothing is copied, and the module answers TOO_LONG from the length
    // alone, exactly as envelope-scan.ts does for the TypeScript pipeline.
    if (bytes.length <= e.envelope.length) e.envelope.set(bytes, 0);
    e.x.scan(bytes.length);
    return fillResult(e.result, e.plain, result, out);
  }
}

/** Inputs of the implementation choice; tests inject them instead of mutating process.env. */
export interface ImplementationOptions {
  /** Environment to read MESHPORT_FORCE_TS from (default: process.env). */
  env?: Record<string, string | undefined>;
  /** Whether WebAssembly may be used (default: wasmSupported()). */
  webAssembly?: boolean;
}

/** True when the factories return the WASM implementations. */
export function useWasm(options?: ImplementationOptions): boolean {
  const env = options?.env ?? (typeof process === "object" ? process.env : {});
  if (env.MESHPORT_FORCE_TS === "1") return false;
  return options?.webAssembly ?? wasmSupported();
}

/** WasmChannelCipher, or PortableChannelCipher when WebAssembly is missing or MESHPORT_FORCE_TS=1. */
export function createChannelCipher(options?: ImplementationOptions): ChannelCipher {
  return useWasm(options) ? new WasmChannelCipher() : new PortableChannelCipher();
}

/** WasmEnvelopePipeline, or TsEnvelopePipeline when WebAssembly is missing or MESHPORT_FORCE_TS=1. */
export function createEnvelopePipeline(options?: ImplementationOptions): EnvelopePipeline {
  return useWasm(options) ? new WasmEnvelopePipeline() : new TsEnvelopePipeline();
}

export { SCAN_NOT_ENCRYPTED, SCAN_OK };
