// Every supported board, for the bundler (--board <id>) and the runtime.
import type { BoardDef } from "./board.js";
import { HELTEC_V3 } from "./heltec-v3.js";
import { T3_V1_6 } from "./t3-v1-6.js";
import { TBEAM, TBEAM_SX1276 } from "./tbeam.js";
import { TBEAM_S3_CORE } from "./tbeam-s3-core.js";

export type { BoardDef, RadioChip, RadioPins } from "./board.js";
export { gpioExists } from "./board.js";

export const BOARDS: BoardDef[] = [HELTEC_V3, TBEAM, TBEAM_SX1276, T3_V1_6, TBEAM_S3_CORE];

/** The board with this id, or undefined. */
export function boardById(id: string): BoardDef | undefined {
  for (let i = 0; i < BOARDS.length; i++) if (BOARDS[i].id === id) return BOARDS[i];
  return undefined;
}
