// MeshService (firmware src/mesh/MeshService.cpp, 2.7.26): between the router and the app.
//   handleFromRadio (84-115), for every packet to us or broadcast that reached the routing module:
//     the NodeDB learns from it; a decoded packet from a node we have no user info for makes a
//     node that is not a ROUTER, ROUTER_LATE or CLIENT_BASE, whose NodeDB is not full and whose
//     channel is below 25 %, send its NodeInfo to that node with want_response (first sight) when
//     the node is at most hop_limit + 2 hops away (unknown: hop_limit) and the packet is not a
//     telemetry response; then the packet goes to the app.
//   sendToMesh (247-280): the NodeDB learns from our own packet, then Router::sendLocal.
import type { NodeAction } from "./node-events.js";
import type { NodeDb } from "./mesh/node-db.js";
import { hopsAway } from "./mesh/node-db.js";
import type { NodeConfig } from "./mesh/node-config.js";
import { copyPacket } from "./mesh/packet.js";
import type { MeshPacketState } from "./mesh/packet.js";
import type { Router, RxSource } from "./mesh/router.js";
import type { NodeInfoModule } from "./modules/node-info.js";
import { PortNum, Role, RoutingError } from "./wire/enums.js";

export interface MeshServiceDeps {
  config: NodeConfig;
  nodes: NodeDb;
  router: Router;
  actions: NodeAction[];
  /**
   * A phone drains what we hand it (MeshNodeOptions.phoneConnected). Without one, the firmware's
   * toPhoneQueue keeps the first packets it gets and is never empty again.
   */
  phoneConnected: boolean;
  /** airTime->isTxAllowedChannelUtil(true). */
  politeChannelUtilOk(now: number): boolean;
}

export class MeshService {
  nodeInfo: NodeInfoModule | undefined;
  private readonly d: MeshServiceDeps;
  /** Something went to the phone (with no phone attached it stays in toPhoneQueue). */
  private phoneQueueUsed = false;

  constructor(d: MeshServiceDeps) {
    this.d = d;
  }

  /** MeshService::handleFromRadio. */
  handleFromRadio(p: MeshPacketState, now: number): void {
    const d = this.d;
    d.nodes.updateFrom(p, now);
    const role = d.config.role;
    const preferredRebroadcaster = role === Role.ROUTER || role === Role.ROUTER_LATE || role === Role.CLIENT_BASE;
    const dec = p.decoded;
    const telemetryResponse = dec !== undefined && (dec.portnum || 0) === PortNum.TELEMETRY_APP && (dec.requestId || 0) > 0;
    if (!telemetryResponse && dec !== undefined && !d.nodes.hasUser(p.from) && this.nodeInfo !== undefined && !preferredRebroadcaster && !d.nodes.isFull()) {
      if (d.politeChannelUtilOk(now)) {
        let hops = hopsAway(p.hopStart, p.hopLimit, dec.bitfield !== undefined);
        if (hops < 0) hops = d.config.hopLimit;
        if (hops <= d.config.hopLimit + 2) this.nodeInfo.sendOurNodeInfo(p.from, true, p.channel, false, p, now);
      }
    }
    this.sendToPhone(copyPacket(p));
  }

  /** MeshService::sendToMesh (247-274): `ccToPhone` also hands the phone a copy once it was accepted. */
  sendToMesh(p: MeshPacketState, src: RxSource, now: number, ccToPhone: boolean): number {
    this.d.nodes.updateFrom(p, now);
    const res = this.d.router.sendLocal(p, src, now);
    if (res === RoutingError.NONE && ccToPhone) this.sendToPhone(copyPacket(p));
    return res;
  }

  /** MeshService::sendToPhone: the packet goes to our app (the driver's "deliver" action). */
  sendToPhone(p: MeshPacketState): void {
    this.phoneQueueUsed = true;
    this.d.actions.push({ type: "deliver", packet: p });
  }

  /** MeshService::isToPhoneQueueEmpty. */
  isToPhoneQueueEmpty(): boolean {
    return this.d.phoneConnected || !this.phoneQueueUsed;
  }
}
