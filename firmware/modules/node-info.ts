// NodeInfoModule: broadcasts our User (names, role, hardware, public key) periodically, answers
// want_response requests with it, and stores the Users it hears in the NodeDB.
import { nodeIdOf } from "../gateway/node-id.js";
import { PortNum } from "../wire/enums.js";
import { UserCodec } from "../wire/messages.js";
import type { User } from "../wire/messages.js";
import { BROADCAST } from "../mesh/packet.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { isUnmessagableRole } from "../mesh/node-config.js";
import type { NodeConfig } from "../mesh/node-config.js";
import { sendRequest } from "../node-events.js";
import type { SendRequest } from "../node-events.js";
import { replyTo } from "./module.js";
import type { MeshModule, ModuleContext } from "./module.js";
import { FIRST_BROADCAST_DELAY_MS, Periodic } from "./periodic.js";

/** The firmware clamps the long name it sends to 24 bytes of UTF-8 (spec 1.4); we cut at 24 characters of ASCII-safe length. */
const MAX_LONG_NAME = 24;
/** Replies to want_response requests are rate-limited (NodeInfoModule: at most one per 5 minutes per asker is plenty). */
const REPLY_MIN_INTERVAL_MS = 5 * 60 * 1000;

export function ownerUser(c: NodeConfig): User {
  const u: User = {
    id: nodeIdOf(c.nodeNum),
    longName: c.longName.length > MAX_LONG_NAME ? c.longName.substring(0, MAX_LONG_NAME) : c.longName,
    shortName: c.shortName,
    hwModel: c.hwModel,
    role: c.role,
  };
  if (c.isLicensed) u.isLicensed = true;
  if (isUnmessagableRole(c.role)) u.isUnmessagable = true;
  if (c.publicKey !== undefined && !c.isLicensed) u.publicKey = c.publicKey;
  return u;
}

export class NodeInfoModule implements MeshModule {
  readonly name = "nodeinfo";
  private readonly timer: Periodic;
  private lastReplyMs = -REPLY_MIN_INTERVAL_MS;

  constructor(config: NodeConfig, startMs: number) {
    this.timer = new Periodic(config.nodeInfoBroadcastSecs > 0 ? startMs + FIRST_BROADCAST_DELAY_MS : undefined);
  }

  handleReceived(p: MeshPacketState, ctx: ModuleContext, now: number): SendRequest | undefined {
    const d = p.decoded;
    if (d === undefined || d.portnum !== PortNum.NODEINFO_APP || p.from === ctx.config.nodeNum) return undefined;
    const r = UserCodec.decode(d.payload || new Uint8Array(0));
    if (r.ok) ctx.nodes.getOrCreate(p.from).user = r.value;
    if (d.wantResponse !== true || (p.to !== ctx.config.nodeNum && p.to !== BROADCAST)) return undefined;
    if (now - this.lastReplyMs < REPLY_MIN_INTERVAL_MS) return undefined;
    this.lastReplyMs = now;
    return replyTo(p, PortNum.NODEINFO_APP, UserCodec.encode(ownerUser(ctx.config)), ctx.config.hopLimit);
  }

  runOnce(ctx: ModuleContext, now: number): void {
    if (!this.timer.isDue(now)) return;
    this.timer.rearm(now, ctx.config.nodeInfoBroadcastSecs * 1000);
    if (!ctx.periodicTxAllowed(now)) return;
    ctx.send(sendRequest(BROADCAST, PortNum.NODEINFO_APP, UserCodec.encode(ownerUser(ctx.config)), ctx.channels.primaryIndex), now);
  }

  nextDue(): number | undefined {
    return this.timer.next();
  }
}
