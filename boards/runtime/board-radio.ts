// The board's LoRa radio: the driver for its chip on SPI1 and its pins. One factory per chip, so
// the generated entry imports only the driver its board needs (the other is tree-shaken away).
import type { BoardDef } from "../defs/board.js";
import type { LoraRadio } from "../radio/lora-radio.js";
import { Sx1262 } from "../radio/sx1262.js";
import { Sx127x } from "../radio/sx127x.js";
import { EspruinoGpio, EspruinoSpiBus } from "./espruino-hal.js";

export type RadioFactory = (board: BoardDef) => LoraRadio;

export function createSx1262Radio(board: BoardDef): LoraRadio {
  const p = board.radio;
  return new Sx1262(new EspruinoSpiBus(p.sck, p.miso, p.mosi), new EspruinoGpio(), p);
}

export function createSx127xRadio(board: BoardDef): LoraRadio {
  const p = board.radio;
  return new Sx127x(new EspruinoSpiBus(p.sck, p.miso, p.mosi), new EspruinoGpio(), p);
}
