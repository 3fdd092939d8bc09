// PositionModule: periodic and "smart" (moved far enough) broadcasts of our position, answers to
// want_response requests, and the per-channel position precision the router applies when it
// sends our POSITION_APP packets (PositionPrecision.cpp, spec 6.2 step 3).
import { PortNum } from "../wire/enums.js";
import { PositionCodec } from "../wire/messages.js";
import type { Position } from "../wire/messages.js";
import { BROADCAST } from "../mesh/packet.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { sendRequest } from "../node-events.js";
import type { SendRequest } from "../node-events.js";
import { replyTo } from "./module.js";
import type { NodeConfig } from "../mesh/node-config.js";
import type { MeshModule, ModuleContext } from "./module.js";
import { FIRST_BROADCAST_DELAY_MS, Periodic } from "./periodic.js";

/** Smart broadcast: at least this far (m) and this long (ms) since the last one (position.broadcast_smart_minimum_*). */
export const SMART_MIN_DISTANCE_M = 100;
export const SMART_MIN_INTERVAL_MS = 30000;

/**
 * Channel precision: 0 → an empty Position (time kept); 1..31 → lat/lon truncated to `bits` and
 * centred in the cell, precision_bits set; 32 or more → unchanged.
 */
export function applyPositionPrecision(pos: Position, bits: number): Position {
  if (bits >= 32) return pos;
  if (bits <= 0) {
    const empty: Position = {};
    if (pos.time !== undefined) empty.time = pos.time;
    return empty;
  }
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  const half = (1 << (31 - bits)) >>> 0;
  const out: Position = Object.assign({}, pos, { precisionBits: bits });
  if (pos.latitudeI !== undefined) out.latitudeI = (((pos.latitudeI & mask) >>> 0) + half) | 0;
  if (pos.longitudeI !== undefined) out.longitudeI = (((pos.longitudeI & mask) >>> 0) + half) | 0;
  return out;
}

/** Great-circle distance in metres (haversine) between two positions in 1e-7 degrees. */
export function distanceMeters(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const r = 6371000;
  const toRad = Math.PI / 180 / 1e7;
  const dLat = (bLat - aLat) * toRad;
  const dLon = (bLon - aLon) * toRad;
  const s = Math.sin(dLat / 2) * Math.sin(dLat / 2) + Math.cos(aLat * toRad) * Math.cos(bLat * toRad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
  return 2 * r * Math.atan2(Math.sqrt(s), Math.sqrt(1 - s));
}

export class PositionModule implements MeshModule {
  readonly name = "position";
  private readonly timer: Periodic;
  private lastSent: Position | undefined;
  private lastSentMs = 0;

  constructor(config: NodeConfig, startMs: number) {
    this.timer = new Periodic(config.positionBroadcastSecs > 0 ? startMs + FIRST_BROADCAST_DELAY_MS : undefined);
  }

  private broadcast(ctx: ModuleContext, pos: Position, now: number): void {
    this.lastSent = pos;
    this.lastSentMs = now;
    ctx.send(sendRequest(BROADCAST, PortNum.POSITION_APP, PositionCodec.encode(pos), ctx.channels.primaryIndex), now);
  }

  handleReceived(p: MeshPacketState, ctx: ModuleContext): SendRequest | undefined {
    const d = p.decoded;
    if (d === undefined || d.portnum !== PortNum.POSITION_APP || p.from === ctx.config.nodeNum) return undefined;
    const r = PositionCodec.decode(d.payload || new Uint8Array(0));
    if (r.ok && r.value.latitudeI !== undefined) ctx.nodes.getOrCreate(p.from).position = r.value;
    const own = ctx.config.position;
    if (d.wantResponse !== true || own === undefined || (p.to !== ctx.config.nodeNum && p.to !== BROADCAST)) return undefined;
    return replyTo(p, PortNum.POSITION_APP, PositionCodec.encode(own), ctx.config.hopLimit);
  }

  runOnce(ctx: ModuleContext, now: number): void {
    const due = this.timer.isDue(now);
    if (due) this.timer.rearm(now, ctx.config.positionBroadcastSecs * 1000);
    const own = ctx.config.position;
    if (own === undefined || own.latitudeI === undefined || own.longitudeI === undefined) return;
    if (due) {
      if (ctx.periodicTxAllowed(now)) this.broadcast(ctx, own, now);
      return;
    }
    const last = this.lastSent;
    if (!ctx.config.positionSmartEnabled || last === undefined || last.latitudeI === undefined || last.longitudeI === undefined) return;
    if (now - this.lastSentMs < SMART_MIN_INTERVAL_MS) return;
    if (distanceMeters(last.latitudeI, last.longitudeI, own.latitudeI, own.longitudeI) < SMART_MIN_DISTANCE_M) return;
    if (ctx.periodicTxAllowed(now)) this.broadcast(ctx, own, now);
  }

  nextDue(): number | undefined {
    // Smart broadcasts are checked whenever the node runs; the periodic timer bounds the wait.
    return this.timer.next();
  }
}
