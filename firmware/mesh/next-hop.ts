// The next-hop layer (firmware NextHopRouter.cpp / NextHopRouter.h, 2.7.26): direct messages go
// through one learned neighbour instead of a flood, and whoever relays a directed packet retries it.
// Rules:
//   send (20-35): relay_node = us, recorded in the history; next_hop = the destination's learned next
//     hop unless that is the relay_node argument, which is already our own byte (so only a next hop
//     equal to us is refused); a relay with a next hop and hops left, or our own non-want_ack packet
//     with a next hop, gets a 2-transmission retry record.
//   shouldFilterReceived (37-84), for unicasts: an upgrade is handled as in flooding; a duplicate heard
//     on LoRa stops our retries of it; a fallback to flooding (see packet-history.ts) is relayed again
//     if our copy already left; a copy from the originator (0 hops) is relayed again if ours left,
//     or, to us with want_ack and not relayed, re-ACKed with hop limit 0; else, if we were not the
//     requested next hop, our queued relay is cancelled. Duplicates are never handed up.
//   sniffReceived (86-124): an ACK or reply teaches next_hop(from) = its relay_node when that relayer
//     also relayed the original and so did we, or when it came straight from the destination and we
//     were the original's only relayer; an ACK/reply not to us cancels our relay and retries of the
//     original; then relay.
//   perhapsRebroadcast (127-167): not to us, not from us, hops left, id not 0, a rebroadcaster, and
//     next_hop 0 or us; the copy loses a hop unless Router::shouldDecrementHopLimit says otherwise;
//     flooded when it had no next hop, else sent through this layer again.
//   stopRetransmission (217-244): once a retry is pending (fewer than NUM_RELIABLE_RETX - 1 left),
//     our queued copy is cancelled too (for relays only if the role may cancel).
//   doRetransmissions (265-328): a record out of tries NAKs our own packet with MAX_RETRANSMIT; the
//     last try of a unicast forgets the next hop (packet and NodeDB) and floods.
import { RoutingError, TransportMechanism } from "../wire/enums.js";
import type { FloodingLayer } from "./flooding.js";
import { packetHopsAway } from "./node-db.js";
import { copyPacket, isBroadcast } from "./packet.js";
import type { MeshPacketState } from "./packet.js";
import { NUM_INTERMEDIATE_RETX, NUM_RELIABLE_RETX, RetransmissionTable } from "./retransmissions.js";
import type { RouterCore } from "./router-core.js";
import { RouterDrop, countDrop } from "./router-drops.js";

/** NO_NEXT_HOP_PREFERENCE (MeshTypes.h). */
const NO_NEXT_HOP = 0;

export class NextHopLayer {
  readonly pending = new RetransmissionTable();
  private readonly core: RouterCore;
  private readonly flooding: FloodingLayer;

  constructor(core: RouterCore, flooding: FloodingLayer) {
    this.core = core;
    this.flooding = flooding;
  }

  /** NextHopRouter::getNextHop: the learned next hop, unless it is `relayNode`. */
  getNextHop(to: number, relayNode: number): number {
    if (isBroadcast(to)) return NO_NEXT_HOP;
    const n = this.core.nodes.get(to);
    if (n === undefined || n.nextHop === NO_NEXT_HOP || n.nextHop === relayNode) return NO_NEXT_HOP;
    return n.nextHop;
  }

  /** NextHopRouter::send. */
  send(p: MeshPacketState, now: number): number {
    const core = this.core;
    p.relayNode = core.ourRelayByte;
    core.history.wasSeenRecently(p, true, now);
    p.nextHop = this.getNextHop(p.to, p.relayNode);
    if ((!core.isFromUs(p) || !p.wantAck) && p.nextHop !== NO_NEXT_HOP && (p.hopLimit > 0 || p.wantAck)) this.startRetransmission(copyPacket(p), NUM_INTERMEDIATE_RETX, now);
    return core.send(p, now);
  }

  /** NextHopRouter::shouldFilterReceived for a unicast. True: stop processing it. */
  shouldFilterReceived(p: MeshPacketState, now: number): boolean {
    const core = this.core;
    const seen = core.history.wasSeenRecently(p, true, now);
    if (seen.wasUpgraded && this.flooding.perhapsHandleUpgradedPacket(p, now)) return true;
    if (!seen.seen) return false;
    if (p.transportMechanism === TransportMechanism.LORA) {
      core.stats.rxDupe++;
      this.stopRetransmission(p.from, p.id);
    }
    if (seen.wasFallback) {
      if (!core.findInTxQueue(p.from, p.id)) {
        this.flooding.reprocessPacket(p, now);
        this.perhapsRebroadcast(p, now);
      }
    } else if (packetHopsAway(p) === 0) {
      if (!core.findInTxQueue(p.from, p.id)) {
        this.flooding.reprocessPacket(p, now);
        if (!this.perhapsRebroadcast(p, now) && core.isToUs(p) && p.wantAck && core.up !== undefined)
          core.up.sendAckNak(RoutingError.NONE, p.from === 0 ? core.ourNum : p.from, p.id, p.channel, 0, false, now);
      }
    } else if (!seen.weWereNextHop) this.flooding.perhapsCancelDupe(p, now);
    return true;
  }

  /** NextHopRouter::sniffReceived. */
  sniffReceived(p: MeshPacketState, now: number): void {
    const core = this.core;
    const d = p.decoded;
    if (d !== undefined && ((d.requestId || 0) !== 0 || (d.replyId || 0) !== 0)) {
      const original = d.requestId || 0;
      if (p.from !== 0) {
        const origTx = core.nodes.get(p.from);
        if (origTx !== undefined) {
          // wasRelayer(relay_node, request_id, to): the firmware passes request_id even for replies.
          const check = core.history.checkRelayers(p.relayNode, core.ourRelayByte, p.to, original);
          if ((check.relayer2 && check.relayer1) || (packetHopsAway(p) === 0 && check.relayer2WasSole)) origTx.nextHop = p.relayNode;
        }
      }
      if (!core.isToUs(p)) {
        core.cancelSending(p.to, original);
        this.stopRetransmission(p.to, original);
      }
    }
    this.perhapsRebroadcast(p, now);
  }

  /** NextHopRouter::perhapsRebroadcast. */
  perhapsRebroadcast(p: MeshPacketState, now: number): boolean {
    const core = this.core;
    if (core.isToUs(p) || core.isFromUs(p) || p.hopLimit === 0 || p.id === 0) return false;
    if (!this.flooding.isRebroadcaster()) return false;
    if (p.nextHop !== NO_NEXT_HOP && p.nextHop !== core.ourRelayByte) return false;
    const tosend = copyPacket(p);
    if (core.shouldDecrementHopLimit(p)) tosend.hopLimit = p.hopLimit - 1;
    if (p.nextHop === NO_NEXT_HOP) this.flooding.send(tosend, now);
    else this.send(tosend, now);
    return true;
  }

  /** NextHopRouter::roleAllowsCancelingFromTxQueue: as roleAllowsCancelingDupe. */
  private roleAllowsCancelingFromTxQueue(p: MeshPacketState): boolean {
    return this.flooding.roleAllowsCancelingDupe(p);
  }

  /** NextHopRouter::stopRetransmission. */
  stopRetransmission(from: number, id: number): boolean {
    const old = this.pending.find(from, id);
    if (old === undefined) return false;
    const p = old.packet;
    if (old.retransmissionsLeft < NUM_RELIABLE_RETX - 1 && (this.core.isFromUs(p) || this.roleAllowsCancelingFromTxQueue(p))) this.core.cancelSending(p.from === 0 ? this.core.ourNum : p.from, p.id);
    this.pending.remove(from, id);
    return true;
  }

  /** NextHopRouter::startRetransmission: replaces any record for the same packet. */
  startRetransmission(p: MeshPacketState, transmissions: number, now: number): void {
    // Records are keyed by getFrom(p): an app packet still has from 0 here.
    if (p.from === 0) p.from = this.core.ourNum;
    this.stopRetransmission(p.from, p.id);
    const before = this.pending.dropped;
    this.pending.add(p, transmissions, now + this.core.retransmissionMsec(p, now));
    if (this.pending.dropped !== before) countDrop(this.core.stats.drops, RouterDrop.PendingFull);
  }

  /** NextHopRouter::doRetransmissions. */
  doRetransmissions(now: number): void {
    const core = this.core;
    const due = this.pending.due(now);
    for (let i = 0; i < due.length; i++) {
      const e = due[i];
      const p = e.packet;
      // An earlier record's send may have stopped this one (an ACK arriving meanwhile).
      if (this.pending.find(p.from, p.id) !== e) continue;
      if (e.retransmissionsLeft === 0) {
        if (core.isFromUs(p)) {
          core.stats.maxRetransmitReached++;
          if (core.up !== undefined) core.up.sendAckNak(RoutingError.MAX_RETRANSMIT, core.ourNum, p.id, p.channel, 0, false, now);
        }
        this.stopRetransmission(p.from, p.id);
        continue;
      }
      core.stats.retransmissions++;
      if (!isBroadcast(p.to)) {
        if (e.retransmissionsLeft === 1) {
          p.nextHop = NO_NEXT_HOP;
          const sentTo = core.nodes.get(p.to);
          if (sentTo !== undefined) sentTo.nextHop = NO_NEXT_HOP;
          this.flooding.send(copyPacket(p), now);
        } else this.send(copyPacket(p), now);
      } else this.flooding.send(copyPacket(p), now);
      e.retransmissionsLeft--;
      e.nextTxMs = now + core.retransmissionMsec(p, now);
    }
  }

  nextDeadline(): number | undefined {
    return this.pending.earliest();
  }
}
