// MQTT::onReceiveProto (spec 5.7 and 5.13): what a gateway accepts from the broker.
import { decryptWithChannels } from "../crypto/channel-decrypt.js";
import type { ChannelCipher } from "../crypto/channel-cipher.js";
import { ChannelRole, PortNum, TransportMechanism } from "../wire/enums.js";
import type { Channels } from "../mesh/channels.js";
import type { NodeDb } from "../mesh/node-db.js";
import { HOP_MAX, emptyPacket } from "../mesh/packet.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { decodeEnvelope } from "./envelope.js";
import { nodeIdOf } from "./node-id.js";
import { PKI_CHANNEL_ID } from "./topics.js";

/** Why a downlink was refused; each is counted by the module. */
export const DownlinkDrop = {
  Empty: "empty",
  BadEnvelope: "bad-envelope",
  ChannelNotDownlink: "channel-not-downlink",
  PkiWithoutDownlink: "pki-without-downlink",
  OwnGatewayEcho: "own-gateway-echo",
  FromUs: "from-us",
  HopLimits: "hop-limits",
  PlaintextWithEncryption: "plaintext-with-encryption",
  DecodedAdmin: "decoded-admin",
  PkiNotForUs: "pki-not-for-us",
  NoLocalChannel: "no-local-channel",
  NoPayload: "no-payload",
} as const;
export type DownlinkDrop = (typeof DownlinkDrop)[keyof typeof DownlinkDrop];

export interface DownlinkContext {
  channels: Channels;
  nodes: NodeDb;
  cipher: ChannelCipher;
  ourNum: number;
  encryptionEnabled: boolean;
}

export type DownlinkResult =
  | { kind: "inject"; packet: MeshPacketState }
  | { kind: "local-ack"; id: number; channel: number }
  | { kind: "drop"; reason: DownlinkDrop };

function drop(reason: DownlinkDrop): DownlinkResult {
  return { kind: "drop", reason };
}

function anyDownlink(channels: Channels): boolean {
  for (let i = 0; i < channels.entries.length; i++) {
    const e = channels.entries[i];
    if (e.downlinkEnabled && e.role !== ChannelRole.DISABLED) return true;
  }
  return false;
}

export function downlinkDecision(bytes: Uint8Array, ctx: DownlinkContext): DownlinkResult {
  if (bytes.length === 0) return drop(DownlinkDrop.Empty);
  const r = decodeEnvelope(bytes);
  if (!r.ok) return drop(DownlinkDrop.BadEnvelope);
  const env = r.value;
  const m = env.packet;
  // getByName is case-insensitive with a primary fallback, but the name must then match exactly.
  const ch = ctx.channels.getByName(env.channelId);
  const isPki = env.channelId === PKI_CHANNEL_ID;
  if (isPki) {
    if (!anyDownlink(ctx.channels)) return drop(DownlinkDrop.PkiWithoutDownlink);
  } else if (env.channelId !== ch.name || !ch.downlinkEnabled) return drop(DownlinkDrop.ChannelNotDownlink);
  const from = m.from || 0;
  if (env.gatewayId === nodeIdOf(ctx.ourNum)) {
    // Our own uplink came back: for our own packet that proves delivery to the broker.
    if (from === ctx.ourNum) return { kind: "local-ack", id: m.id || 0, channel: ch.index };
    return drop(DownlinkDrop.OwnGatewayEcho);
  }
  if (from === ctx.ourNum) return drop(DownlinkDrop.FromUs);
  if ((m.hopLimit || 0) > HOP_MAX || (m.hopStart || 0) > HOP_MAX) return drop(DownlinkDrop.HopLimits);
  // Only these fields are copied; via_mqtt and the MQTT transport are forced.
  const p = emptyPacket();
  p.from = from;
  p.to = m.to === undefined ? 0 : m.to;
  p.id = m.id || 0;
  p.channel = m.channel || 0;
  p.hopLimit = m.hopLimit || 0;
  p.hopStart = m.hopStart || 0;
  p.wantAck = m.wantAck === true;
  p.viaMqtt = true;
  p.transportMechanism = TransportMechanism.MQTT;
  if (m.decoded !== undefined) {
    if (ctx.encryptionEnabled) return drop(DownlinkDrop.PlaintextWithEncryption);
    if ((m.decoded.portnum || 0) === PortNum.ADMIN_APP) return drop(DownlinkDrop.DecodedAdmin);
    p.decoded = m.decoded;
    p.channel = ch.index;
    return { kind: "inject", packet: p };
  }
  if (m.encrypted === undefined) return drop(DownlinkDrop.NoPayload);
  p.encrypted = m.encrypted;
  if (isPki) {
    if (p.to === ctx.ourNum || (ctx.nodes.hasUser(p.from) && ctx.nodes.hasUser(p.to))) return { kind: "inject", packet: p };
    return drop(DownlinkDrop.PkiNotForUs);
  }
  if (decryptWithChannels(ctx.cipher, ctx.channels.keys, p.channel, p.id, p.from, p.encrypted) === undefined) return drop(DownlinkDrop.NoLocalChannel);
  return { kind: "inject", packet: p };
}
