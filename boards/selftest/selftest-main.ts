// The selftest build's entry: runs the self-test once at boot and prints its result line (and the
// cipher path it checked, so a board without native AES is visible).
import type { BoardDef } from "../defs/board.js";
import { nativeAes } from "../runtime/espruino-cipher.js";
import { printLine } from "../runtime/espruino-host.js";
import { runSelftest, selftestCases } from "./selftest.js";
import type { SelftestResult } from "./selftest.js";

export function bootSelftest(board: BoardDef): SelftestResult {
  const aes = nativeAes();
  printLine("meshport selftest on " + board.name + " (" + (aes !== undefined ? "native AES" : "no native AES: portable only") + ")");
  const r = runSelftest(selftestCases(aes));
  printLine(r.line);
  return r;
}
