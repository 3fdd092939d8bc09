// Board definitions: ids, pins that exist on the MCU, the radio lines each chip needs, and the
// pairing of MCU and Espruino firmware build.
import { describe, expect, it } from "vitest";
import { BOARDS, boardById, gpioExists } from "../../../boards/defs/index.js";
import type { BoardDef } from "../../../boards/defs/index.js";

function pinsOf(b: BoardDef): number[] {
  const r = b.radio;
  const pins = [r.sck, r.miso, r.mosi, r.nss, r.reset];
  const optional = [r.busy, r.dio1, r.dio0, b.led, b.button];
  for (const p of optional) if (p !== undefined) pins.push(p);
  return pins;
}

describe("board definitions", () => {
  it("lists the five boards with unique ids", () => {
    expect(BOARDS.map((b) => b.id)).toEqual(["heltec-v3", "tbeam", "tbeam-sx1276", "t3-v1.6", "tbeam-s3-core"]);
    expect(boardById("tbeam-sx1276")?.radio.chip).toBe("sx1276");
    expect(boardById("nope")).toBeUndefined();
  });

  for (const b of BOARDS) {
    describe(b.id, () => {
      it("uses only GPIOs that exist on its MCU", () => {
        for (const p of pinsOf(b)) expect(gpioExists(b.mcu, p), "GPIO " + p).toBe(true);
      });

      it("has no two radio lines on the same GPIO", () => {
        const r = b.radio;
        const lines = [r.sck, r.miso, r.mosi, r.nss, r.reset, r.busy, r.dio1, r.dio0].filter((p) => p !== undefined);
        expect(new Set(lines).size).toBe(lines.length);
      });

      it("has the IRQ and BUSY lines its chip needs", () => {
        const r = b.radio;
        if (r.chip === "sx1262") {
          expect(r.busy).toBeDefined();
          expect(r.dio1).toBeDefined();
          expect(r.dio0).toBeUndefined();
        } else {
          expect(r.dio0).toBeDefined();
          expect(r.busy).toBeUndefined();
          expect(r.tcxoVoltage).toBeUndefined();
          expect(r.dio2AsRfSwitch).toBe(false);
        }
      });

      it("watches its IRQ line on a GPIO Espruino can watch (not 6..12, espruino.md 2.7)", () => {
        const irq = b.radio.chip === "sx1262" ? b.radio.dio1 : b.radio.dio0;
        expect(irq !== undefined && (irq < 6 || irq > 12)).toBe(true);
      });

      it("names the Espruino build of its MCU and boots US LONG_FAST", () => {
        expect(b.espruinoFirmware).toBe(b.mcu === "esp32" ? "ESP32" : "ESP32S3");
        expect(b.defaultRegion).toBe(1);
        expect(b.defaultPreset).toBe(0);
      });
    });
  }

  it("keeps the spec's pins for heltec-v3 and the T-Beam pair", () => {
    expect(boardById("heltec-v3")).toMatchObject({
      radio: { sck: 9, miso: 11, mosi: 10, nss: 8, reset: 12, busy: 13, dio1: 14, tcxoVoltage: 1.8, dio2AsRfSwitch: true },
      led: 35,
      button: 0,
    });
    const tbeam = boardById("tbeam");
    const tbeam76 = boardById("tbeam-sx1276");
    expect(tbeam?.radio).toMatchObject({ sck: 5, miso: 19, mosi: 27, nss: 18, reset: 23, busy: 32, dio1: 33 });
    expect(tbeam76?.radio).toMatchObject({ sck: 5, miso: 19, mosi: 27, nss: 18, reset: 23, dio0: 26 });
  });
});
