// The port-number apps (firmware MeshModule.h, ProtobufModule.h, SinglePortModule.h, 2.7.26). A
// module says which packets it wants, handles them (CONTINUE or STOP: STOP ends the chain, so the
// routing module at its end never relays the packet), may alter them (traceroute), may answer a
// want_response request with a reply (allocReply; `ignoreRequest` then suppresses the NO_RESPONSE
// NAK), and may run periodic work. They reach the node only through ModuleContext.
import type { Channels } from "../mesh/channels.js";
import type { NodeClock } from "../mesh/node-clock.js";
import type { NodeConfig } from "../mesh/node-config.js";
import type { NodeDb } from "../mesh/node-db.js";
import type { MeshPacketState } from "../mesh/packet.js";
import type { RxSource } from "../mesh/router.js";
import { Priority } from "../wire/enums.js";
import type { Data } from "../wire/messages.js";

export const ProcessMessage = { Continue: 0, Stop: 1 } as const;
export type ProcessMessage = (typeof ProcessMessage)[keyof typeof ProcessMessage];

/** What the modules reach of the node (the firmware's globals: nodeDB, service, router, airTime, ...). */
export interface ModuleContext {
  readonly config: NodeConfig;
  readonly nodes: NodeDb;
  readonly channels: Channels;
  readonly clock: NodeClock;
  /** Router::allocForSending: a new decoded packet from us to broadcast with the configured hop limit. */
  allocForSending(data: Data, now: number): MeshPacketState;
  /**
   * MeshService::sendToMesh: NodeDB update, then Router::sendLocal; `ccToPhone` also hands the phone
   * a copy. Returns RoutingError.NONE when accepted.
   */
  sendToMesh(p: MeshPacketState, src: RxSource, now: number, ccToPhone?: boolean): number;
  /** MeshService::isToPhoneQueueEmpty. */
  isToPhoneQueueEmpty(): boolean;
  /** The clock got its first time (RTC.cpp triggerNodeInfoCheckOnTimeSource): NodeInfo runs at once. */
  timeSourceAcquired(now: number): void;
  /** MeshService::sendToPhone: the packet goes to our app. */
  sendToPhone(p: MeshPacketState): void;
  /** MeshService::cancelSending: our own queued packet `id`. */
  cancelSending(id: number): boolean;
  /** RoutingModule::sendAckNak. */
  sendAckNak(err: number, to: number, idFrom: number, chIndex: number, hopLimit: number, ackWantsAck: boolean, now: number): void;
  /** RoutingModule::getHopLimitForResponse for a received request. */
  hopLimitForResponse(p: MeshPacketState): number;
  /** airTime->isTxAllowedChannelUtil(polite): below 25 % (polite) or 40 % channel utilisation. */
  isTxAllowedChannelUtil(polite: boolean, now: number): boolean;
  /** airTime->isTxAllowedAirUtil: below half the region's duty cycle this hour. */
  isTxAllowedAirUtil(now: number): boolean;
  channelUtilization(now: number): number;
  airUtilTx(now: number): number;
  /** nodeStatus->getNumOnline(): nodes heard within 2 hours. */
  numOnline(now: number): number;
  /** Default::getConfiguredOrDefaultMsScaled with this node's role, preset and online count. */
  scaledIntervalMs(configuredSecs: number, defaultSecs: number, now: number): number;
  /** TransmitHistory: when a packet of `key` last went to the mesh (undefined = never), and recording it. */
  lastSentToMesh(key: number): number | undefined;
  setLastSentToMesh(key: number, now: number): void;
  /** MeshService::refreshLocalMeshNode: our own NodeDB entry is heard now (it then counts as online). */
  refreshLocalMeshNode(now: number): void;
  /** Router counters LocalStats reports. */
  localStats(now: number): LocalStatsCounters;
}

export interface LocalStatsCounters {
  txGood: number;
  rxGood: number;
  rxBad: number;
  txRelay: number;
  txDrop: number;
  rxDupe: number;
  txRelayCanceled: number;
}

export interface MeshModule {
  readonly name: string;
  /** Sees packets not addressed to us too (isPromiscuous). */
  readonly isPromiscuous: boolean;
  /** Sees packets it cannot decode too (encryptedOk). */
  readonly encryptedOk: boolean;
  /** Sees packets this node generated itself (loopbackOk). */
  readonly loopbackOk: boolean;
  /** Set by allocReply when it declined on purpose: no NO_RESPONSE NAK then. */
  ignoreRequest: boolean;
  wantPacket(p: MeshPacketState): boolean;
  handleReceived(p: MeshPacketState, src: RxSource, now: number): ProcessMessage;
  alterReceived?(p: MeshPacketState, now: number): void;
  /** A reply to the want_response request `req`, or undefined (setReplyTo is applied by the caller). */
  allocReply?(req: MeshPacketState, now: number): MeshPacketState | undefined;
  /** Periodic work (the module's OSThread::runOnce), called whenever the node runs; it checks its own due time. */
  runOnce?(now: number): void;
  /** When runOnce next has work, or undefined. */
  nextDue?(): number | undefined;
}

/** MESHMODULE_MIN_BROADCAST_DELAY_MS and MESHMODULE_BROADCAST_SPACING_MS (MeshModule.h 12-13). */
export const MIN_BROADCAST_DELAY_MS = 30 * 1000;
export const BROADCAST_SPACING_MS = 15 * 1000;

/** MeshModule::setStartDelay for the `index`-th module that calls it (0 = first): 30 s, 45 s, 60 s ... */
export function startDelayMs(index: number): number {
  return MIN_BROADCAST_DELAY_MS + index * BROADCAST_SPACING_MS;
}

/** setReplyTo (MeshModule.cpp 233-245): to the requester, same channel, response hop limit, want_ack copied. */
export function setReplyTo(reply: MeshPacketState, req: MeshPacketState, ctx: ModuleContext): void {
  reply.to = req.from === 0 ? ctx.config.nodeNum : req.from;
  reply.channel = req.channel;
  reply.hopLimit = ctx.hopLimitForResponse(req);
  reply.wantAck = req.from !== 0 ? req.wantAck : false;
  if (reply.priority === Priority.UNSET) reply.priority = Priority.RELIABLE;
  const d = reply.decoded;
  if (d !== undefined) reply.decoded = Object.assign({}, d, { requestId: req.id });
}
