// A fake SX1262 behind the SpiBus/Gpio seams: it records every SPI transaction and GPIO call, keeps
// BUSY high for a while after each command and after reset (datasheet 8.3.1), flags a command sent
// while BUSY is high, and answers reads the way the SX1261/2 datasheet (chapter 13) lays them out:
// a status byte in the slots before the data, then the data.
import type { RadioPins } from "../../../boards/defs/board.js";
import type { Gpio, SpiBus } from "../../../boards/radio/hal.js";

/** Chip modes as GetStatus reports them in bits 6:4 (datasheet table 13-76). */
export const Mode = { STBY_RC: 2, STBY_XOSC: 3, FS: 4, RX: 5, TX: 6 } as const;

interface Watcher {
  pin: number;
  rising: boolean;
  cb: () => void;
}

export class FakeSx1262 implements SpiBus, Gpio {
  readonly pins: RadioPins;
  /** Bytes clocked out by the host, one entry per transaction. */
  readonly spiLog: number[][] = [];
  /** GPIO writes and watches in order ("reset 0", "reset 1", "watch 14 rising"). */
  readonly gpioLog: string[] = [];
  /** Transactions that started while BUSY was high (must stay empty). */
  readonly busyViolations: number[][] = [];
  /** Frames the chip put on air (WriteBuffer content when SetTx ran). */
  readonly transmitted: number[][] = [];
  /** Reads of BUSY that return high after each command, and after reset. */
  busyAfterCommand = 2;
  busyAfterReset = 5;
  /** BUSY never drops (a hung or unpowered chip). */
  stuckBusy = false;
  /** false: no chip on the bus, MISO reads 0x00. */
  present = true;
  mode: number = Mode.STBY_RC;
  irq = 0;
  irqMask = 0;
  dio1Mask = 0;
  /** Where the next received frame lands in the buffer (GetRxBufferStatus RxStartBufferPointer). */
  rxStart = 0;
  readonly buffer = new Uint8Array(256);
  /** Registers the driver touches, with made-up power-on values except where commented. */
  registers: Record<number, number> = {};
  /** Register values to use instead of the defaults at the next reset. */
  readonly powerOnOverrides: Record<number, number> = {};
  private busyLeft = 0;
  private rxLength = 0;
  private rssiPkt = 0;
  private snrPkt = 0;
  private payloadLength = 0xff;
  private readonly watchers: Watcher[] = [];

  constructor(pins: RadioPins) {
    this.pins = pins;
    this.powerOn();
  }

  private powerOn(): void {
    this.mode = Mode.STBY_RC;
    this.irq = 0;
    this.irqMask = 0;
    this.dio1Mask = 0;
    this.registers = {
      // Private-network sync word 0x1424 at reset (RadioLib SX126x_registers.h comment).
      0x0740: 0x14,
      0x0741: 0x24,
      0x0889: 0x00,
      0x08d8: 0xc8,
      0x08e7: 0x18,
    };
    for (const k of Object.keys(this.powerOnOverrides)) this.registers[Number(k)] = this.powerOnOverrides[Number(k)];
  }

  private status(): number {
    // Chip mode in bits 6:4, command status 2 ("data available") in bits 3:1.
    return (this.mode << 4) | (0x2 << 1);
  }

  // --- Gpio ---

  write(pin: number, value: boolean): void {
    this.gpioLog.push((pin === this.pins.reset ? "reset " : "pin" + pin + " ") + (value ? "1" : "0"));
    if (pin === this.pins.reset && value) {
      this.powerOn();
      this.busyLeft = this.busyAfterReset;
    }
  }

  read(pin: number): boolean {
    if (pin !== this.pins.busy) return false;
    if (this.stuckBusy) return true;
    if (this.busyLeft > 0) {
      this.busyLeft--;
      return true;
    }
    return false;
  }

  watch(pin: number, rising: boolean, cb: () => void): void {
    this.gpioLog.push("watch " + pin + (rising ? " rising" : " falling"));
    this.watchers.push({ pin, rising, cb });
  }

  // --- SpiBus ---

  send(data: Uint8Array, nss: number): Uint8Array {
    const tx = Array.from(data);
    this.spiLog.push(tx);
    if (nss !== this.pins.nss) throw new Error("wrong NSS " + nss);
    const out = new Uint8Array(data.length);
    if (!this.present) return out;
    if (this.busyLeft > 0 || this.stuckBusy) this.busyViolations.push(tx);
    const st = this.status();
    out.fill(st);
    const op = data[0];
    switch (op) {
      case 0xc0: // GetStatus
        break;
      case 0x80: // SetStandby
        this.mode = data[1] === 0 ? Mode.STBY_RC : Mode.STBY_XOSC;
        break;
      case 0x0d: {
        // WriteRegister addrHi addrLo data...
        const addr = (data[1] << 8) | data[2];
        for (let i = 3; i < data.length; i++) this.registers[addr + i - 3] = data[i];
        break;
      }
      case 0x1d: {
        // ReadRegister addrHi addrLo NOP data...
        const addr = (data[1] << 8) | data[2];
        for (let i = 4; i < data.length; i++) out[i] = this.registers[addr + i - 4] ?? 0;
        break;
      }
      case 0x0e: // WriteBuffer offset data...
        for (let i = 2; i < data.length; i++) this.buffer[(data[1] + i - 2) & 0xff] = data[i];
        break;
      case 0x1e: // ReadBuffer offset NOP data...
        for (let i = 3; i < data.length; i++) out[i] = this.buffer[(data[1] + i - 3) & 0xff];
        break;
      case 0x08: // SetDioIrqParams irqMask dio1Mask dio2Mask dio3Mask
        this.irqMask = (data[1] << 8) | data[2];
        this.dio1Mask = (data[3] << 8) | data[4];
        break;
      case 0x12: // GetIrqStatus -> status, irq 15:8, irq 7:0
        out[2] = (this.irq >> 8) & 0xff;
        out[3] = this.irq & 0xff;
        break;
      case 0x02: // ClearIrqStatus
        this.irq &= ~((data[1] << 8) | data[2]);
        break;
      case 0x13: // GetRxBufferStatus -> status, PayloadLengthRx, RxStartBufferPointer
        out[2] = this.rxLength;
        out[3] = this.rxStart;
        break;
      case 0x14: // GetPacketStatus -> status, RssiPkt, SnrPkt, SignalRssiPkt
        out[2] = this.rssiPkt;
        out[3] = this.snrPkt;
        out[4] = this.rssiPkt;
        break;
      case 0x8c: // SetPacketParams preamble(2) header length crc iq
        this.payloadLength = data[4];
        break;
      case 0x83: // SetTx
        this.mode = Mode.TX;
        this.transmitted.push(Array.from(this.buffer.subarray(0, this.payloadLength)));
        break;
      case 0x82: // SetRx
        this.mode = Mode.RX;
        break;
      case 0xc5: // SetCad
        this.mode = Mode.RX;
        break;
      default:
        break;
    }
    this.busyLeft = this.busyAfterCommand;
    return out;
  }

  // --- what the air does ---

  /** A frame arrives while receiving. `rssiPkt` and `snrPkt` are the raw GetPacketStatus bytes. */
  receive(frame: number[], rssiPkt: number, snrPkt: number): void {
    if (this.mode !== Mode.RX) throw new Error("fake SX1262 not receiving");
    for (let i = 0; i < frame.length; i++) this.buffer[(this.rxStart + i) & 0xff] = frame[i];
    this.rxLength = frame.length;
    this.rssiPkt = rssiPkt;
    this.snrPkt = snrPkt & 0xff;
    this.raise(0x002);
  }

  /** A frame whose payload CRC fails: RX_DONE and CRC_ERR (datasheet 13.3.1 table 13-29). */
  receiveBadCrc(frame: number[]): void {
    if (this.mode !== Mode.RX) throw new Error("fake SX1262 not receiving");
    this.rxLength = frame.length;
    this.raise(0x002 | 0x040);
  }

  /** A frame's LoRa header has been received; the payload is still on air (HEADER_VALID). */
  headerArrives(): void {
    if (this.mode !== Mode.RX) throw new Error("fake SX1262 not receiving");
    this.raise(0x010);
  }

  receiveBadHeader(): void {
    if (this.mode !== Mode.RX) throw new Error("fake SX1262 not receiving");
    this.raise(0x020);
  }

  /** The frame is on air: TX_DONE, back to STDBY_RC (the default fallback mode). */
  finishTx(): void {
    if (this.mode !== Mode.TX) throw new Error("fake SX1262 not transmitting");
    this.mode = Mode.STBY_RC;
    this.raise(0x001);
  }

  /** CAD ends (exit mode 0: back to STDBY_RC), with or without activity. */
  finishCad(detected: boolean): void {
    this.mode = Mode.STBY_RC;
    this.raise(0x080 | (detected ? 0x100 : 0));
  }

  private raise(bits: number): void {
    this.irq |= bits & this.irqMask;
    if ((bits & this.dio1Mask) === 0) return;
    for (const w of this.watchers) if (w.pin === this.pins.dio1 && w.rising) w.cb();
  }
}
