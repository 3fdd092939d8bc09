// MQTT::onReceiveProto (spec 5.7 and 5.13): what a gateway accepts from the broker, plus meshport's
// gateway policies (spec section 9). Every refusal is a DownlinkDrop reason (downlink-drops.ts).
//
// Order: the firmware's rules in the firmware's order (an input the firmware refuses is counted
// under the firmware's reason), then meshport's header checks (hop_start, topic), then the rate
// limit, before the payload rules because decryption is the costly step a flood would exploit,
// then the public-port allow list, which needs the decrypted portnum. Zero-hop edits the packet
// last.
import { PortNum, TransportMechanism } from "../wire/enums.js";
import { ServiceEnvelopeCodec } from "../wire/messages.js";
import { cString, nanopbStringsValid } from "../wire/nanopb-strings.js";
import type { Channels } from "../mesh/channels.js";
import type { NodeDb } from "../mesh/node-db.js";
import { HOP_MAX, emptyPacket } from "../mesh/packet.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { DOWNLINK_MAX_ENVELOPE_BYTES, DownlinkDrop } from "./downlink-drops.js";
import { isPublicKey, portAllowed } from "./downlink-policy.js";
import type { DownlinkPolicy } from "./downlink-policy.js";
import { nodeIdOf } from "./node-id.js";
import { PKI_CHANNEL_ID, parseTopic } from "./topics.js";

export { DownlinkDrop } from "./downlink-drops.js";

export interface DownlinkContext {
  channels: Channels;
  nodes: NodeDb;
  /**
   * Router.cpp perhapsDecode on the packet (KNOWN_ONLY, PKI first, the channels, legacy DMs): true
   * when it decoded, the packet then holding its Data and local channel index (MQTT.cpp 149-151).
   */
  decode(p: MeshPacketState): boolean;
  ourNum: number;
  encryptionEnabled: boolean;
  /** The topic the envelope came on; undefined: not known (the topic rule is skipped). */
  topic?: string;
  /** meshport's gateway policies; undefined: none (firmware behaviour). */
  policy?: DownlinkPolicy;
  /** Time for the rate limit. */
  now?: number;
}

export type DownlinkResult =
  | { kind: "inject"; packet: MeshPacketState }
  | { kind: "local-ack"; id: number; channel: number }
  | { kind: "drop"; reason: DownlinkDrop };

/** ServiceEnvelope channel_id and gateway_id. */
const ENVELOPE_STRING_FIELDS = [2, 3];

function drop(reason: DownlinkDrop): DownlinkResult {
  return { kind: "drop", reason };
}

/** MQTT.cpp 77-85: any channel slot with downlink_enabled (the role is not looked at). */
function anyDownlink(channels: Channels): boolean {
  for (let i = 0; i < channels.entries.length; i++) if (channels.entries[i].downlinkEnabled) return true;
  return false;
}

/** TopicMismatch: the topic's channel and gateway segments must equal the envelope's fields exactly. */
function topicMatches(topic: string, channelId: string, gatewayId: string): boolean {
  const t = parseTopic(topic);
  return t !== undefined && t.channelId === channelId && t.gatewayId === gatewayId;
}

/** Applies the policies that look at the payload, then zero-hop; `key` is the key of the channel that carried it. */
function finish(p: MeshPacketState, portnum: number, key: Uint8Array | null, policy: DownlinkPolicy | undefined): DownlinkResult {
  if (policy === undefined) return { kind: "inject", packet: p };
  if (isPublicKey(key) && !portAllowed(policy.publicPortAllowList, portnum)) return drop(DownlinkDrop.PortNotAllowed);
  // The router relays a downlink with hop_limit − 1 (spec 5.7 step 13): 1 here is 0 on the air.
  if (policy.zeroHop && p.hopLimit > 1) p.hopLimit = 1;
  return { kind: "inject", packet: p };
}

export function downlinkDecision(bytes: Uint8Array, ctx: DownlinkContext): DownlinkResult {
  if (bytes.length === 0) return drop(DownlinkDrop.Empty);
  if (bytes.length > DOWNLINK_MAX_ENVELOPE_BYTES) return drop(DownlinkDrop.TooLarge);
  const r = ServiceEnvelopeCodec.decode(bytes);
  // pb_decode with PB_VALIDATE_UTF8 also refuses channel_id / gateway_id that are not UTF-8.
  if (!r.ok || !nanopbStringsValid(bytes, ENVELOPE_STRING_FIELDS)) return drop(DownlinkDrop.BadEnvelope);
  const env = r.value;
  // MQTT.cpp 64-68: packet, channel_id and gateway_id must be present (non-NULL). They are nanopb
  // POINTER fields (mqtt.pb.h 95-96): a string on the wire, even empty, is allocated, so only an
  // absent field is refused here. An empty gateway_id then differs from our id and goes on (92).
  const m = env.packet;
  if (m === undefined) return drop(DownlinkDrop.NoPacket);
  // C strings: the firmware compares them up to their first NUL.
  const channelId = env.channelId === undefined ? undefined : cString(env.channelId);
  // An empty channel_id passes 64-68 but no slot's effective name is "", so 70-75 refuse it: counted here.
  if (channelId === undefined || channelId === "") return drop(DownlinkDrop.NoChannelId);
  if (env.gatewayId === undefined) return drop(DownlinkDrop.NoGatewayId);
  const gatewayId = cString(env.gatewayId);
  // getByName is case-insensitive with a primary fallback, but the name must then match exactly.
  const ch = ctx.channels.getByName(channelId);
  const isPki = channelId === PKI_CHANNEL_ID;
  if (isPki) {
    if (!anyDownlink(ctx.channels)) return drop(DownlinkDrop.PkiWithoutDownlink);
  } else if (channelId !== ch.name || !ch.downlinkEnabled) return drop(DownlinkDrop.ChannelNotDownlink);
  const from = m.from || 0;
  // isFromUs (NodeDB.cpp 475-478): from 0 counts as us.
  const fromUs = from === 0 || from === ctx.ourNum;
  if (gatewayId === nodeIdOf(ctx.ourNum)) {
    // Our own uplink came back: for our own packet that proves delivery to the broker.
    if (fromUs) return { kind: "local-ack", id: m.id || 0, channel: ch.index };
    return drop(DownlinkDrop.OwnGatewayEcho);
  }
  if (fromUs) return drop(DownlinkDrop.FromUs);
  const hopLimit = m.hopLimit || 0;
  const hopStart = m.hopStart || 0;
  if (hopLimit > HOP_MAX || hopStart > HOP_MAX) return drop(DownlinkDrop.HopLimits);
  const policy = ctx.policy;
  if (policy !== undefined) {
    if (policy.strict && hopStart < hopLimit) return drop(DownlinkDrop.HopStartBelowLimit);
    if (policy.strict && ctx.topic !== undefined && !topicMatches(ctx.topic, channelId, gatewayId)) return drop(DownlinkDrop.TopicMismatch);
    if (policy.limiter !== undefined && !policy.limiter.take(from, ctx.now || 0)) return drop(DownlinkDrop.RateLimited);
  }
  // Only these fields are copied; via_mqtt and the MQTT transport are forced.
  const p = emptyPacket();
  p.from = from;
  p.to = m.to === undefined ? 0 : m.to;
  p.id = m.id || 0;
  p.channel = m.channel || 0;
  p.hopLimit = hopLimit;
  p.hopStart = hopStart;
  p.wantAck = m.wantAck === true;
  p.viaMqtt = true;
  p.transportMechanism = TransportMechanism.MQTT;
  if (m.decoded !== undefined) {
    if (ctx.encryptionEnabled) return drop(DownlinkDrop.PlaintextWithEncryption);
    const portnum = m.decoded.portnum || 0;
    if (portnum === PortNum.ADMIN_APP) return drop(DownlinkDrop.DecodedAdmin);
    p.decoded = m.decoded;
    p.channel = ch.index;
    // A decoded packet still goes through perhapsDecode: KNOWN_ONLY refuses unknown senders.
    if (!ctx.decode(p)) return drop(DownlinkDrop.NoLocalChannel);
    return finish(p, portnum, ch.key, policy);
  }
  if (m.encrypted === undefined) return drop(DownlinkDrop.NoPayload);
  p.encrypted = m.encrypted;
  if (isPki) {
    // PKI payloads are end-to-end encrypted: no public key, no portnum to check.
    if (p.to === ctx.ourNum || (ctx.nodes.hasUser(p.from) && ctx.nodes.hasUser(p.to))) {
      if (policy !== undefined && policy.zeroHop && p.hopLimit > 1) p.hopLimit = 1;
      return { kind: "inject", packet: p };
    }
    return drop(DownlinkDrop.PkiNotForUs);
  }
  if (!ctx.decode(p)) return drop(DownlinkDrop.NoLocalChannel);
  const used = p.pkiEncrypted ? undefined : ctx.channels.get(p.channel);
  return finish(p, p.decoded !== undefined ? p.decoded.portnum || 0 : 0, used === undefined ? null : used.key, policy);
}
