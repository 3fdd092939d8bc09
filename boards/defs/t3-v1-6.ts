// LilyGO T3 v1.6.x (LoRa32 v2.1-1.6). Radio pins: espruino.md section 3.1 (meshtastic/firmware
// variants/esp32/tlora_v2_1_16/variant.h; SCK/MISO/MOSI/CS are the ESP32 defaults of
// src/platform/esp32/architecture.h). The LED is not in the spec table: variant.h has LED_PIN 25. The
// variant defines no BUTTON_PIN, so there is no button. On the TCXO variant (v1.6.1 TCXO) GPIO 33 is
// the TCXO enable rather than DIO1; the driver does not use DIO1 either way.
import { ModemPreset } from "../../firmware/mesh/modem-preset.js";
import { RegionCode } from "../../firmware/mesh/regions.js";
import type { BoardDef } from "./board.js";

export const T3_V1_6: BoardDef = {
  id: "t3-v1.6",
  name: "LilyGO T3 v1.6",
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
    dio1: 33,
    dio0: 26,
    tcxoVoltage: undefined,
    dio2AsRfSwitch: false,
  },
  led: 25,
  button: undefined,
  defaultRegion: RegionCode.US,
  defaultPreset: ModemPreset.LONG_FAST,
};
