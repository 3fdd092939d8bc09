// PositionModule (firmware src/modules/PositionModule.cpp, 2.7.26): our position for the mesh, and
// others' positions for the NodeDB. Rules:
//   receive (53-114, promiscuous): a Position that does not decode stops the chain; one "from us"
//     that did not come from our own app (LoRa, MQTT) stops it too (not relayed); the NodeDB is
//     updated and the module's precision becomes that of the packet's channel.
//   alter (116-128): our app's positions are cut to the channel's precision.
//   allocReply (276-289): at most one reply per 3 minutes (except LOST_AND_FOUND), none without a
//     usable position or on a channel with precision 0 (then NO_RESPONSE).
//   sendOurPosition (327-375): on the first channel with a non-zero precision (none: nothing); the
//     previous one still queued is cancelled; priority BACKGROUND (RELIABLE for trackers).
//   runOnce (379-473), every 5 s from the start delay (45 s; trackers at once): nothing above 25 %
//     channel use (40 % for trackers), retried 5 s later; a broadcast when none was sent yet or the
//     congestion-scaled interval (default 1 h, 12 h for routers) has passed; otherwise, with smart
//     broadcast on, when the position moved at least the minimum distance (compared on coordinates
//     already cut to the precision) and the smart minimum interval has passed.
import { configuredOrDefaultMs } from "../mesh/congestion.js";
import { distanceMeters } from "../mesh/geo.js";
import type { NodeConfig } from "../mesh/node-config.js";
import { BROADCAST } from "../mesh/packet.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { applyPositionPrecision, truncateCoordinate } from "../mesh/position-precision.js";
import { RxSource } from "../mesh/router.js";
import { utf8Encode } from "../bytes/utf8.js";
import { ChannelRole, LocSource, PortNum, Priority, Role, TransportMechanism } from "../wire/enums.js";
import { RtcQuality } from "../mesh/node-clock.js";
import { PositionCodec } from "../wire/messages.js";
import type { Position } from "../wire/messages.js";
import { ProcessMessage, startDelayMs } from "./module.js";
import type { MeshModule, ModuleContext } from "./module.js";

/** RUNONCE_INTERVAL (PositionModule.cpp 392). */
export const POSITION_RUN_INTERVAL_MS = 5000;
/** Position replies are throttled to one per 3 minutes (allocReply 278). */
export const POSITION_REPLY_MIN_MS = 3 * 60 * 1000;
/** default_broadcast_smart_minimum_interval_secs and the minimum distance default (Default.h 20, getDistanceTraveledSinceLastSend). */
export const DEFAULT_SMART_MIN_INTERVAL_SECS = 5 * 60;
export const DEFAULT_SMART_MIN_DISTANCE_M = 100;

/** config.position.position_flags bits (config.proto PositionFlags). */
export const PositionFlags = { ALTITUDE: 1, ALTITUDE_MSL: 2, GEOIDAL_SEPARATION: 4, DOP: 8, HVDOP: 16, SATINVIEW: 32, SEQ_NO: 64, TIMESTAMP: 128, HEADING: 256, SPEED: 512 } as const;
/** The factory position_flags: altitude (MSL), speed, heading, DOP and satellites (NodeDB.cpp 743-746). */
export const DEFAULT_POSITION_FLAGS = PositionFlags.ALTITUDE | PositionFlags.ALTITUDE_MSL | PositionFlags.SPEED | PositionFlags.HEADING | PositionFlags.DOP | PositionFlags.SATINVIEW;

function isRouterRole(role: number): boolean {
  return role === Role.ROUTER || role === Role.ROUTER_LATE;
}

function isTracker(role: number): boolean {
  return role === Role.TRACKER || role === Role.TAK_TRACKER;
}

/** default_broadcast_interval_secs (Default.h 19): 12 h for ROUTER/ROUTER_LATE, else 1 h. */
export function defaultPositionIntervalSecs(role: number): number {
  return isRouterRole(role) ? 12 * 60 * 60 : 60 * 60;
}

/** Our own position with a usable fix (NodeDB::hasValidPosition). */
function validPosition(c: NodeConfig): Position | undefined {
  const p = c.position;
  if (p === undefined || ((p.latitudeI || 0) === 0 && (p.longitudeI || 0) === 0)) return undefined;
  return p;
}

export class PositionModule implements MeshModule {
  readonly name = "position";
  readonly isPromiscuous = true;
  readonly encryptedOk = false;
  readonly loopbackOk = false;
  ignoreRequest = false;
  private readonly ctx: ModuleContext;
  private due: number;
  /** The precision of the channel last sent on or heard on (the firmware's `precision` member). */
  private precision = 0;
  private lastGpsSend: number | undefined;
  private lastLat = 0;
  /** localPosition.seq_number. */
  private seqNumber = 0;
  private lastLon = 0;
  private lastSentReply: number | undefined;
  private prevPacketId = 0;
  private askedForReplies: boolean;

  constructor(ctx: ModuleContext, startMs: number, startIndex: number, freshInstall: boolean) {
    this.ctx = ctx;
    this.due = isTracker(ctx.config.role) ? startMs : startMs + startDelayMs(startIndex);
    this.askedForReplies = !freshInstall;
  }

  /** Whether this module takes a start-delay slot (trackers run at once). */
  static usesStartDelay(role: number): boolean {
    return !isTracker(role);
  }

  wantPacket(p: MeshPacketState): boolean {
    return p.decoded !== undefined && (p.decoded.portnum || 0) === PortNum.POSITION_APP;
  }

  private decode(p: MeshPacketState): Position | undefined {
    const r = PositionCodec.decode((p.decoded && p.decoded.payload) || new Uint8Array(0));
    return r.ok ? r.value : undefined;
  }

  private channelPrecision(index: number): number {
    const e = this.ctx.channels.get(index);
    return e === undefined ? 0 : e.positionPrecision;
  }

  handleReceived(p: MeshPacketState, _src: number, now: number): ProcessMessage {
    const pos = this.decode(p);
    if (pos === undefined) return ProcessMessage.Stop;
    const ctx = this.ctx;
    const fromUs = p.from === 0 || p.from === ctx.config.nodeNum;
    if (fromUs && p.transportMechanism !== TransportMechanism.INTERNAL && p.transportMechanism !== TransportMechanism.API) return ProcessMessage.Stop;
    if (fromUs) {
      // Our own app setting our position (NodeDB::setLocalPosition, PositionModule.cpp 66-87): with
      // a fixed position only its time is taken, and nothing else happens.
      const local = ctx.config.position;
      if (ctx.config.fixedPosition) {
        // setLocalPosition(p, timeOnly) (NodeDB.h 275-281): the timestamp falls back to the time.
        if (local !== undefined) ctx.config.position = Object.assign({}, local, { time: pos.time, timestamp: (pos.timestamp || 0) > 0 ? pos.timestamp : pos.time });
        return ProcessMessage.Continue;
      }
      // localPosition is replaced whole, its seq_number with it.
      ctx.config.position = pos;
      this.seqNumber = pos.seqNumber || 0;
    }
    const entry = ctx.channels.get(p.channel);
    if ((pos.time || 0) !== 0 && entry !== undefined && entry.role === ChannelRole.PRIMARY) this.trySetRtc(pos, fromUs, now);
    ctx.nodes.updatePosition(fromUs ? ctx.config.nodeNum : p.from, pos, ctx.clock.time(now));
    this.precision = this.channelPrecision(p.channel);
    return ProcessMessage.Continue;
  }

  /**
   * trySetRtc (130-147): our app's time counts as NTP; a neighbour's only when we have no quality
   * time source of our own and its position came from a GPS (location_source at least INTERNAL).
   */
  private trySetRtc(pos: Position, isLocal: boolean, now: number): void {
    const clock = this.ctx.clock;
    if (!isLocal && (clock.hasQualityTimesource(now) || (pos.locationSource || 0) < LocSource.LOC_INTERNAL)) return;
    const before = clock.quality;
    // RTC.cpp 16-21, 343: the first time source makes NodeInfoModule run at once.
    if (clock.perhapsSet(isLocal ? RtcQuality.NTP : RtcQuality.FromNet, pos.time || 0, now) && before === RtcQuality.None) this.ctx.timeSourceAcquired(now);
  }

  alterReceived(p: MeshPacketState): void {
    if (!(p.from === 0 || p.from === this.ctx.config.nodeNum) || p.decoded === undefined) return;
    const pos = this.decode(p);
    if (pos === undefined) return;
    p.decoded = Object.assign({}, p.decoded, { payload: PositionCodec.encode(applyPositionPrecision(pos, this.precision)) });
  }

  /** allocPositionPacket: our position with the fields position_flags asks for, cut to `precision`. */
  private allocPositionPacket(now: number): MeshPacketState | undefined {
    if (this.precision === 0) return undefined;
    const ctx = this.ctx;
    ctx.refreshLocalMeshNode(now);
    const c = ctx.config;
    // localPosition.seq_number counts every attempt, sent or not (PositionModule.cpp 191).
    this.seqNumber = (this.seqNumber + 1) >>> 0;
    const own = validPosition(c);
    if (own === undefined) return undefined;
    const flags = c.positionFlags;
    let p: Position = { latitudeI: own.latitudeI || 0, longitudeI: own.longitudeI || 0 };
    p = applyPositionPrecision(p, this.precision);
    // Only a GPS/NTP-quality time goes out; a time from the mesh is stripped (PositionModule.cpp 205-214).
    const t = ctx.clock.validTime(now, RtcQuality.NTP);
    if (t > 0) p.time = t;
    p.locationSource = c.fixedPosition ? LocSource.LOC_MANUAL : own.locationSource || 0;
    if ((flags & PositionFlags.ALTITUDE) !== 0) {
      if ((flags & PositionFlags.ALTITUDE_MSL) !== 0) p.altitude = own.altitude || 0;
      else p.altitudeHae = own.altitudeHae || 0;
      if ((flags & PositionFlags.GEOIDAL_SEPARATION) !== 0) p.altitudeGeoidalSeparation = own.altitudeGeoidalSeparation || 0;
    }
    if ((flags & PositionFlags.DOP) !== 0) {
      if ((flags & PositionFlags.HVDOP) !== 0) {
        p.HDOP = own.HDOP || 0;
        p.VDOP = own.VDOP || 0;
      } else p.PDOP = own.PDOP || 0;
    }
    if ((flags & PositionFlags.SATINVIEW) !== 0) p.satsInView = own.satsInView || 0;
    if ((flags & PositionFlags.TIMESTAMP) !== 0) p.timestamp = own.timestamp || 0;
    if ((flags & PositionFlags.SEQ_NO) !== 0) p.seqNumber = this.seqNumber;
    if ((flags & PositionFlags.HEADING) !== 0) p.groundTrack = own.groundTrack || 0;
    if ((flags & PositionFlags.SPEED) !== 0) p.groundSpeed = own.groundSpeed || 0;
    return ctx.allocForSending({ portnum: PortNum.POSITION_APP, payload: PositionCodec.encode(p) }, now);
  }

  allocReply(_req: MeshPacketState, now: number): MeshPacketState | undefined {
    if (!this.ctx.config.sendPosition) {
      this.ignoreRequest = true;
      return undefined;
    }
    if (this.ctx.config.role !== Role.LOST_AND_FOUND && this.lastSentReply !== undefined && now - this.lastSentReply < POSITION_REPLY_MIN_MS) {
      this.ignoreRequest = true;
      return undefined;
    }
    const r = this.allocPositionPacket(now);
    if (r !== undefined) this.lastSentReply = now;
    return r;
  }

  /** sendOurPosition(): on the first channel with a position precision. */
  private sendOurPositionBroadcast(now: number): void {
    const requestReplies = !this.askedForReplies;
    this.askedForReplies = true;
    const n = this.ctx.channels.entries.length;
    for (let ch = 0; ch < n; ch++) {
      if (this.channelPrecision(ch) !== 0) {
        this.sendOurPosition(BROADCAST, requestReplies, ch, now);
        return;
      }
    }
  }

  sendOurPosition(dest: number, wantReplies: boolean, channel: number, now: number): void {
    const ctx = this.ctx;
    if (validPosition(ctx.config) === undefined && !ctx.config.fixedPosition) return;
    if (this.prevPacketId !== 0) ctx.cancelSending(this.prevPacketId);
    this.precision = this.channelPrecision(channel);
    const p = this.allocPositionPacket(now);
    if (p === undefined) return;
    const role = ctx.config.role;
    p.to = dest;
    p.decoded = Object.assign({}, p.decoded, { wantResponse: role === Role.TRACKER ? false : wantReplies });
    p.priority = isTracker(role) ? Priority.RELIABLE : Priority.BACKGROUND;
    this.prevPacketId = p.id;
    if (channel > 0) p.channel = channel;
    ctx.sendToMesh(p, RxSource.Local, now, true);
  }

  runOnce(now: number): void {
    if (now < this.due) return;
    this.due = now + POSITION_RUN_INTERVAL_MS;
    const ctx = this.ctx;
    const c = ctx.config;
    if (!c.sendPosition) return;
    const intervalMs = ctx.scaledIntervalMs(c.positionBroadcastSecs, defaultPositionIntervalSecs(c.role), now);
    if (!ctx.isTxAllowedChannelUtil(!isTracker(c.role), now)) return;
    const own = validPosition(c);
    if (this.lastGpsSend === undefined || now - this.lastGpsSend >= intervalMs) {
      if (own === undefined) return;
      this.lastGpsSend = now;
      this.lastLat = own.latitudeI || 0;
      this.lastLon = own.longitudeI || 0;
      ctx.setLastSentToMesh(PortNum.POSITION_APP, now);
      this.sendOurPositionBroadcast(now);
      if (c.role === Role.LOST_AND_FOUND) this.sendLostAndFoundText(now);
    } else if (c.positionSmartEnabled) {
      ctx.refreshLocalMeshNode(now);
      if (own === undefined) return;
      const threshold = c.positionSmartMinimumDistance > 0 ? c.positionSmartMinimumDistance : DEFAULT_SMART_MIN_DISTANCE_M;
      const minMs = configuredOrDefaultMs(c.positionSmartMinimumIntervalSecs, DEFAULT_SMART_MIN_INTERVAL_SECS);
      if (this.distanceSinceLastSend(own) >= threshold && now - this.lastGpsSend >= minMs) {
        this.lastGpsSend = now;
        this.sendOurPositionBroadcast(now);
        this.lastLat = own.latitudeI || 0;
        this.lastLon = own.longitudeI || 0;
      }
    }
  }

  /** getDistanceTraveledSinceLastSend: both ends cut to the current precision first. */
  private distanceSinceLastSend(own: Position): number {
    const cut = (v: number): number => (this.precision > 0 && this.precision < 32 ? truncateCoordinate(v, this.precision) : v);
    return Math.abs(distanceMeters(cut(this.lastLat), cut(this.lastLon), cut(own.latitudeI || 0), cut(own.longitudeI || 0)));
  }

  /** sendLostAndFoundText (PositionModule.cpp 471-484). */
  private sendLostAndFoundText(now: number): void {
    const text = "\u{1F6A8}I'm lost! Lat / Lon: " + (this.lastLat * 1e-7).toFixed(6) + ", " + (this.lastLon * 1e-7).toFixed(6) + "\u0007";
    const p = this.ctx.allocForSending({ portnum: PortNum.TEXT_MESSAGE_APP, payload: utf8Encode(text) }, now);
    this.ctx.sendToMesh(p, RxSource.Local, now);
  }

  nextDue(): number | undefined {
    return this.due;
  }
}
