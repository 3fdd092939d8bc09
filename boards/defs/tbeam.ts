// LilyGO T-Beam v1.x. The board ships with either an SX1276 (RFM95) or an SX1262 module on the same
// pins; the Meshtastic firmware probes for RF95 then SX1262 at boot. Our bundle is built for one
// chip (a bundle carries one driver, and probing would need both drivers in RAM), so there are two
// definitions: `tbeam` for the SX1262 module and `tbeam-sx1276` for the SX1276 one.
//
// Radio pins: espruino.md section 3.1 (meshtastic/firmware variants/esp32/tbeam/variant.h; SCK/MISO/
// MOSI/CS are the ESP32 defaults of src/platform/esp32/architecture.h). LED and button are not in the
// spec table: variant.h has BUTTON_PIN 38 (middle button) and LED_POWER 4 ("newer tbeams (1.1) have an
// extra led on GPIO4", lit when low: LED_STATE_ON 0).
import { ModemPreset } from "../../firmware/mesh/modem-preset.js";
import { RegionCode } from "../../firmware/mesh/regions.js";
import type { BoardDef } from "./board.js";

export const TBEAM: BoardDef = {
  id: "tbeam",
  name: "LilyGO T-Beam (SX1262)",
  mcu: "esp32",
  espruinoFirmware: "ESP32",
  radio: {
    chip: "sx1262",
    sck: 5,
    miso: 19,
    mosi: 27,
    nss: 18,
    reset: 23,
    // LORA_DIO2 32 is the SX1262 BUSY, LORA_DIO1 33 its IRQ.
    busy: 32,
    dio1: 33,
    dio0: undefined,
    tcxoVoltage: 1.8,
    dio2AsRfSwitch: true,
  },
  led: 4,
  button: 38,
  defaultRegion: RegionCode.US,
  defaultPreset: ModemPreset.LONG_FAST,
};

export const TBEAM_SX1276: BoardDef = {
  id: "tbeam-sx1276",
  name: "LilyGO T-Beam (SX1276)",
  mcu: "esp32",
  espruinoFirmware: "ESP32",
  radio: {
    chip: "sx1276",
    sck: 5,
    miso: 19,
    mosi: 27,
    nss: 18,
    reset: 23,
    busy: undefined,
    // LORA_DIO0 26 is the SX127x IRQ; DIO1 33 is wired but unused by the driver.
    dio1: 33,
    dio0: 26,
    tcxoVoltage: undefined,
    dio2AsRfSwitch: false,
  },
  led: 4,
  button: 38,
  defaultRegion: RegionCode.US,
  defaultPreset: ModemPreset.LONG_FAST,
};
