// The reliable-delivery layer (firmware ReliableRouter.cpp, 2.7.26), the top of the router chain:
// want_ack packets are retried until acknowledged, and packets to us are acknowledged. Rules:
//   send (17-37): a want_ack packet gets a NUM_RELIABLE_RETX record (a copy taken before it is
//     encrypted, so every retry is encrypted afresh); the packet's airtime is added to every other
//     pending retry (we cannot hear an ACK while sending); broadcasts flood, unicasts go by next hop.
//   shouldFilterReceived (39-78): hearing someone relay OUR packet with a pending record is an
//     implicit ACK (a local Routing NONE to our app); it stops the retries only if heard on LoRa. The
//     received packet's airtime is added to every pending retry. Then the dupe rules of the layer
//     below (broadcast: flooding, unicast: next hop).
//   sniffReceived (92-162), for a packet to us, unless a module already replied:
//     want_ack, decoded: a text DM is ACKed with want_ack; a packet that is not an ACK or reply is
//       ACKed; an ACK or reply heard directly or through a next hop gets a 0-hop ACK;
//     want_ack, undecodable on channel 0 from a sender whose key we lack: NAK PKI_UNKNOWN_PUBKEY;
//       otherwise undecodable: NAK NO_CHANNEL, both on the primary channel;
//     no want_ack but we were its next hop with hops left: a 0-hop ACK stops the relayer's retries.
//   A PKI_UNKNOWN_PUBKEY NAK to us makes us send our NodeInfo to that node. An ACK (Routing NONE or
//   any non-routing reply) or a NAK stops our retries of the request, except our own ACK over MQTT.
import { PortNum, RoutingError, TransportMechanism } from "../wire/enums.js";
import type { Routing } from "../wire/messages.js";
import type { FloodingLayer } from "./flooding.js";
import type { NextHopLayer } from "./next-hop.js";
import { packetHopsAway } from "./node-db.js";
import { copyPacket, isBroadcast } from "./packet.js";
import type { MeshPacketState } from "./packet.js";
import { hopLimitForResponse } from "./response-hop-limit.js";
import { NUM_RELIABLE_RETX } from "./retransmissions.js";
import type { RouterCore } from "./router-core.js";

export class ReliableLayer {
  private readonly core: RouterCore;
  private readonly flooding: FloodingLayer;
  private readonly nextHop: NextHopLayer;

  constructor(core: RouterCore, flooding: FloodingLayer, nextHop: NextHopLayer) {
    this.core = core;
    this.flooding = flooding;
    this.nextHop = nextHop;
  }

  /** ReliableRouter::send. */
  send(p: MeshPacketState, now: number): number {
    if (p.wantAck) this.nextHop.startRetransmission(copyPacket(p), NUM_RELIABLE_RETX, now);
    this.nextHop.pending.delayAll(this.core.packetTimeMs(p), p.id);
    return isBroadcast(p.to) ? this.flooding.send(p, now) : this.nextHop.send(p, now);
  }

  /** ReliableRouter::shouldFilterReceived. True: a duplicate, stop processing it. */
  shouldFilterReceived(p: MeshPacketState, now: number): boolean {
    const core = this.core;
    if (p.from === core.ourNum) {
      const old = this.nextHop.pending.find(core.ourNum, p.id);
      if (old !== undefined) {
        core.stats.implicitAcks++;
        if (core.up !== undefined) core.up.sendAckNak(RoutingError.NONE, core.ourNum, p.id, old.packet.channel, 0, false, now);
        if (p.transportMechanism === TransportMechanism.LORA) this.nextHop.stopRetransmission(core.ourNum, p.id);
      }
    }
    this.nextHop.pending.delayAll(core.packetTimeMs(p), 0);
    return isBroadcast(p.to) ? this.flooding.shouldFilterReceived(p, now) : this.nextHop.shouldFilterReceived(p, now);
  }

  /** ReliableRouter::shouldSuccessAckWithWantAck: text DMs are ACKed reliably. */
  private shouldSuccessAckWithWantAck(p: MeshPacketState): boolean {
    if (this.core.isFromUs(p) || !p.wantAck || !this.core.isToUs(p) || p.decoded === undefined) return false;
    const port = p.decoded.portnum || 0;
    return port === PortNum.TEXT_MESSAGE_APP || port === PortNum.TEXT_MESSAGE_COMPRESSED_APP;
  }

  private responseHops(p: MeshPacketState): number {
    return hopLimitForResponse(p.hopStart, p.hopLimit, p.decoded !== undefined && p.decoded.bitfield !== undefined, this.core.config.hopLimit);
  }

  /**
   * ReliableRouter::sniffReceived. `routing` is the decoded Routing payload of a ROUTING_APP packet
   * (undefined otherwise); `moduleReplied` is MeshModule::currentReply.
   */
  sniffReceived(p: MeshPacketState, routing: Routing | undefined, moduleReplied: boolean, now: number): void {
    const core = this.core;
    const up = core.up;
    if (core.isToUs(p) && up !== undefined) {
      const from = p.from === 0 ? core.ourNum : p.from;
      const d = p.decoded;
      if (!moduleReplied) {
        if (p.wantAck) {
          if (d !== undefined) {
            if (this.shouldSuccessAckWithWantAck(p)) up.sendAckNak(RoutingError.NONE, from, p.id, p.channel, this.responseHops(p), true, now);
            else if ((d.requestId || 0) === 0 && (d.replyId || 0) === 0) up.sendAckNak(RoutingError.NONE, from, p.id, p.channel, this.responseHops(p), false, now);
            else if (packetHopsAway(p) === 0 || p.nextHop !== 0) up.sendAckNak(RoutingError.NONE, from, p.id, p.channel, 0, false, now);
          } else if (p.channel === 0 && !this.senderKeyKnown(p.from)) {
            up.sendAckNak(RoutingError.PKI_UNKNOWN_PUBKEY, from, p.id, core.channels.primaryIndex, this.responseHops(p), false, now);
          } else up.sendAckNak(RoutingError.NO_CHANNEL, from, p.id, core.channels.primaryIndex, this.responseHops(p), false, now);
        } else if (p.nextHop === core.ourRelayByte && p.hopLimit > 0) up.sendAckNak(RoutingError.NONE, from, p.id, p.channel, 0, false, now);
      }
      if (d !== undefined && routing !== undefined && (routing.errorReason || 0) === RoutingError.PKI_UNKNOWN_PUBKEY && core.config.publicKey !== undefined && core.config.publicKey.length === 32)
        up.sendOurNodeInfo(p.from, false, p.channel, true, now);
      // The firmware reads request_id from the union even for an encrypted packet; we read none.
      const requestId = d !== undefined ? d.requestId || 0 : 0;
      if (requestId !== 0 && !(core.isFromUs(p) && p.transportMechanism === TransportMechanism.MQTT)) this.nextHop.stopRetransmission(p.to, requestId);
    }
    if (isBroadcast(p.to)) this.flooding.sniffReceived(p, now);
    else this.nextHop.sniffReceived(p, now);
  }

  private senderKeyKnown(num: number): boolean {
    const n = this.core.nodes.get(num);
    return n !== undefined && n.user !== undefined && n.user.publicKey !== undefined && n.user.publicKey.length > 0;
  }
}
