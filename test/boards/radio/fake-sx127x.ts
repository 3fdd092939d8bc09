// A fake SX1276 behind the SpiBus/Gpio seams: a LoRa-mode register file with the datasheet's reset
// values for the registers the driver reads (SX1276 datasheet table 41), a 256-byte FIFO behind
// RegFifo with RegFifoAddrPtr auto-increment, write-1-to-clear IRQ flags, DIO0 mapped by
// RegDioMapping1, and a check that LongRangeMode only changes in sleep.
import type { RadioPins } from "../../../boards/defs/board.js";
import type { Gpio, SpiBus } from "../../../boards/radio/hal.js";

interface Watcher {
  pin: number;
  rising: boolean;
  cb: () => void;
}

export class FakeSx127x implements SpiBus, Gpio {
  readonly pins: RadioPins;
  readonly spiLog: number[][] = [];
  readonly gpioLog: string[] = [];
  /** Rule breaks the chip would not accept (LoRa bit changed outside sleep, ...). */
  readonly violations: string[] = [];
  readonly transmitted: number[][] = [];
  readonly fifo = new Uint8Array(256);
  regs = new Uint8Array(128);
  /** false: no chip on the bus, MISO reads 0x00. */
  present = true;
  /** RegVersion reads 0x00 this many times after reset (the chip still starting). */
  startupReads = 0;
  private startupLeft = 0;
  private readonly watchers: Watcher[] = [];

  constructor(pins: RadioPins) {
    this.pins = pins;
    this.powerOn();
  }

  private powerOn(): void {
    this.regs = new Uint8Array(128);
    this.regs[0x01] = 0x09; // RegOpMode: FSK, LowFrequencyModeOn, standby
    this.regs[0x06] = 0x6c; // RegFrf 434 MHz
    this.regs[0x07] = 0x80;
    this.regs[0x08] = 0x00;
    this.regs[0x09] = 0x4f; // RegPaConfig
    this.regs[0x0b] = 0x2b; // RegOcp
    this.regs[0x0c] = 0x20; // RegLna
    this.regs[0x0e] = 0x80; // RegFifoTxBaseAddr
    this.regs[0x0f] = 0x00; // RegFifoRxBaseAddr
    this.regs[0x1d] = 0x72; // RegModemConfig1: 125 kHz, 4/5, explicit
    this.regs[0x1e] = 0x70; // RegModemConfig2: SF7, CRC off
    this.regs[0x21] = 0x08; // RegPreambleLsb
    this.regs[0x22] = 0x01; // RegPayloadLength
    this.regs[0x23] = 0xff; // RegMaxPayloadLength
    this.regs[0x39] = 0x12; // RegSyncWord
    this.regs[0x42] = 0x12; // RegVersion
    this.regs[0x4d] = 0x84; // RegPaDac
  }

  get opMode(): number {
    return this.regs[0x01];
  }

  // --- Gpio ---

  write(pin: number, value: boolean): void {
    this.gpioLog.push((pin === this.pins.reset ? "reset " : "pin" + pin + " ") + (value ? "1" : "0"));
    if (pin === this.pins.reset && value) {
      this.powerOn();
      this.startupLeft = this.startupReads;
    }
  }

  read(_pin: number): boolean {
    return false;
  }

  watch(pin: number, rising: boolean, cb: () => void): void {
    this.gpioLog.push("watch " + pin + (rising ? " rising" : " falling"));
    this.watchers.push({ pin, rising, cb });
  }

  // --- SpiBus ---

  send(data: Uint8Array, nss: number): Uint8Array {
    this.spiLog.push(Array.from(data));
    if (nss !== this.pins.nss) throw new Error("wrong NSS " + nss);
    const out = new Uint8Array(data.length);
    if (!this.present) return out;
    const write = (data[0] & 0x80) !== 0;
    let addr = data[0] & 0x7f;
    for (let i = 1; i < data.length; i++) {
      if (write) this.writeReg(addr, data[i]);
      else out[i] = this.readReg(addr);
      // Burst access auto-increments the address, except on RegFifo (datasheet 4.3).
      if (addr !== 0x00) addr++;
    }
    return out;
  }

  private readReg(addr: number): number {
    if (addr === 0x00) {
      const v = this.fifo[this.regs[0x0d]];
      this.regs[0x0d] = (this.regs[0x0d] + 1) & 0xff;
      return v;
    }
    if (addr === 0x42 && this.startupLeft > 0) {
      this.startupLeft--;
      return 0x00;
    }
    return this.regs[addr];
  }

  private writeReg(addr: number, v: number): void {
    if (addr === 0x00) {
      this.fifo[this.regs[0x0d]] = v;
      this.regs[0x0d] = (this.regs[0x0d] + 1) & 0xff;
      return;
    }
    if (addr === 0x42) return; // read-only
    if (addr === 0x12) {
      this.regs[0x12] &= ~v & 0xff; // write 1 to clear
      return;
    }
    if (addr === 0x01) {
      const old = this.regs[0x01];
      if ((old & 0x80) !== (v & 0x80) && (old & 0x07) !== 0x00) this.violations.push("LongRangeMode changed outside sleep");
      this.regs[0x01] = v;
      if ((v & 0x87) === 0x83) {
        // TX: the payload is PayloadLength bytes from the TX base address.
        const base = this.regs[0x0e];
        const out: number[] = [];
        for (let i = 0; i < this.regs[0x22]; i++) out.push(this.fifo[(base + i) & 0xff]);
        this.transmitted.push(out);
      }
      return;
    }
    this.regs[addr] = v;
  }

  private get mode(): number {
    return this.regs[0x01] & 0x07;
  }

  // --- what the air does ---

  /** A frame arrives in RX continuous; `snrRaw` / `rssiRaw` are RegPktSnrValue / RegPktRssiValue. */
  receive(frame: number[], snrRaw: number, rssiRaw: number, crcError?: boolean): void {
    if (this.mode !== 0x05) throw new Error("fake SX1276 not in RX continuous");
    // In continuous mode the chip writes each packet from the current RX address; start it at the base.
    const start = this.regs[0x0f];
    for (let i = 0; i < frame.length; i++) this.fifo[(start + i) & 0xff] = frame[i];
    this.regs[0x10] = start;
    this.regs[0x13] = frame.length;
    this.regs[0x19] = snrRaw & 0xff;
    this.regs[0x1a] = rssiRaw & 0xff;
    this.raise(0x40 | 0x10 | (crcError === true ? 0x20 : 0), 0x00);
  }

  finishTx(): void {
    if (this.mode !== 0x03) throw new Error("fake SX1276 not transmitting");
    this.regs[0x01] = (this.regs[0x01] & 0xf8) | 0x01; // back to standby
    this.raise(0x08, 0x40);
  }

  finishCad(detected: boolean): void {
    if (this.mode !== 0x07) throw new Error("fake SX1276 not in CAD");
    this.regs[0x01] = (this.regs[0x01] & 0xf8) | 0x01;
    this.raise(0x04 | (detected ? 0x01 : 0), 0x80);
  }

  /** Sets flags (those not masked by RegIrqFlagsMask) and pulses DIO0 when it is mapped to `dio0Map`. */
  private raise(bits: number, dio0Map: number): void {
    this.regs[0x12] |= bits & ~this.regs[0x11];
    if ((this.regs[0x40] & 0xc0) !== dio0Map) return;
    for (const w of this.watchers) if (w.pin === this.pins.dio0 && w.rising) w.cb();
  }
}
