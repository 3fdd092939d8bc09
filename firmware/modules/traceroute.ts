// TraceRouteModule (spec 6.10): every node that handles a TRACEROUTE_APP packet, before relaying
// it, pads unknown hops, appends the SNR it heard the packet at and its own number; the target
// answers with the accumulated RouteDiscovery, which collects the way back the same way.
import { RouteDiscoveryCodec } from "../wire/messages.js";
import type { RouteDiscovery } from "../wire/messages.js";
import { PortNum } from "../wire/enums.js";
import { sendRequest } from "../node-events.js";
import type { SendRequest } from "../node-events.js";
import { BROADCAST } from "../mesh/packet.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { hopsAway } from "../mesh/response-hop-limit.js";
import { replyTo } from "./module.js";
import type { MeshModule, ModuleContext } from "./module.js";

/** RouteDiscovery lists hold at most 8 entries (mesh.options max_count). */
export const MAX_ROUTE_ENTRIES = 8;
/** A hop whose node is unknown (NODENUM_BROADCAST). */
export const UNKNOWN_HOP = 0xffffffff;
/** SNR of an unknown hop (INT8_MIN). */
export const UNKNOWN_SNR = -128;

function int8(x: number): number {
  const v = x < 0 ? Math.ceil(x) : Math.floor(x);
  return ((v + 128) & 0xff) - 128;
}

/**
 * Appends this hop to the route (TraceRouteModule::alterReceivedProtobuf / insertUnknownHops /
 * appendMyIDandSNR). `towards` picks route/snr_towards (request) or route_back/snr_back (reply).
 */
export function appendHop(r: RouteDiscovery, p: MeshPacketState, ourNum: number, towards: boolean): RouteDiscovery {
  const route = (towards ? r.route : r.routeBack) || [];
  const snrs = (towards ? r.snrTowards : r.snrBack) || [];
  const taken = hopsAway(p.hopStart, p.hopLimit, p.decoded !== undefined && p.decoded.bitfield !== undefined);
  if (taken >= 0) while (route.length < taken && route.length < MAX_ROUTE_ENTRIES) route.push(UNKNOWN_HOP);
  while (snrs.length < route.length && snrs.length < MAX_ROUTE_ENTRIES) snrs.push(UNKNOWN_SNR);
  if (snrs.length < MAX_ROUTE_ENTRIES) snrs.push(int8(p.rxSnr * 4));
  if (p.to !== ourNum && route.length < MAX_ROUTE_ENTRIES) route.push(ourNum);
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

export class TraceRouteModule implements MeshModule {
  readonly name = "traceroute";
  private readonly ourNum: number;

  constructor(ourNum: number) {
    this.ourNum = ourNum;
  }

  /** A traceroute request to `to` (want_response, empty RouteDiscovery). */
  static request(to: number, channel: number): SendRequest {
    const req = sendRequest(to, PortNum.TRACEROUTE_APP, new Uint8Array(0), channel);
    req.wantResponse = true;
    return req;
  }

  handleReceived(p: MeshPacketState, ctx: ModuleContext): SendRequest | undefined {
    const d = p.decoded;
    if (d === undefined || d.portnum !== PortNum.TRACEROUTE_APP) return undefined;
    const decoded = RouteDiscoveryCodec.decode(d.payload || new Uint8Array(0));
    if (!decoded.ok) return undefined;
    const isReply = (d.requestId || 0) !== 0;
    // Our own packets are not altered (they start the route); everything else gets this hop.
    const r = p.from === this.ourNum ? decoded.value : appendHop(decoded.value, p, this.ourNum, !isReply);
    const payload = RouteDiscoveryCodec.encode(r);
    p.decoded = Object.assign({}, d, { payload });
    if (p.to !== this.ourNum || isReply || d.wantResponse !== true) return undefined;
    // Multi-hop broadcast traceroutes get no answer (only to == us reaches here, kept for clarity).
    if (p.to === BROADCAST && p.hopLimit < p.hopStart) return undefined;
    return replyTo(p, PortNum.TRACEROUTE_APP, payload, ctx.config.hopLimit);
  }

  runOnce(): void {}

  nextDue(): number | undefined {
    return undefined;
  }
}
