// Where decoded byte fields (protobuf bytes, MQTT payloads) and encoder output get their memory.
// Decoders copy so that what they return never aliases a network or parser buffer that is about to
// be reused.
//
// The default makes one new Uint8Array per field, which is what a board wants (memory is tight and
// every allocation is a JsVar anyway). Not slice(): on Espruino Uint8Array#slice returns a plain Array. On V8 a fresh typed array of more than 64 bytes
// costs an off-heap backing store (about 0.5-1.4 us on Node 20, measured in the mqtt bench), more
// than decoding the rest of a packet; Node tools therefore install a BytePool, which copies small
// fields into shared slabs, as Node's own Buffer.allocUnsafe pool does.

export interface ByteCopier {
  /** A copy of src[start, end) that shares no memory with `src`. */
  copy(src: Uint8Array, start: number, end: number): Uint8Array;
  /** `n` zero bytes of fresh memory (encoder output). */
  alloc(n: number): Uint8Array;
}

function freshCopy(src: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  out.set(src.subarray(start, end), 0);
  return out;
}

function freshAlloc(n: number): Uint8Array {
  return new Uint8Array(n);
}

const FRESH: ByteCopier = { copy: freshCopy, alloc: freshAlloc };

let copier: ByteCopier = FRESH;

/** A copy of src[start, end) made by the installed copier (a new array unless a pool is installed). */
export function copyBytes(src: Uint8Array, start: number, end: number): Uint8Array {
  return copier.copy(src, start, end);
}

/** `n` zero bytes from the installed copier (a new array unless a pool is installed). */
export function allocBytes(n: number): Uint8Array {
  return copier.alloc(n);
}

/** Installs `c` for every decoder in the process; undefined goes back to one new array per copy. Returns the previous one. */
export function setByteCopier(c: ByteCopier | undefined): ByteCopier {
  const prev = copier;
  copier = c !== undefined ? c : FRESH;
  return prev;
}

/** Slab size: a retained copy keeps its whole slab alive, so slabs stay small (Node's Buffer pool is 8 KiB). */
export const BYTE_POOL_SLAB_BYTES = 8192;
/** Larger copies get their own allocation (the backing-store cost no longer dominates). */
export const BYTE_POOL_MAX_COPY = 1024;

/**
 * Copies of up to BYTE_POOL_MAX_COPY bytes are carved from BYTE_POOL_SLAB_BYTES slabs, 8-byte
 * aligned; a slab that cannot fit the next copy is left to the GC (its copies keep it alive) and a
 * new one started. Copies never overlap and never alias the source.
 */
export class BytePool implements ByteCopier {
  private slab: Uint8Array = new Uint8Array(BYTE_POOL_SLAB_BYTES);
  private used = 0;
  /** Slabs allocated so far (including the first). */
  slabs = 1;

  copy(src: Uint8Array, start: number, end: number): Uint8Array {
    const n = end - start;
    if (n > BYTE_POOL_MAX_COPY) return freshCopy(src, start, end);
    const at = this.take(n);
    const slab = this.slab;
    if (n <= 32) for (let i = 0; i < n; i++) slab[at + i] = src[start + i];
    else slab.set(src.subarray(start, end), at);
    return slab.subarray(at, at + n);
  }

  alloc(n: number): Uint8Array {
    if (n > BYTE_POOL_MAX_COPY) return new Uint8Array(n);
    const at = this.take(n);
    // Slab memory is never handed out twice, so it is still zero.
    return this.slab.subarray(at, at + n);
  }

  /** Reserves n bytes (8-byte aligned) in the current slab or a new one; returns their offset. */
  private take(n: number): number {
    if (this.used + n > BYTE_POOL_SLAB_BYTES) {
      this.slab = new Uint8Array(BYTE_POOL_SLAB_BYTES);
      this.used = 0;
      this.slabs++;
    }
    const at = this.used;
    this.used = (at + n + 7) & ~7;
    return at;
  }
}
