// Subscriber-side de-duplication for `meshport listen --dedup` (spec section 9): the same packet
// uplinked by several gateways is reported once, with every gateway that heard it. Packets are
// keyed by (from, id); map reports, whose id is 0, by their content. A packet is held for a short
// window to collect its copies, then printed; its key is remembered a while longer so that late
// copies are recognised. Both the held and the remembered sets are bounded.

/** How long a packet waits for copies from other gateways before it is printed. */
export const DEDUP_HOLD_MS = 2_000;
/** How long a printed packet's key is remembered, so late copies are not printed again. */
export const DEDUP_REMEMBER_MS = 60_000;
/** Entries kept at most (~300 bytes each with the gateway list and the held line, ~3 MB at the bound). */
export const DEDUP_MAX_ENTRIES = 10_000;

export interface DedupEntry<T> {
  key: string;
  firstSeenMs: number;
  gateways: string[];
  item: T;
  printed: boolean;
}

export class ListenDeduper<T> {
  private readonly entries = new Map<string, DedupEntry<T>>();
  /** Copies that arrived after their packet was printed (counted, not printed). */
  lateCopies = 0;
  /** Remembered keys forgotten early because the table was full. */
  evictedFull = 0;
  private readonly ready: DedupEntry<T>[] = [];

  constructor(
    private readonly holdMs = DEDUP_HOLD_MS,
    private readonly rememberMs = DEDUP_REMEMBER_MS,
    private readonly maxEntries = DEDUP_MAX_ENTRIES,
  ) {}

  /** (from, id), or for id 0 (map reports) the payload's content. */
  static keyOf(from: number, id: number, content: string): string {
    return id !== 0 ? `${from >>> 0}:${id >>> 0}` : `${from >>> 0}:map:${content}`;
  }

  /** Records a copy of `key` heard through `gateway`. */
  see(key: string, gateway: string, item: T, now: number): void {
    const e = this.entries.get(key);
    if (e !== undefined) {
      if (e.printed) this.lateCopies++;
      else if (!e.gateways.includes(gateway)) e.gateways.push(gateway);
      return;
    }
    this.entries.set(key, { key, firstSeenMs: now, gateways: [gateway], item, printed: false });
    // Over the bound: the oldest entry goes; if it was still held it is printed now, not lost.
    while (this.entries.size > this.maxEntries) {
      const [k, oldest] = this.entries.entries().next().value as [string, DedupEntry<T>];
      this.entries.delete(k);
      this.evictedFull++;
      if (!oldest.printed) {
        oldest.printed = true;
        this.ready.push(oldest);
      }
    }
  }

  /** Held packets whose window has closed at `now` (in first-seen order), marked printed. */
  takeReady(now: number): DedupEntry<T>[] {
    const out = this.ready.splice(0);
    for (const [k, e] of this.entries) {
      const age = now - e.firstSeenMs;
      if (age < this.holdMs) break;
      if (!e.printed) {
        e.printed = true;
        out.push(e);
      }
      if (age >= this.rememberMs) this.entries.delete(k);
    }
    return out;
  }

  /** Everything still held, for a clean exit. */
  flush(): DedupEntry<T>[] {
    const out = this.ready.splice(0);
    for (const e of this.entries.values()) if (!e.printed) {
      e.printed = true;
      out.push(e);
    }
    return out;
  }

  get size(): number {
    return this.entries.size;
  }
}
