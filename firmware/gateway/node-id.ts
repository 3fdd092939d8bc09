// Node ids as text: "!" + 8 lowercase hex digits (NodeDB::getNodeId, snprintf("!%08x")).

const HEX = "0123456789abcdef";

/** The broadcast address (NODENUM_BROADCAST). */
export const BROADCAST_NUM = 0xffffffff;

export function nodeIdOf(num: number): string {
  let s = "!";
  for (let shift = 28; shift >= 0; shift -= 4) s += HEX.charAt((num >>> shift) & 15);
  return s;
}

/** Parses "!xxxxxxxx" (exactly 8 hex digits, either case); returns undefined for anything else. */
export function parseNodeId(id: string): number | undefined {
  if (id.length !== 9 || id.charAt(0) !== "!") return undefined;
  let n = 0;
  for (let i = 1; i < 9; i++) {
    const c = HEX.indexOf(id.charAt(i).toLowerCase());
    if (c < 0) return undefined;
    n = n * 16 + c;
  }
  return n;
}
