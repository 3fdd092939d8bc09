// SX1276 driver against the fake chip. Expected SPI traffic is written by hand from the SX1276
// datasheet register map (table 41): one [address | 0x80, value] pair per register write, [address,
// 0x00] per read.
import { beforeEach, describe, expect, it } from "vitest";
import { T3_V1_6 } from "../../../boards/defs/t3-v1-6.js";
import { radioConfigFor } from "../../../boards/radio/lora-radio.js";
import type { RadioConfig } from "../../../boards/radio/lora-radio.js";
import { Sx127x } from "../../../boards/radio/sx127x.js";
import { defaultNodeConfig } from "../../../firmware/mesh/node-config.js";
import { RegionCode } from "../../../firmware/mesh/regions.js";
import { FakeSx127x } from "./fake-sx127x.js";
import { errorCode, RecordingListener } from "./recording-listener.js";

const US_LONG_FAST: RadioConfig = { freqMhz: 906.875, sf: 11, bwKhz: 250, cr: 5, txPowerDbm: 30, syncWord: 0x2b, preamble: 16 };

function setup(): { chip: FakeSx127x; radio: Sx127x; heard: RecordingListener } {
  const chip = new FakeSx127x(T3_V1_6.radio);
  const radio = new Sx127x(chip, chip, T3_V1_6.radio);
  const heard = new RecordingListener();
  radio.setListener(heard);
  return { chip, radio, heard };
}

describe("SX1276 init", () => {
  it("sends the golden init sequence for t3-v1.6 on US LONG_FAST", () => {
    const { chip, radio } = setup();
    radio.init(radioConfigFor(defaultNodeConfig(7)));
    expect(chip.spiLog).toEqual([
      [0x42, 0x00], // read RegVersion -> 0x12
      [0x81, 0x00], // RegOpMode: FSK sleep (LongRangeMode may only change in sleep)
      [0x81, 0x80], // RegOpMode: LoRa sleep
      [0x86, 0xe2], // RegFrfMsb  906.875 MHz * 2^14 = 14858240 = 0xE2B800
      [0x87, 0xb8], // RegFrfMid
      [0x88, 0x00], // RegFrfLsb
      [0xcd, 0x87], // RegPaDac 0x87: +20 dBm mode (US 30 dBm clamped to the PA_BOOST maximum)
      [0x89, 0xff], // RegPaConfig PA_BOOST | MaxPower 7 | OutputPower 15
      [0x8b, 0x2f], // RegOcp on, trim 15 = 120 mA
      [0x8c, 0x23], // RegLna G1, LnaBoostHf on
      [0x9d, 0x82], // RegModemConfig1 BW 250 kHz (8) << 4 | CR 4/5 (1) << 1 | explicit header
      [0x9e, 0xb4], // RegModemConfig2 SF11 << 4 | RxPayloadCrcOn
      [0xa6, 0x04], // RegModemConfig3 AgcAutoOn, no LDRO (8.19 ms symbols)
      [0xa0, 0x00], // RegPreambleMsb
      [0xa1, 0x10], // RegPreambleLsb 16
      [0xb9, 0x2b], // RegSyncWord 0x2B
      [0xa3, 0xff], // RegMaxPayloadLength 255
      [0x8e, 0x00], // RegFifoTxBaseAddr 0
      [0x8f, 0x00], // RegFifoRxBaseAddr 0
      [0x91, 0x00], // RegIrqFlagsMask: nothing masked
      [0x92, 0xff], // RegIrqFlags: clear all
      [0x81, 0x81], // RegOpMode: LoRa standby
    ]);
    expect(chip.gpioLog.filter((g) => g.startsWith("reset"))).toEqual(["reset 0", "reset 1"]);
    expect(chip.gpioLog[chip.gpioLog.length - 1]).toBe("watch 26 rising");
    expect(chip.violations).toEqual([]);
  });

  it("uses the LF settings on EU_433 (433.875 MHz, 10 dBm)", () => {
    const { chip, radio } = setup();
    const cfg = radioConfigFor({ ...defaultNodeConfig(7), region: RegionCode.EU_433 });
    expect(cfg.freqMhz).toBe(433.875);
    radio.init(cfg);
    expect(chip.spiLog.slice(1, 11)).toEqual([
      [0x81, 0x00], // FSK sleep
      [0x81, 0x88], // LoRa sleep with LowFrequencyModeOn
      [0x86, 0x6c], // 433.875 * 2^14 = 7108608 = 0x6C7800
      [0x87, 0x78],
      [0x88, 0x00],
      [0xcd, 0x84], // RegPaDac default: no +20 dBm mode
      [0x89, 0xf8], // PA_BOOST | MaxPower 7 | OutputPower 8: 17 - (15 - 8) = 10 dBm
      [0x8b, 0x2f],
      [0x8c, 0x20], // RegLna G1, no HF boost on the LF port
      [0x9d, 0x82],
    ]);
    expect(chip.opMode).toBe(0x89);
  });

  it("sets LowDataRateOptimize for SF12 at 125 kHz", () => {
    const { chip, radio } = setup();
    radio.init({ ...US_LONG_FAST, sf: 12, bwKhz: 125, cr: 8 });
    expect(chip.spiLog).toContainEqual([0x9d, 0x78]); // 125 kHz (7) << 4 | 4/8 (4) << 1
    expect(chip.spiLog).toContainEqual([0x9e, 0xc4]);
    expect(chip.spiLog).toContainEqual([0xa6, 0x0c]); // LDRO | AGC
  });

  it("polls RegVersion while the chip starts", () => {
    const { chip, radio } = setup();
    chip.startupReads = 3;
    radio.init(US_LONG_FAST);
    expect(chip.spiLog.slice(0, 5)).toEqual([[0x42, 0x00], [0x42, 0x00], [0x42, 0x00], [0x42, 0x00], [0x81, 0x00]]);
  });

  it("fails with CHIP_NOT_FOUND when RegVersion never reads 0x12", () => {
    const { chip, radio } = setup();
    chip.present = false;
    expect(errorCode(() => radio.init(US_LONG_FAST))).toBe("CHIP_NOT_FOUND");
  });

  it("rejects SF6 and out-of-range frequencies with BAD_CONFIG", () => {
    const { radio } = setup();
    expect(errorCode(() => radio.init({ ...US_LONG_FAST, sf: 6 }))).toBe("BAD_CONFIG");
    expect(errorCode(() => radio.init({ ...US_LONG_FAST, freqMhz: 2400 }))).toBe("BAD_CONFIG");
  });
});

describe("SX1276 transmit, receive and IRQs", () => {
  let chip: FakeSx127x;
  let radio: Sx127x;
  let heard: RecordingListener;

  beforeEach(() => {
    const s = setup();
    chip = s.chip;
    radio = s.radio;
    heard = s.heard;
    radio.init(US_LONG_FAST);
    chip.spiLog.length = 0;
  });

  it("sends the golden TX sequence and reports TxDone", () => {
    radio.transmit(new Uint8Array([0xca, 0xfe]));
    expect(chip.spiLog).toEqual([
      [0x81, 0x81], // standby
      [0xc0, 0x40], // RegDioMapping1: DIO0 = TxDone
      [0x8d, 0x00], // RegFifoAddrPtr = TX base
      [0x80, 0xca, 0xfe], // burst write RegFifo
      [0xa2, 0x02], // RegPayloadLength 2
      [0x92, 0xff], // clear IRQs
      [0x81, 0x83], // RegOpMode: TX
    ]);
    expect(chip.transmitted).toEqual([[0xca, 0xfe]]);
    chip.spiLog.length = 0;
    chip.finishTx();
    expect(chip.spiLog).toEqual([
      [0x12, 0x00], // read RegIrqFlags -> TxDone 0x08
      [0x92, 0x08], // clear TxDone
    ]);
    expect(heard.heard).toEqual([{ kind: "txDone" }]);
  });

  it("refuses 0 and 256 bytes with TOO_LONG", () => {
    expect(errorCode(() => radio.transmit(new Uint8Array(256)))).toBe("TOO_LONG");
    expect(errorCode(() => radio.transmit(new Uint8Array(0)))).toBe("TOO_LONG");
    expect(chip.spiLog).toEqual([]);
  });

  it("sends the golden RX sequence and converts RSSI/SNR on the HF port", () => {
    radio.startReceive();
    expect(chip.spiLog).toEqual([
      [0x81, 0x81], // standby
      [0xc0, 0x00], // DIO0 = RxDone
      [0x8d, 0x00], // RegFifoAddrPtr 0
      [0x92, 0xff], // clear IRQs
      [0x81, 0x85], // RX continuous
    ]);
    chip.spiLog.length = 0;
    // RegPktSnrValue 0x1C = 28 -> 7 dB; RegPktRssiValue 64 -> -157 + 64 = -93 dBm.
    chip.receive([5, 6, 7], 0x1c, 64);
    expect(chip.spiLog).toEqual([
      [0x12, 0x00], // RegIrqFlags -> RxDone | ValidHeader
      [0x92, 0x50], // clear them
      [0x13, 0x00], // RegRxNbBytes -> 3
      [0x10, 0x00], // RegFifoRxCurrentAddr -> 0
      [0x8d, 0x00], // RegFifoAddrPtr = current address
      [0x00, 0x00, 0x00, 0x00], // burst read RegFifo, 3 bytes
      [0x19, 0x00], // RegPktSnrValue
      [0x1a, 0x00], // RegPktRssiValue
    ]);
    expect(heard.heard).toEqual([{ kind: "rx", frame: [5, 6, 7], rssi: -93, snr: 7 }]);
  });

  it("adds a negative SNR to the RSSI (datasheet 5.5.5)", () => {
    radio.startReceive();
    // 0xEC = -20 -> -5 dB; -157 + 30 + (-5) = -132 dBm.
    chip.receive([1], 0xec, 30);
    expect(heard.heard).toEqual([{ kind: "rx", frame: [1], rssi: -132, snr: -5 }]);
  });

  it("uses the -164 dBm offset on the LF port", () => {
    radio.init({ ...US_LONG_FAST, freqMhz: 433.875, txPowerDbm: 10 });
    radio.startReceive();
    chip.receive([1], 0x08, 50); // 2 dB; -164 + 50 = -114 dBm
    expect(heard.heard).toEqual([{ kind: "rx", frame: [1], rssi: -114, snr: 2 }]);
  });

  it("reports a CRC error without reading the FIFO", () => {
    radio.startReceive();
    chip.spiLog.length = 0;
    chip.receive([1, 2], 0, 0, true);
    expect(chip.spiLog).toEqual([
      [0x12, 0x00],
      [0x92, 0x70], // RxDone | PayloadCrcError | ValidHeader
    ]);
    expect(heard.heard).toEqual([{ kind: "rxError", error: "crc" }]);
  });

  it("sends the golden CAD sequence and reports activity", () => {
    radio.startCad();
    expect(chip.spiLog).toEqual([
      [0x81, 0x81], // standby
      [0xc0, 0x80], // DIO0 = CadDone
      [0x92, 0xff], // clear IRQs
      [0x81, 0x87], // CAD
    ]);
    chip.finishCad(true);
    radio.startCad();
    chip.finishCad(false);
    expect(heard.heard).toEqual([
      { kind: "cadDone", busy: true },
      { kind: "cadDone", busy: false },
    ]);
    expect(chip.violations).toEqual([]);
  });
});
