// The 16-byte on-air header that precedes every LoRa payload (RadioInterface.h PacketHeader,
// spec section 2). Integers are little-endian because the firmware memcpy's the C struct.
import { readU32le, writeU32le } from "../bytes/le32.js";
import { WireError, WireErrorCode } from "../bytes/wire-error.js";
import type { DecodeResult } from "../bytes/wire-error.js";

export const LORA_HEADER_LEN = 16;
/** MAX_LORA_PAYLOAD_LEN: the radio's FIFO; header plus encrypted payload must fit. */
export const MAX_LORA_FRAME_LEN = 255;
export const MAX_LORA_PAYLOAD_LEN = MAX_LORA_FRAME_LEN - LORA_HEADER_LEN;

const FLAG_HOP_LIMIT_MASK = 0x07;
const FLAG_WANT_ACK = 0x08;
const FLAG_VIA_MQTT = 0x10;
const FLAG_HOP_START_SHIFT = 5;
/** HOP_RELIABLE: the firmware replaces an out-of-range hop limit by this before sending. */
const HOP_RELIABLE = 3;
const HOP_MAX = 7;

export interface LoraHeader {
  to: number;
  from: number;
  id: number;
  hopLimit: number;
  wantAck: boolean;
  viaMqtt: boolean;
  hopStart: number;
  /** Channel hash (0 for PKI). */
  channel: number;
  /** Last byte of the next-hop node number, 0 = none. */
  nextHop: number;
  /** Last byte of the relaying node number, 0 = unknown. */
  relayNode: number;
}

export interface LoraFrame {
  header: LoraHeader;
  /** Encrypted payload (a view into the frame). */
  payload: Uint8Array;
}

/** NodeDB::getLastByteOfNodeNum: the low byte, with 0 mapped to 0xFF because 0 means "none". */
export function lastByteOfNodeNum(num: number): number {
  const b = num & 0xff;
  return b === 0 ? 0xff : b;
}

/** RadioInterface::beginSending: flags byte and hop-limit fix-up. */
export function encodeLoraFrame(h: LoraHeader, payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_LORA_PAYLOAD_LEN)
    throw new WireError(WireErrorCode.FrameTooLong, "payload is " + payload.length + " bytes, limit " + MAX_LORA_PAYLOAD_LEN, 0);
  const out = new Uint8Array(LORA_HEADER_LEN + payload.length);
  writeU32le(out, 0, h.to);
  writeU32le(out, 4, h.from);
  writeU32le(out, 8, h.id);
  const hopLimit = h.hopLimit > HOP_MAX ? HOP_RELIABLE : h.hopLimit;
  out[12] =
    (hopLimit & FLAG_HOP_LIMIT_MASK) |
    (h.wantAck ? FLAG_WANT_ACK : 0) |
    (h.viaMqtt ? FLAG_VIA_MQTT : 0) |
    ((h.hopStart << FLAG_HOP_START_SHIFT) & 0xe0);
  out[13] = h.channel & 0xff;
  out[14] = h.nextHop & 0xff;
  out[15] = h.relayNode & 0xff;
  out.set(payload, LORA_HEADER_LEN);
  return out;
}

/**
 * RadioLibInterface::handleReceiveInterrupt: frames shorter than the header or from node 0 are
 * dropped; with hop_start 0 (pre-2.3 senders) next_hop and relay_node are ignored.
 */
export function decodeLoraFrame(frame: Uint8Array): DecodeResult<LoraFrame> {
  if (frame.length < LORA_HEADER_LEN)
    return { ok: false, error: new WireError(WireErrorCode.FrameTooShort, "frame is " + frame.length + " bytes, the header alone is 16", frame.length) };
  if (frame.length > MAX_LORA_FRAME_LEN)
    return { ok: false, error: new WireError(WireErrorCode.FrameTooLong, "frame is " + frame.length + " bytes, limit " + MAX_LORA_FRAME_LEN, MAX_LORA_FRAME_LEN) };
  const from = readU32le(frame, 4);
  if (from === 0) return { ok: false, error: new WireError(WireErrorCode.BadValue, "frame from node 0", 4) };
  const flags = frame[12];
  const hopStart = (flags & 0xe0) >> FLAG_HOP_START_SHIFT;
  const header: LoraHeader = {
    to: readU32le(frame, 0),
    from,
    id: readU32le(frame, 8),
    hopLimit: flags & FLAG_HOP_LIMIT_MASK,
    wantAck: (flags & FLAG_WANT_ACK) !== 0,
    viaMqtt: (flags & FLAG_VIA_MQTT) !== 0,
    hopStart,
    channel: frame[13],
    nextHop: hopStart === 0 ? 0 : frame[14],
    relayNode: hopStart === 0 ? 0 : frame[15],
  };
  return { ok: true, value: { header, payload: frame.subarray(LORA_HEADER_LEN) } };
}
