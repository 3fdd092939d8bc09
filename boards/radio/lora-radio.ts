// The driver interface both LoRa chips implement, and the mapping from the core's NodeConfig to the
// radio settings, so a board tunes to the same frequency and modulation the simulator computes
// (sim/simulator.ts uses the same frequencySlotForPreset call).
import { frequencySlotForPreset } from "../../firmware/mesh/frequency.js";
import { effectiveChannelName, modemPresetParams, ModemPreset } from "../../firmware/mesh/modem-preset.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { regionInfo } from "../../firmware/mesh/regions.js";
import { ChannelRole } from "../../firmware/wire/enums.js";
import type { RadioChip } from "../defs/board.js";
import { RadioError } from "./hal.js";

export interface RadioConfig {
  /** Centre frequency in MHz (the float32 value the core computes). */
  freqMhz: number;
  /** Spreading factor (7..12 for the Meshtastic presets). */
  sf: number;
  /** Bandwidth in kHz: 7.8, 10.4, 15.6, 20.8, 31.25, 41.7, 62.5, 125, 250 or 500. */
  bwKhz: number;
  /** Coding rate denominator, 5..8 for 4/5..4/8. */
  cr: number;
  /** Requested power; each driver clamps it to what its chip and PA can do. */
  txPowerDbm: number;
  /** LoRa sync word, Meshtastic 0x2b (RadioLibInterface.h syncWord). */
  syncWord: number;
  /** Preamble length in symbols, Meshtastic 16 (RadioInterface.h preambleLength). */
  preamble: number;
}

/** What a driver reports from onIrq. The runtime turns these into the core's NodeEvents. */
export interface RadioListener {
  /** A frame with a good CRC; rssi in dBm, snr in dB. */
  rx(frame: Uint8Array, rssi: number, snr: number): void;
  txDone(): void;
  /** A frame that failed its payload CRC, or (SX126x only) a bad LoRa header. */
  rxError(kind: "crc" | "header"): void;
  /** Channel activity detection finished; busy = a LoRa preamble was detected. */
  cadDone(busy: boolean): void;
  /**
   * A valid LoRa header arrived (SX126x HEADER_VALID): a frame is on air until rx or rxError. The
   * runtime reports the channel busy meanwhile, as the firmware's isActivelyReceiving() does. The
   * SX127x driver never calls it (ValidHeader is on DIO3, which the boards do not wire to an IRQ).
   */
  rxStarted(): void;
}

/**
 * A LoRa transceiver. All calls are synchronous SPI transactions; results arrive through the listener
 * when the runtime calls onIrq (init() watches the chip's IRQ pin and does that itself).
 *
 * Mode rules, the same for both chips (they fall back to standby after TX and CAD):
 * - after txDone and after cadDone the chip is in standby: call startReceive() to listen again;
 * - in continuous receive the chip stays in receive after rx / rxError.
 *
 * The core's radio-rx / radio-tx-done events carry an optional `busy` (another frame on air). A driver
 * cannot know that from RX_DONE / TX_DONE alone, so the runtime reports busy = false and, if it wants
 * listen-before-talk as the firmware does (RadioLibInterface::isChannelActive), runs startCad() before
 * each transmit and maps cadDone(busy) to a channel-busy event.
 */
export interface LoraRadio {
  readonly chip: RadioChip;
  /** Resets and configures the chip, then leaves it in standby. Throws RadioError. */
  init(cfg: RadioConfig): void;
  /** Sends 1..255 bytes (RadioError TOO_LONG otherwise); txDone follows. */
  transmit(frame: Uint8Array): void;
  /** Continuous receive. */
  startReceive(): void;
  /** One channel activity detection; cadDone follows. */
  startCad(): void;
  /** Reads and clears the chip's IRQ flags and reports them to the listener. */
  onIrq(): void;
  setListener(l: RadioListener): void;
}

/** Meshtastic's LoRa sync word (RadioLibInterface.h). */
export const MESHTASTIC_SYNC_WORD = 0x2b;
/** Preamble on sub-GHz regions (RadioInterface.h preambleLength). */
export const MESHTASTIC_PREAMBLE = 16;
/** Preamble on wide-LoRa 2.4 GHz regions (meshtastic-wire.md section 3; no chip here supports them). */
export const MESHTASTIC_WIDE_PREAMBLE = 12;

function primaryChannelName(config: NodeConfig): string {
  // Channels.primaryIndex: the last channel marked PRIMARY, else index 0.
  let primary = 0;
  for (let i = 0; i < config.channels.length; i++) if (config.channels[i].role === ChannelRole.PRIMARY) primary = i;
  const name = config.channels.length > 0 ? config.channels[primary].name : "";
  return effectiveChannelName(name, config.usePreset, config.modemPreset);
}

/**
 * The RadioConfig for a node: the modem preset's SF/BW/CR, the frequency slot of the primary
 * channel's effective name (or channel_num), and the TX power rule of meshtastic-wire.md 6.13
 * (0 or above the region limit means the region limit, unless licensed).
 *
 * NodeConfig carries no custom bandwidth/SF/CR, override_frequency or frequency_offset, so the preset
 * is always used; a preset whose bandwidth does not fit the band falls back to LONG_FAST as 2.7 does.
 * `txPowerDbm` is LoRaConfig.tx_power (0 = region limit).
 */
export function radioConfigFor(config: NodeConfig, txPowerDbm?: number): RadioConfig {
  const region = regionInfo(config.region);
  const primary = primaryChannelName(config);
  let preset: number = config.modemPreset;
  let slot = frequencySlotForPreset(config.region, preset, config.channelNum, primary);
  if (slot === null) {
    preset = ModemPreset.LONG_FAST;
    slot = frequencySlotForPreset(config.region, preset, config.channelNum, primary);
  }
  if (slot === null) throw new RadioError("BAD_CONFIG", "no frequency slot in region " + region.name);
  const params = modemPresetParams(preset);
  const requested = txPowerDbm === undefined ? 0 : txPowerDbm;
  let power = requested;
  if (power === 0 || (power > region.powerLimitDbm && !config.isLicensed)) power = region.powerLimitDbm;
  return {
    freqMhz: slot.freqMhz,
    sf: params.spreadFactor,
    bwKhz: region.wideLora ? params.wideBandwidthKhz : params.bandwidthKhz,
    cr: params.codingRate,
    txPowerDbm: power,
    syncWord: MESHTASTIC_SYNC_WORD,
    preamble: region.wideLora ? MESHTASTIC_WIDE_PREAMBLE : MESHTASTIC_PREAMBLE,
  };
}

/**
 * LoRa symbol time in microseconds, 2^SF / BW. Low data rate optimisation is required when it is at
 * least 16.38 ms (SX1261/2 datasheet 6.1.1.4: SF11 and SF12 at 125 kHz; SX1276 datasheet 4.1.1.6:
 * "mandated for when the symbol length exceeds 16 ms"). RadioLib switches at >= 16.0 ms; no
 * bandwidth/SF pair lands between the two thresholds.
 */
export function symbolTimeUs(sf: number, bwKhz: number): number {
  return ((1 << sf) * 1000) / bwKhz;
}

export function needsLowDataRateOptimize(sf: number, bwKhz: number): boolean {
  return symbolTimeUs(sf, bwKhz) >= 16380;
}

/** Throws TOO_LONG when a frame length is outside 1..255 (the LoRa length byte, explicit header). */
export function checkFrameLength(frame: Uint8Array): void {
  if (frame.length < 1 || frame.length > 255) throw new RadioError("TOO_LONG", "frame of " + frame.length + " bytes; LoRa carries 1..255");
}

/** The bandwidths both chips support, in the SX1276 RegModemConfig1 code order (0..9). */
export const LORA_BANDWIDTHS_KHZ: number[] = [7.8, 10.4, 15.6, 20.8, 31.25, 41.7, 62.5, 125, 250, 500];

/** Index of `bwKhz` in the LoRa bandwidth list (matching within 0.05 kHz), or -1. */
export function bandwidthIndex(bwKhz: number): number {
  for (let i = 0; i < LORA_BANDWIDTHS_KHZ.length; i++) {
    const d = bwKhz - LORA_BANDWIDTHS_KHZ[i];
    if (d < 0.05 && d > -0.05) return i;
  }
  return -1;
}
