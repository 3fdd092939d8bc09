// DeviceTelemetryModule: periodic device metrics (battery, channel and TX utilisation, uptime).
import { PortNum } from "../wire/enums.js";
import { DeviceTelemetryCodec } from "../wire/messages.js";
import { BROADCAST } from "../mesh/packet.js";
import { sendRequest } from "../node-events.js";
import type { SendRequest } from "../node-events.js";
import type { NodeConfig } from "../mesh/node-config.js";
import type { MeshModule, ModuleContext } from "./module.js";
import { FIRST_BROADCAST_DELAY_MS, Periodic } from "./periodic.js";

/** battery_level above 100 means external power; the firmware reports 101. */
export const EXTERNAL_POWER_LEVEL = 101;

export class TelemetryModule implements MeshModule {
  readonly name = "telemetry";
  private readonly timer: Periodic;

  constructor(config: NodeConfig, startMs: number) {
    this.timer = new Periodic(config.telemetryIntervalSecs > 0 ? startMs + FIRST_BROADCAST_DELAY_MS : undefined);
  }

  handleReceived(): SendRequest | undefined {
    return undefined;
  }

  runOnce(ctx: ModuleContext, now: number): void {
    if (!this.timer.isDue(now)) return;
    this.timer.rearm(now, ctx.config.telemetryIntervalSecs * 1000);
    if (!ctx.periodicTxAllowed(now)) return;
    const payload = DeviceTelemetryCodec.encode({
      deviceMetrics: {
        batteryLevel: EXTERNAL_POWER_LEVEL,
        channelUtilization: ctx.channelUtilization(now),
        airUtilTx: ctx.airUtilTx(now),
        uptimeSeconds: ctx.uptimeSecs(now),
      },
    });
    ctx.send(sendRequest(BROADCAST, PortNum.TELEMETRY_APP, payload, ctx.channels.primaryIndex), now);
  }

  nextDue(): number | undefined {
    return this.timer.next();
  }
}
