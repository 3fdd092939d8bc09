// The core's Rng on the ESP32 hardware random number generator (E.hwRand, esp_random()).
import type { Rng } from "../../firmware/mesh/rng.js";
import { hardwareRandomU32 } from "./espruino-host.js";

export class HardwareRng implements Rng {
  nextU32(): number {
    return hardwareRandomU32();
  }
}
