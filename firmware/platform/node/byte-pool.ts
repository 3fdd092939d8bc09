// Node tools that decode a stream of packets and keep little of them (listen, decode, bench) copy
// decoded byte fields into slabs (firmware/bytes/byte-copy.ts) instead of one allocation each.
// The simulator does not: its nodes keep decoded keys and payloads for a long time, and each kept
// copy would keep its whole slab alive.
import { BytePool, setByteCopier } from "../../bytes/byte-copy.js";

let installed: BytePool | undefined;

/** Installs one process-wide BytePool (idempotent) and returns it. */
export function useBytePool(): BytePool {
  if (installed === undefined) {
    installed = new BytePool();
    setByteCopier(installed);
  }
  return installed;
}
