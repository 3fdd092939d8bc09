// SX1262 LoRa driver over the SpiBus/Gpio seams. Command opcodes, parameter codes and register
// addresses are from the SX1261/2 datasheet (rev 2.1, chapter 13) as RadioLib names them
// (src/modules/SX126x/SX126x_commands.h, SX126x_registers.h; espruino.md section 3.3). The init order
// follows RadioLib SX126x::begin / modSetup and the datasheet's "circuit configuration for basic
// LoRa operation" (14.5). Each command waits for BUSY low first (datasheet 8.3.1).
import type { RadioChip, RadioPins } from "../defs/board.js";
import { DEFAULT_BUSY_POLLS, pulseReset, RadioError } from "./hal.js";
import type { Gpio, SpiBus } from "./hal.js";
import { bandwidthIndex, checkFrameLength, needsLowDataRateOptimize } from "./lora-radio.js";
import type { LoraRadio, RadioConfig, RadioListener } from "./lora-radio.js";

/** SX126x opcodes (datasheet table 13-1..13-4 / RadioLib SX126x_commands.h). */
export const Sx126xOp = {
  CLEAR_IRQ_STATUS: 0x02,
  SET_DIO_IRQ_PARAMS: 0x08,
  WRITE_REGISTER: 0x0d,
  WRITE_BUFFER: 0x0e,
  GET_IRQ_STATUS: 0x12,
  GET_RX_BUFFER_STATUS: 0x13,
  GET_PACKET_STATUS: 0x14,
  READ_REGISTER: 0x1d,
  READ_BUFFER: 0x1e,
  SET_STANDBY: 0x80,
  SET_RX: 0x82,
  SET_TX: 0x83,
  SET_RF_FREQUENCY: 0x86,
  SET_CAD_PARAMS: 0x88,
  CALIBRATE: 0x89,
  SET_PACKET_TYPE: 0x8a,
  SET_MODULATION_PARAMS: 0x8b,
  SET_PACKET_PARAMS: 0x8c,
  SET_TX_PARAMS: 0x8e,
  SET_BUFFER_BASE_ADDRESS: 0x8f,
  SET_PA_CONFIG: 0x95,
  SET_REGULATOR_MODE: 0x96,
  SET_DIO3_AS_TCXO_CTRL: 0x97,
  CALIBRATE_IMAGE: 0x98,
  SET_DIO2_AS_RF_SWITCH_CTRL: 0x9d,
  GET_STATUS: 0xc0,
  SET_CAD: 0xc5,
} as const;

/** IRQ bits (datasheet table 13-29). */
export const Sx126xIrq = {
  TX_DONE: 0x001,
  RX_DONE: 0x002,
  PREAMBLE_DETECTED: 0x004,
  SYNC_WORD_VALID: 0x008,
  HEADER_VALID: 0x010,
  HEADER_ERR: 0x020,
  CRC_ERR: 0x040,
  CAD_DONE: 0x080,
  CAD_DETECTED: 0x100,
  TIMEOUT: 0x200,
  ALL: 0x3ff,
} as const;

/** The IRQs routed to DIO1: everything the driver reports (HEADER_VALID: a frame started, for listen-before-talk). */
const IRQ_MASK =
  Sx126xIrq.TX_DONE |
  Sx126xIrq.RX_DONE |
  Sx126xIrq.HEADER_VALID |
  Sx126xIrq.HEADER_ERR |
  Sx126xIrq.CRC_ERR |
  Sx126xIrq.CAD_DONE |
  Sx126xIrq.CAD_DETECTED |
  Sx126xIrq.TIMEOUT;

/** Registers (RadioLib SX126x_registers.h). */
const REG_LORA_SYNC_WORD_MSB = 0x0740;
const REG_SENSITIVITY_CONFIG = 0x0889;
const REG_TX_CLAMP_CONFIG = 0x08d8;
const REG_OCP_CONFIGURATION = 0x08e7;

/** SetModulationParams bandwidth codes, in lora-radio.ts LORA_BANDWIDTHS_KHZ order (datasheet table 13-47). */
const BW_CODES: number[] = [0x00, 0x08, 0x01, 0x09, 0x02, 0x0a, 0x03, 0x04, 0x05, 0x06];

/** SetDIO3AsTCXOCtrl voltage codes 0..7 (datasheet table 13-35). */
const TCXO_VOLTAGES: number[] = [1.6, 1.7, 1.8, 2.2, 2.4, 2.7, 3.0, 3.3];

/**
 * TCXO start-up timeout in 15.625 us steps: RadioLib's default 5000 us delay (SX126x::setTCXO) gives
 * 320 = 0x000140.
 */
const TCXO_TIMEOUT_STEPS = 320;

/** SetTxParams range of the SX1262 high-power PA (datasheet 13.4.4). */
const SX1262_MIN_POWER = -9;
const SX1262_MAX_POWER = 22;

/** SetTxParams ramp time 200 us (RadioLib RADIOLIB_SX126X_PA_RAMP_200U). */
const PA_RAMP_200U = 0x04;

/** OCP 140 mA in 2.5 mA steps: the SX1262 default, which SetPaConfig resets (Meshtastic sets 140 mA too). */
const OCP_140MA = 0x38;

/** CAD on 4 symbols, detMin 10, back to STDBY_RC (RadioLib SX126x::setCad defaults; detPeak is SF + 13). */
const CAD_ON_4_SYMB = 0x02;
const CAD_DET_MIN = 10;
const CAD_GOTO_STDBY = 0x00;

/**
 * CalibrateImage parameters per band, as RadioLib SX126x::calibrateImage(freq) matches them on the
 * integer MHz; outside the table it calibrates freq +- 4 MHz with calibrateImageRejection.
 */
function imageCalibration(freqMhz: number): number[] {
  const band = Math.floor(freqMhz);
  if (band >= 902 && band <= 928) return [0xe1, 0xe9];
  if (band >= 863 && band <= 870) return [0xd7, 0xdb];
  if (band >= 779 && band <= 787) return [0xc1, 0xc5];
  if (band >= 470 && band <= 510) return [0x75, 0x81];
  if (band >= 430 && band <= 440) return [0x6b, 0x6f];
  // calibrateImageRejection(freq - 4, freq + 4): floor((min - 1) / 4) made odd downwards,
  // ceil((max + 1) / 4) made odd upwards.
  let lo = Math.floor((freqMhz - 4 - 1) / 4) & 0xff;
  let hi = Math.ceil((freqMhz + 4 + 1) / 4) & 0xff;
  if (lo % 2 === 0) lo = (lo - 1) & 0xff;
  if (hi % 2 === 0) hi = (hi + 1) & 0xff;
  return [lo, hi];
}

export class Sx1262 implements LoraRadio {
  readonly chip: RadioChip = "sx1262";
  private readonly spi: SpiBus;
  private readonly gpio: Gpio;
  private readonly pins: RadioPins;
  private readonly busyPin: number;
  private readonly busyPolls: number;
  private listener: RadioListener | null = null;
  private cfg: RadioConfig | null = null;
  private watching = false;

  /** `busyPolls` bounds every BUSY wait (hal.ts DEFAULT_BUSY_POLLS when omitted). */
  constructor(spi: SpiBus, gpio: Gpio, pins: RadioPins, busyPolls?: number) {
    if (pins.chip !== "sx1262" || pins.busy === undefined) throw new RadioError("BAD_CONFIG", "SX1262 driver needs sx1262 pins with a BUSY line");
    this.spi = spi;
    this.gpio = gpio;
    this.pins = pins;
    this.busyPin = pins.busy;
    this.busyPolls = busyPolls === undefined ? DEFAULT_BUSY_POLLS : busyPolls;
  }

  setListener(l: RadioListener): void {
    this.listener = l;
  }

  init(cfg: RadioConfig): void {
    if (cfg.freqMhz < 150 || cfg.freqMhz > 960) throw new RadioError("BAD_CONFIG", "SX1262 tunes 150..960 MHz, not " + cfg.freqMhz);
    if (cfg.sf < 5 || cfg.sf > 12 || (cfg.sf | 0) !== cfg.sf) throw new RadioError("BAD_CONFIG", "spreading factor " + cfg.sf);
    const bwIndex = bandwidthIndex(cfg.bwKhz);
    if (bwIndex < 0) throw new RadioError("BAD_CONFIG", "bandwidth " + cfg.bwKhz + " kHz");
    if (cfg.cr < 5 || cfg.cr > 8 || (cfg.cr | 0) !== cfg.cr) throw new RadioError("BAD_CONFIG", "coding rate 4/" + cfg.cr);
    let tcxoCode = -1;
    const tcxo = this.pins.tcxoVoltage;
    if (tcxo !== undefined) {
      for (let i = 0; i < TCXO_VOLTAGES.length; i++) if (Math.abs(TCXO_VOLTAGES[i] - tcxo) < 0.001) tcxoCode = i;
      if (tcxoCode < 0) throw new RadioError("BAD_CONFIG", "TCXO voltage " + tcxo);
    }
    let power = Math.round(cfg.txPowerDbm);
    if (power > SX1262_MAX_POWER) power = SX1262_MAX_POWER;
    if (power < SX1262_MIN_POWER) power = SX1262_MIN_POWER;

    this.cfg = null;
    // Reset, then the chip holds BUSY high until it reaches STDBY_RC (datasheet 8.1).
    pulseReset(this.gpio, this.pins.reset);
    const status = this.command([Sx126xOp.GET_STATUS, 0x00])[1];
    // RadioLib SX126x::SPIparseStatus: a status of 0x00 or 0xFF means nothing answered.
    if (status === 0x00 || status === 0xff || status === undefined) throw new RadioError("CHIP_NOT_FOUND", "SX1262 status 0x" + (status | 0).toString(16));

    this.command([Sx126xOp.SET_STANDBY, 0x00]); // STDBY_RC
    if (tcxoCode >= 0) {
      // DIO3 powers the TCXO; the timeout is how long the chip waits for it to start.
      this.command([Sx126xOp.SET_DIO3_AS_TCXO_CTRL, tcxoCode, (TCXO_TIMEOUT_STEPS >> 16) & 0xff, (TCXO_TIMEOUT_STEPS >> 8) & 0xff, TCXO_TIMEOUT_STEPS & 0xff]);
    }
    // Calibrate every block; required after switching to the TCXO (datasheet 13.3.6).
    this.command([Sx126xOp.CALIBRATE, 0x7f]);
    const img = imageCalibration(cfg.freqMhz);
    this.command([Sx126xOp.CALIBRATE_IMAGE, img[0], img[1]]);
    if (this.pins.dio2AsRfSwitch) this.command([Sx126xOp.SET_DIO2_AS_RF_SWITCH_CTRL, 0x01]);
    this.command([Sx126xOp.SET_REGULATOR_MODE, 0x01]); // DC-DC, as Meshtastic's SX126xInterface
    this.command([Sx126xOp.SET_PACKET_TYPE, 0x01]); // LoRa
    // frf = f_Hz * 2^25 / 32 MHz = f_MHz * 2^20. Exact for the core's float32 frequencies; RadioLib
    // computes it in float32 and may land a few steps (0.95 Hz each) lower.
    const frf = Math.floor(cfg.freqMhz * 1048576);
    this.command([Sx126xOp.SET_RF_FREQUENCY, (frf >>> 24) & 0xff, (frf >>> 16) & 0xff, (frf >>> 8) & 0xff, frf & 0xff]);
    // paDutyCycle 0x04, hpMax 0x07, deviceSel 0 = SX1262, paLut 0x01: the +22 dBm setting (datasheet table 13-21).
    this.command([Sx126xOp.SET_PA_CONFIG, 0x04, 0x07, 0x00, 0x01]);
    this.command([Sx126xOp.SET_TX_PARAMS, power & 0xff, PA_RAMP_200U]);
    this.writeRegister(REG_OCP_CONFIGURATION, OCP_140MA);
    // Datasheet 15.2: the PA clamps too early on mismatched antennas; set bits 4:1 of 0x08D8.
    this.writeRegister(REG_TX_CLAMP_CONFIG, this.readRegister(REG_TX_CLAMP_CONFIG) | 0x1e);
    this.command([Sx126xOp.SET_BUFFER_BASE_ADDRESS, 0x00, 0x00]);
    const ldro = needsLowDataRateOptimize(cfg.sf, cfg.bwKhz) ? 0x01 : 0x00;
    this.command([Sx126xOp.SET_MODULATION_PARAMS, cfg.sf, BW_CODES[bwIndex], cfg.cr - 4, ldro]);
    // Datasheet 15.1: bit 2 of 0x0889 must be 0 for 500 kHz and 1 for every other bandwidth.
    const sens = this.readRegister(REG_SENSITIVITY_CONFIG);
    this.writeRegister(REG_SENSITIVITY_CONFIG, BW_CODES[bwIndex] === 0x06 ? sens & 0xfb : sens | 0x04);
    this.cfg = cfg;
    this.setPacketParams(0xff);
    // RadioLib SX126x::setSyncWord(sw, 0x44): 0x2B -> 0x24 0xB4 (espruino.md section 3.3).
    this.writeRegisters(REG_LORA_SYNC_WORD_MSB, [(cfg.syncWord & 0xf0) | 0x04, ((cfg.syncWord & 0x0f) << 4) | 0x04]);
    this.command([Sx126xOp.SET_DIO_IRQ_PARAMS, IRQ_MASK >> 8, IRQ_MASK & 0xff, IRQ_MASK >> 8, IRQ_MASK & 0xff, 0x00, 0x00, 0x00, 0x00]);
    this.clearIrq(Sx126xIrq.ALL);

    const dio1 = this.pins.dio1;
    if (dio1 !== undefined && !this.watching) {
      this.watching = true;
      this.gpio.watch(dio1, true, () => this.onIrq());
    }
  }

  transmit(frame: Uint8Array): void {
    this.requireInit();
    checkFrameLength(frame);
    // Leave receive first: RX and TX share the buffer from offset 0.
    this.command([Sx126xOp.SET_STANDBY, 0x00]);
    const cmd = new Uint8Array(frame.length + 2);
    cmd[0] = Sx126xOp.WRITE_BUFFER;
    cmd[1] = 0x00;
    cmd.set(frame, 2);
    this.send(cmd);
    this.setPacketParams(frame.length);
    this.clearIrq(Sx126xIrq.ALL);
    this.command([Sx126xOp.SET_TX, 0x00, 0x00, 0x00]); // no timeout
  }

  startReceive(): void {
    this.requireInit();
    // In explicit-header mode the length comes from the header; restore the maximum after a TX.
    this.setPacketParams(0xff);
    this.clearIrq(Sx126xIrq.ALL);
    this.command([Sx126xOp.SET_RX, 0xff, 0xff, 0xff]); // continuous
  }

  startCad(): void {
    const cfg = this.requireInit();
    this.command([Sx126xOp.SET_STANDBY, 0x00]);
    this.command([Sx126xOp.SET_CAD_PARAMS, CAD_ON_4_SYMB, cfg.sf + 13, CAD_DET_MIN, CAD_GOTO_STDBY, 0x00, 0x00, 0x00]);
    this.clearIrq(Sx126xIrq.ALL);
    this.command([Sx126xOp.SET_CAD]);
  }

  onIrq(): void {
    this.requireInit();
    const st = this.command([Sx126xOp.GET_IRQ_STATUS, 0x00, 0x00, 0x00]);
    const irq = ((st[2] << 8) | st[3]) & Sx126xIrq.ALL;
    if (irq === 0) return;
    // Clear only what was read, so an IRQ raised since is not lost.
    this.clearIrq(irq);
    const l = this.listener;
    if ((irq & Sx126xIrq.CRC_ERR) !== 0) {
      if (l !== null) l.rxError("crc");
    } else if ((irq & Sx126xIrq.HEADER_ERR) !== 0) {
      if (l !== null) l.rxError("header");
    } else if ((irq & Sx126xIrq.RX_DONE) !== 0) {
      this.readPacket();
    } else if ((irq & Sx126xIrq.HEADER_VALID) !== 0) {
      if (l !== null) l.rxStarted();
    }
    if ((irq & Sx126xIrq.TX_DONE) !== 0 && l !== null) l.txDone();
    if ((irq & Sx126xIrq.CAD_DONE) !== 0 && l !== null) l.cadDone((irq & Sx126xIrq.CAD_DETECTED) !== 0);
  }

  private readPacket(): void {
    const rb = this.command([Sx126xOp.GET_RX_BUFFER_STATUS, 0x00, 0x00, 0x00]);
    const len = rb[2];
    const start = rb[3];
    if (len === 0) return;
    const cmd = new Uint8Array(len + 3);
    cmd[0] = Sx126xOp.READ_BUFFER;
    cmd[1] = start;
    const data = this.send(cmd);
    const frame = new Uint8Array(len);
    frame.set(data.subarray(3, 3 + len));
    const ps = this.command([Sx126xOp.GET_PACKET_STATUS, 0x00, 0x00, 0x00, 0x00]);
    // Datasheet 13.5.3: RSSI = -RssiPkt / 2 dBm, SNR = SnrPkt / 4 dB with SnrPkt signed.
    const rssi = -ps[2] / 2;
    const snr = ((ps[3] << 24) >> 24) / 4;
    if (this.listener !== null) this.listener.rx(frame, rssi, snr);
  }

  private requireInit(): RadioConfig {
    if (this.cfg === null) throw new RadioError("NOT_INITIALIZED", "SX1262 used before init");
    return this.cfg;
  }

  private setPacketParams(payloadLength: number): void {
    const cfg = this.requireInit();
    // Preamble, explicit header (0), payload length, CRC on (1), standard IQ (0).
    this.command([Sx126xOp.SET_PACKET_PARAMS, (cfg.preamble >> 8) & 0xff, cfg.preamble & 0xff, 0x00, payloadLength & 0xff, 0x01, 0x00]);
  }

  private clearIrq(mask: number): void {
    this.command([Sx126xOp.CLEAR_IRQ_STATUS, (mask >> 8) & 0xff, mask & 0xff]);
  }

  private readRegister(addr: number): number {
    return this.command([Sx126xOp.READ_REGISTER, (addr >> 8) & 0xff, addr & 0xff, 0x00, 0x00])[4];
  }

  private writeRegister(addr: number, value: number): void {
    this.command([Sx126xOp.WRITE_REGISTER, (addr >> 8) & 0xff, addr & 0xff, value & 0xff]);
  }

  private writeRegisters(addr: number, values: number[]): void {
    const cmd = new Uint8Array(values.length + 3);
    cmd[0] = Sx126xOp.WRITE_REGISTER;
    cmd[1] = (addr >> 8) & 0xff;
    cmd[2] = addr & 0xff;
    for (let i = 0; i < values.length; i++) cmd[3 + i] = values[i] & 0xff;
    this.send(cmd);
  }

  private command(bytes: number[]): Uint8Array {
    return this.send(new Uint8Array(bytes));
  }

  /** One SPI transaction after BUSY drops (datasheet 8.3.1: the host must wait for BUSY low). */
  private send(bytes: Uint8Array): Uint8Array {
    let i = 0;
    while (this.gpio.read(this.busyPin)) {
      if (++i >= this.busyPolls) throw new RadioError("BUSY_TIMEOUT", "SX1262 BUSY stayed high before opcode 0x" + bytes[0].toString(16));
    }
    return this.spi.send(bytes, this.pins.nss);
  }
}
