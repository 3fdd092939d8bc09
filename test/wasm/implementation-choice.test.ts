// The capability seam: the factories return the WASM implementations unless WebAssembly is missing
// or MESHPORT_FORCE_TS=1, in which case they return the TypeScript ones (the forced-fallback leg).
// The environment and WebAssembly availability are injected, so process.env is never mutated.

import { describe, expect, it } from "vitest";
import { PortableChannelCipher } from "../../firmware/crypto/index.js";
import {
  TsEnvelopePipeline,
  WasmChannelCipher,
  WasmEnvelopePipeline,
  createChannelCipher,
  createEnvelopePipeline,
  useWasm,
  wasmSupported,
} from "../../wasm/loader.js";

describe("implementation choice", () => {
  it("prefers WASM when it is available and nothing forces TypeScript", () => {
    expect(wasmSupported()).toBe(true);
    expect(useWasm({ env: {} })).toBe(true);
    expect(createChannelCipher({ env: {} })).toBeInstanceOf(WasmChannelCipher);
    expect(createEnvelopePipeline({ env: {} })).toBeInstanceOf(WasmEnvelopePipeline);
    expect(createChannelCipher({ env: { MESHPORT_FORCE_TS: "0" } }).name).toBe("wasm");
  });

  it("MESHPORT_FORCE_TS=1 forces the TypeScript implementations", () => {
    const env = { MESHPORT_FORCE_TS: "1" };
    expect(useWasm({ env })).toBe(false);
    expect(useWasm({ env, webAssembly: true })).toBe(false);
    const cipher = createChannelCipher({ env });
    expect(cipher).toBeInstanceOf(PortableChannelCipher);
    expect(cipher.name).toBe("portable");
    const pipeline = createEnvelopePipeline({ env });
    expect(pipeline).toBeInstanceOf(TsEnvelopePipeline);
    expect(pipeline.name).toBe("ts");
  });

  it("falls back to TypeScript when WebAssembly is missing", () => {
    expect(createChannelCipher({ env: {}, webAssembly: false }).name).toBe("portable");
    expect(createEnvelopePipeline({ env: {}, webAssembly: false }).name).toBe("ts");
  });

  it("reads process.env by default (a CI leg with MESHPORT_FORCE_TS=1 gets the fallback)", () => {
    const forced = process.env.MESHPORT_FORCE_TS === "1";
    expect(createChannelCipher().name).toBe(forced ? "portable" : "wasm");
    expect(createEnvelopePipeline().name).toBe(forced ? "ts" : "wasm");
  });

  it("both choices give the same bytes", () => {
    const key = new Uint8Array(16).fill(3);
    const data = new Uint8Array(100).map((_, i) => i);
    const a = createChannelCipher({ env: {} }).ctr(key, 1, 2, data);
    const b = createChannelCipher({ env: { MESHPORT_FORCE_TS: "1" } }).ctr(key, 1, 2, data);
    expect(a).toEqual(b);
  });
});
