// Pending reliable transmissions (ReliableRouter / NextHopRouter pending map, spec 6.9): a packet
// we must send again until it is acknowledged or its tries run out.
import type { MeshPacketState } from "./packet.js";

/** NUM_RELIABLE_RETX: our own want_ack packets are sent 3 times at most. */
export const NUM_RELIABLE_RETX = 3;
/** NUM_INTERMEDIATE_RETX: relays with a next hop send twice at most. */
export const NUM_INTERMEDIATE_RETX = 2;
/**
 * Bound on pending records. Each holds one packet (≤ 255 bytes of payload plus ~150 bytes of
 * object), so ~13 KB at the bound; when full the record due soonest is dropped and counted.
 */
export const MAX_PENDING_RETRANSMISSIONS = 32;

export interface PendingPacket {
  packet: MeshPacketState;
  /** Transmissions still allowed after the one already made. */
  retransmissionsLeft: number;
  nextTxMs: number;
}

export class RetransmissionTable {
  private readonly list: PendingPacket[] = [];
  /** Records dropped because the table was full. */
  dropped = 0;

  get size(): number {
    return this.list.length;
  }

  find(from: number, id: number): PendingPacket | undefined {
    for (let i = 0; i < this.list.length; i++) {
      const e = this.list[i];
      if (e.packet.from === from && e.packet.id === id) return e;
    }
    return undefined;
  }

  add(packet: MeshPacketState, transmissions: number, nextTxMs: number): PendingPacket {
    this.remove(packet.from, packet.id);
    if (this.list.length >= MAX_PENDING_RETRANSMISSIONS) {
      let victim = 0;
      for (let i = 1; i < this.list.length; i++) if (this.list[i].nextTxMs < this.list[victim].nextTxMs) victim = i;
      this.list.splice(victim, 1);
      this.dropped++;
    }
    const e: PendingPacket = { packet, retransmissionsLeft: transmissions - 1, nextTxMs };
    this.list.push(e);
    return e;
  }

  /** Returns true when a record was removed (stopRetransmission). */
  remove(from: number, id: number): boolean {
    for (let i = 0; i < this.list.length; i++) {
      const e = this.list[i];
      if (e.packet.from === from && e.packet.id === id) {
        this.list.splice(i, 1);
        return true;
      }
    }
    return false;
  }

  /** Records due at or before `now`. */
  due(now: number): PendingPacket[] {
    const out: PendingPacket[] = [];
    for (let i = 0; i < this.list.length; i++) if (this.list[i].nextTxMs <= now) out.push(this.list[i]);
    return out;
  }

  /**
   * Pushes every pending timer back by `ms`, except the records of packet id `exceptId` (0: none):
   * the airtime of a packet sent or heard meanwhile (ReliableRouter::send 27-34, shouldFilterReceived 68-75).
   */
  delayAll(ms: number, exceptId: number): void {
    for (let i = 0; i < this.list.length; i++) if (exceptId === 0 || this.list[i].packet.id !== exceptId) this.list[i].nextTxMs += ms;
  }

  earliest(): number | undefined {
    let t: number | undefined;
    for (let i = 0; i < this.list.length; i++) if (t === undefined || this.list[i].nextTxMs < t) t = this.list[i].nextTxMs;
    return t;
  }
}
