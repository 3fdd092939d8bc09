// The portable core as a board would get it: bundled by esbuild with the Espruino feature gates
// (syntax Espruino lacks fails the build), then run in a V8 sandbox with the globals Espruino lacks
// removed and typed-array slice() returning a plain Array as on Espruino. Two nodes exchange a
// channel-encrypted broadcast there. (The board bundler, drivers and size budgets are the ESP32 issue.)
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { bundleForEspruino, espruinoSupported, runInEspruinoSandbox } from "../support/espruino-sandbox.js";

const ENTRY = `
export { MeshNode } from "./firmware/node.js";
export { defaultNodeConfig } from "./firmware/mesh/node-config.js";
export { SeededRng } from "./firmware/mesh/rng.js";
export { PortableChannelCipher } from "./firmware/crypto/channel-cipher.js";
`;

const SCENARIO = `
const a = new core.MeshNode({ config: core.defaultNodeConfig(0x101), rng: new core.SeededRng(1), cipher: new core.PortableChannelCipher(), pki: undefined, startMs: 0, maxNodes: 0 });
const b = new core.MeshNode({ config: core.defaultNodeConfig(0x102), rng: new core.SeededRng(2), cipher: new core.PortableChannelCipher(), pki: undefined, startMs: 0, maxNodes: 0 });
a.sendText(0xffffffff, "hello from the sandbox", 0, false, 0);
let frame;
for (let guard = 0; guard < 10 && frame === undefined; guard++) {
  const t = a.nextDeadline();
  a.handle({ type: "tick" }, t);
  for (const act of a.takeActions()) if (act.type === "radio-tx") frame = act.frame;
}
b.handle({ type: "radio-rx", frame, rssi: -80, snr: 5 }, 1000);
const got = b.takeActions().filter((x) => x.type === "deliver")[0];
let text = "";
for (let i = 0; i < got.packet.decoded.payload.length; i++) text += String.fromCharCode(got.packet.decoded.payload[i]);
result = { text, from: got.packet.from, channel: got.packet.channel, frameLength: frame.length };
`;

describe("portable core under Espruino constraints", () => {
  it("bundles with the Espruino feature gates and runs without Map/Set/Symbol/TextEncoder/Math.imul", async () => {
    const code = await bundleForEspruino(ENTRY, "core");
    expect([...code].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    expect(runInEspruinoSandbox(code, SCENARIO)).toEqual({ text: "hello from the sandbox", from: 0x101, channel: 0, frameLength: 16 + 2 + 2 + 22 + 2 });
  });

  it("the gates do fail the build on syntax Espruino lacks", async () => {
    const attempt = build({
      stdin: { contents: "export const f = (o: { a: number }) => { const { a } = o; return a; };", loader: "ts", sourcefile: "bad.ts" },
      bundle: true,
      write: false,
      target: "es2015",
      supported: espruinoSupported(),
      logLevel: "silent",
    });
    await expect(attempt).rejects.toThrow(/destructuring/);
  });
});
