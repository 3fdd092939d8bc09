// Per-sender downlink rate limit (meshport policy, spec section 9 "per-node rate limit"; the
// firmware has none, spec 5.8): one token bucket per `packet.from`, in a fixed-size table.
//
// Bucket: `packets` tokens, refilled continuously at `packets` per `windowMs`; a full bucket stays
// full. A new sender starts full, so N packets in a burst pass, then one per windowMs/N.
//
// Table: at most `maxNodes` senders, in three typed arrays allocated once (no growth, no GC churn
// on the boards). When it is full and an unknown sender arrives, the entry seen least recently is
// evicted (ties: the lowest slot). Why that one: an entry idle for at least windowMs has a full
// bucket again, so forgetting it changes no decision; and the senders active right now, the ones
// a flood is made of, keep their (empty) buckets. A flood that forges a new `from` for every
// packet is bounded by the table size in memory, not in rate: each forged sender gets one bucket's
// worth; the radio's TX queue (MAX_TX_QUEUE, counted drops) bounds what reaches the air.

/** Default number of senders tracked. */
export const DOWNLINK_RATE_DEFAULT_MAX_NODES = 64;
/** Hard upper bound on maxNodes (20 KB of table). */
export const DOWNLINK_RATE_MAX_NODES_LIMIT = 1024;
/** Memory per tracked sender: Uint32 node number + Float64 tokens + Float64 last-seen time. */
export const DOWNLINK_RATE_BYTES_PER_NODE = 20;

export interface DownlinkRateLimit {
  /** Packets per window per sender; 0 disables the limit (the firmware's behaviour). */
  packets: number;
  /** Window in ms over which `packets` tokens refill. */
  windowMs: number;
  /** Senders tracked at once (1..DOWNLINK_RATE_MAX_NODES_LIMIT); DOWNLINK_RATE_DEFAULT_MAX_NODES by default. */
  maxNodes: number;
}

export class DownlinkRateLimiter {
  /** Table size: senders tracked at once. Memory: capacity * DOWNLINK_RATE_BYTES_PER_NODE bytes. */
  readonly capacity: number;
  readonly packets: number;
  readonly windowMs: number;
  /** Entries forgotten to make room for a new sender (least-recently-seen rule). */
  evicted = 0;
  /** Packets refused because their sender's bucket was empty. */
  refused = 0;
  private used = 0;
  private readonly from: Uint32Array;
  private readonly tokens: Float64Array;
  private readonly lastMs: Float64Array;

  constructor(limit: DownlinkRateLimit) {
    let n = limit.maxNodes > 0 ? Math.floor(limit.maxNodes) : DOWNLINK_RATE_DEFAULT_MAX_NODES;
    if (n > DOWNLINK_RATE_MAX_NODES_LIMIT) n = DOWNLINK_RATE_MAX_NODES_LIMIT;
    this.capacity = n;
    this.packets = limit.packets;
    this.windowMs = limit.windowMs > 0 ? limit.windowMs : 1;
    this.from = new Uint32Array(n);
    this.tokens = new Float64Array(n);
    this.lastMs = new Float64Array(n);
  }

  /** Senders currently tracked (≤ capacity). */
  get size(): number {
    return this.used;
  }

  /** Bytes the table holds, fixed at construction. */
  get memoryBytes(): number {
    return this.capacity * DOWNLINK_RATE_BYTES_PER_NODE;
  }

  /** Whether `from` is in the table (for tests and diagnostics). */
  tracks(from: number): boolean {
    return this.slotOf(from >>> 0) >= 0;
  }

  private slotOf(from: number): number {
    for (let i = 0; i < this.used; i++) if (this.from[i] === from) return i;
    return -1;
  }

  private newSlot(from: number, now: number): number {
    let s = this.used;
    if (s < this.capacity) this.used++;
    else {
      s = 0;
      for (let i = 1; i < this.used; i++) if (this.lastMs[i] < this.lastMs[s]) s = i;
      this.evicted++;
    }
    this.from[s] = from;
    this.tokens[s] = this.packets;
    this.lastMs[s] = now;
    return s;
  }

  /** Takes one token for `from` at `now`; false when its bucket is empty (the packet is refused). */
  take(from: number, now: number): boolean {
    if (this.packets <= 0) return true;
    const f = from >>> 0;
    let s = this.slotOf(f);
    if (s < 0) s = this.newSlot(f, now);
    else {
      // A clock that steps back refills nothing.
      const elapsed = now - this.lastMs[s];
      if (elapsed > 0) {
        const t = this.tokens[s] + (elapsed * this.packets) / this.windowMs;
        this.tokens[s] = t > this.packets ? this.packets : t;
        this.lastMs[s] = now;
      }
    }
    if (this.tokens[s] >= 1) {
      this.tokens[s] -= 1;
      return true;
    }
    this.refused++;
    return false;
  }
}
