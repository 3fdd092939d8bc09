// The radio's transmit queue (firmware src/mesh/MeshPacketQueue.cpp / MeshPacketQueue.h, used by
// RadioLibInterface.cpp; shared spec meshtastic-wire.md section 6.11). A sorted, bounded list: the
// front is the next packet to send. Ordering (CompareMeshPacketFunc, insertion by upper_bound):
//   1. packets without txAfter before "late" packets (txAfter > 0, the ROUTER_LATE window);
//   2. higher priority first;
//   3. on equal priority, packets not from us (already on the mesh) before our own;
//   4. otherwise first in, first out.
import type { MeshPacketState } from "./packet.js";

/**
 * MAX_TX_QUEUE (RadioInterface.h): 16 packets. Memory: the queue itself holds 16 references plus a
 * sender number and a flag each (~0.3 KB); the packets it owns are the real cost, about 0.4 KB each
 * on Espruino with a full 256-byte payload, so ~6.5 KB when full.
 */
export const MAX_TX_QUEUE = 16;

/** What enqueue did. */
export interface EnqueueResult {
  /** The packet is now in the queue. False: the queue was full and it was dropped (counted). */
  queued: boolean;
  /** A lower-priority packet removed to make room (counted); the caller releases it. */
  evicted: MeshPacketState | undefined;
}

/** Counters; each names the rule that produced it. */
export interface TxQueueStats {
  /** Packets accepted by enqueue. */
  enqueued: number;
  /** Packets handed out by dequeue. */
  dequeued: number;
  /** Newcomers dropped: queue full and no non-late packet of strictly lower priority to evict. */
  droppedFull: number;
  /** Queued packets evicted for a higher-priority newcomer while full. */
  evictedForPriority: number;
  /** Late packets past their tx_after evicted from the back of a full queue for a newcomer. */
  evictedOverdueLate: number;
  /** Packets taken out by remove / removeLowerHopLimit (cancelled relays, upgrade replacement). */
  removed: number;
  /** Packets moved to the late window by moveToLate. */
  movedToLate: number;
}

function isLate(p: MeshPacketState): boolean {
  return p.txAfter > 0;
}

/**
 * CompareMeshPacketFunc: true when a (with its fromUs flag) must be sent strictly before b.
 * Equal keys are not "before", so inserting after the last such entry keeps FIFO order.
 */
function sendsBefore(a: MeshPacketState, aFromUs: boolean, b: MeshPacketState, bFromUs: boolean): boolean {
  const aLate = isLate(a);
  if (aLate !== isLate(b)) return !aLate;
  if (a.priority !== b.priority) return a.priority > b.priority;
  return !aFromUs && bFromUs;
}

export class TxQueue {
  /** Packets the queue holds at most. */
  readonly capacity: number;
  readonly stats: TxQueueStats = { enqueued: 0, dequeued: 0, droppedFull: 0, evictedForPriority: 0, evictedOverdueLate: 0, removed: 0, movedToLate: 0 };

  private count = 0;
  /** Sorted: index 0 is sent first. Slots at count and above are undefined. */
  private readonly packets: (MeshPacketState | undefined)[];
  /** getFrom(p) at enqueue time: from, or our node number when from is 0. */
  private readonly senders: number[];
  /** isFromUs(p) at enqueue time: from is 0 or our node number. */
  private readonly fromUs: boolean[];

  /** @param capacity packets to hold; undefined or not a positive integer gives MAX_TX_QUEUE. */
  constructor(capacity?: number) {
    let size = MAX_TX_QUEUE;
    if (capacity !== undefined && capacity === Math.floor(capacity) && capacity >= 1) size = capacity;
    this.capacity = size;
    this.packets = [];
    this.senders = [];
    this.fromUs = [];
    for (let i = 0; i < size; i++) {
      this.packets.push(undefined);
      this.senders.push(0);
      this.fromUs.push(false);
    }
  }

  /** Packets queued. */
  get size(): number {
    return this.count;
  }

  get isEmpty(): boolean {
    return this.count === 0;
  }

  /** MeshPacketQueue::getFree. */
  get free(): number {
    return this.capacity - this.count;
  }

  /**
   * MeshPacketQueue::enqueue: insert `p` in send order (after every entry it does not go before).
   * When full (replaceLowerPriorityPacket 150-211): the last non-late packet in the queue, which is
   * the lowest-priority non-late one (among equals, the newest of ours), is evicted if its priority
   * is strictly lower than p's; failing that, a late packet at the back whose tx_after has passed
   * (`now`) is evicted for a newcomer that is not late or is due before it; otherwise p is dropped.
   * The queue keeps `p` itself (no copy).
   */
  enqueue(p: MeshPacketState, ourNodeNum: number, now: number): EnqueueResult {
    const sender = p.from === 0 ? ourNodeNum >>> 0 : p.from >>> 0;
    const mine = p.from === 0 || p.from >>> 0 === ourNodeNum >>> 0;
    let evicted: MeshPacketState | undefined;
    if (this.count >= this.capacity) {
      let victim = this.count - 1;
      while (victim > 0 && isLate(this.packets[victim] as MeshPacketState)) victim--;
      const candidate = this.packets[victim] as MeshPacketState;
      const back = this.packets[this.count - 1] as MeshPacketState;
      if (!isLate(candidate) && candidate.priority < p.priority) {
        evicted = this.takeAt(victim);
        this.stats.evictedForPriority++;
      } else if (isLate(back) && back.txAfter < now && (!isLate(p) || back.txAfter > p.txAfter)) {
        evicted = this.takeAt(this.count - 1);
        this.stats.evictedOverdueLate++;
      } else {
        this.stats.droppedFull++;
        return { queued: false, evicted: undefined };
      }
    }
    this.insertSorted(p, sender, mine);
    this.stats.enqueued++;
    return { queued: true, evicted };
  }

  /** MeshPacketQueue::dequeue: remove and return the front packet. */
  dequeue(): MeshPacketState | undefined {
    if (this.count === 0) return undefined;
    this.stats.dequeued++;
    return this.takeAt(0);
  }

  /** MeshPacketQueue::getFront: the packet dequeue would return, left in place. */
  peek(): MeshPacketState | undefined {
    return this.count === 0 ? undefined : this.packets[0];
  }

  /** MeshPacketQueue::getPacketFromQueue / find: the first queued packet with getFrom == from and id. */
  find(from: number, id: number): MeshPacketState | undefined {
    const at = this.indexOf(from, id, true, true, 0);
    return at < 0 ? undefined : this.packets[at];
  }

  /**
   * MeshPacketQueue::remove: take out the first packet with getFrom == from and id that is in a
   * selected window (txNormal: txAfter 0; txLate: txAfter > 0) and, when hopLimitLt is non-zero, has
   * hop_limit < hopLimitLt. Router::cancelSending uses (true, true); moving to the late window uses
   * (true, false).
   */
  remove(from: number, id: number, txNormal: boolean, txLate: boolean, hopLimitLt?: number): MeshPacketState | undefined {
    const at = this.indexOf(from, id, txNormal, txLate, hopLimitLt === undefined ? 0 : hopLimitLt);
    if (at < 0) return undefined;
    this.stats.removed++;
    return this.takeAt(at);
  }

  /**
   * RadioLibInterface::removePendingTXPacket (the hop-limit upgrade path, spec 6.4): take out a queued
   * copy of (from, id), normal or late, whose hop_limit is lower than `hopLimit`, so the caller can
   * queue the better copy instead. hopLimit 0 removes any copy.
   */
  removeLowerHopLimit(from: number, id: number, hopLimit: number): MeshPacketState | undefined {
    return this.remove(from, id, true, true, hopLimit);
  }

  /**
   * RadioLibInterface::clampToLateRebroadcastWindow (ROUTER_LATE, spec 6.6/6.7): take the non-late
   * copy of (from, id), set its txAfter and queue it again behind the normal packets. Already-late
   * copies are left alone so this happens once. txAfter <= 0 is stored as 1 so the packet stays late.
   * Returns whether a packet was moved. It cannot be dropped: it re-enters the room it left.
   */
  moveToLate(from: number, id: number, txAfter: number): boolean {
    const at = this.indexOf(from, id, true, false, 0);
    if (at < 0) return false;
    const sender = this.senders[at];
    const mine = this.fromUs[at];
    const p = this.takeAt(at) as MeshPacketState;
    p.txAfter = txAfter > 0 ? txAfter : 1;
    this.insertSorted(p, sender, mine);
    this.stats.movedToLate++;
    return true;
  }

  /**
   * The smallest txAfter among late packets, or undefined when none is late. Late packets only go out
   * from the front (after every normal packet), so the caller's deadline for the front packet is
   * peek().txAfter when that is late; this gives the earliest any late packet could be due.
   */
  earliestTxAfter(): number | undefined {
    let best: number | undefined;
    for (let i = this.count - 1; i >= 0; i--) {
      const p = this.packets[i] as MeshPacketState;
      if (!isLate(p)) break;
      if (best === undefined || p.txAfter < best) best = p.txAfter;
    }
    return best;
  }

  /** The queued packets in send order (a new array; the packets are shared). */
  toArray(): MeshPacketState[] {
    const out: MeshPacketState[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.packets[i] as MeshPacketState);
    return out;
  }

  /** Drop everything (not counted as drops; counters are kept). */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.packets[i] = undefined;
    this.count = 0;
  }

  private indexOf(from: number, id: number, txNormal: boolean, txLate: boolean, hopLimitLt: number): number {
    const f = from >>> 0;
    const i32 = id >>> 0;
    for (let i = 0; i < this.count; i++) {
      const p = this.packets[i] as MeshPacketState;
      if (this.senders[i] !== f || p.id >>> 0 !== i32) continue;
      const late = isLate(p);
      if (!((txNormal && !late) || (txLate && late))) continue;
      if (hopLimitLt !== 0 && !(p.hopLimit < hopLimitLt)) continue;
      return i;
    }
    return -1;
  }

  /** Insert after the last entry that p does not go before (std::upper_bound). Caller ensures room. */
  private insertSorted(p: MeshPacketState, sender: number, mine: boolean): void {
    let at = this.count;
    while (at > 0 && sendsBefore(p, mine, this.packets[at - 1] as MeshPacketState, this.fromUs[at - 1])) {
      this.packets[at] = this.packets[at - 1];
      this.senders[at] = this.senders[at - 1];
      this.fromUs[at] = this.fromUs[at - 1];
      at--;
    }
    this.packets[at] = p;
    this.senders[at] = sender;
    this.fromUs[at] = mine;
    this.count++;
  }

  private takeAt(at: number): MeshPacketState | undefined {
    const p = this.packets[at];
    for (let i = at + 1; i < this.count; i++) {
      this.packets[i - 1] = this.packets[i];
      this.senders[i - 1] = this.senders[i];
      this.fromUs[i - 1] = this.fromUs[i];
    }
    this.count--;
    this.packets[this.count] = undefined;
    return p;
  }
}
