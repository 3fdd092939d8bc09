// The port-number apps (MeshModule in the firmware): each sees decoded packets, may answer a
// request, and may have periodic work. They reach the mesh only through ModuleContext.
import type { SendRequest } from "../node-events.js";
import type { Channels } from "../mesh/channels.js";
import type { NodeConfig } from "../mesh/node-config.js";
import type { NodeDb } from "../mesh/node-db.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { hopLimitForResponse } from "../mesh/response-hop-limit.js";

export interface ModuleContext {
  readonly config: NodeConfig;
  readonly nodes: NodeDb;
  readonly channels: Channels;
  /** Queues a packet from us; returns its id, or 0 when the router refused it. */
  send(req: SendRequest, now: number): number;
  /** Polite limits for periodic broadcasts (airtime.cpp isTxAllowedChannelUtil / isTxAllowedAirUtil). */
  periodicTxAllowed(now: number): boolean;
  /** Uptime in seconds, from the node's start. */
  uptimeSecs(now: number): number;
  /** Current channel and TX utilisation, percent. */
  channelUtilization(now: number): number;
  airUtilTx(now: number): number;
}

export interface MeshModule {
  readonly name: string;
  /**
   * A decoded packet passing through this node (to us, broadcast, or being relayed when the module
   * is promiscuous). Returns a reply to send, or undefined. May modify `p.decoded` (traceroute).
   */
  handleReceived(p: MeshPacketState, ctx: ModuleContext, now: number): SendRequest | undefined;
  /** Periodic work due at or before `now`. */
  runOnce(ctx: ModuleContext, now: number): void;
  /** When runOnce next wants to run, or undefined. */
  nextDue(): number | undefined;
}

/** setReplyTo: a response goes back to the requester on the same channel, answering its id, with just enough hops. */
export function replyTo(p: MeshPacketState, portnum: number, payload: Uint8Array, configHopLimit: number): SendRequest {
  return {
    to: p.from,
    portnum,
    payload,
    channel: p.channel,
    wantAck: false,
    wantResponse: false,
    hopLimit: hopLimitForResponse(p.hopStart, p.hopLimit, configHopLimit),
    replyId: 0,
    requestId: p.id,
    pkiEncrypted: p.pkiEncrypted,
  };
}
