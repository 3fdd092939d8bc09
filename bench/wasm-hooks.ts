// Where the "meshport WASM" impls join the suites: the envelope pipeline (the protobuf suite's
// envelope decode case) and the channel cipher (aes-ctr, uplink, sim), from wasm/loader.ts. When
// WebAssembly cannot be used the suites run without them and say so in a note.
import type { ChannelCipher } from "../firmware/crypto/index.js";
import { createEnvelopePipeline, WasmChannelCipher, wasmSupported } from "../wasm/loader.js";
import type { EnvelopePipeline } from "../wasm/loader.js";

export interface WasmImpls {
  /** The WASM envelope pipeline (wasm/loader.ts createEnvelopePipeline), with no keys loaded. */
  pipeline: EnvelopePipeline;
  cipher: ChannelCipher;
}

/** The WASM implementations, or undefined when WebAssembly is missing or the module fails to load. */
export function loadWasm(): WasmImpls | undefined {
  if (!wasmSupported()) return undefined;
  // An empty env: MESHPORT_FORCE_TS=1 must not turn the WASM impl into the TypeScript fallback
  // under the WASM name.
  const pipeline = createEnvelopePipeline({ env: {} });
  if (pipeline.name !== "wasm") return undefined;
  return { pipeline, cipher: new WasmChannelCipher() };
}

/** The note a suite carries when loadWasm() gave nothing. */
export const WASM_ABSENT_NOTE = "meshport WASM: not measured, WebAssembly is unavailable or wasm/loader.ts failed to load its module";
