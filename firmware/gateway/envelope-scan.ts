// The gateway's hot path for an MQTT downlink, without objects: ServiceEnvelope protobuf bytes ->
// MeshPacket header fields -> channel-hash lookup among loaded keys -> AES-CTR decrypt -> the Data
// fields and the payload range. It validates like the compact codec (firmware/wire/message-codec.ts
// over the schemas in firmware/wire/schemas.ts, which reproduce nanopb): every length is bounded,
// unknown fields are skipped, a repeated message field merges into the earlier one, the last value
// of a scalar wins, the payload_variant oneof keeps only the last of decoded/encrypted, and the
// nanopb max_size limits apply (encrypted 256, public_key 32, Data.payload 233, xeddsa_signature 64).
// Decryption follows Router.cpp perhapsDecode (spec meshtastic-wire.md 3.3, and
// crypto/channel-decrypt.ts): every loaded key whose hash equals MeshPacket.channel is tried in slot
// order, and the first whose plaintext decodes as Data with portnum != 0 wins.
//
// Portable-AssemblyScript subset (ARCHITECTURE.md "Portable subsets", firmware/portable/types.ts):
// this same file is the TypeScript pipeline (wasm/loader.ts TsEnvelopePipeline) and, compiled by
// asc through wasm/assembly/index.ts, the WASM one. Hence integer aliases, results in an Int32Array
// instead of objects, error codes instead of exceptions, and no allocation after construction.

import type { i32, u8 } from "../portable/types.js";
import { AES_ROUND_KEY_WORDS, aesExpandKey } from "../crypto/aes.js";
import { aesCtrXor } from "../crypto/aes-ctr.js";

/** Key slots: one per channel (MAX_NUM_CHANNELS = 8 in the firmware). */
export const SCAN_MAX_KEYS: i32 = 8;
/** Largest envelope accepted: the compact codec's MAX_MESSAGE_BYTES (firmware/wire/message-codec.ts). */
export const SCAN_MAX_ENVELOPE_BYTES: i32 = 65536;
/** MeshPacket.encrypted nanopb max_size (mesh.options); also the size of the plaintext buffer. */
export const SCAN_MAX_ENCRYPTED_BYTES: i32 = 256;
const MAX_PUBLIC_KEY_BYTES: i32 = 32; // MeshPacket.public_key max_size
const MAX_DATA_PAYLOAD_BYTES: i32 = 233; // Data.payload max_size (Constants.DATA_PAYLOAD_LEN)
const MAX_SIGNATURE_BYTES: i32 = 64; // Data.xeddsa_signature max_size

// Status codes (SR_STATUS). The two successes first, then the decoder errors, which match the
// compact codec's WireErrorCode values of the same name, then the pipeline's own outcomes.
/** Decrypted with a loaded key; the Data ranges point into the plaintext buffer. */
export const SCAN_OK: i32 = 0;
/** The packet carried `decoded` Data (no decryption needed); the Data ranges point into the input. */
export const SCAN_NOT_ENCRYPTED: i32 = 1;
/** A varint, fixed-width value or length runs past the end of the input (or of the enclosing message for varints and fixed values). */
export const SCAN_TRUNCATED: i32 = 2;
/** A length runs past the end of its enclosing message (but not of the input). */
export const SCAN_LENGTH_PAST_END: i32 = 3;
/** A known field with the wrong wire type, or wire type 3, 4, 6 or 7. */
export const SCAN_BAD_WIRE_TYPE: i32 = 4;
/** Field number 0, or a tag wider than 32 bits. */
export const SCAN_BAD_FIELD_NUMBER: i32 = 5;
/** A varint longer than 10 bytes or 64 bits. */
export const SCAN_VARINT_TOO_LONG: i32 = 6;
/** A uint32 above 32 bits, or an int32 that is not a sign-extended 32-bit value. */
export const SCAN_INTEGER_OVERFLOW: i32 = 7;
/** Input longer than SCAN_MAX_ENVELOPE_BYTES (or than the WASM input buffer), or a bytes field over its nanopb max_size. */
export const SCAN_TOO_LONG: i32 = 8;
/** The envelope has no `packet` (field 1); the firmware's decoder requires it (spec 5.7). */
export const SCAN_NO_PACKET: i32 = 9;
/** `channel_id` (field 2) is missing or empty. */
export const SCAN_NO_CHANNEL_ID: i32 = 10;
/** `gateway_id` (field 3) is missing or empty. */
export const SCAN_NO_GATEWAY_ID: i32 = 11;
/** The packet has neither `decoded` nor `encrypted`. */
export const SCAN_NO_PAYLOAD: i32 = 12;
/** Encrypted, but no loaded key has the packet's channel hash. */
export const SCAN_NO_KEY: i32 = 13;
/** Encrypted, and no key with a matching hash gave a Data with portnum != 0 (SR_DETAIL: the last try's decode error, 0 for portnum 0). */
export const SCAN_BAD_DATA: i32 = 14;
/** Number of status codes (for name tables). */
export const SCAN_STATUS_COUNT: i32 = 15;

// Result words (EnvelopeScanner.result). Integers are stored as their 32-bit pattern: unsigned
// fields (from, to, id, ...) read back with `>>> 0`, rx_snr is the float's bit pattern.
export const SR_STATUS: i32 = 0;
/** Byte offset of the problem for decoder errors, -1 otherwise. */
export const SR_ERROR_AT: i32 = 1;
export const SR_DETAIL: i32 = 2;
/** Bit n set when ServiceEnvelope field n was seen (1 packet, 2 channel_id, 3 gateway_id). */
export const SR_ENVELOPE_FIELDS: i32 = 3;
export const SR_CHANNEL_ID_OFF: i32 = 4;
export const SR_CHANNEL_ID_LEN: i32 = 5;
export const SR_GATEWAY_ID_OFF: i32 = 6;
export const SR_GATEWAY_ID_LEN: i32 = 7;
/** Range of the (last) `packet` field's body in the input. */
export const SR_PACKET_OFF: i32 = 8;
export const SR_PACKET_LEN: i32 = 9;
/**
 * Bit n set when MeshPacket field n is present (after oneof clearing). The value of field n
 * (1..22) is the word SR_PACKET_FIELDS + n; for the length-delimited fields (4 decoded,
 * 5 encrypted, 16 public_key) that word is the offset in the input.
 */
export const SR_PACKET_FIELDS: i32 = 10;
export const SR_FROM: i32 = 11;
export const SR_TO: i32 = 12;
export const SR_CHANNEL: i32 = 13;
export const SR_DECODED_OFF: i32 = 14;
export const SR_ENCRYPTED_OFF: i32 = 15;
export const SR_ID: i32 = 16;
export const SR_RX_TIME: i32 = 17;
export const SR_RX_SNR_BITS: i32 = 18;
export const SR_HOP_LIMIT: i32 = 19;
export const SR_WANT_ACK: i32 = 20;
export const SR_PRIORITY: i32 = 21;
export const SR_RX_RSSI: i32 = 22;
export const SR_DELAYED: i32 = 23;
export const SR_VIA_MQTT: i32 = 24;
export const SR_HOP_START: i32 = 25;
export const SR_PUBLIC_KEY_OFF: i32 = 26;
export const SR_PKI_ENCRYPTED: i32 = 27;
export const SR_NEXT_HOP: i32 = 28;
export const SR_RELAY_NODE: i32 = 29;
export const SR_TX_AFTER: i32 = 30;
export const SR_TRANSPORT_MECHANISM: i32 = 31;
export const SR_XEDDSA_SIGNED: i32 = 32;
export const SR_ENCRYPTED_LEN: i32 = 33;
export const SR_PUBLIC_KEY_LEN: i32 = 34;
/** Range of the Data message: in the input (SCAN_NOT_ENCRYPTED, last `decoded` occurrence) or in the plaintext buffer (SCAN_OK). */
export const SR_DATA_OFF: i32 = 35;
export const SR_DATA_LEN: i32 = 36;
/** Bit n set when Data field n is present; the value of field n (1..10) is the word SR_DATA_FIELDS + n (offset for 2 payload, 10 xeddsa_signature). */
export const SR_DATA_FIELDS: i32 = 37;
export const SR_PORTNUM: i32 = 38;
export const SR_PAYLOAD_OFF: i32 = 39;
export const SR_WANT_RESPONSE: i32 = 40;
export const SR_DEST: i32 = 41;
export const SR_SOURCE: i32 = 42;
export const SR_REQUEST_ID: i32 = 43;
export const SR_REPLY_ID: i32 = 44;
export const SR_EMOJI: i32 = 45;
export const SR_BITFIELD: i32 = 46;
export const SR_SIGNATURE_OFF: i32 = 47;
export const SR_PAYLOAD_LEN: i32 = 48;
export const SR_SIGNATURE_LEN: i32 = 49;
/** Slot of the key that decrypted the packet (SCAN_OK), -1 otherwise. */
export const SR_KEY_SLOT: i32 = 50;
/** How many keys with a matching hash were tried. */
export const SR_KEYS_TRIED: i32 = 51;
/** Words in the result array. Memory: 208 bytes. */
export const SCAN_RESULT_WORDS: i32 = 52;

const WT_VARINT: i32 = 0;
const WT_I64: i32 = 1;
const WT_LEN: i32 = 2;
const WT_I32: i32 = 5;

/**
 * Writes the AES-CTR counter block of a channel packet at block index `block`:
 * u64le(id) ‖ u32le(from) ‖ u32be(block). Block 0 is crypto/nonce.ts packetNonce (CryptoEngine.cpp
 * initNonce); the big-endian last word is rweather's CTR::setCounterSize(4) counter, so a caller
 * that splits a long input at block `block` continues the same keystream.
 */
export function packetCounterBlock(id: i32, from: i32, block: i32, out: Uint8Array, off: i32): void {
  out[off] = (id & 0xff) as u8;
  out[off + 1] = ((id >>> 8) & 0xff) as u8;
  out[off + 2] = ((id >>> 16) & 0xff) as u8;
  out[off + 3] = ((id >>> 24) & 0xff) as u8;
  out[off + 4] = 0;
  out[off + 5] = 0;
  out[off + 6] = 0;
  out[off + 7] = 0;
  out[off + 8] = (from & 0xff) as u8;
  out[off + 9] = ((from >>> 8) & 0xff) as u8;
  out[off + 10] = ((from >>> 16) & 0xff) as u8;
  out[off + 11] = ((from >>> 24) & 0xff) as u8;
  out[off + 12] = ((block >>> 24) & 0xff) as u8;
  out[off + 13] = ((block >>> 16) & 0xff) as u8;
  out[off + 14] = ((block >>> 8) & 0xff) as u8;
  out[off + 15] = (block & 0xff) as u8;
}

/**
 * One pipeline: up to SCAN_MAX_KEYS (hash, key) slots and the buffers of one scan. Memory: eight
 * 240-byte round-key arrays, the 256-byte plaintext buffer and the 208-byte result, about 2.5 KiB.
 * Not re-entrant; every scan overwrites `result` and `plain`.
 */
export class EnvelopeScanner {
  /** Result words, indexed by the SR_* constants. */
  readonly result: Int32Array = new Int32Array(SCAN_RESULT_WORDS);
  /** Plaintext of the last decryption attempt (SCAN_OK: the Data at SR_DATA_OFF). */
  readonly plain: Uint8Array = new Uint8Array(SCAN_MAX_ENCRYPTED_BYTES);
  private readonly keyHash: Int32Array = new Int32Array(SCAN_MAX_KEYS);
  /** Per slot: -1 empty, 0 unencrypted channel (the payload is the plain Data), 10 or 14 AES rounds. */
  private readonly keyRounds: Int32Array = new Int32Array(SCAN_MAX_KEYS);
  private readonly roundKeys: Uint32Array[] = [];
  private readonly counter: Uint8Array = new Uint8Array(16);
  // Reader state of the scan in progress: position, end of the whole input, bits 32..63 of the last
  // varint, and the first error (code and offset).
  private pos: i32 = 0;
  private limit: i32 = 0;
  private hi: i32 = 0;
  private err: i32 = 0;
  private errAt: i32 = -1;

  constructor() {
    for (let i: i32 = 0; i < SCAN_MAX_KEYS; i++) {
      this.roundKeys.push(new Uint32Array(AES_ROUND_KEY_WORDS));
      this.keyRounds[i] = -1;
    }
  }

  /** Empties every key slot. */
  clearKeys(): void {
    for (let i: i32 = 0; i < SCAN_MAX_KEYS; i++) this.keyRounds[i] = -1;
  }

  /**
   * Loads `key[keyOff..keyOff+keyLen)` (16 or 32 bytes, or 0 for an unencrypted channel) with its
   * channel hash into `slot`. Returns 1, or 0 (slot emptied) for a bad slot, length or range.
   */
  setKey(slot: i32, hash: i32, key: Uint8Array, keyOff: i32, keyLen: i32): i32 {
    if (slot < 0 || slot >= SCAN_MAX_KEYS) return 0;
    this.keyRounds[slot] = -1;
    this.keyHash[slot] = hash;
    if (keyLen === 0) {
      this.keyRounds[slot] = 0;
      return 1;
    }
    const rounds: i32 = aesExpandKey(key, keyOff, keyLen, this.roundKeys[slot]);
    if (rounds === 0) return 0;
    this.keyRounds[slot] = rounds;
    return 1;
  }

  private fail(code: i32, at: i32): void {
    if (this.err === 0) {
      this.err = code;
      this.errAt = at;
    }
  }

  /** Reads a varint below `end`: returns bits 0..31, leaves bits 32..63 in `hi` (ByteReader.varint). */
  private varint(b: Uint8Array, end: i32): i32 {
    const start: i32 = this.pos;
    let lo: i32 = 0;
    let hi: i32 = 0;
    for (let i: i32 = 0; i < 10; i++) {
      if (this.pos >= end) {
        this.fail(SCAN_TRUNCATED, end);
        return 0;
      }
      const c: i32 = b[this.pos];
      this.pos++;
      if (i < 4) lo = lo | ((c & 0x7f) << (7 * i));
      else if (i === 4) {
        lo = lo | ((c & 0x0f) << 28);
        hi = (c & 0x70) >>> 4;
      } else hi = hi | ((c & 0x7f) << (7 * i - 32));
      if ((c & 0x80) === 0) {
        // Byte 9 may only carry bit 63.
        if (i === 9 && c > 1) {
          this.fail(SCAN_VARINT_TOO_LONG, start);
          return 0;
        }
        this.hi = hi;
        return lo;
      }
    }
    this.fail(SCAN_VARINT_TOO_LONG, start);
    return 0;
  }

  private fixed32(b: Uint8Array, end: i32): i32 {
    const p: i32 = this.pos;
    if (end - p < 4) {
      this.fail(SCAN_TRUNCATED, end);
      return 0;
    }
    this.pos = p + 4;
    return (b[p] as i32) | ((b[p + 1] as i32) << 8) | ((b[p + 2] as i32) << 16) | ((b[p + 3] as i32) << 24);
  }

  /**
   * Reads a length prefix and checks it against `end`: past the end of the whole input is
   * truncation, past only the enclosing message is LENGTH_PAST_END (ByteReader.length).
   */
  private length(b: Uint8Array, end: i32): i32 {
    const at: i32 = this.pos;
    const len: i32 = this.varint(b, end);
    if (this.err !== 0) return 0;
    if (this.hi !== 0 || (len >>> 31) !== 0 || len > end - this.pos) {
      this.fail(end === this.limit ? SCAN_TRUNCATED : SCAN_LENGTH_PAST_END, at);
      return 0;
    }
    return len;
  }

  /** uint32 field: anything above 32 bits is an overflow. */
  private uint32(b: Uint8Array, end: i32): i32 {
    const at: i32 = this.pos;
    const v: i32 = this.varint(b, end);
    if (this.err === 0 && this.hi !== 0) this.fail(SCAN_INTEGER_OVERFLOW, at);
    return v;
  }

  /** int32 field: valid encodings are the 64-bit sign extension of the value (nanopb rejects others). */
  private int32(b: Uint8Array, end: i32): i32 {
    const at: i32 = this.pos;
    const v: i32 = this.varint(b, end);
    if (this.err !== 0) return 0;
    const neg: i32 = v >>> 31;
    if (!((this.hi === 0 && neg === 0) || (this.hi === -1 && neg === 1))) this.fail(SCAN_INTEGER_OVERFLOW, at);
    return v;
  }

  private bool(b: Uint8Array, end: i32): i32 {
    const v: i32 = this.varint(b, end);
    return (v | this.hi) !== 0 ? 1 : 0;
  }

  private skipField(b: Uint8Array, end: i32, wt: i32, at: i32): void {
    if (wt === WT_VARINT) {
      this.varint(b, end);
      return;
    }
    let n: i32 = 0;
    if (wt === WT_I64) n = 8;
    else if (wt === WT_I32) n = 4;
    else if (wt === WT_LEN) {
      n = this.length(b, end);
      if (this.err !== 0) return;
    } else {
      this.fail(SCAN_BAD_WIRE_TYPE, at);
      return;
    }
    if (end - this.pos < n) {
      this.fail(SCAN_TRUNCATED, end);
      return;
    }
    this.pos += n;
  }

  /** Reads a tag below `end`; returns the field number, or 0 after recording an error. */
  private tag(b: Uint8Array, end: i32): i32 {
    const at: i32 = this.pos;
    const t: i32 = this.varint(b, end);
    if (this.err !== 0) return 0;
    const no: i32 = t >>> 3;
    if (this.hi !== 0 || no === 0) {
      this.fail(SCAN_BAD_FIELD_NUMBER, at);
      return 0;
    }
    return t;
  }

  private clearData(): void {
    const r: Int32Array = this.result;
    for (let i: i32 = SR_DATA_OFF; i <= SR_SIGNATURE_LEN; i++) r[i] = 0;
  }

  /** Length-delimited field with a nanopb max_size: returns its length, or -1 after recording an error. */
  private boundedLength(b: Uint8Array, end: i32, max: i32, at: i32): i32 {
    const n: i32 = this.length(b, end);
    if (this.err !== 0) return -1;
    if (n > max) {
      this.fail(SCAN_TOO_LONG, at);
      return -1;
    }
    return n;
  }

  /** Decodes a Data message in `b[start..end)` into the SR_DATA_* words, merging with earlier ones. */
  private scanData(b: Uint8Array, start: i32, end: i32): void {
    const r: Int32Array = this.result;
    r[SR_DATA_OFF] = start;
    r[SR_DATA_LEN] = end - start;
    this.pos = start;
    while (this.pos < end) {
      const at: i32 = this.pos;
      const t: i32 = this.tag(b, end);
      if (this.err !== 0) return;
      const no: i32 = t >>> 3;
      const wt: i32 = t & 7;
      if (no > 10) {
        this.skipField(b, end, wt, at);
        if (this.err !== 0) return;
        continue;
      }
      let v: i32 = 0;
      if (no === 1) {
        if (wt !== WT_VARINT) return this.fail(SCAN_BAD_WIRE_TYPE, at);
        v = this.int32(b, end);
      } else if (no === 3) {
        if (wt !== WT_VARINT) return this.fail(SCAN_BAD_WIRE_TYPE, at);
        v = this.bool(b, end);
      } else if (no === 9) {
        if (wt !== WT_VARINT) return this.fail(SCAN_BAD_WIRE_TYPE, at);
        v = this.uint32(b, end);
      } else if (no === 2 || no === 10) {
        if (wt !== WT_LEN) return this.fail(SCAN_BAD_WIRE_TYPE, at);
        const n: i32 = this.boundedLength(b, end, no === 2 ? MAX_DATA_PAYLOAD_BYTES : MAX_SIGNATURE_BYTES, this.pos);
        if (n < 0) return;
        v = this.pos;
        this.pos += n;
        r[no === 2 ? SR_PAYLOAD_LEN : SR_SIGNATURE_LEN] = n;
      } else {
        // 4 dest, 5 source, 6 request_id, 7 reply_id, 8 emoji: fixed32.
        if (wt !== WT_I32) return this.fail(SCAN_BAD_WIRE_TYPE, at);
        v = this.fixed32(b, end);
      }
      if (this.err !== 0) return;
      r[SR_DATA_FIELDS + no] = v;
      r[SR_DATA_FIELDS] = r[SR_DATA_FIELDS] | (1 << no);
    }
  }

  /** Expected wire type of MeshPacket field `no` (1..22). */
  private static packetWireType(no: i32): i32 {
    if (no === 1 || no === 2 || no === 6 || no === 7 || no === 8) return WT_I32;
    if (no === 4 || no === 5 || no === 16) return WT_LEN;
    return WT_VARINT;
  }

  /** Decodes a MeshPacket in `b[start..end)` into the SR_PACKET_* words, merging with earlier ones. */
  private scanPacket(b: Uint8Array, start: i32, end: i32): void {
    const r: Int32Array = this.result;
    r[SR_PACKET_OFF] = start;
    r[SR_PACKET_LEN] = end - start;
    this.pos = start;
    while (this.pos < end) {
      const at: i32 = this.pos;
      const t: i32 = this.tag(b, end);
      if (this.err !== 0) return;
      const no: i32 = t >>> 3;
      const wt: i32 = t & 7;
      if (no > 22) {
        this.skipField(b, end, wt, at);
        if (this.err !== 0) return;
        continue;
      }
      if (wt !== EnvelopeScanner.packetWireType(no)) return this.fail(SCAN_BAD_WIRE_TYPE, at);
      let v: i32 = 0;
      if (wt === WT_I32) v = this.fixed32(b, end);
      else if (no === 11 || no === 12 || no === 13 || no === 21) v = this.int32(b, end);
      else if (no === 10 || no === 14 || no === 17 || no === 22) v = this.bool(b, end);
      else if (wt === WT_VARINT) v = this.uint32(b, end);
      else if (no === 4) {
        const n: i32 = this.length(b, end);
        if (this.err !== 0) return;
        // payload_variant oneof: decoded replaces encrypted; a second decoded merges into the first.
        if ((r[SR_PACKET_FIELDS] & (1 << 5)) !== 0) {
          r[SR_PACKET_FIELDS] = r[SR_PACKET_FIELDS] & ~(1 << 5);
          r[SR_ENCRYPTED_OFF] = 0;
          r[SR_ENCRYPTED_LEN] = 0;
        }
        const dataStart: i32 = this.pos;
        this.scanData(b, dataStart, dataStart + n);
        if (this.err !== 0) return;
        v = dataStart;
      } else {
        // 5 encrypted, 16 public_key
        const n: i32 = this.boundedLength(b, end, no === 5 ? SCAN_MAX_ENCRYPTED_BYTES : MAX_PUBLIC_KEY_BYTES, this.pos);
        if (n < 0) return;
        v = this.pos;
        this.pos += n;
        if (no === 5) {
          r[SR_ENCRYPTED_LEN] = n;
          // encrypted replaces decoded.
          r[SR_PACKET_FIELDS] = r[SR_PACKET_FIELDS] & ~(1 << 4);
          r[SR_DECODED_OFF] = 0;
          this.clearData();
        } else r[SR_PUBLIC_KEY_LEN] = n;
      }
      if (this.err !== 0) return;
      r[SR_PACKET_FIELDS + no] = v;
      r[SR_PACKET_FIELDS] = r[SR_PACKET_FIELDS] | (1 << no);
    }
  }

  /** Decodes the ServiceEnvelope `b[0..len)`; returns 0 or a decoder error code. */
  private scanEnvelope(b: Uint8Array, len: i32): i32 {
    const r: Int32Array = this.result;
    this.pos = 0;
    while (this.pos < len) {
      const at: i32 = this.pos;
      const t: i32 = this.tag(b, len);
      if (this.err !== 0) break;
      const no: i32 = t >>> 3;
      const wt: i32 = t & 7;
      if (no > 3) {
        this.skipField(b, len, wt, at);
        if (this.err !== 0) break;
        continue;
      }
      if (wt !== WT_LEN) {
        this.fail(SCAN_BAD_WIRE_TYPE, at);
        break;
      }
      const n: i32 = this.length(b, len);
      if (this.err !== 0) break;
      const start: i32 = this.pos;
      if (no === 1) {
        this.scanPacket(b, start, start + n);
        if (this.err !== 0) break;
      } else if (no === 2) {
        r[SR_CHANNEL_ID_OFF] = start;
        r[SR_CHANNEL_ID_LEN] = n;
      } else {
        r[SR_GATEWAY_ID_OFF] = start;
        r[SR_GATEWAY_ID_LEN] = n;
      }
      r[SR_ENVELOPE_FIELDS] = r[SR_ENVELOPE_FIELDS] | (1 << no);
      this.pos = start + n;
    }
    return this.err;
  }

  /** Tries one key slot on the encrypted bytes; true when the plaintext is a Data with portnum != 0. */
  private tryKey(b: Uint8Array, slot: i32, encOff: i32, encLen: i32): boolean {
    const r: Int32Array = this.result;
    const rounds: i32 = this.keyRounds[slot];
    if (rounds === 0) {
      for (let i: i32 = 0; i < encLen; i++) this.plain[i] = b[encOff + i];
    } else {
      packetCounterBlock(r[SR_ID], r[SR_FROM], 0, this.counter, 0);
      aesCtrXor(this.roundKeys[slot], rounds, this.counter, b, encOff, encLen, this.plain, 0);
    }
    this.clearData();
    this.err = 0;
    this.errAt = -1;
    this.limit = encLen;
    this.scanData(this.plain, 0, encLen);
    r[SR_DETAIL] = this.err;
    return this.err === 0 && r[SR_PORTNUM] !== 0;
  }

  /**
   * Scans the envelope in `input[0..len)` and returns its status (also in result[SR_STATUS]).
   * Allocates nothing; `input` is only read.
   */
  scan(input: Uint8Array, len: i32): i32 {
    const r: Int32Array = this.result;
    for (let i: i32 = 0; i < SCAN_RESULT_WORDS; i++) r[i] = 0;
    r[SR_ERROR_AT] = -1;
    r[SR_KEY_SLOT] = -1;
    this.err = 0;
    this.errAt = -1;
    this.hi = 0;
    if (len > SCAN_MAX_ENVELOPE_BYTES) return this.finish(SCAN_TOO_LONG, -1);
    if (len < 0 || len > input.length) return this.finish(SCAN_TRUNCATED, input.length);
    this.limit = len;
    if (this.scanEnvelope(input, len) !== 0) return this.finish(this.err, this.errAt);

    const env: i32 = r[SR_ENVELOPE_FIELDS];
    if ((env & (1 << 1)) === 0) return this.finish(SCAN_NO_PACKET, -1);
    if (r[SR_CHANNEL_ID_LEN] === 0) return this.finish(SCAN_NO_CHANNEL_ID, -1);
    if (r[SR_GATEWAY_ID_LEN] === 0) return this.finish(SCAN_NO_GATEWAY_ID, -1);
    const fields: i32 = r[SR_PACKET_FIELDS];
    if ((fields & (1 << 4)) !== 0) return this.finish(SCAN_NOT_ENCRYPTED, -1);
    if ((fields & (1 << 5)) === 0) return this.finish(SCAN_NO_PAYLOAD, -1);

    const encOff: i32 = r[SR_ENCRYPTED_OFF];
    const encLen: i32 = r[SR_ENCRYPTED_LEN];
    const hash: i32 = r[SR_CHANNEL];
    let tried: i32 = 0;
    for (let slot: i32 = 0; slot < SCAN_MAX_KEYS; slot++) {
      if (this.keyRounds[slot] < 0 || this.keyHash[slot] !== hash) continue;
      tried++;
      r[SR_KEYS_TRIED] = tried;
      if (this.tryKey(input, slot, encOff, encLen)) {
        r[SR_KEY_SLOT] = slot;
        r[SR_DETAIL] = 0;
        return this.finish(SCAN_OK, -1);
      }
    }
    this.clearData();
    return this.finish(tried === 0 ? SCAN_NO_KEY : SCAN_BAD_DATA, -1);
  }

  private finish(status: i32, at: i32): i32 {
    this.result[SR_STATUS] = status;
    this.result[SR_ERROR_AT] = at;
    return status;
  }
}
