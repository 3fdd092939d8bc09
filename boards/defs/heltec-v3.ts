// Heltec WiFi LoRa 32 V3. Radio pins: espruino.md section 3.1 (meshtastic/firmware
// variants/esp32s3/heltec_v3/variant.h). LED and button are not in the spec table: variant.h has
// BUTTON_PIN 0 and LED_PIN LED, where LED is 35 in the Arduino core's heltec_wifi_lora_32_V3
// pins_arduino.h.
import { ModemPreset } from "../../firmware/mesh/modem-preset.js";
import { RegionCode } from "../../firmware/mesh/regions.js";
import type { BoardDef } from "./board.js";

export const HELTEC_V3: BoardDef = {
  id: "heltec-v3",
  name: "Heltec WiFi LoRa 32 V3",
  mcu: "esp32s3",
  espruinoFirmware: "ESP32S3",
  radio: {
    chip: "sx1262",
    sck: 9,
    miso: 11,
    mosi: 10,
    nss: 8,
    reset: 12,
    busy: 13,
    dio1: 14,
    dio0: undefined,
    // SX126X_DIO3_TCXO_VOLTAGE 1.8, SX126X_DIO2_AS_RF_SWITCH.
    tcxoVoltage: 1.8,
    dio2AsRfSwitch: true,
  },
  led: 35,
  button: 0,
  defaultRegion: RegionCode.US,
  defaultPreset: ModemPreset.LONG_FAST,
};
