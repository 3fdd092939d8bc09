// NodeInfoModule (firmware src/modules/NodeInfoModule.cpp, 2.7.26): our User (names, role, hardware,
// public key) for the mesh, and the Users of others for the NodeDB. Rules:
//   receive (22-76, promiscuous): a User that does not decode stops the chain (ProtobufModule); one
//     claiming to be from us is ignored; a want_response request remembers its sender for 12 h (a
//     second request within that window gets no reply and no NO_RESPONSE); an is_licensed that
//     differs from ours stops the chain (no relay, no delivery); user.id is forced to !<from>; the
//     NodeDB decides (key pinning, nodedb.ts updateUser); a changed User of a DM between others is
//     passed to the app.
//   alter (78-86): every NodeInfo we pass on carries user.id = !<from>.
//   allocReply (127-181), for requests and for our own sends: nothing above 40 % channel use;
//     nothing within 10 minutes (congestion-scaled) of our last NodeInfo, or 60 s for the shorter
//     timeout (a PKI_UNKNOWN_PUBKEY answer); a licensed owner sends no key.
//   sendOurNodeInfo (88-119): the previous one still queued is cancelled; want_response only if
//     asked and not a TRACKER/SENSOR; priority BACKGROUND (DEFAULT with the shorter timeout).
//   runOnce (215-226): first at the module start delay (30 s), then every node_info_broadcast_secs
//     (default 3 h); only within the duty-cycle budget and not for CLIENT_HIDDEN; it asks for
//     replies only after a fresh install (radioGeneration).
import type { NodeConfig } from "../mesh/node-config.js";
import { utf8Prefix } from "../bytes/utf8.js";
import { configuredOrDefaultMs } from "../mesh/congestion.js";
import { UserUpdate, userIdOf } from "../mesh/node-db.js";
import { BROADCAST, isBroadcast } from "../mesh/packet.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { RxSource } from "../mesh/router.js";
import { PortNum, Priority, Role } from "../wire/enums.js";
import { UserCodec } from "../wire/messages.js";
import { cString, nanopbStringsValid } from "../wire/nanopb-strings.js";
import type { User } from "../wire/messages.js";
import { ProcessMessage, startDelayMs } from "./module.js";
import type { MeshModule, ModuleContext } from "./module.js";

/** USERPREFS_NODEINFO_REPLY_SUPPRESS_SECS: one reply per requester per 12 hours. */
export const NODEINFO_REPLY_SUPPRESS_SECS = 12 * 60 * 60;
/** default_node_info_broadcast_secs (Default.h 28). */
export const DEFAULT_NODE_INFO_BROADCAST_SECS = 3 * 60 * 60;
/** The base of the resend throttle, scaled by congestion (allocReply 149). */
export const NODEINFO_MIN_RESEND_SECS = 10 * 60;
/** The throttle for the shorter timeout (allocReply 155). */
export const NODEINFO_SHORT_RESEND_MS = 60 * 1000;
/** TransmitHistory key of NodeInfo: its port number. */
const TX_HISTORY_KEY = PortNum.NODEINFO_APP;

/** User.long_name is a char[40] (mesh.options max_size 40): at most 39 bytes of UTF-8 are kept. */
const MAX_LONG_NAME_BYTES = 39;
/** User.short_name is a char[5]: at most 4 bytes. */
const MAX_SHORT_NAME_BYTES = 4;
/** User string fields (id, long_name, short_name). */
const USER_STRING_FIELDS = [1, 2, 3];
/** User.macaddr is fixed_length 6 (mesh.options). */
const MACADDR_BYTES = 6;

/**
 * Our User as we send it (owner, NodeDB.cpp 265-271 and 1127-1141): id from our number, names cut
 * to their char[] fields, the MAC address, hw model, role, is_unmessagable once a role set it
 * (NodeConfig.isUnmessagable), the public key unless licensed.
 */
export function ownerUser(c: NodeConfig): User {
  const u: User = {
    id: userIdOf(c.nodeNum),
    longName: utf8Prefix(c.longName, MAX_LONG_NAME_BYTES),
    shortName: utf8Prefix(c.shortName, MAX_SHORT_NAME_BYTES),
    hwModel: c.hwModel,
    role: c.role,
  };
  if (c.isUnmessagable !== undefined) u.isUnmessagable = c.isUnmessagable;
  // owner.macaddr is a fixed 6-byte field: always on the wire.
  u.macaddr = c.macaddr !== undefined && c.macaddr.length === MACADDR_BYTES ? c.macaddr : new Uint8Array(MACADDR_BYTES);
  if (c.isLicensed) u.isLicensed = true;
  if (c.publicKey !== undefined && !c.isLicensed) u.publicKey = c.publicKey;
  return u;
}


/**
 * A User payload as firmware 2.7.26's nanopb reads it: refused (undefined) when it does not decode,
 * when a string is not UTF-8 by pb_validate_utf8 (PB_VALIDATE_UTF8) or when macaddr has a length
 * other than 0 or 6 (pb_dec_fixed_length_bytes); strings cut at their first NUL (C strings); macaddr
 * always 6 bytes, zeros when absent, so a re-encoded User always carries it (a fixed-length bytes
 * field is never left out by pb_encode).
 */
export function firmwareUser(payload: Uint8Array): User | undefined {
  const r = UserCodec.decode(payload);
  if (!r.ok || !nanopbStringsValid(payload, USER_STRING_FIELDS)) return undefined;
  const u = r.value;
  const mac = u.macaddr;
  if (mac !== undefined && mac.length !== 0 && mac.length !== MACADDR_BYTES) return undefined;
  const out: User = Object.assign({}, u, { macaddr: mac !== undefined && mac.length === MACADDR_BYTES ? mac : new Uint8Array(MACADDR_BYTES) });
  if (u.id !== undefined) out.id = cString(u.id);
  if (u.longName !== undefined) out.longName = cString(u.longName);
  if (u.shortName !== undefined) out.shortName = cString(u.shortName);
  return out;
}

export class NodeInfoModule implements MeshModule {
  readonly name = "nodeinfo";
  readonly isPromiscuous = true;
  readonly encryptedOk = false;
  readonly loopbackOk = false;
  ignoreRequest = false;
  private readonly ctx: ModuleContext;
  private due: number | undefined;
  private prevPacketId = 0;
  private shorterTimeout = false;
  private suppressReplyForCurrentRequest = false;
  /** lastNodeInfoSeen: requester → node-clock seconds of its last request; bounded by the NodeDB (prune). */
  private readonly lastSeen: { num: number; at: number }[] = [];
  private askedForReplies: boolean;

  constructor(ctx: ModuleContext, startMs: number, startIndex: number, freshInstall: boolean) {
    this.ctx = ctx;
    this.due = startMs + startDelayMs(startIndex);
    // radioGeneration is 1 after a fresh install, so the first broadcast asks everyone to answer.
    this.askedForReplies = !freshInstall;
  }

  wantPacket(p: MeshPacketState): boolean {
    return p.decoded !== undefined && (p.decoded.portnum || 0) === PortNum.NODEINFO_APP;
  }

  /** The User as the firmware's nanopb decodes it (firmwareUser), or undefined when it refuses it. */
  private decodeUser(p: MeshPacketState): User | undefined {
    return firmwareUser((p.decoded && p.decoded.payload) || new Uint8Array(0));
  }

  handleReceived(p: MeshPacketState, _src: RxSource, now: number): ProcessMessage {
    const ctx = this.ctx;
    const u = this.decodeUser(p);
    if (u === undefined) return ProcessMessage.Stop;
    this.suppressReplyForCurrentRequest = false;
    const ourNum = ctx.config.nodeNum;
    if (p.from === ourNum) return ProcessMessage.Continue;
    const sender = p.from === 0 ? ourNum : p.from;
    if (p.decoded !== undefined && p.decoded.wantResponse === true && p.from !== 0) {
      const at = p.rxTime !== 0 ? p.rxTime : ctx.clock.time(now);
      const seen = this.findSeen(sender);
      if (seen >= 0) {
        const since = at >= this.lastSeen[seen].at ? at - this.lastSeen[seen].at : 0;
        if (since < NODEINFO_REPLY_SUPPRESS_SECS) this.suppressReplyForCurrentRequest = true;
        this.lastSeen[seen].at = at;
      } else this.lastSeen.push({ num: sender, at });
      this.prune();
    }
    if ((u.isLicensed === true) !== ctx.config.isLicensed) return ProcessMessage.Stop;
    const changed = ctx.nodes.updateUser(sender, u, p.channel, ctx.config.publicKey, ctx.clock.time(now)) === UserUpdate.Changed;
    if (changed && !isBroadcast(p.to) && p.to !== ourNum) {
      const copy = Object.assign({}, p);
      copy.decoded = Object.assign({}, p.decoded, { payload: UserCodec.encode(Object.assign({}, u, { id: userIdOf(sender) })) });
      ctx.sendToPhone(copy);
    }
    this.prune();
    return ProcessMessage.Continue;
  }

  alterReceived(p: MeshPacketState): void {
    const u = this.decodeUser(p);
    if (u === undefined || p.decoded === undefined) return;
    const from = p.from === 0 ? this.ctx.config.nodeNum : p.from;
    p.decoded = Object.assign({}, p.decoded, { payload: UserCodec.encode(Object.assign({}, u, { id: userIdOf(from) })) });
  }

  private findSeen(num: number): number {
    for (let i = 0; i < this.lastSeen.length; i++) if (this.lastSeen[i].num === num) return i;
    return -1;
  }

  /** pruneLastNodeInfoCache: only nodes still in the NodeDB, and no more of them than it holds. */
  private prune(): void {
    const nodes = this.ctx.nodes;
    for (let i = this.lastSeen.length - 1; i >= 0; i--) if (nodes.get(this.lastSeen[i].num) === undefined) this.lastSeen.splice(i, 1);
    while (this.lastSeen.length > 0 && this.lastSeen.length > nodes.size) {
      let oldest = 0;
      for (let i = 1; i < this.lastSeen.length; i++) if (this.lastSeen[i].at < this.lastSeen[oldest].at) oldest = i;
      this.lastSeen.splice(oldest, 1);
    }
  }

  /** NodeInfoModule::allocReply; `req` is the request being answered (MeshModule::currentRequest), if any. */
  allocReply(req: MeshPacketState | undefined, now: number): MeshPacketState | undefined {
    const ctx = this.ctx;
    if (!ctx.config.sendNodeInfo) {
      this.ignoreRequest = true;
      return undefined;
    }
    const external = req !== undefined && req.decoded !== undefined && (req.decoded.portnum || 0) === PortNum.NODEINFO_APP && req.decoded.wantResponse === true && req.from !== 0 && req.from !== ctx.config.nodeNum;
    if (this.suppressReplyForCurrentRequest && external) {
      this.ignoreRequest = true;
      this.suppressReplyForCurrentRequest = false;
      return undefined;
    }
    if (!ctx.isTxAllowedChannelUtil(false, now)) {
      this.ignoreRequest = true;
      return undefined;
    }
    const timeoutMs = ctx.scaledIntervalMs(0, NODEINFO_MIN_RESEND_SECS, now);
    const last = ctx.lastSentToMesh(TX_HISTORY_KEY);
    if (last !== undefined && now - last < (this.shorterTimeout ? NODEINFO_SHORT_RESEND_MS : timeoutMs)) {
      this.ignoreRequest = true;
      return undefined;
    }
    this.ignoreRequest = false;
    ctx.setLastSentToMesh(TX_HISTORY_KEY, now);
    return ctx.allocForSending({ portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode(ownerUser(ctx.config)) }, now);
  }

  /** NodeInfoModule::sendOurNodeInfo. */
  sendOurNodeInfo(dest: number, wantReplies: boolean, channel: number, shorterTimeout: boolean, req: MeshPacketState | undefined, now: number): void {
    const ctx = this.ctx;
    if (this.prevPacketId !== 0) ctx.cancelSending(this.prevPacketId);
    this.shorterTimeout = shorterTimeout;
    const p = this.allocReply(req, now);
    if (p !== undefined) {
      p.to = dest;
      const role = ctx.config.role;
      const wantResponse = role !== Role.TRACKER && role !== Role.SENSOR && wantReplies;
      p.decoded = Object.assign({}, p.decoded, { wantResponse });
      p.priority = shorterTimeout ? Priority.DEFAULT : Priority.BACKGROUND;
      if (channel > 0) p.channel = channel;
      this.prevPacketId = p.id;
      ctx.sendToMesh(p, RxSource.Local, now);
      // Reset only after a send (NodeInfoModule.cpp 116-117): a refused shorter-timeout call
      // leaves it set, so the next reply to a request gets the 60 s window too.
      this.shorterTimeout = false;
    }
  }

  runOnce(now: number): void {
    if (this.due === undefined || now < this.due) return;
    const ctx = this.ctx;
    const requestReplies = !this.askedForReplies;
    this.askedForReplies = true;
    if (ctx.isTxAllowedAirUtil(now) && ctx.config.role !== Role.CLIENT_HIDDEN) this.sendOurNodeInfo(BROADCAST, requestReplies, 0, false, undefined, now);
    this.due = now + configuredOrDefaultMs(ctx.config.nodeInfoBroadcastSecs, DEFAULT_NODE_INFO_BROADCAST_SECS);
  }

  /** triggerImmediateNodeInfoCheck: the next run is now. */
  triggerImmediateCheck(now: number): void {
    this.due = now;
  }

  nextDue(): number | undefined {
    return this.due;
  }
}
