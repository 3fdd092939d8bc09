// The package's public entry points, imported by name the way a consumer would, in plain Node
// (no TypeScript loader): the exports map must resolve to the built JavaScript and work.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function nodeEval(code: string): string {
  return execFileSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8", timeout: 20_000 });
}

describe("package exports", () => {
  it("meshport/wire, meshport/crypto and meshport/gateway work from plain Node", () => {
    const out = nodeEval(`
      import { DataCodec } from "meshport/wire";
      import { channelHash, expandPsk } from "meshport/crypto";
      import { nodeIdOf } from "meshport/gateway";
      import { toHex } from "meshport/bytes";
      const key = expandPsk(new Uint8Array([1]));
      console.log(toHex(DataCodec.encode({ portnum: 1, bitfield: 0 })), channelHash("LongFast", key.key), nodeIdOf(0xabc));
    `);
    expect(out.trim()).toBe("08014800 8 !00000abc");
  });

  it("meshport/proto and meshport/platform/node work from plain Node", () => {
    const out = nodeEval(`
      import { create, toBinary } from "@bufbuild/protobuf";
      import { DataSchema } from "meshport/proto";
      import { NodeChannelCipher } from "meshport/platform/node";
      const c = new NodeChannelCipher();
      console.log(toBinary(DataSchema, create(DataSchema, { portnum: 1 })).length, c.ctr(new Uint8Array(16), 1, 2, new Uint8Array(3)).length);
    `);
    expect(out.trim()).toBe("2 3");
  });
});
