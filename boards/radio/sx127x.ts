// SX127x (SX1276) LoRa driver over the SpiBus/Gpio seams. Register addresses and bit fields are from the
// SX1276/77/78/79 datasheet (rev 7, section 6.4 "LoRa mode register map"); the settings follow what
// Meshtastic's RF95Interface asks of RadioLib (sync word 0x2B, preamble 16, CRC on, explicit header,
// PA_BOOST) and fill the gaps espruino.md section 3.2 lists for EspruinoDocs' SX127x.js. The SX127x
// has no BUSY line: registers are accessed at any time, one SPI transaction per access (address with
// bit 7 set for a write, clear for a read).
import type { RadioChip, RadioPins } from "../defs/board.js";
import { DEFAULT_BUSY_POLLS, pulseReset, RadioError } from "./hal.js";
import type { Gpio, SpiBus } from "./hal.js";
import { bandwidthIndex, checkFrameLength, needsLowDataRateOptimize } from "./lora-radio.js";
import type { LoraRadio, RadioConfig, RadioListener } from "./lora-radio.js";

/** LoRa-mode registers (datasheet table 41). */
export const Sx127xReg = {
  FIFO: 0x00,
  OP_MODE: 0x01,
  FRF_MSB: 0x06,
  FRF_MID: 0x07,
  FRF_LSB: 0x08,
  PA_CONFIG: 0x09,
  OCP: 0x0b,
  LNA: 0x0c,
  FIFO_ADDR_PTR: 0x0d,
  FIFO_TX_BASE_ADDR: 0x0e,
  FIFO_RX_BASE_ADDR: 0x0f,
  FIFO_RX_CURRENT_ADDR: 0x10,
  IRQ_FLAGS_MASK: 0x11,
  IRQ_FLAGS: 0x12,
  RX_NB_BYTES: 0x13,
  PKT_SNR_VALUE: 0x19,
  PKT_RSSI_VALUE: 0x1a,
  MODEM_CONFIG_1: 0x1d,
  MODEM_CONFIG_2: 0x1e,
  PREAMBLE_MSB: 0x20,
  PREAMBLE_LSB: 0x21,
  PAYLOAD_LENGTH: 0x22,
  MAX_PAYLOAD_LENGTH: 0x23,
  MODEM_CONFIG_3: 0x26,
  SYNC_WORD: 0x39,
  DIO_MAPPING_1: 0x40,
  VERSION: 0x42,
  PA_DAC: 0x4d,
} as const;

/** RegIrqFlags bits (datasheet table 41, register 0x12). */
export const Sx127xIrq = {
  CAD_DETECTED: 0x01,
  FHSS_CHANGE_CHANNEL: 0x02,
  CAD_DONE: 0x04,
  TX_DONE: 0x08,
  VALID_HEADER: 0x10,
  PAYLOAD_CRC_ERROR: 0x20,
  RX_DONE: 0x40,
  RX_TIMEOUT: 0x80,
} as const;

/** RegOpMode: LongRangeMode (bit 7) plus Mode (bits 2:0). */
const MODE_LORA = 0x80;
const MODE_SLEEP = 0x00;
const MODE_STDBY = 0x01;
const MODE_TX = 0x03;
const MODE_RX_CONTINUOUS = 0x05;
const MODE_CAD = 0x07;
/** RegOpMode bit 3, LowFrequencyModeOn: selects the LF test registers, set below 779 MHz. */
const MODE_LOW_FREQUENCY = 0x08;

/** RegDioMapping1 DIO0 field (bits 7:6) in LoRa mode (datasheet table 18). */
const DIO0_RX_DONE = 0x00;
const DIO0_TX_DONE = 0x40;
const DIO0_CAD_DONE = 0x80;

/** RegVersion of the SX1276 (datasheet table 41, register 0x42). */
const SX1276_VERSION = 0x12;

/** PA_BOOST output range: 2..17 dBm, or 20 dBm with the high-power DAC (datasheet 5.4.3). */
const SX1276_MIN_POWER = 2;
const SX1276_MAX_POWER = 20;

/** RegOcp: OcpOn | OcpTrim 15 -> Imax = 45 + 5 * 15 = 120 mA (datasheet 5.4.4), enough for +20 dBm. */
const OCP_120MA = 0x20 | 15;

/**
 * Reads of RegVersion after a reset before giving up. The chip needs about 5 ms after NRESET
 * (datasheet 7.2.2); polling the version register both waits for it and checks the chip is there.
 */
const VERSION_POLLS = DEFAULT_BUSY_POLLS;

export class Sx127x implements LoraRadio {
  readonly chip: RadioChip = "sx1276";
  private readonly spi: SpiBus;
  private readonly gpio: Gpio;
  private readonly pins: RadioPins;
  private listener: RadioListener | null = null;
  private cfg: RadioConfig | null = null;
  /** RegOpMode bits kept in every mode write: LoRa, plus LowFrequencyModeOn on the LF bands. */
  private modeBase = MODE_LORA;
  /** Datasheet 5.5.5: RSSI offset -157 on the HF port (band 1, >= 779 MHz), -164 on the LF port. */
  private rssiOffset = -157;
  private watching = false;

  constructor(spi: SpiBus, gpio: Gpio, pins: RadioPins) {
    if (pins.chip !== "sx1276") throw new RadioError("BAD_CONFIG", "SX1276 driver needs sx1276 pins");
    this.spi = spi;
    this.gpio = gpio;
    this.pins = pins;
  }

  setListener(l: RadioListener): void {
    this.listener = l;
  }

  init(cfg: RadioConfig): void {
    if (cfg.freqMhz < 137 || cfg.freqMhz > 1020) throw new RadioError("BAD_CONFIG", "SX1276 tunes 137..1020 MHz, not " + cfg.freqMhz);
    // SF6 only works with an implicit header (datasheet 4.1.1.2); Meshtastic uses explicit headers.
    if (cfg.sf < 7 || cfg.sf > 12 || (cfg.sf | 0) !== cfg.sf) throw new RadioError("BAD_CONFIG", "spreading factor " + cfg.sf);
    const bwIndex = bandwidthIndex(cfg.bwKhz);
    if (bwIndex < 0) throw new RadioError("BAD_CONFIG", "bandwidth " + cfg.bwKhz + " kHz");
    if (cfg.cr < 5 || cfg.cr > 8 || (cfg.cr | 0) !== cfg.cr) throw new RadioError("BAD_CONFIG", "coding rate 4/" + cfg.cr);
    let power = Math.round(cfg.txPowerDbm);
    if (power > SX1276_MAX_POWER) power = SX1276_MAX_POWER;
    if (power < SX1276_MIN_POWER) power = SX1276_MIN_POWER;
    this.cfg = null;
    const highFrequency = cfg.freqMhz >= 779;
    this.modeBase = highFrequency ? MODE_LORA : MODE_LORA | MODE_LOW_FREQUENCY;
    this.rssiOffset = highFrequency ? -157 : -164;

    pulseReset(this.gpio, this.pins.reset);
    let version = 0;
    for (let i = 0; i < VERSION_POLLS && version !== SX1276_VERSION; i++) version = this.read(Sx127xReg.VERSION);
    if (version !== SX1276_VERSION) throw new RadioError("CHIP_NOT_FOUND", "SX1276 RegVersion 0x" + version.toString(16));

    // LongRangeMode can only change in sleep (datasheet table 41, RegOpMode bit 7): sleep in FSK
    // first, then set the LoRa bit.
    this.write(Sx127xReg.OP_MODE, MODE_SLEEP);
    this.write(Sx127xReg.OP_MODE, this.modeBase | MODE_SLEEP);
    // Frf = f / Fstep, Fstep = 32 MHz / 2^19 = 61.03515625 Hz, so Frf = f_MHz * 2^14 (datasheet 6.4).
    const frf = Math.floor(cfg.freqMhz * 16384);
    this.write(Sx127xReg.FRF_MSB, (frf >> 16) & 0xff);
    this.write(Sx127xReg.FRF_MID, (frf >> 8) & 0xff);
    this.write(Sx127xReg.FRF_LSB, frf & 0xff);
    // PA_BOOST (the only PA wired on RFM95-style modules). Pout = 17 - (15 - OutputPower) with
    // MaxPower 7; +20 dBm needs RegPaDac 0x87 and OutputPower 15 (datasheet 5.4.3).
    const boost20 = power > 17;
    this.write(Sx127xReg.PA_DAC, boost20 ? 0x87 : 0x84);
    this.write(Sx127xReg.PA_CONFIG, 0x80 | 0x70 | (boost20 ? 0x0f : power - 2));
    this.write(Sx127xReg.OCP, OCP_120MA);
    // LNA gain G1; LnaBoostHf 150 % current only on the HF port (datasheet table 41, register 0x0C).
    this.write(Sx127xReg.LNA, highFrequency ? 0x23 : 0x20);
    // ModemConfig1: Bw (7:4) | CodingRate (3:1, 1 = 4/5) | ImplicitHeaderModeOn 0.
    this.write(Sx127xReg.MODEM_CONFIG_1, (bwIndex << 4) | ((cfg.cr - 4) << 1));
    // ModemConfig2: SpreadingFactor (7:4) | RxPayloadCrcOn (bit 2).
    this.write(Sx127xReg.MODEM_CONFIG_2, (cfg.sf << 4) | 0x04);
    // ModemConfig3: LowDataRateOptimize (bit 3) | AgcAutoOn (bit 2).
    this.write(Sx127xReg.MODEM_CONFIG_3, (needsLowDataRateOptimize(cfg.sf, cfg.bwKhz) ? 0x08 : 0x00) | 0x04);
    this.write(Sx127xReg.PREAMBLE_MSB, (cfg.preamble >> 8) & 0xff);
    this.write(Sx127xReg.PREAMBLE_LSB, cfg.preamble & 0xff);
    this.write(Sx127xReg.SYNC_WORD, cfg.syncWord & 0xff);
    // The reset value limits received payloads to 0xFF already, but SX127x.js writes 0x40; be explicit.
    this.write(Sx127xReg.MAX_PAYLOAD_LENGTH, 0xff);
    // TX and RX both start at FIFO offset 0: the radio is half duplex, so each gets all 256 bytes.
    this.write(Sx127xReg.FIFO_TX_BASE_ADDR, 0x00);
    this.write(Sx127xReg.FIFO_RX_BASE_ADDR, 0x00);
    this.write(Sx127xReg.IRQ_FLAGS_MASK, 0x00);
    this.write(Sx127xReg.IRQ_FLAGS, 0xff);
    this.write(Sx127xReg.OP_MODE, this.modeBase | MODE_STDBY);
    this.cfg = cfg;

    const dio0 = this.pins.dio0;
    if (dio0 !== undefined && !this.watching) {
      this.watching = true;
      this.gpio.watch(dio0, true, () => this.onIrq());
    }
  }

  transmit(frame: Uint8Array): void {
    this.requireInit();
    checkFrameLength(frame);
    this.write(Sx127xReg.OP_MODE, this.modeBase | MODE_STDBY);
    this.write(Sx127xReg.DIO_MAPPING_1, DIO0_TX_DONE);
    this.write(Sx127xReg.FIFO_ADDR_PTR, 0x00);
    const cmd = new Uint8Array(frame.length + 1);
    cmd[0] = 0x80 | Sx127xReg.FIFO;
    cmd.set(frame, 1);
    this.spi.send(cmd, this.pins.nss);
    this.write(Sx127xReg.PAYLOAD_LENGTH, frame.length);
    this.write(Sx127xReg.IRQ_FLAGS, 0xff);
    this.write(Sx127xReg.OP_MODE, this.modeBase | MODE_TX);
  }

  startReceive(): void {
    this.requireInit();
    this.write(Sx127xReg.OP_MODE, this.modeBase | MODE_STDBY);
    this.write(Sx127xReg.DIO_MAPPING_1, DIO0_RX_DONE);
    this.write(Sx127xReg.FIFO_ADDR_PTR, 0x00);
    this.write(Sx127xReg.IRQ_FLAGS, 0xff);
    this.write(Sx127xReg.OP_MODE, this.modeBase | MODE_RX_CONTINUOUS);
  }

  startCad(): void {
    this.requireInit();
    this.write(Sx127xReg.OP_MODE, this.modeBase | MODE_STDBY);
    this.write(Sx127xReg.DIO_MAPPING_1, DIO0_CAD_DONE);
    this.write(Sx127xReg.IRQ_FLAGS, 0xff);
    this.write(Sx127xReg.OP_MODE, this.modeBase | MODE_CAD);
  }

  onIrq(): void {
    this.requireInit();
    const irq = this.read(Sx127xReg.IRQ_FLAGS);
    if (irq === 0) return;
    // Flags clear by writing 1s; clear only what was read.
    this.write(Sx127xReg.IRQ_FLAGS, irq);
    const l = this.listener;
    if ((irq & Sx127xIrq.RX_DONE) !== 0) {
      // RxDone is raised even when the payload CRC failed (datasheet 4.1.6); the SX127x has no
      // header-error IRQ, so rxError("header") never comes from this chip.
      if ((irq & Sx127xIrq.PAYLOAD_CRC_ERROR) !== 0) {
        if (l !== null) l.rxError("crc");
      } else {
        this.readPacket();
      }
    }
    if ((irq & Sx127xIrq.TX_DONE) !== 0 && l !== null) l.txDone();
    if ((irq & Sx127xIrq.CAD_DONE) !== 0 && l !== null) l.cadDone((irq & Sx127xIrq.CAD_DETECTED) !== 0);
  }

  private readPacket(): void {
    const len = this.read(Sx127xReg.RX_NB_BYTES);
    const start = this.read(Sx127xReg.FIFO_RX_CURRENT_ADDR);
    this.write(Sx127xReg.FIFO_ADDR_PTR, start);
    const cmd = new Uint8Array(len + 1);
    cmd[0] = Sx127xReg.FIFO;
    const data = this.spi.send(cmd, this.pins.nss);
    const frame = new Uint8Array(len);
    frame.set(data.subarray(1, 1 + len));
    // Datasheet 5.5.5: SNR = (int8)PacketSnr / 4 dB; packet RSSI = offset + PacketRssi, plus the SNR
    // when it is negative (the signal is below the noise floor the register measures).
    const snr = ((this.read(Sx127xReg.PKT_SNR_VALUE) << 24) >> 24) / 4;
    let rssi = this.rssiOffset + this.read(Sx127xReg.PKT_RSSI_VALUE);
    if (snr < 0) rssi += snr;
    const l = this.listener;
    if (len > 0 && l !== null) l.rx(frame, rssi, snr);
  }

  private requireInit(): RadioConfig {
    if (this.cfg === null) throw new RadioError("NOT_INITIALIZED", "SX1276 used before init");
    return this.cfg;
  }

  private read(reg: number): number {
    return this.spi.send(new Uint8Array([reg & 0x7f, 0x00]), this.pins.nss)[1];
  }

  private write(reg: number, value: number): void {
    this.spi.send(new Uint8Array([0x80 | reg, value & 0xff]), this.pins.nss);
  }
}
