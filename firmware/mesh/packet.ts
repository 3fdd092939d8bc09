// The router's view of a packet: the MeshPacket fields the firmware keeps in memory, all present,
// plus the payload either still encrypted (bytes from the air or the broker) or decoded.
import type { Data } from "../wire/messages.js";

export const BROADCAST = 0xffffffff;
/** NODENUM_BROADCAST_NO_LORA: delivered locally and to the phone, never sent on LoRa. */
export const BROADCAST_NO_LORA = 1;
/** HOP_MAX: the 3-bit hop fields cap at 7. */
export const HOP_MAX = 7;
/** HOP_RELIABLE: the default hop limit. */
export const HOP_RELIABLE = 3;

/** isBroadcast (MeshTypes.h): NODENUM_BROADCAST or NODENUM_BROADCAST_NO_LORA. */
export function isBroadcast(to: number): boolean {
  return to === BROADCAST || to === BROADCAST_NO_LORA;
}

export interface MeshPacketState {
  from: number;
  to: number;
  id: number;
  /** Channel hash while encrypted; local channel index once decoded. */
  channel: number;
  hopLimit: number;
  hopStart: number;
  wantAck: boolean;
  viaMqtt: boolean;
  /** Last byte of the next-hop node (0 = none). */
  nextHop: number;
  /** Last byte of the node we heard it from (0 = unknown). */
  relayNode: number;
  priority: number;
  rxSnr: number;
  rxRssi: number;
  /** Unix seconds of reception (0 when unknown). */
  rxTime: number;
  transportMechanism: number;
  /** Virtual-time ms before which a "late" packet must not be sent (0 = not late). */
  txAfter: number;
  pkiEncrypted: boolean;
  publicKey: Uint8Array | undefined;
  /** Ciphertext (or plain Data bytes on an unencrypted channel) as heard; undefined once only decoded. */
  encrypted: Uint8Array | undefined;
  decoded: Data | undefined;
}

/** A packet with every field at its default, for building new ones. */
export function emptyPacket(): MeshPacketState {
  return {
    from: 0,
    to: BROADCAST,
    id: 0,
    channel: 0,
    hopLimit: 0,
    hopStart: 0,
    wantAck: false,
    viaMqtt: false,
    nextHop: 0,
    relayNode: 0,
    priority: 0,
    rxSnr: 0,
    rxRssi: 0,
    rxTime: 0,
    transportMechanism: 0,
    txAfter: 0,
    pkiEncrypted: false,
    publicKey: undefined,
    encrypted: undefined,
    decoded: undefined,
  };
}

/** A shallow copy; the payload bytes and Data are shared (they are never mutated in place). */
export function copyPacket(p: MeshPacketState): MeshPacketState {
  return {
    from: p.from,
    to: p.to,
    id: p.id,
    channel: p.channel,
    hopLimit: p.hopLimit,
    hopStart: p.hopStart,
    wantAck: p.wantAck,
    viaMqtt: p.viaMqtt,
    nextHop: p.nextHop,
    relayNode: p.relayNode,
    priority: p.priority,
    rxSnr: p.rxSnr,
    rxRssi: p.rxRssi,
    rxTime: p.rxTime,
    transportMechanism: p.transportMechanism,
    txAfter: p.txAfter,
    pkiEncrypted: p.pkiEncrypted,
    publicKey: p.publicKey,
    encrypted: p.encrypted,
    decoded: p.decoded,
  };
}
