// The selftest build of every board runs in the Espruino sandbox (V8 without what the real
// interpreter lacks, boards/bundle/espruino-missing.json; Espruino's globals faked) and passes, with the
// board's native AES (faked with node:crypto ECB) and without it (require("crypto") throws).
import { describe, expect, it } from "vitest";
import { BOARDS } from "../../../boards/defs/index.js";
import { buildBoardBundle } from "../../../boards/bundle/build-bundle.js";
import { waitFor } from "../../support/brokers.js";
import { bootInEspruinoSandbox, fakeEspruino } from "../../support/espruino-sandbox.js";

/** The selftest runs from a timeout once the bundle's top level has returned (build-bundle.ts boardEntry). */
const finished = (lines: string[]) => () => lines.some((l) => l.startsWith("SELFTEST "));

describe("selftest bundle in the Espruino sandbox", () => {
  for (const board of BOARDS) {
    it(`${board.id}: SELFTEST PASS with native AES (ECB + XOR) and without`, async () => {
      const b = await buildBoardBundle(board.id, "selftest");

      const withAes = fakeEspruino();
      bootInEspruinoSandbox(b.code, withAes.globals);
      await waitFor("the selftest", finished(withAes.lines));
      withAes.shutdown();
      const last = withAes.lines[withAes.lines.length - 1];
      expect(last).toMatch(/^SELFTEST PASS (\d+)\/\1$/);
      expect(withAes.lines[0]).toContain("native AES");
      // The native path really ran, and only in ECB mode (Espruino's CTR ignores the IV).
      expect(withAes.aesModes.length).toBeGreaterThan(0);
      expect(new Set(withAes.aesModes)).toEqual(new Set(["ECB"]));

      const noAes = fakeEspruino({ crypto: false });
      bootInEspruinoSandbox(b.code, noAes.globals);
      await waitFor("the selftest", finished(noAes.lines));
      noAes.shutdown();
      expect(noAes.lines[noAes.lines.length - 1]).toMatch(/^SELFTEST PASS (\d+)\/\1$/);
      expect(noAes.lines[0]).toContain("portable only");
      // Fewer cases without the native ones.
      const n = (l: string) => Number(/(\d+)\/\d+$/.exec(l)![1]);
      expect(n(noAes.lines[noAes.lines.length - 1])).toBeLessThan(n(last));
    });
  }
});
