// The JSON gateway code as a board gets it: bundled by esbuild with the Espruino feature gates and
// run in a V8 sandbox without the globals Espruino lacks, and without toPrecision/toFixed/
// Math.fround, to show the number formatting does not lean on them. The sandbox results must equal
// the ones computed natively.
import { describe, expect, it } from "vitest";
import { bundleForEspruino, runInEspruinoSandbox } from "../../support/espruino-sandbox.js";
import { formatJsonNumber } from "../../../firmware/gateway/json-number.js";
import { serializeJsonUplinkBytes } from "../../../firmware/gateway/json-uplink.js";
import { parseJsonDownlink } from "../../../firmware/gateway/json-downlink.js";
import { utf8Encode } from "../../../firmware/bytes/utf8.js";
import { deviceData, environmentData, neighborinfoData, packet, positionData, routeNodes, text, tracerouteReply, waypointData } from "./fixtures.js";

const ENTRY = `
export { formatJsonNumber } from "./firmware/gateway/json-number.js";
export { serializeJsonUplinkBytes } from "./firmware/gateway/json-uplink.js";
export { parseJsonDownlink } from "./firmware/gateway/json-downlink.js";
`;

/** Beyond the usual stripping: the number formatting must not lean on these either. */
const EXTRA_STRIP = `
delete Math.fround;
delete Number.prototype.toPrecision; delete Number.prototype.toFixed; delete Number.prototype.toExponential;
`;

describe("JSON gateway code under Espruino constraints", () => {
  it("gives the same numbers, uplink bytes and downlink results as natively", async () => {
    const code = await bundleForEspruino(ENTRY, "core");
    const numbers = [Math.fround(4.2), -17, 0, -0, 1e-7, 1e15, 2 ** -22, 1234567890123445, 5e-324, Number.MAX_VALUE, NaN, 0.1, 65.3];
    const packets = [packet(text("Grüße / {}")), packet(text('{"a":[1.5,TRUE]}')), packet(positionData), packet(deviceData), packet(environmentData), packet(waypointData), packet(neighborinfoData), tracerouteReply()];
    const downlinks = [
      '{"from":3735928559,"type":"sendtext","payload":"caf\\u00e9","to":5,"channel":1,"hopLimit":2}',
      '{"from":3735928559,"type":"sendposition","payload":{"latitude_i":1,"longitude_i":-2,"time":3}}',
      '{"from":1,"type":"sendtext","payload":"x"}',
      "[[[[[[[[[[]]]]]]]]]]",
    ].map((s) => utf8Encode(s));
    const db = routeNodes();
    const scenario = `
result = {
  numbers: numbers.map((x) => core.formatJsonNumber(x)),
  uplinks: packets.map((p) => Array.prototype.slice.call(core.serializeJsonUplinkBytes(p, 0xdeadbeef, db))),
  downlinks: downlinks.flatMap((b) => [core.parseJsonDownlink(b, 0xdeadbeef, 2, false), core.parseJsonDownlink(b, 0xdeadbeef, 2, true)]),
};`;
    const sandboxResult = runInEspruinoSandbox(code, scenario, { extraStrip: EXTRA_STRIP, globals: { numbers, packets, downlinks, db }, timeoutMs: 20_000 });
    const result = sandboxResult as { numbers: string[]; uplinks: number[][]; downlinks: unknown[] };
    expect(result.numbers).toEqual(numbers.map((x) => formatJsonNumber(x)));
    expect(result.uplinks).toEqual(packets.map((p) => Array.from(serializeJsonUplinkBytes(p, 0xdeadbeef, db) as Uint8Array)));
    // Compare structurally (the sandbox's Uint8Array is another realm's).
    const norm = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? Array.from(x as Uint8Array) : x)));
    expect(norm(result.downlinks)).toEqual(norm(downlinks.flatMap((b) => [parseJsonDownlink(b, 0xdeadbeef, 2, false), parseJsonDownlink(b, 0xdeadbeef, 2, true)])));
  });
});
