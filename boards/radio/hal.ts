// Hardware seams for the LoRa drivers: the SPI bus and GPIO as Espruino offers them, so the drivers
// run unchanged on a board (SPI1 / digitalWrite / setWatch), in the simulator and against the fakes
// in test/boards/radio. There is deliberately no delay: a busy-wait blocks Espruino's event loop
// (espruino.md section 2.7), so the drivers poll BUSY (SX126x) or a register (SX127x) a bounded
// number of times and fail with a RadioError instead of hanging.

/** Full-duplex SPI like Espruino's `SPI1.send(data, nss)`: NSS low for the whole transfer. */
export interface SpiBus {
  /** Clocks `data` out with chip select `nss` (a GPIO number) held low; returns the bytes clocked in. */
  send(data: Uint8Array, nss: number): Uint8Array;
}

/** GPIO by number (Espruino names the pins D<gpio>; the runtime maps numbers to pins). */
export interface Gpio {
  write(pin: number, value: boolean): void;
  read(pin: number): boolean;
  /** Calls `cb` on every rising (or falling) edge of `pin` (Espruino setWatch with repeat: true). */
  watch(pin: number, rising: boolean, cb: () => void): void;
}

/** Stable error codes, asserted by tests and shown by the runtime. */
export type RadioErrorCode =
  /** The SX126x BUSY line never dropped within the poll budget. */
  | "BUSY_TIMEOUT"
  /** The chip did not answer like the expected chip (status 0x00/0xFF, wrong version register). */
  | "CHIP_NOT_FOUND"
  /** A RadioConfig value the chip cannot do (frequency, SF, bandwidth, coding rate). */
  | "BAD_CONFIG"
  /** A frame of 0 or more than 255 bytes. */
  | "TOO_LONG"
  /** transmit / startReceive / startCad / onIrq before init. */
  | "NOT_INITIALIZED";

/**
 * The drivers' typed error. A plain class, not `extends Error`: Espruino cannot subclass Error
 * (espruino.md section 1.1), and the code field is what callers switch on.
 */
export class RadioError {
  readonly code: RadioErrorCode;
  readonly message: string;

  constructor(code: RadioErrorCode, message: string) {
    this.code = code;
    this.message = message;
  }

  toString(): string {
    return "RadioError " + this.code + ": " + this.message;
  }
}

/**
 * Poll budget for a BUSY wait. On Espruino one gpio.read costs tens of microseconds, so 5000 reads
 * cover the longest SX126x busy period we cause (Calibrate 0x7F, about 3.5 ms, datasheet 13.1.12)
 * with a wide margin, and still fail within a fraction of a second when the line is stuck.
 */
export const DEFAULT_BUSY_POLLS = 5000;

/**
 * Reads of the reset pin made while NRESET is held low. Both chips need NRESET low for at least
 * 100 us (SX1261/2 datasheet 8.1, SX1276 datasheet 7.2.2); with no delay available, a few
 * interpreted reads on Espruino (tens of us each) stretch the pulse past that.
 */
export const RESET_LOW_READS = 10;

/** Drives a reset pulse on `pin` (active low) without a delay primitive. */
export function pulseReset(gpio: Gpio, pin: number): void {
  gpio.write(pin, false);
  for (let i = 0; i < RESET_LOW_READS; i++) gpio.read(pin);
  gpio.write(pin, true);
}
