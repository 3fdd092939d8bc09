// Everything time-on-air for one node: its modulation, slot time, contention windows, airtime
// accounting and duty-cycle limits, bundled so the router asks one object (spec 6.6, 6.12-6.14).
import { AirtimeKind, AirtimeStats } from "./airtime-stats.js";
import { packetTimeMsec, presetModulation, presetSlotTimeMsec } from "./airtime.js";
import type { LoraModulation } from "./airtime.js";
import { retransmissionMsec, txDelayMsec, txDelayWeightedMsec, worstWeightedDelayMsec } from "./contention.js";
import type { NodeConfig } from "./node-config.js";
import { regionInfo } from "./regions.js";
import type { RegionInfo } from "./regions.js";
import type { Rng } from "./rng.js";

export class RadioTiming {
  readonly modulation: LoraModulation;
  readonly slotMs: number;
  readonly region: RegionInfo;
  readonly stats = new AirtimeStats();
  private readonly overrideDutyCycle: boolean;

  constructor(config: NodeConfig) {
    this.region = regionInfo(config.region);
    this.modulation = presetModulation(config.modemPreset, this.region.wideLora);
    this.slotMs = presetSlotTimeMsec(config.modemPreset, this.region.wideLora);
    this.overrideDutyCycle = config.overrideDutyCycle;
  }

  /** Whole-ms time on air of a PHY payload, as the firmware accounts it. */
  airtimeMs(frameBytes: number): number {
    return packetTimeMsec(this.modulation, frameBytes);
  }

  txDelayMsec(rng: Rng, now: number): number {
    return txDelayMsec(rng, this.slotMs, this.stats.channelUtilizationPercent(now));
  }

  txDelayWeightedMsec(rng: Rng, snr: number, isRouter: boolean): number {
    return txDelayWeightedMsec(rng, this.slotMs, snr, isRouter);
  }

  worstWeightedDelayMsec(snr: number): number {
    return worstWeightedDelayMsec(this.slotMs, snr);
  }

  retransmissionMsec(airtimeMs: number, now: number): number {
    return retransmissionMsec(airtimeMs, this.slotMs, this.stats.channelUtilizationPercent(now));
  }

  recordTx(ms: number, now: number): void {
    this.stats.logAirtime(AirtimeKind.TX, ms, now);
  }

  recordRx(ms: number, now: number): void {
    this.stats.logAirtime(AirtimeKind.RX, ms, now);
  }

  /** Router::send's hard limit: over the region's hourly duty cycle, nothing is sent. */
  dutyCycleExceeded(now: number): boolean {
    return this.stats.dutyCycleExceeded(this.region.dutyCyclePercent, this.overrideDutyCycle, now);
  }

  /** Polite limits for periodic broadcasts (channel utilisation and half the duty cycle). */
  periodicTxAllowed(now: number): boolean {
    return this.stats.isTxAllowedChannelUtil(true, now) && this.stats.isTxAllowedAirUtil(this.region.dutyCyclePercent, this.overrideDutyCycle, now);
  }
}
