// The simulator's clock structures: a binary min-heap of timed events ordered by (time, sequence),
// so events at the same instant run in the order they were scheduled, and an indexed min-heap of one
// deadline per node (MeshNode.nextDeadline()) that is updated in place when a node's deadline moves.
//
// Both keep their entries in parallel typed arrays (struct of arrays) and move fields with the
// "hole" technique, so pushing and popping allocate nothing once the arrays have grown.

/** Where pop() writes the event it removes; one reusable record, owned by the caller. */
export class SimEvent {
  time = 0;
  seq = 0;
  kind = 0;
  /** Two small integers and one reference for the handler (node index, transmission, request). */
  a = 0;
  b = 0;
  ref: unknown = undefined;
}

/**
 * Default bound on queued events: 4 Mi entries. Each entry costs 8 (time) + 8 (seq) + 3·4 (kind, a,
 * b) bytes in typed arrays plus one 8-byte reference slot: 36 bytes, ~150 MB when full. A full queue
 * refuses the push and counts it in `dropped`.
 */
export const DEFAULT_EVENT_QUEUE_CAPACITY = 1 << 22;

const INITIAL_SLOTS = 1024;

export class EventQueue {
  /** Pushes refused because the queue held `capacity` events. */
  dropped = 0;
  readonly capacity: number;
  private times = new Float64Array(INITIAL_SLOTS);
  private seqs = new Float64Array(INITIAL_SLOTS);
  private kinds = new Int32Array(INITIAL_SLOTS);
  private as = new Int32Array(INITIAL_SLOTS);
  private bs = new Int32Array(INITIAL_SLOTS);
  private refs: unknown[] = new Array<unknown>(INITIAL_SLOTS).fill(undefined);
  private n = 0;
  private nextSeq = 0;

  constructor(capacity?: number) {
    this.capacity = capacity !== undefined && capacity > 0 ? capacity : DEFAULT_EVENT_QUEUE_CAPACITY;
  }

  get size(): number {
    return this.n;
  }

  /** Time of the earliest event, Infinity when empty. */
  peekTime(): number {
    return this.n > 0 ? this.times[0] : Infinity;
  }

  /** Schedules an event; false (and a counted drop) when the queue is full. */
  push(time: number, kind: number, a: number, b: number, ref: unknown): boolean {
    if (this.n >= this.capacity) {
      this.dropped++;
      return false;
    }
    if (this.n === this.times.length) this.grow();
    const seq = this.nextSeq++;
    // Sift up: move parents down into the hole until the new entry's place is found.
    let i = this.n++;
    const times = this.times;
    const seqs = this.seqs;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p];
      if (pt < time || (pt === time && seqs[p] < seq)) break;
      this.move(p, i);
      i = p;
    }
    times[i] = time;
    seqs[i] = seq;
    this.kinds[i] = kind;
    this.as[i] = a;
    this.bs[i] = b;
    this.refs[i] = ref;
    return true;
  }

  /** Removes the earliest event into `out`; false when empty. */
  pop(out: SimEvent): boolean {
    if (this.n === 0) return false;
    out.time = this.times[0];
    out.seq = this.seqs[0];
    out.kind = this.kinds[0];
    out.a = this.as[0];
    out.b = this.bs[0];
    out.ref = this.refs[0];
    const last = --this.n;
    if (last === 0) {
      this.refs[0] = undefined;
      return true;
    }
    // Sift the last entry down from the root.
    const time = this.times[last];
    const seq = this.seqs[last];
    const kind = this.kinds[last];
    const a = this.as[last];
    const b = this.bs[last];
    const ref = this.refs[last];
    this.refs[last] = undefined;
    const times = this.times;
    const seqs = this.seqs;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last && (times[r] < times[c] || (times[r] === times[c] && seqs[r] < seqs[c]))) c = r;
      const ct = times[c];
      if (time < ct || (time === ct && seq < seqs[c])) break;
      this.move(c, i);
      i = c;
    }
    times[i] = time;
    seqs[i] = seq;
    this.kinds[i] = kind;
    this.as[i] = a;
    this.bs[i] = b;
    this.refs[i] = ref;
    return true;
  }

  /** Drops every event (the sequence counter keeps counting, so order stays stable). */
  clear(): void {
    for (let i = 0; i < this.n; i++) this.refs[i] = undefined;
    this.n = 0;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.seqs[to] = this.seqs[from];
    this.kinds[to] = this.kinds[from];
    this.as[to] = this.as[from];
    this.bs[to] = this.bs[from];
    this.refs[to] = this.refs[from];
  }

  private grow(): void {
    const size = Math.min(this.times.length * 2, this.capacity);
    const t = new Float64Array(size);
    t.set(this.times);
    this.times = t;
    const s = new Float64Array(size);
    s.set(this.seqs);
    this.seqs = s;
    const k = new Int32Array(size);
    k.set(this.kinds);
    this.kinds = k;
    const a = new Int32Array(size);
    a.set(this.as);
    this.as = a;
    const b = new Int32Array(size);
    b.set(this.bs);
    this.bs = b;
    for (let i = this.refs.length; i < size; i++) this.refs.push(undefined);
  }
}

/**
 * One pending deadline per key (a node index), kept in an indexed binary heap ordered by (time, key):
 * set() inserts, moves or removes a key's deadline in O(log n), so the clock never scans all nodes.
 * Memory: 8 (time) + 4 (heap slot) + 4 (position) bytes per key.
 */
export class DeadlineHeap {
  private time = new Float64Array(16);
  private heap = new Int32Array(16);
  /** Heap position of each key, −1 when it has no deadline. */
  private pos = new Int32Array(16).fill(-1);
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** Earliest deadline, Infinity when none. */
  peekTime(): number {
    return this.n > 0 ? this.time[this.heap[0]] : Infinity;
  }

  /** Key of the earliest deadline, −1 when none. */
  peekKey(): number {
    return this.n > 0 ? this.heap[0] : -1;
  }

  /** The key's current deadline, Infinity when none. */
  get(key: number): number {
    return key < this.pos.length && this.pos[key] >= 0 ? this.time[key] : Infinity;
  }

  /** Sets, moves or (with Infinity, NaN or undefined) removes `key`'s deadline. */
  set(key: number, t: number | undefined): void {
    if (key >= this.pos.length) this.growKeys(key + 1);
    const at = this.pos[key];
    if (t === undefined || !(t < Infinity)) {
      if (at >= 0) this.removeAt(at);
      return;
    }
    if (at < 0) {
      this.time[key] = t;
      const i = this.n++;
      this.heap[i] = key;
      this.pos[key] = i;
      this.up(i);
      return;
    }
    const old = this.time[key];
    if (old === t) return;
    this.time[key] = t;
    if (t < old) this.up(at);
    else this.down(at);
  }

  private less(k1: number, k2: number): boolean {
    const t1 = this.time[k1];
    const t2 = this.time[k2];
    return t1 < t2 || (t1 === t2 && k1 < k2);
  }

  private up(i: number): void {
    const key = this.heap[i];
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pk = this.heap[p];
      if (!this.less(key, pk)) break;
      this.heap[i] = pk;
      this.pos[pk] = i;
      i = p;
    }
    this.heap[i] = key;
    this.pos[key] = i;
  }

  private down(i: number): void {
    const key = this.heap[i];
    for (;;) {
      let c = 2 * i + 1;
      if (c >= this.n) break;
      if (c + 1 < this.n && this.less(this.heap[c + 1], this.heap[c])) c++;
      const ck = this.heap[c];
      if (!this.less(ck, key)) break;
      this.heap[i] = ck;
      this.pos[ck] = i;
      i = c;
    }
    this.heap[i] = key;
    this.pos[key] = i;
  }

  private removeAt(i: number): void {
    const key = this.heap[i];
    this.pos[key] = -1;
    const last = --this.n;
    if (i === last) return;
    const moved = this.heap[last];
    this.heap[i] = moved;
    this.pos[moved] = i;
    this.up(i);
    this.down(this.pos[moved]);
  }

  private growKeys(min: number): void {
    let size = this.pos.length;
    while (size < min) size *= 2;
    const t = new Float64Array(size);
    t.set(this.time);
    this.time = t;
    const h = new Int32Array(size);
    h.set(this.heap);
    this.heap = h;
    const p = new Int32Array(size).fill(-1);
    p.set(this.pos);
    this.pos = p;
  }
}
