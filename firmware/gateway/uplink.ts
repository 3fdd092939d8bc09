// MQTT::onSend (spec 5.6 and 5.13): whether and how a packet is published.
import { PortNum } from "../wire/enums.js";
import type { Channels } from "../mesh/channels.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { toWirePacket } from "../mesh/packet-wire.js";
import { encodeEnvelope } from "./envelope.js";
import { nodeIdOf } from "./node-id.js";
import { PKI_CHANNEL_ID, envelopeTopic } from "./topics.js";

/** Why a packet was not uplinked; each is counted by the module. */
export const UplinkDrop = {
  ViaMqtt: "via-mqtt",
  NoUplinkChannel: "no-uplink-channel",
  NotOkToMqtt: "not-ok-to-mqtt",
  DefaultServerPort: "default-server-port",
  ChannelUplinkDisabled: "channel-uplink-disabled",
  NothingToPublish: "nothing-to-publish",
} as const;
export type UplinkDrop = (typeof UplinkDrop)[keyof typeof UplinkDrop];

export interface UplinkContext {
  channels: Channels;
  ourNum: number;
  root: string;
  encryptionEnabled: boolean;
  serverIsPrivate: boolean;
  serverIsDefault: boolean;
}

export type UplinkResult = { publish: true; topic: string; channelId: string; envelope: Uint8Array } | { publish: false; reason: UplinkDrop };

function anyUplink(channels: Channels): boolean {
  for (let i = 0; i < channels.entries.length; i++) if (channels.entries[i].uplinkEnabled) return true;
  return false;
}

/**
 * `enc` is the packet as it went (or came) over the air, `dec` the same packet decoded (or, for an
 * undecodable one, the same encrypted packet), `chIndex` its local channel index.
 */
export function uplinkDecision(enc: MeshPacketState, dec: MeshPacketState, chIndex: number, ctx: UplinkContext): UplinkResult {
  // Never re-uplink what came from MQTT, including LoRa frames with the via_mqtt bit.
  if (enc.viaMqtt) return { publish: false, reason: UplinkDrop.ViaMqtt };
  if (!anyUplink(ctx.channels)) return { publish: false, reason: UplinkDrop.NoUplinkChannel };
  const d = dec.decoded;
  if (d !== undefined) {
    const okToMqtt = d.bitfield !== undefined && (d.bitfield & 1) !== 0;
    // "DontMqttMeBro": others' packets need OK-to-MQTT unless the broker is on a private address.
    if (dec.from !== ctx.ourNum && !ctx.serverIsPrivate && !okToMqtt) return { publish: false, reason: UplinkDrop.NotOkToMqtt };
    const port = d.portnum || 0;
    if (ctx.serverIsDefault && (port === PortNum.RANGE_TEST_APP || port === PortNum.DETECTION_SENSOR_APP))
      return { publish: false, reason: UplinkDrop.DefaultServerPort };
  }
  const isPki = enc.pkiEncrypted || dec.pkiEncrypted;
  const ch = ctx.channels.get(chIndex);
  if (!isPki && (ch === undefined || !ch.uplinkEnabled)) return { publish: false, reason: UplinkDrop.ChannelUplinkDisabled };
  const channelId = isPki ? PKI_CHANNEL_ID : (ch as { name: string }).name;
  let packet;
  if (ctx.encryptionEnabled) {
    packet = toWirePacket(enc, false);
    // As encrypted, a PKI packet's channel byte is 0 (Router.cpp 674, 797-799).
    if (isPki) packet.channel = 0;
  } else if (d !== undefined) {
    // MQTT.cpp 807-808: mp_decoded as it is, its channel the local index chIndex (Router.cpp
    // 365-368), PKI or not: our PKI DM sent on channel 1 (Router.cpp 262-268) says 1.
    packet = toWirePacket(dec, true);
    packet.channel = chIndex;
  } else return { publish: false, reason: UplinkDrop.NothingToPublish };
  const topic = envelopeTopic(ctx.root, channelId, nodeIdOf(ctx.ourNum));
  return { publish: true, topic, channelId, envelope: encodeEnvelope(packet, channelId, ctx.ourNum) };
}
