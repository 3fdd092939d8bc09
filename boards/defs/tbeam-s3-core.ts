// LilyGO T-Beam S3 Core (SX1262 build). Radio pins: espruino.md section 3.1 (meshtastic/firmware
// variants/esp32s3/tbeam-s3-core/variant.h). The button is not in the spec table: variant.h has
// BUTTON_PIN 0 (middle button). The variant defines no LED pin.
import { ModemPreset } from "../../firmware/mesh/modem-preset.js";
import { RegionCode } from "../../firmware/mesh/regions.js";
import type { BoardDef } from "./board.js";

export const TBEAM_S3_CORE: BoardDef = {
  id: "tbeam-s3-core",
  name: "LilyGO T-Beam S3 Core",
  mcu: "esp32s3",
  espruinoFirmware: "ESP32S3",
  radio: {
    chip: "sx1262",
    sck: 12,
    miso: 13,
    mosi: 11,
    nss: 10,
    reset: 5,
    // LORA_DIO2 4 is the SX1262 BUSY, LORA_DIO1 1 its IRQ.
    busy: 4,
    dio1: 1,
    dio0: undefined,
    tcxoVoltage: 1.8,
    dio2AsRfSwitch: true,
  },
  led: undefined,
  button: 0,
  defaultRegion: RegionCode.US,
  defaultPreset: ModemPreset.LONG_FAST,
};
