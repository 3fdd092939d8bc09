// Between the router's MeshPacketState and the other forms of a packet: the 16-byte LoRa header
// (spec 2) and the protobuf MeshPacket of MQTT envelopes (spec 5.6, zero-valued fields left out as
// nanopb omits them).
import type { LoraHeader } from "../wire/lora-header.js";
import type { MeshPacket } from "../wire/messages.js";
import { emptyPacket } from "./packet.js";
import type { MeshPacketState } from "./packet.js";

/** The MeshPacket a gateway publishes: the encrypted bytes, or the decoded Data. */
export function toWirePacket(p: MeshPacketState, useDecoded: boolean): MeshPacket {
  const m: MeshPacket = {
    from: p.from,
    to: p.to,
    channel: p.channel,
    id: p.id,
    rxTime: p.rxTime,
    rxSnr: p.rxSnr,
    hopLimit: p.hopLimit,
    wantAck: p.wantAck,
    priority: p.priority,
    rxRssi: p.rxRssi,
    viaMqtt: p.viaMqtt,
    hopStart: p.hopStart,
    pkiEncrypted: p.pkiEncrypted,
    nextHop: p.nextHop,
    relayNode: p.relayNode,
    transportMechanism: p.transportMechanism,
  };
  if (useDecoded) {
    m.decoded = p.decoded;
    if (p.pkiEncrypted && p.publicKey !== undefined) m.publicKey = p.publicKey;
  } else m.encrypted = p.encrypted;
  return m;
}

/** A received MeshPacket as router state (absent fields are zero). */
export function fromWirePacket(m: MeshPacket): MeshPacketState {
  const p = emptyPacket();
  p.from = m.from || 0;
  p.to = m.to === undefined ? 0 : m.to;
  p.id = m.id || 0;
  p.channel = m.channel || 0;
  p.hopLimit = m.hopLimit || 0;
  p.hopStart = m.hopStart || 0;
  p.wantAck = m.wantAck === true;
  p.viaMqtt = m.viaMqtt === true;
  p.nextHop = m.nextHop || 0;
  p.relayNode = m.relayNode || 0;
  p.priority = m.priority || 0;
  p.rxSnr = m.rxSnr || 0;
  p.rxRssi = m.rxRssi || 0;
  p.rxTime = m.rxTime || 0;
  p.transportMechanism = m.transportMechanism || 0;
  p.pkiEncrypted = m.pkiEncrypted === true;
  p.publicKey = m.publicKey;
  p.encrypted = m.encrypted;
  p.decoded = m.decoded;
  return p;
}

/** The on-air header of a packet the router is about to transmit. */
export function toLoraHeader(p: MeshPacketState): LoraHeader {
  return {
    to: p.to,
    from: p.from,
    id: p.id,
    hopLimit: p.hopLimit,
    wantAck: p.wantAck,
    viaMqtt: p.viaMqtt,
    hopStart: p.hopStart,
    channel: p.channel,
    nextHop: p.nextHop,
    relayNode: p.relayNode,
  };
}

/** A packet heard on the air: header fields set, payload still encrypted. */
export function fromLoraHeader(h: LoraHeader, payload: Uint8Array): MeshPacketState {
  const p = emptyPacket();
  p.from = h.from;
  p.to = h.to;
  p.id = h.id;
  p.channel = h.channel;
  p.hopLimit = h.hopLimit;
  p.hopStart = h.hopStart;
  p.wantAck = h.wantAck;
  p.viaMqtt = h.viaMqtt;
  p.nextHop = h.nextHop;
  p.relayNode = h.relayNode;
  p.encrypted = payload;
  return p;
}
