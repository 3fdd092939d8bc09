// The flooding layer (firmware FloodingRouter.cpp / FloodingRouter.h, 2.7.26): broadcasts reach the
// mesh by everyone relaying what they have not seen before. Rules:
//   send (19-26): a packet we send, ours or a relay, is recorded in the packet history first, with
//     our byte as relayer, so every echo of it is a duplicate.
//   shouldFilterReceived (28-65), for broadcasts:
//     - a copy with more hops left than any seen (an upgrade) replaces our queued relay of it when
//       we are a rebroadcaster: the better copy is reprocessed and relayed, this one stops;
//     - a packet not in the history may still be a duplicate of a recent text (TextMessageModule);
//     - a duplicate whose hop_start equals its hop_limit is the originator sending again: if our
//       relay already left, it is reprocessed and relayed again, never handed up a second time;
//     - any other duplicate heard on LoRa cancels our queued relay (perhapsCancelDupe).
//   perhapsCancelDupe (118-153): ROUTER and ROUTER_LATE never cancel, CLIENT_BASE not for packets
//     from or to a favourite; ROUTER_LATE (and CLIENT_BASE for favourites) move the relay to the
//     late window instead.
//   isRebroadcaster (155-159): not CLIENT_MUTE and rebroadcast mode not NONE.
//   sniffReceived (161-175): then relay (NextHopRouter::perhapsRebroadcast).
// Calls down: RouterCore.send, the TX scheduler. Calls up: perhapsRebroadcast (next-hop.ts, virtual
// in the firmware) and the text/traceroute modules, through FloodingUpcalls.
import { PortNum, RebroadcastMode, Role, TransportMechanism } from "../wire/enums.js";
import { DecodeState, perhapsDecode } from "./packet-crypt.js";
import type { MeshPacketState } from "./packet.js";
import type { RouterCore } from "./router-core.js";

/** What the flooding layer needs from the layer above it. */
export interface FloodingUpcalls {
  /** NextHopRouter::perhapsRebroadcast. */
  perhapsRebroadcast(p: MeshPacketState, now: number): boolean;
  /** TextMessageModule::recentlySeen: a text with this id was handled recently. */
  recentlySeenText(id: number): boolean;
}

export class FloodingLayer {
  private readonly core: RouterCore;
  up: FloodingUpcalls | undefined;

  constructor(core: RouterCore) {
    this.core = core;
  }

  /** FloodingRouter::send: record the packet as relayed by us, then Router::send. */
  send(p: MeshPacketState, now: number): number {
    p.relayNode = this.core.ourRelayByte;
    this.core.history.wasSeenRecently(p, true, now);
    return this.core.send(p, now);
  }

  isRebroadcaster(): boolean {
    return this.core.config.role !== Role.CLIENT_MUTE && this.core.config.rebroadcastMode !== RebroadcastMode.NONE;
  }

  /** FloodingRouter::shouldFilterReceived for a broadcast. True: stop processing it. */
  shouldFilterReceived(p: MeshPacketState, now: number): boolean {
    const seen = this.core.history.wasSeenRecently(p, true, now);
    if (seen.wasUpgraded && this.perhapsHandleUpgradedPacket(p, now)) return true;
    let dupe = seen.seen;
    if (!dupe && !seen.wasUpgraded && this.up !== undefined) dupe = this.up.recentlySeenText(p.id);
    if (!dupe) return false;
    this.core.stats.rxDupe++;
    if (p.hopStart > 0 && p.hopStart === p.hopLimit) {
      if (!this.core.findInTxQueue(p.from, p.id)) {
        this.reprocessPacket(p, now);
        if (this.up !== undefined) this.up.perhapsRebroadcast(p, now);
      }
    } else this.perhapsCancelDupe(p, now);
    return true;
  }

  /** FloodingRouter::perhapsHandleUpgradedPacket: swap our queued relay for the copy with more hops left. */
  perhapsHandleUpgradedPacket(p: MeshPacketState, now: number): boolean {
    if (!this.isRebroadcaster() || p.hopLimit === 0) return false;
    if (!this.core.tx.removePendingTXPacket(p.from, p.id, p.hopLimit)) return false;
    this.reprocessPacket(p, now);
    if (this.up !== undefined) this.up.perhapsRebroadcast(p, now);
    this.core.stats.rxDupe++;
    return true;
  }

  /** FloodingRouter::reprocessPacket: NodeDB update and the traceroute hop, for a packet relayed again. */
  reprocessPacket(p: MeshPacketState, now: number): void {
    this.core.nodes.updateFrom(p, now);
    if (p.decoded === undefined && perhapsDecode(this.core.crypt, p) !== DecodeState.Success) return;
    if (p.decoded !== undefined && (p.decoded.portnum || 0) === PortNum.TRACEROUTE_APP && this.core.up !== undefined) this.core.up.processUpgradedPacket(p, now);
  }

  /** FloodingRouter::roleAllowsCancelingDupe. */
  roleAllowsCancelingDupe(p: MeshPacketState): boolean {
    const role = this.core.config.role;
    if (role === Role.ROUTER || role === Role.ROUTER_LATE) return false;
    if (role === Role.CLIENT_BASE) return !this.fromOrToFavorite(p);
    return true;
  }

  private fromOrToFavorite(p: MeshPacketState): boolean {
    return this.core.nodes.isFavorite(p.from) || this.core.nodes.isFavorite(p.to);
  }

  /** FloodingRouter::perhapsCancelDupe. */
  perhapsCancelDupe(p: MeshPacketState, now: number): void {
    if (p.transportMechanism === TransportMechanism.LORA && this.roleAllowsCancelingDupe(p)) {
      if (this.core.cancelSending(p.from, p.id)) this.core.stats.txRelayCanceled++;
    }
    const role = this.core.config.role;
    if (role === Role.ROUTER_LATE || (role === Role.CLIENT_BASE && this.fromOrToFavorite(p))) this.core.tx.clampToLateRebroadcastWindow(p.from, p.id, now);
  }

  /** FloodingRouter::sniffReceived (broadcasts): relay. Its cancel-on-reply branch needs a unicast and never runs here. */
  sniffReceived(p: MeshPacketState, now: number): void {
    if (this.up !== undefined) this.up.perhapsRebroadcast(p, now);
  }
}
