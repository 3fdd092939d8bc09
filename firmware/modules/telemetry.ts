// DeviceTelemetryModule (firmware src/modules/Telemetry/DeviceTelemetry.cpp, 2.7.26). Rules:
//   runOnce (21-47): every minute from the start delay (60 s), a device-metrics broadcast when
//     device_telemetry_enabled (off by default since 2.7.13), none was sent yet or the
//     congestion-scaled device_update_interval (default MAX_INTERVAL; 1 h / 12 h when 0) passed, the
//     channel is below 25 % (40 % for SENSOR and routers), within the duty-cycle budget, and the
//     role is not CLIENT_HIDDEN; priority BACKGROUND. (Between broadcasts the firmware hands the
//     metrics to the phone only; meshport has no phone API yet.)
//   receive (49-62, packets to us or broadcast): a Telemetry that does not decode stops the chain;
//     device metrics are stored in the NodeDB.
//   allocReply (64-92): a request for device metrics gets ours, one for LocalStats gets those; a
//     multi-hop broadcast request is ignored unless we are a SENSOR or router; anything else: none.
import type { MeshPacketState } from "../mesh/packet.js";
import { BROADCAST, isBroadcast } from "../mesh/packet.js";
import { RxSource } from "../mesh/router.js";
import { PortNum, Priority, Role } from "../wire/enums.js";
import { TelemetryCodec } from "../wire/messages.js";
import type { Telemetry } from "../wire/messages.js";
import { ProcessMessage, startDelayMs } from "./module.js";
import type { MeshModule, ModuleContext } from "./module.js";

/** MAGIC_USB_BATTERY_LEVEL: battery_level 101 means external power. */
export const EXTERNAL_POWER_LEVEL = 101;
/** sendToPhoneIntervalMs: the module runs every minute. */
export const TELEMETRY_RUN_INTERVAL_MS = 60 * 1000;
/** TX_HISTORY_KEY_DEVICE_TELEMETRY (DeviceTelemetry.cpp 19). */
const TX_HISTORY_KEY = 0x8001;

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

  constructor(ctx: ModuleContext, startMs: number, startIndex: number) {
    this.ctx = ctx;
    this.due = startMs + startDelayMs(startIndex);
  }

  wantPacket(p: MeshPacketState): boolean {
    return p.decoded !== undefined && (p.decoded.portnum || 0) === PortNum.TELEMETRY_APP;
  }

  private decode(p: MeshPacketState): Telemetry | undefined {
    const r = TelemetryCodec.decode((p.decoded && p.decoded.payload) || new Uint8Array(0));
    return r.ok ? r.value : undefined;
  }

  handleReceived(p: MeshPacketState): ProcessMessage {
    const t = this.decode(p);
    if (t === undefined) return ProcessMessage.Stop;
    if (t.deviceMetrics !== undefined && p.from !== 0) this.ctx.nodes.getOrCreate(p.from).deviceMetrics = t.deviceMetrics;
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
        uptimeSeconds: ctx.clock.uptimeSecs(now),
      },
    };
  }

  private localStatsTelemetry(now: number): Telemetry {
    const ctx = this.ctx;
    const s = ctx.localStats(now);
    return {
      time: ctx.clock.time(now),
      localStats: {
        uptimeSeconds: ctx.clock.uptimeSecs(now),
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
      const p = ctx.allocForSending({ portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode(this.deviceTelemetry(now)) }, now);
      p.to = BROADCAST;
      p.priority = Priority.BACKGROUND;
      ctx.sendToMesh(p, RxSource.Local, now);
      ctx.setLastSentToMesh(TX_HISTORY_KEY, now);
    }
  }

  nextDue(): number | undefined {
    return this.due;
  }
}
