// DeviceTelemetryModule (firmware src/modules/Telemetry/DeviceTelemetry.cpp, 2.7.26). Rules:
//   runOnce (21-47): every minute from the start delay (60 s), a device-metrics broadcast when
//     device_telemetry_enabled (off by default since 2.7.13), none was sent yet or the
//     congestion-scaled device_update_interval (default MAX_INTERVAL; 1 h / 12 h when 0) passed, the
//     channel is below 25 % (40 % for SENSOR and routers), within the duty-cycle budget, and the
//     role is not CLIENT_HIDDEN; priority BACKGROUND, a copy to the phone. Otherwise, while the
//     phone queue is empty (a phone drains it; without one only until the first packet for it),
//     the metrics go to the phone alone, with LocalStats every 15 min. Either way our own NodeDB
//     entry takes the metrics, which refreshes the online count the modules scale by.
//   uptime (DeviceTelemetry.h 44-62): as of the last run, so a reply between runs is up to 60 s old.
//   receive (49-62, packets to us or broadcast): a Telemetry that does not decode stops the chain;
//     device metrics are stored in the NodeDB.
//   allocReply (64-92): a request for device metrics gets ours, one for LocalStats gets those; a
//     multi-hop broadcast request is ignored unless we are a SENSOR or router; anything else: none.
import type { MeshPacketState } from "../mesh/packet.js";
import { BROADCAST, isBroadcast } from "../mesh/packet.js";
import { RxSource } from "../mesh/router.js";
import { PortNum, Priority, Role } from "../wire/enums.js";
import { TelemetryCodec } from "../wire/messages.js";
import type { DeviceMetrics, Telemetry } from "../wire/messages.js";
import { ProcessMessage, startDelayMs } from "./module.js";
import type { MeshModule, ModuleContext } from "./module.js";

/** MAGIC_USB_BATTERY_LEVEL: battery_level 101 means external power. */
export const EXTERNAL_POWER_LEVEL = 101;
/** sendToPhoneIntervalMs: the module runs every minute. */
export const TELEMETRY_RUN_INTERVAL_MS = 60 * 1000;
/** TX_HISTORY_KEY_DEVICE_TELEMETRY (DeviceTelemetry.cpp 19). */
const TX_HISTORY_KEY = 0x8001;
/** sendStatsToPhoneIntervalMs (DeviceTelemetry.h 52). */
const STATS_TO_PHONE_INTERVAL_MS = 15 * 60 * 1000;

function isSensorOrRouterRole(role: number): boolean {
  return role === Role.SENSOR || role === Role.ROUTER || role === Role.ROUTER_LATE;
}

/** default_telemetry_broadcast_interval_secs (Default.h 18): 12 h for routers, else 1 h. */
export function defaultTelemetryIntervalSecs(role: number): number {
  return role === Role.ROUTER || role === Role.ROUTER_LATE ? 12 * 60 * 60 : 60 * 60;
}

export class DeviceTelemetryModule implements MeshModule {
  readonly name = "telemetry";
  readonly isPromiscuous = false;
  readonly encryptedOk = false;
  readonly loopbackOk = false;
  ignoreRequest = false;
  private readonly ctx: ModuleContext;
  private due: number;
  /** uptimeLastMs: the time of the last run (refreshUptime). */
  private uptimeAt: number;
  private lastStatsToPhone: number | undefined;

  constructor(ctx: ModuleContext, startMs: number, startIndex: number) {
    this.ctx = ctx;
    this.due = startMs + startDelayMs(startIndex);
    this.uptimeAt = startMs;
  }

  wantPacket(p: MeshPacketState): boolean {
    return p.decoded !== undefined && (p.decoded.portnum || 0) === PortNum.TELEMETRY_APP;
  }

  private decode(p: MeshPacketState): Telemetry | undefined {
    const r = TelemetryCodec.decode((p.decoded && p.decoded.payload) || new Uint8Array(0));
    return r.ok ? r.value : undefined;
  }

  handleReceived(p: MeshPacketState, _src: number, now: number): ProcessMessage {
    const t = this.decode(p);
    if (t === undefined) return ProcessMessage.Stop;
    // DeviceTelemetry.cpp 47-59: getFrom, so our own (from 0) metrics land in our entry too.
    const ctx = this.ctx;
    if (t.deviceMetrics !== undefined) ctx.nodes.updateTelemetry(p.from === 0 ? ctx.config.nodeNum : p.from, t.deviceMetrics, ctx.clock.time(now));
    return ProcessMessage.Continue;
  }

  private deviceTelemetry(now: number): Telemetry {
    const ctx = this.ctx;
    return {
      time: ctx.clock.time(now),
      deviceMetrics: {
        batteryLevel: EXTERNAL_POWER_LEVEL,
        voltage: 0,
        channelUtilization: ctx.channelUtilization(now),
        airUtilTx: ctx.airUtilTx(now),
        uptimeSeconds: ctx.clock.uptimeSecs(this.uptimeAt),
      },
    };
  }

  private localStatsTelemetry(now: number): Telemetry {
    const ctx = this.ctx;
    const s = ctx.localStats(now);
    return {
      time: ctx.clock.time(now),
      localStats: {
        uptimeSeconds: ctx.clock.uptimeSecs(this.uptimeAt),
        channelUtilization: ctx.channelUtilization(now),
        airUtilTx: ctx.airUtilTx(now),
        numPacketsTx: s.txGood,
        numPacketsRx: s.rxGood + s.rxBad,
        numPacketsRxBad: s.rxBad,
        numOnlineNodes: ctx.numOnline(now),
        numTotalNodes: ctx.nodes.size,
        numRxDupe: s.rxDupe,
        numTxRelay: s.txRelay,
        numTxRelayCanceled: s.txRelayCanceled,
        numTxDropped: s.txDrop,
      },
    };
  }

  allocReply(req: MeshPacketState, now: number): MeshPacketState | undefined {
    const ctx = this.ctx;
    if (isBroadcast(req.to) && req.hopLimit < req.hopStart && !isSensorOrRouterRole(ctx.config.role)) {
      this.ignoreRequest = true;
      return undefined;
    }
    const asked = this.decode(req);
    if (asked === undefined) return undefined;
    let t: Telemetry | undefined;
    if (asked.deviceMetrics !== undefined) t = this.deviceTelemetry(now);
    else if (asked.localStats !== undefined) t = this.localStatsTelemetry(now);
    if (t === undefined) return undefined;
    return ctx.allocForSending({ portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode(t) }, now);
  }

  runOnce(now: number): void {
    if (now < this.due) return;
    this.due = now + TELEMETRY_RUN_INTERVAL_MS;
    this.uptimeAt = now;
    const ctx = this.ctx;
    const c = ctx.config;
    const last = ctx.lastSentToMesh(TX_HISTORY_KEY);
    const intervalMs = ctx.scaledIntervalMs(c.telemetryIntervalSecs, defaultTelemetryIntervalSecs(c.role), now);
    if (
      (last === undefined || now - last >= intervalMs) &&
      ctx.isTxAllowedChannelUtil(!isSensorOrRouterRole(c.role), now) &&
      ctx.isTxAllowedAirUtil(now) &&
      c.role !== Role.CLIENT_HIDDEN &&
      c.deviceTelemetryEnabled
    ) {
      this.sendTelemetry(false, now);
      ctx.setLastSentToMesh(TX_HISTORY_KEY, now);
    } else if (ctx.isToPhoneQueueEmpty()) {
      this.sendTelemetry(true, now);
      if (this.lastStatsToPhone === undefined || now - this.lastStatsToPhone >= STATS_TO_PHONE_INTERVAL_MS) {
        const stats = ctx.allocForSending({ portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode(this.localStatsTelemetry(now)) }, now);
        stats.priority = Priority.BACKGROUND;
        ctx.sendToPhone(stats);
        this.lastStatsToPhone = now;
      }
    }
  }

  /** sendTelemetry (176-205): our metrics into our NodeDB entry, then to the mesh (and phone) or the phone alone. */
  private sendTelemetry(phoneOnly: boolean, now: number): void {
    const ctx = this.ctx;
    const t = this.deviceTelemetry(now);
    const p = ctx.allocForSending({ portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode(t) }, now);
    p.to = BROADCAST;
    p.priority = Priority.BACKGROUND;
    ctx.nodes.updateTelemetry(ctx.config.nodeNum, t.deviceMetrics as DeviceMetrics, ctx.clock.time(now));
    if (phoneOnly) ctx.sendToPhone(p);
    else ctx.sendToMesh(p, RxSource.Local, now, true);
  }

  nextDue(): number | undefined {
    return this.due;
  }
}
