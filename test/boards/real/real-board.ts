// A board bundle on the real interpreter (test/support/espruino-real.ts), uploaded the way
// `meshport board flash` uploads it, with the fake hardware of fake-board.js as `.boot0`.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBoardBundle } from "../../../boards/bundle/build-bundle.js";
import type { BuildKind } from "../../../boards/bundle/build-bundle.js";
import { boardById } from "../../../boards/defs/index.js";
import type { StoredConfig } from "../../../boards/runtime/board-config.js";
import { uploadSteps } from "../../../cli/board-upload.js";
import { RealEspruino } from "../../support/espruino-real.js";

const FAKE_BOARD = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "fake-board.js"), "latin1");

export interface RealBoardOptions {
  binary: string;
  boardId: string;
  kind: BuildKind;
  config?: StoredConfig;
  /** A chip on the bus (default true); false: MISO reads 0, the driver finds no radio. */
  radio?: boolean;
  /** A Wifi module (default true); false: require("Wifi") fails. */
  wifi?: boolean;
  /** How long the fake chip takes to send a frame (ms). */
  txMs?: number;
}

export interface RealBoard {
  esp: RealEspruino;
  bundleBytes: number;
  /** Console output from load() on. */
  bootOutput(): string;
}

/** The fake hardware program for `.boot0` on this board. */
export function fakeBoardFile(boardId: string, radio: boolean, wifi: boolean, txMs: number): string {
  const b = boardById(boardId)!;
  const fake = { chip: b.radio.chip === "sx1262" ? "sx1262" : "sx127x", pins: b.radio, radio, wifi, txMs };
  return "var FAKE=" + JSON.stringify(fake) + ";\n" + FAKE_BOARD;
}

/** Builds, uploads and boots a bundle; resolves once the upload is acknowledged and load() sent. */
export async function bootRealBoard(o: RealBoardOptions): Promise<RealBoard> {
  const bundle = await buildBoardBundle(o.boardId, o.kind);
  const esp = await RealEspruino.start(o.binary);
  try {
    const steps = uploadSteps(bundle.code, o.config, [{ name: ".boot0", content: fakeBoardFile(o.boardId, o.radio !== false, o.wifi !== false, o.txMs ?? 50) }]);
    await esp.upload(steps);
  } catch (e) {
    esp.stop();
    throw e;
  }
  const from = esp.output.length;
  return { esp, bundleBytes: bundle.bytes, bootOutput: () => esp.output.substring(from) };
}
