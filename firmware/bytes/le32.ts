// Little-endian uint32 in a byte array: LoRa headers and crypto nonces are C structs memcpy'd on
// little-endian MCUs (spec meshtastic-wire.md section 0). Portable-AssemblyScript subset.

export function writeU32le(out: Uint8Array, off: number, v: number): void {
  out[off] = v & 0xff;
  out[off + 1] = (v >>> 8) & 0xff;
  out[off + 2] = (v >>> 16) & 0xff;
  out[off + 3] = (v >>> 24) & 0xff;
}

export function readU32le(b: Uint8Array, off: number): number {
  return (b[off] | (b[off + 1] << 8) | (b[off + 2] << 16) | (b[off + 3] << 24)) >>> 0;
}
