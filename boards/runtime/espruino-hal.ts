// The radio drivers' hardware seams (boards/radio/hal.ts) on Espruino: SPI1 through the GPIO
// matrix on the board's radio pins, and GPIO by number (Espruino accepts a GPIO number wherever it
// takes a pin; the pins are named D<gpio>). setWatch cannot watch GPIO 6..11 on ESP32 (flash pins),
// which no radio uses (shared spec espruino.md 2.7).
import type { Gpio, SpiBus } from "../radio/hal.js";
import type { EspruinoSpi } from "./espruino-globals.js";

/** SX1262 allows 16 MHz and SX1276 10 MHz; 4 MHz keeps margin for long jumper wires. */
export const RADIO_SPI_BAUD = 4000000;

export class EspruinoSpiBus implements SpiBus {
  private readonly spi: EspruinoSpi;

  constructor(sck: number, miso: number, mosi: number) {
    this.spi = SPI1;
    this.spi.setup({ sck, miso, mosi, baud: RADIO_SPI_BAUD, mode: 0 });
  }

  send(data: Uint8Array, nss: number): Uint8Array {
    const r = this.spi.send(data, nss);
    // SPI.send answers in the type it was given; normalise in case a build returns a string.
    return typeof r === "string" ? E.toUint8Array(r) : r;
  }
}

export class EspruinoGpio implements Gpio {
  write(pin: number, value: boolean): void {
    digitalWrite(pin, value);
  }

  read(pin: number): boolean {
    return digitalRead(pin) !== 0;
  }

  watch(pin: number, rising: boolean, cb: () => void): void {
    pinMode(pin, "input");
    setWatch(() => cb(), pin, { repeat: true, edge: rising ? "rising" : "falling" });
  }
}
