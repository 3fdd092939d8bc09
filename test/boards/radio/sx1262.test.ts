// SX1262 driver against the fake chip. The expected byte sequences are written out by hand from the
// SX1261/2 datasheet (chapter 13) and RadioLib's parameter values (espruino.md section 3.3), one line
// per command, not captured from the driver.
import { beforeEach, describe, expect, it } from "vitest";
import { HELTEC_V3 } from "../../../boards/defs/heltec-v3.js";
import { RadioError } from "../../../boards/radio/hal.js";
import { radioConfigFor } from "../../../boards/radio/lora-radio.js";
import type { RadioConfig } from "../../../boards/radio/lora-radio.js";
import { Sx1262 } from "../../../boards/radio/sx1262.js";
import { ModemPreset } from "../../../firmware/mesh/modem-preset.js";
import { defaultNodeConfig } from "../../../firmware/mesh/node-config.js";
import { RegionCode } from "../../../firmware/mesh/regions.js";
import { FakeSx1262, Mode } from "./fake-sx1262.js";
import { errorCode, RecordingListener } from "./recording-listener.js";

/** US LONG_FAST as the core computes it: slot 19 of 104 ("LongFast" djb2 130429955 % 104), 906.875 MHz. */
const US_LONG_FAST: RadioConfig = { freqMhz: 906.875, sf: 11, bwKhz: 250, cr: 5, txPowerDbm: 30, syncWord: 0x2b, preamble: 16 };

// The init sequence shared by every config up to the frequency-dependent commands.
const RESET_AND_STANDBY = [
  [0xc0, 0x00], // GetStatus: chip present (status not 0x00/0xFF)
  [0x80, 0x00], // SetStandby STDBY_RC
  [0x97, 0x02, 0x00, 0x01, 0x40], // SetDIO3AsTCXOCtrl 1.8 V (code 0x02), timeout 320 x 15.625 us = 5 ms
  [0x89, 0x7f], // Calibrate all blocks
];

function initSequence(calImage: number[], frf: number[], modulation: number[], bwIs500: boolean): number[][] {
  return [
    ...RESET_AND_STANDBY,
    [0x98, ...calImage], // CalibrateImage for the band
    [0x9d, 0x01], // SetDIO2AsRfSwitchCtrl on
    [0x96, 0x01], // SetRegulatorMode DC-DC
    [0x8a, 0x01], // SetPacketType LoRa
    [0x86, ...frf], // SetRfFrequency
    [0x95, 0x04, 0x07, 0x00, 0x01], // SetPaConfig paDutyCycle 4, hpMax 7, SX1262, paLut 1 (+22 dBm)
    [0x8e, 0x16, 0x04], // SetTxParams +22 dBm (the SX1262 maximum), ramp 200 us
    [0x0d, 0x08, 0xe7, 0x38], // WriteRegister OCP 0x08E7 = 140 mA / 2.5
    [0x1d, 0x08, 0xd8, 0x00, 0x00], // ReadRegister TX clamp 0x08D8 (fake holds 0xC8)
    [0x0d, 0x08, 0xd8, 0xc8 | 0x1e], // WriteRegister 0x08D8 |= 0x1E (datasheet 15.2)
    [0x8f, 0x00, 0x00], // SetBufferBaseAddress tx 0, rx 0
    [0x8b, ...modulation], // SetModulationParams SF BW CR LDRO
    [0x1d, 0x08, 0x89, 0x00, 0x00], // ReadRegister sensitivity 0x0889 (fake holds 0x00)
    [0x0d, 0x08, 0x89, bwIs500 ? 0x00 : 0x04], // WriteRegister bit 2 set unless 500 kHz (datasheet 15.1)
    [0x8c, 0x00, 0x10, 0x00, 0xff, 0x01, 0x00], // SetPacketParams preamble 16, explicit, 255, CRC on, IQ standard
    [0x0d, 0x07, 0x40, 0x24, 0xb4], // WriteRegister 0x0740/0x0741 sync word 0x2B -> 0x24 0xB4
    [0x08, 0x03, 0xf3, 0x03, 0xf3, 0x00, 0x00, 0x00, 0x00], // SetDioIrqParams TX|RX|HDR_VALID|HDR_ERR|CRC|CAD_DONE|CAD_DET|TIMEOUT (0x3F3) on DIO1
    [0x02, 0x03, 0xff], // ClearIrqStatus all
  ];
}

function setup(): { chip: FakeSx1262; radio: Sx1262; heard: RecordingListener } {
  const chip = new FakeSx1262(HELTEC_V3.radio);
  const radio = new Sx1262(chip, chip, HELTEC_V3.radio);
  const heard = new RecordingListener();
  radio.setListener(heard);
  return { chip, radio, heard };
}

describe("SX1262 init", () => {
  it("derives heltec-v3's US LONG_FAST config from the factory NodeConfig", () => {
    expect(radioConfigFor(defaultNodeConfig(0x1234))).toEqual(US_LONG_FAST);
  });

  it("sends the golden init sequence for heltec-v3 on US LONG_FAST (906.875 MHz, SF11, BW250, CR 4/5)", () => {
    const { chip, radio } = setup();
    radio.init(US_LONG_FAST);
    expect(chip.spiLog).toEqual(
      initSequence(
        [0xe1, 0xe9], // 902-928 MHz
        [0x38, 0xae, 0x00, 0x00], // 906.875 * 2^20 = 0x38AE0000
        [0x0b, 0x05, 0x01, 0x00], // SF11, BW 250 kHz (0x05), CR 4/5 (0x01), LDRO off (8.19 ms symbols)
        false,
      ),
    );
    expect(chip.gpioLog[0]).toBe("reset 0");
    expect(chip.gpioLog.filter((g) => g.startsWith("reset"))).toEqual(["reset 0", "reset 1"]);
    expect(chip.gpioLog[chip.gpioLog.length - 1]).toBe("watch 14 rising");
    expect(chip.busyViolations).toEqual([]);
    expect(chip.mode).toBe(Mode.STBY_RC);
  });

  it("sends the golden init sequence for EU_868 LONG_SLOW (869.4625 MHz, SF12, BW125, CR 4/8, LDRO)", () => {
    const config = { ...defaultNodeConfig(1), region: RegionCode.EU_868, modemPreset: ModemPreset.LONG_SLOW };
    const cfg = radioConfigFor(config);
    // 2 slots of 125 kHz in 869.4-869.65; djb2("LongSlow") = 130908986 is even: slot 0, 869.4 + 0.0625
    // in float32 = 869.4625244140625 MHz. EU_868's 27 dBm limit.
    expect(cfg).toEqual({ freqMhz: 869.4625244140625, sf: 12, bwKhz: 125, cr: 8, txPowerDbm: 27, syncWord: 0x2b, preamble: 16 });
    const { chip, radio } = setup();
    radio.init(cfg);
    expect(chip.spiLog).toEqual(
      initSequence(
        [0xd7, 0xdb], // 863-870 MHz
        // 869 * 2^20 = 0x36500000; 0.4625244140625 * 2^20 = 484992 = 0x76680 -> 0x36576680
        [0x36, 0x57, 0x66, 0x80],
        [0x0c, 0x04, 0x04, 0x01], // SF12, BW 125 kHz (0x04), CR 4/8 (0x04), LDRO on (32.8 ms symbols)
        false,
      ),
    );
  });

  it("clears the sensitivity bit for 500 kHz (SHORT_TURBO)", () => {
    const { chip, radio } = setup();
    chip.powerOnOverrides[0x0889] = 0xff;
    radio.init({ ...US_LONG_FAST, sf: 7, bwKhz: 500 });
    expect(chip.spiLog).toContainEqual([0x8b, 0x07, 0x06, 0x01, 0x00]);
    expect(chip.spiLog).toContainEqual([0x0d, 0x08, 0x89, 0xfb]);
  });

  it("fails with BUSY_TIMEOUT when BUSY never drops", () => {
    const chip = new FakeSx1262(HELTEC_V3.radio);
    chip.stuckBusy = true;
    const radio = new Sx1262(chip, chip, HELTEC_V3.radio, 50);
    expect(errorCode(() => radio.init(US_LONG_FAST))).toBe("BUSY_TIMEOUT");
    expect(chip.spiLog).toEqual([]);
  });

  it("waits out a long BUSY period within the poll budget", () => {
    const { chip, radio } = setup();
    chip.busyAfterCommand = 40;
    chip.busyAfterReset = 200;
    radio.init(US_LONG_FAST);
    expect(chip.busyViolations).toEqual([]);
  });

  it("fails with CHIP_NOT_FOUND when nothing answers", () => {
    const { chip, radio } = setup();
    chip.present = false;
    expect(errorCode(() => radio.init(US_LONG_FAST))).toBe("CHIP_NOT_FOUND");
  });

  it("rejects settings the chip cannot do with BAD_CONFIG", () => {
    const { radio } = setup();
    expect(errorCode(() => radio.init({ ...US_LONG_FAST, freqMhz: 2400 }))).toBe("BAD_CONFIG");
    expect(errorCode(() => radio.init({ ...US_LONG_FAST, bwKhz: 300 }))).toBe("BAD_CONFIG");
    expect(errorCode(() => radio.init({ ...US_LONG_FAST, cr: 9 }))).toBe("BAD_CONFIG");
    expect(errorCode(() => radio.init({ ...US_LONG_FAST, sf: 13 }))).toBe("BAD_CONFIG");
  });

  it("throws a RadioError that is a plain object with a stable code", () => {
    const { radio } = setup();
    let caught: unknown;
    try {
      radio.transmit(new Uint8Array(1));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(RadioError);
    expect(caught).not.toBeInstanceOf(Error);
    expect((caught as RadioError).code).toBe("NOT_INITIALIZED");
  });
});

describe("SX1262 transmit, receive and IRQs", () => {
  let chip: FakeSx1262;
  let radio: Sx1262;
  let heard: RecordingListener;

  beforeEach(() => {
    const s = setup();
    chip = s.chip;
    radio = s.radio;
    heard = s.heard;
    radio.init(US_LONG_FAST);
    chip.spiLog.length = 0;
  });

  it("sends the golden TX sequence and reports TX_DONE", () => {
    radio.transmit(new Uint8Array([0xde, 0xad, 0xbe]));
    expect(chip.spiLog).toEqual([
      [0x80, 0x00], // SetStandby STDBY_RC (leave RX before touching the shared buffer)
      [0x0e, 0x00, 0xde, 0xad, 0xbe], // WriteBuffer offset 0
      [0x8c, 0x00, 0x10, 0x00, 0x03, 0x01, 0x00], // SetPacketParams payload length 3
      [0x02, 0x03, 0xff], // ClearIrqStatus all
      [0x83, 0x00, 0x00, 0x00], // SetTx, no timeout
    ]);
    expect(chip.transmitted).toEqual([[0xde, 0xad, 0xbe]]);
    chip.spiLog.length = 0;
    chip.finishTx(); // DIO1 rises: the watch set by init calls onIrq
    expect(chip.spiLog).toEqual([
      [0x12, 0x00, 0x00, 0x00], // GetIrqStatus -> TX_DONE
      [0x02, 0x00, 0x01], // ClearIrqStatus TX_DONE
    ]);
    expect(heard.heard).toEqual([{ kind: "txDone" }]);
    expect(chip.busyViolations).toEqual([]);
  });

  it("sends 255 bytes and refuses 0 or 256 with TOO_LONG before any SPI traffic", () => {
    expect(errorCode(() => radio.transmit(new Uint8Array(256)))).toBe("TOO_LONG");
    expect(errorCode(() => radio.transmit(new Uint8Array(0)))).toBe("TOO_LONG");
    expect(chip.spiLog).toEqual([]);
    radio.transmit(new Uint8Array(255).fill(7));
    expect(chip.transmitted[0].length).toBe(255);
  });

  it("sends the golden RX sequence and converts RSSI/SNR of a received frame", () => {
    radio.startReceive();
    expect(chip.spiLog).toEqual([
      [0x8c, 0x00, 0x10, 0x00, 0xff, 0x01, 0x00], // SetPacketParams back to max length 255
      [0x02, 0x03, 0xff], // ClearIrqStatus all
      [0x82, 0xff, 0xff, 0xff], // SetRx continuous
    ]);
    chip.spiLog.length = 0;
    chip.rxStart = 0x10;
    // RssiPkt 0x9C = 156 -> -78 dBm; SnrPkt 0x1C = 28 -> 7 dB.
    chip.receive([1, 2, 3, 4], 0x9c, 0x1c);
    expect(chip.spiLog).toEqual([
      [0x12, 0x00, 0x00, 0x00], // GetIrqStatus -> RX_DONE
      [0x02, 0x00, 0x02], // ClearIrqStatus RX_DONE
      [0x13, 0x00, 0x00, 0x00], // GetRxBufferStatus -> length 4, start 0x10
      [0x1e, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00], // ReadBuffer offset 0x10, NOP, 4 bytes
      [0x14, 0x00, 0x00, 0x00, 0x00], // GetPacketStatus
    ]);
    expect(heard.heard).toEqual([{ kind: "rx", frame: [1, 2, 3, 4], rssi: -78, snr: 7 }]);
    expect(chip.mode).toBe(Mode.RX);
  });

  it("converts a negative SNR (two's complement SnrPkt)", () => {
    radio.startReceive();
    // RssiPkt 0xF1 = 241 -> -120.5 dBm; SnrPkt 0xEB = -21 -> -5.25 dB.
    chip.receive([9], 0xf1, 0xeb);
    expect(heard.heard).toEqual([{ kind: "rx", frame: [9], rssi: -120.5, snr: -5.25 }]);
  });

  it("reports a CRC error without reading the buffer", () => {
    radio.startReceive();
    chip.spiLog.length = 0;
    chip.receiveBadCrc([1, 2, 3]);
    expect(chip.spiLog).toEqual([
      [0x12, 0x00, 0x00, 0x00], // GetIrqStatus -> RX_DONE | CRC_ERR
      [0x02, 0x00, 0x42], // ClearIrqStatus those two
    ]);
    expect(heard.heard).toEqual([{ kind: "rxError", error: "crc" }]);
  });

  it("reports a valid header as a frame starting, then the frame (listen-before-talk)", () => {
    radio.startReceive();
    chip.spiLog.length = 0;
    chip.headerArrives();
    expect(chip.spiLog).toEqual([
      [0x12, 0x00, 0x00, 0x00], // GetIrqStatus -> HEADER_VALID
      [0x02, 0x00, 0x10], // ClearIrqStatus HEADER_VALID
    ]);
    chip.receive([7, 8, 9], 180, 20);
    expect(heard.heard.map((h) => h.kind)).toEqual(["rxStarted", "rx"]);
  });

  it("reports a header error", () => {
    radio.startReceive();
    chip.receiveBadHeader();
    expect(heard.heard).toEqual([{ kind: "rxError", error: "header" }]);
  });

  it("sends the golden CAD sequence and reports activity", () => {
    radio.startCad();
    expect(chip.spiLog).toEqual([
      [0x80, 0x00], // SetStandby STDBY_RC
      [0x88, 0x02, 11 + 13, 0x0a, 0x00, 0x00, 0x00, 0x00], // SetCadParams 4 symbols, detPeak SF+13, detMin 10, exit to STDBY, timeout 0
      [0x02, 0x03, 0xff], // ClearIrqStatus all
      [0xc5], // SetCad
    ]);
    chip.spiLog.length = 0;
    chip.finishCad(true);
    expect(chip.spiLog).toEqual([
      [0x12, 0x00, 0x00, 0x00], // GetIrqStatus -> CAD_DONE | CAD_DETECTED
      [0x02, 0x01, 0x80], // ClearIrqStatus 0x180
    ]);
    radio.startCad();
    chip.finishCad(false);
    expect(heard.heard).toEqual([
      { kind: "cadDone", busy: true },
      { kind: "cadDone", busy: false },
    ]);
  });

  it("ignores a spurious interrupt with no flags set", () => {
    radio.onIrq();
    expect(chip.spiLog).toEqual([[0x12, 0x00, 0x00, 0x00]]);
    expect(heard.heard).toEqual([]);
  });

  it("watches DIO1 only once across re-inits", () => {
    radio.init(US_LONG_FAST);
    expect(chip.gpioLog.filter((g) => g.startsWith("watch"))).toEqual(["watch 14 rising"]);
  });
});
