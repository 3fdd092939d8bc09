// TraceRouteModule (firmware src/modules/TraceRouteModule.cpp, 2.7.26; spec 6.10). Rules:
//   receive (125-129, promiscuous): a RouteDiscovery that does not decode stops the chain.
//   alter (131-152), on every traceroute we handle, before it is relayed: a reply first teaches next
//     hops from its forward route (updateNextHops 269-314: the requester uses the first hop for every
//     node on the route and the target, a node on the route the one after it); then the hops the
//     packet took that nobody recorded are padded as unknown (0xFFFFFFFF, SNR −128) when the hop
//     count is known; then our SNR (×4) and, unless the packet is for us, our number are appended
//     (towards: route/snr_towards for requests, route_back/snr_back for replies).
//   allocReply (460-480): the target answers with the accumulated RouteDiscovery; a broadcast request
//     is answered only when heard directly (a multi-hop one is ignored, without NO_RESPONSE).
//   processUpgradedPacket (330-341): a traceroute relayed again (upgrade, originator repeat) gets
//     our hop too.
import { lastByteOfNodeNum } from "../wire/lora-header.js";
import { PortNum } from "../wire/enums.js";
import { RouteDiscoveryCodec } from "../wire/messages.js";
import type { RouteDiscovery } from "../wire/messages.js";
import { packetHopsAway } from "../mesh/node-db.js";
import type { NodeDb } from "../mesh/node-db.js";
import { BROADCAST, isBroadcast } from "../mesh/packet.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { sendRequest } from "../node-events.js";
import type { SendRequest } from "../node-events.js";
import { ProcessMessage } from "./module.js";
import type { MeshModule, ModuleContext } from "./module.js";

/** ROUTE_SIZE: RouteDiscovery lists hold at most 8 entries (mesh.options max_count). */
export const MAX_ROUTE_ENTRIES = 8;
/** A hop whose node is unknown (NODENUM_BROADCAST). */
export const UNKNOWN_HOP = 0xffffffff;
/** SNR of an unknown hop (INT8_MIN). */
export const UNKNOWN_SNR = -128;

/** (int8_t)(snr * 4): truncated toward zero, kept in int8 range by wrapping. */
function int8(x: number): number {
  const v = x < 0 ? Math.ceil(x) : Math.floor(x);
  return ((v + 128) & 0xff) - 128;
}

/**
 * insertUnknownHops + appendMyIDandSNR: this hop on the route of `towards` (request) or back (reply).
 * `hopsTaken` is getHopsAway of the packet (-1 unknown); `snrOnly` when the packet is for us.
 */
export function appendHop(r: RouteDiscovery, hopsTaken: number, snr: number, ourNum: number, towards: boolean, snrOnly: boolean): RouteDiscovery {
  const route = ((towards ? r.route : r.routeBack) || []).slice();
  const snrs = ((towards ? r.snrTowards : r.snrBack) || []).slice();
  if (hopsTaken >= 0) {
    while (route.length < hopsTaken && route.length < MAX_ROUTE_ENTRIES) route.push(UNKNOWN_HOP);
    while (snrs.length < route.length && snrs.length < MAX_ROUTE_ENTRIES) snrs.push(UNKNOWN_SNR);
  }
  if (snrs.length < MAX_ROUTE_ENTRIES) snrs.push(int8(snr * 4));
  if (!snrOnly && route.length < MAX_ROUTE_ENTRIES) route.push(ourNum);
  const out: RouteDiscovery = { route: r.route, snrTowards: r.snrTowards, routeBack: r.routeBack, snrBack: r.snrBack };
  if (towards) {
    out.route = route;
    out.snrTowards = snrs;
  } else {
    out.routeBack = route;
    out.snrBack = snrs;
  }
  return out;
}

/** TraceRouteModule::updateNextHops for a reply `p` carrying forward route `route`. */
export function updateNextHops(nodes: NodeDb, ourNum: number, p: MeshPacketState, route: number[]): void {
  let idx = -1;
  if (p.to === ourNum) idx = 0;
  else
    for (let i = 0; i < route.length; i++) {
      if (route[i] === ourNum) {
        idx = i + 1;
        break;
      }
    }
  if (idx < 0) return;
  const nextHop = idx === route.length ? p.from : route[idx];
  if (nextHop === BROADCAST) return;
  const byte = lastByteOfNodeNum(nextHop);
  const set = (target: number): void => {
    if (target === BROADCAST) return;
    const n = nodes.get(target);
    if (n !== undefined) n.nextHop = byte;
  };
  for (let i = idx; i < route.length; i++) set(route[i]);
  set(p.from);
}

export class TraceRouteModule implements MeshModule {
  readonly name = "traceroute";
  readonly isPromiscuous = true;
  readonly encryptedOk = false;
  readonly loopbackOk = false;
  ignoreRequest = false;
  private readonly ctx: ModuleContext;

  constructor(ctx: ModuleContext) {
    this.ctx = ctx;
  }

  /** A traceroute request to `to` (want_response, empty RouteDiscovery). */
  static request(to: number, channel: number): SendRequest {
    const req = sendRequest(to, PortNum.TRACEROUTE_APP, new Uint8Array(0), channel);
    req.wantResponse = true;
    return req;
  }

  wantPacket(p: MeshPacketState): boolean {
    return p.decoded !== undefined && (p.decoded.portnum || 0) === PortNum.TRACEROUTE_APP;
  }

  private decode(p: MeshPacketState): RouteDiscovery | undefined {
    const r = RouteDiscoveryCodec.decode((p.decoded && p.decoded.payload) || new Uint8Array(0));
    return r.ok ? r.value : undefined;
  }

  handleReceived(p: MeshPacketState): ProcessMessage {
    return this.decode(p) === undefined ? ProcessMessage.Stop : ProcessMessage.Continue;
  }

  alterReceived(p: MeshPacketState): void {
    const d = p.decoded;
    const r = this.decode(p);
    if (d === undefined || r === undefined) return;
    const ourNum = this.ctx.config.nodeNum;
    const isReply = (d.requestId || 0) !== 0;
    if (isReply) updateNextHops(this.ctx.nodes, ourNum, p, r.route || []);
    const updated = appendHop(r, packetHopsAway(p), p.rxSnr, ourNum, !isReply, p.to === ourNum);
    p.decoded = Object.assign({}, d, { payload: RouteDiscoveryCodec.encode(updated) });
  }

  /** TraceRouteModule::processUpgradedPacket: our hop on a traceroute relayed again. */
  processUpgradedPacket(p: MeshPacketState): void {
    if (this.wantPacket(p)) this.alterReceived(p);
  }

  allocReply(req: MeshPacketState, now: number): MeshPacketState | undefined {
    if (isBroadcast(req.to) && req.hopLimit < req.hopStart) {
      this.ignoreRequest = true;
      return undefined;
    }
    const r = this.decode(req) || {};
    return this.ctx.allocForSending({ portnum: PortNum.TRACEROUTE_APP, payload: RouteDiscoveryCodec.encode(r) }, now);
  }
}
