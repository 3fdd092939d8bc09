// TxQueue (firmware src/mesh/MeshPacketQueue.cpp, RadioLibInterface.cpp): ordering, the full-queue
// rule, removal windows, the late window. Each test is titled with the rule it checks.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { emptyPacket, type MeshPacketState } from "../../../firmware/mesh/packet.js";
import { MAX_TX_QUEUE, TxQueue } from "../../../firmware/mesh/tx-queue.js";
import { Priority } from "../../../firmware/wire/enums.js";

const OUR = 0x0a0b0c0d;
const OTHER = 0x11223344;

function mk(id: number, over: Partial<MeshPacketState>): MeshPacketState {
  const p = emptyPacket();
  p.from = OTHER;
  p.id = id;
  p.priority = Priority.DEFAULT;
  p.hopLimit = 3;
  return Object.assign(p, over);
}

function ids(q: TxQueue): number[] {
  return q.toArray().map((p) => p.id);
}

function drain(q: TxQueue): number[] {
  const out: number[] = [];
  for (let p = q.dequeue(); p; p = q.dequeue()) out.push(p.id);
  return out;
}

describe("TxQueue", () => {
  it("TX queue: capacity is MAX_TX_QUEUE = 16 unless a positive integer is given", () => {
    expect(MAX_TX_QUEUE).toBe(16);
    expect(new TxQueue().capacity).toBe(16);
    expect(new TxQueue(0).capacity).toBe(16);
    expect(new TxQueue(2.5).capacity).toBe(16);
    expect(new TxQueue(4).capacity).toBe(4);
  });

  it("TX queue: empty queue dequeues and peeks undefined", () => {
    const q = new TxQueue();
    expect(q.isEmpty).toBe(true);
    expect(q.dequeue()).toBeUndefined();
    expect(q.peek()).toBeUndefined();
    expect(q.earliestTxAfter()).toBeUndefined();
  });

  it("TX queue: late packets sort after normal ones", () => {
    const q = new TxQueue();
    q.enqueue(mk(1, { priority: Priority.ACK, txAfter: 500 }), OUR, 0);
    q.enqueue(mk(2, { priority: Priority.BACKGROUND, from: OUR }), OUR, 0);
    q.enqueue(mk(3, { priority: Priority.MIN }), OUR, 0);
    q.enqueue(mk(4, { priority: Priority.BACKGROUND, txAfter: 100 }), OUR, 0);
    expect(q.peek()?.id).toBe(2);
    // Among late packets the same rules apply: priority, not txAfter, decides.
    expect(drain(q)).toEqual([2, 3, 1, 4]);
  });

  it("TX queue: higher priority first, then packets from others before ours, then FIFO", () => {
    const q = new TxQueue();
    q.enqueue(mk(1, { from: OUR }), OUR, 0);
    q.enqueue(mk(2, { from: 0 }), OUR, 0); // from 0 is ours too
    q.enqueue(mk(3, {}), OUR, 0);
    q.enqueue(mk(4, { priority: Priority.HIGH, from: OUR }), OUR, 0);
    q.enqueue(mk(5, { priority: Priority.HIGH }), OUR, 0);
    q.enqueue(mk(6, {}), OUR, 0);
    q.enqueue(mk(7, { priority: Priority.HIGH }), OUR, 0);
    q.enqueue(mk(8, { priority: Priority.BACKGROUND }), OUR, 0);
    expect(ids(q)).toEqual([5, 7, 4, 3, 6, 1, 2, 8]);
    expect(drain(q)).toEqual([5, 7, 4, 3, 6, 1, 2, 8]);
    expect(q.stats.enqueued).toBe(8);
    expect(q.stats.dequeued).toBe(8);
  });

  it("TX queue: full queue evicts the lowest-priority packet only for a higher-priority newcomer", () => {
    const q = new TxQueue();
    for (let i = 1; i <= 14; i++) q.enqueue(mk(i, { priority: Priority.DEFAULT }), OUR, 0);
    q.enqueue(mk(15, { priority: Priority.BACKGROUND }), OUR, 0);
    q.enqueue(mk(16, { priority: Priority.BACKGROUND, from: OUR }), OUR, 0);
    expect(q.size).toBe(16);
    // The back of the queue is the lowest-priority non-late packet: among equals, our newest one.
    const r = q.enqueue(mk(17, { priority: Priority.RELIABLE }), OUR, 0);
    expect(r.queued).toBe(true);
    expect(r.evicted?.id).toBe(16);
    expect(q.size).toBe(16);
    expect(q.peek()?.id).toBe(17);
    const r2 = q.enqueue(mk(18, { priority: Priority.DEFAULT }), OUR, 0);
    expect(r2.evicted?.id).toBe(15);
    expect(q.stats.evictedForPriority).toBe(2);
    expect(ids(q).slice(-2)).toEqual([14, 18]);
  });

  it("TX queue: otherwise the newcomer is dropped and counted", () => {
    const q = new TxQueue();
    for (let i = 1; i <= 16; i++) q.enqueue(mk(i, { priority: Priority.DEFAULT }), OUR, 0);
    const equal = q.enqueue(mk(100, { priority: Priority.DEFAULT }), OUR, 0);
    expect(equal).toEqual({ queued: false, evicted: undefined });
    const lower = q.enqueue(mk(101, { priority: Priority.MIN }), OUR, 0);
    expect(lower.queued).toBe(false);
    expect(q.stats.droppedFull).toBe(2);
    expect(q.size).toBe(16);
    expect(q.find(OTHER, 100)).toBeUndefined();
  });

  it("TX queue: late packets are evicted only once overdue; the last non-late packet is the first candidate", () => {
    const q = new TxQueue();
    q.enqueue(mk(1, { priority: Priority.MIN }), OUR, 0);
    for (let i = 2; i <= 16; i++) q.enqueue(mk(i, { priority: Priority.MIN, txAfter: 1000 + i }), OUR, 0);
    const r = q.enqueue(mk(17, { priority: Priority.BACKGROUND }), OUR, 0);
    expect(r.evicted?.id).toBe(1);

    const allLate = new TxQueue();
    for (let i = 1; i <= 16; i++) allLate.enqueue(mk(i, { priority: Priority.MIN, txAfter: 1000 }), OUR, 0);
    expect(allLate.enqueue(mk(17, { priority: Priority.MAX }), OUR, 0).queued).toBe(false);
    expect(allLate.stats.droppedFull).toBe(1);
    // replaceLowerPriorityPacket 187-207: at 2000 ms the back late packet's tx_after (1000) has passed:
    // it makes room for a newcomer without a tx_after, whatever their priorities.
    const r2 = allLate.enqueue(mk(18, { priority: Priority.MIN }), OUR, 2000);
    expect(r2.evicted?.id).toBe(16);
    expect(allLate.stats.evictedOverdueLate).toBe(1);
  });

  it("TX queue: a late newcomer follows the same eviction rule", () => {
    const q = new TxQueue();
    for (let i = 1; i <= 16; i++) q.enqueue(mk(i, { priority: Priority.BACKGROUND }), OUR, 0);
    const r = q.enqueue(mk(17, { priority: Priority.DEFAULT, txAfter: 10 }), OUR, 0);
    expect(r.evicted?.id).toBe(16);
    expect(ids(q).slice(-1)).toEqual([17]);
  });

  it("TX queue: find and remove match getFrom, where from 0 means our node number", () => {
    const q = new TxQueue();
    q.enqueue(mk(1, { from: 0 }), OUR, 0);
    q.enqueue(mk(1, {}), OUR, 0);
    expect(q.find(OUR, 1)?.from).toBe(0);
    expect(q.find(0, 1)).toBeUndefined();
    expect(q.find(OTHER, 1)?.from).toBe(OTHER);
    expect(q.remove(OUR, 1, true, true)?.from).toBe(0);
    expect(q.find(OUR, 1)).toBeUndefined();
    expect(q.size).toBe(1);
    expect(q.stats.removed).toBe(1);
    expect(q.remove(OUR, 1, true, true)).toBeUndefined();
  });

  it("TX queue: remove takes from the normal and/or the late window as asked", () => {
    const q = new TxQueue();
    q.enqueue(mk(1, { txAfter: 50 }), OUR, 0);
    expect(q.remove(OTHER, 1, true, false)).toBeUndefined();
    expect(q.remove(OTHER, 1, false, true)?.id).toBe(1);
    q.enqueue(mk(2, {}), OUR, 0);
    expect(q.remove(OTHER, 2, false, true)).toBeUndefined();
    expect(q.remove(OTHER, 2, true, false)?.id).toBe(2);
    q.enqueue(mk(3, {}), OUR, 0);
    expect(q.remove(OTHER, 3, false, false)).toBeUndefined();
  });

  it("TX queue: removeLowerHopLimit takes only a queued copy with a lower hop limit (upgrade path)", () => {
    const q = new TxQueue();
    q.enqueue(mk(1, { hopLimit: 2, txAfter: 9 }), OUR, 0);
    expect(q.removeLowerHopLimit(OTHER, 1, 2)).toBeUndefined();
    expect(q.removeLowerHopLimit(OTHER, 1, 3)?.hopLimit).toBe(2);
    q.enqueue(mk(2, { hopLimit: 5 }), OUR, 0);
    expect(q.remove(OTHER, 2, true, true, 5)).toBeUndefined();
    expect(q.remove(OTHER, 2, true, true, 0)?.id).toBe(2);
  });

  it("TX queue: moveToLate moves a normal copy behind the normal packets, once", () => {
    const q = new TxQueue();
    q.enqueue(mk(1, { priority: Priority.HIGH }), OUR, 0);
    q.enqueue(mk(2, {}), OUR, 0);
    q.enqueue(mk(3, { priority: Priority.MIN, txAfter: 700 }), OUR, 0);
    expect(q.moveToLate(OTHER, 1, 400)).toBe(true);
    expect(ids(q)).toEqual([2, 1, 3]);
    expect(q.find(OTHER, 1)?.txAfter).toBe(400);
    expect(q.moveToLate(OTHER, 1, 900)).toBe(false);
    expect(q.find(OTHER, 1)?.txAfter).toBe(400);
    expect(q.moveToLate(OTHER, 42, 900)).toBe(false);
    expect(q.stats.movedToLate).toBe(1);
    expect(q.earliestTxAfter()).toBe(400);
    // A zero or negative txAfter would make it normal again; it is stored as 1.
    expect(q.moveToLate(OTHER, 2, 0)).toBe(true);
    expect(q.find(OTHER, 2)?.txAfter).toBe(1);
    expect(q.earliestTxAfter()).toBe(1);
  });

  it("TX queue: moveToLate keeps the from-us flag of the queued packet", () => {
    const q = new TxQueue();
    q.enqueue(mk(1, { from: OUR, txAfter: 0 }), OUR, 0);
    q.enqueue(mk(2, { txAfter: 10 }), OUR, 0);
    q.moveToLate(OUR, 1, 10);
    // Equal priority, both late: the packet from others goes first.
    expect(ids(q)).toEqual([2, 1]);
  });

  it("TX queue: earliestTxAfter is the smallest txAfter among late packets", () => {
    const q = new TxQueue();
    q.enqueue(mk(1, {}), OUR, 0);
    expect(q.earliestTxAfter()).toBeUndefined();
    q.enqueue(mk(2, { txAfter: 300, priority: Priority.HIGH }), OUR, 0);
    q.enqueue(mk(3, { txAfter: 120, priority: Priority.MIN }), OUR, 0);
    expect(q.earliestTxAfter()).toBe(120);
  });

  it("TX queue: clear empties the queue without counting drops", () => {
    const q = new TxQueue();
    q.enqueue(mk(1, {}), OUR, 0);
    q.clear();
    expect(q.isEmpty).toBe(true);
    expect(q.stats.droppedFull).toBe(0);
  });

  // A reference model written differently: keep everything with a sequence number and sort on demand.
  it("TX queue: never holds more than 16 and dequeues in the documented order (property)", () => {
    interface ModelEntry {
      p: MeshPacketState;
      fromUs: boolean;
      seq: number;
    }
    const cmp = (a: ModelEntry, b: ModelEntry): number => {
      const al = a.p.txAfter > 0 ? 1 : 0;
      const bl = b.p.txAfter > 0 ? 1 : 0;
      if (al !== bl) return al - bl;
      if (a.p.priority !== b.p.priority) return b.p.priority - a.p.priority;
      if (a.fromUs !== b.fromUs) return a.fromUs ? 1 : -1;
      return a.seq - b.seq;
    };
    const op = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          kind: fc.constant("enqueue" as const),
          priority: fc.constantFrom(1, 10, 64, 70, 80, 100, 120),
          fromUs: fc.boolean(),
          late: fc.boolean(),
          txAfter: fc.integer({ min: 1, max: 10_000 }),
        }),
      },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("dequeue" as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("remove" as const), pick: fc.nat(), late: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("moveToLate" as const), pick: fc.nat(), txAfter: fc.integer({ min: 1, max: 10_000 }) }) },
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 150, size: "max" }), (ops) => {
        const q = new TxQueue();
        let model: ModelEntry[] = [];
        let seq = 0;
        let nextId = 1;
        for (const o of ops) {
          if (o.kind === "enqueue") {
            const p = mk(nextId++, { priority: o.priority, from: o.fromUs ? OUR : OTHER, txAfter: o.late ? o.txAfter : 0 });
            const e: ModelEntry = { p, fromUs: o.fromUs, seq: seq++ };
            const r = q.enqueue(p, OUR, 0);
            model.sort(cmp);
            if (model.length < MAX_TX_QUEUE) {
              expect(r).toEqual({ queued: true, evicted: undefined });
              model.push(e);
            } else {
              const normals = model.filter((m) => m.p.txAfter === 0);
              const victim = normals[normals.length - 1];
              if (victim && victim.p.priority < p.priority) {
                expect(r.queued).toBe(true);
                expect(r.evicted).toBe(victim.p);
                model = model.filter((m) => m !== victim);
                model.push(e);
              } else {
                expect(r).toEqual({ queued: false, evicted: undefined });
              }
            }
          } else if (o.kind === "dequeue") {
            model.sort(cmp);
            const want = model.shift();
            expect(q.dequeue()).toBe(want?.p);
          } else if (o.kind === "remove") {
            if (model.length === 0) continue;
            const target = model[o.pick % model.length];
            const from = target.fromUs ? OUR : OTHER;
            const inWindow = (target.p.txAfter > 0) === o.late;
            const got = q.remove(from, target.p.id, !o.late, o.late);
            expect(got).toBe(inWindow ? target.p : undefined);
            if (inWindow) model = model.filter((m) => m !== target);
          } else {
            if (model.length === 0) continue;
            const target = model[o.pick % model.length];
            const from = target.fromUs ? OUR : OTHER;
            const wasNormal = target.p.txAfter === 0;
            const moved = q.moveToLate(from, target.p.id, o.txAfter);
            expect(moved).toBe(wasNormal);
            if (moved) target.seq = seq++;
          }
          expect(q.size).toBe(model.length);
          expect(q.size).toBeLessThanOrEqual(MAX_TX_QUEUE);
          expect(ids(q)).toEqual(model.slice().sort(cmp).map((m) => m.p.id));
        }
        const rest = model.sort(cmp).map((m) => m.p.id);
        expect(drain(q)).toEqual(rest);
      }),
      { numRuns: 300 },
    );
  });
});
