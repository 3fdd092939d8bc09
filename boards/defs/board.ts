// What a board is, for the bundler and the board runtime: its MCU and Espruino firmware build, the
// LoRa radio wiring, LED and button, and the LoRa defaults it boots with. Pin values are GPIO numbers;
// Espruino names them D<gpio> (espruino.md section 3.1).

export type RadioChip = "sx1262" | "sx1276";

export interface RadioPins {
  chip: RadioChip;
  sck: number;
  miso: number;
  mosi: number;
  /** SPI chip select (NSS / CS). */
  nss: number;
  /** NRESET, active low. */
  reset: number;
  /** SX126x BUSY; undefined on SX127x, which has none. */
  busy: number | undefined;
  /** SX126x IRQ line (all IRQs are routed to DIO1); on SX127x boards the wired but unused DIO1. */
  dio1: number | undefined;
  /** SX127x IRQ line (RxDone / TxDone / CadDone); undefined on SX126x boards. */
  dio0: number | undefined;
  /** SX126x TCXO supply driven from DIO3, in volts; undefined for a crystal (or an SX127x). */
  tcxoVoltage: number | undefined;
  /** SX126x DIO2 drives the module's RF switch (SetDIO2AsRfSwitchCtrl). */
  dio2AsRfSwitch: boolean;
}

export interface BoardDef {
  /** Stable id used on the command line and in bundle names (kebab-case). */
  id: string;
  name: string;
  mcu: "esp32" | "esp32s3";
  /**
   * The Espruino firmware build to flash: "ESP32" (classic ESP32, IDF 3) or "ESP32S3" (the
   * ESP32S3_IDF4 build, marked beta upstream; espruino.md section 2.1).
   */
  espruinoFirmware: "ESP32" | "ESP32S3";
  radio: RadioPins;
  /** Status LED GPIO, undefined when the board has none the firmware drives. */
  led: number | undefined;
  /** User button GPIO, undefined when none. */
  button: number | undefined;
  /** LoRaConfig.RegionCode the board boots with (firmware/mesh/regions.ts). */
  defaultRegion: number;
  /** LoRaConfig.ModemPreset the board boots with (firmware/mesh/modem-preset.ts). */
  defaultPreset: number;
}

/**
 * GPIO numbers that exist on each MCU. ESP32: 0..39 without 20, 24 and 28..31 (ESP32 datasheet,
 * pin list). ESP32-S3: 0..21 and 26..48 (ESP32-S3 datasheet, 22..25 are not bonded out).
 */
export function gpioExists(mcu: "esp32" | "esp32s3", pin: number): boolean {
  if ((pin | 0) !== pin || pin < 0) return false;
  if (mcu === "esp32") return pin <= 39 && pin !== 20 && pin !== 24 && (pin < 28 || pin > 31);
  return pin <= 21 || (pin >= 26 && pin <= 48);
}
