// Duplicate detection and relayer bookkeeping (firmware src/mesh/PacketHistory.cpp / PacketHistory.h;
// shared spec meshtastic-wire.md section 6.4). A fixed table of records keyed by (sender, id); no time
// expiry; when full, the record seen least recently is overwritten. Time comes in as `now` (ms).
import { lastByteOfNodeNum } from "../wire/lora-header.js";
import type { MeshPacketState } from "./packet.js";

/** MAX_NUM_NODES on 2.7 ESP32 builds (spec 6.4; other platforms differ, see packetHistoryMax). */
export const MAX_NUM_NODES = 100;

/** PacketHistory.cpp PACKETHISTORY_MAX: max(2 x MAX_NUM_NODES, 100). */
export function packetHistoryMax(maxNumNodes: number): number {
  return 2 * maxNumNodes > 100 ? 2 * maxNumNodes : 100;
}

/**
 * Default table size: 200 records. Memory: 24 bytes per record here (sender 4, id 4, rxTime 8 as a
 * float64 because simulator times pass 2^32 ms, next_hop 1, hop-limit byte 1, relayed_by 6), so
 * 4,800 bytes of typed arrays; the firmware packs the same record in 20 bytes.
 */
export const PACKET_HISTORY_MAX = packetHistoryMax(MAX_NUM_NODES);

/** PacketHistory constructor: sizes below 4 are rejected in favour of the default. */
export const PACKET_HISTORY_MIN = 4;

/**
 * Largest accepted size: the firmware's hash index clamps to HASH_EMPTY - 1 = 0xFFFE. Above this the
 * default is used. (The firmware also replaces sizes above its own PACKETHISTORY_MAX by the default;
 * we accept them so the simulator can model platforms with a larger MAX_NUM_NODES.)
 */
export const PACKET_HISTORY_LIMIT = 0xfffe;

/** PacketHistory.h NUM_RELAYERS: relayer bytes kept per record. */
export const NUM_RELAYERS = 6;

/** PacketHistory.h: bits 0-2 of the record's hop-limit byte hold the highest hop_limit heard. */
const HOP_LIMIT_HIGHEST_MASK = 0x07;
/** PacketHistory.h: bits 3-5 hold the hop_limit we transmitted the packet with. */
const HOP_LIMIT_OUR_TX_MASK = 0x38;
const HOP_LIMIT_OUR_TX_SHIFT = 3;

/** NO_NEXT_HOP_PREFERENCE (MeshTypes.h). */
const NO_NEXT_HOP = 0;

/** The packet fields the history reads. */
export type HistoryPacket = Pick<MeshPacketState, "from" | "id" | "hopLimit" | "nextHop" | "relayNode">;

/** The outputs of PacketHistory::wasSeenRecently (its return value and its three out-parameters). */
export interface SeenResult {
  /** A record for (sender, id) existed before this call: the packet is a duplicate. */
  seen: boolean;
  /** A duplicate whose hop_limit is higher than any copy heard before (`wasUpgraded`). */
  wasUpgraded: boolean;
  /**
   * A fallback to flooding (`wasFallback`): the earlier copy was not ours, was directed to a next hop
   * other than us, this copy has no next hop, its relayer is in the record, and neither we nor the
   * earlier next hop are.
   */
  wasFallback: boolean;
  /** The earlier copy named us as its next hop (`weWereNextHop`). */
  weWereNextHop: boolean;
}

/** Result of checkRelayers: two relayer tests against one record (PacketHistory::checkRelayers). */
export interface RelayerCheck {
  /** relayer1 is in the record. */
  relayer1: boolean;
  /** relayer2 is in the record. */
  relayer2: boolean;
  /** relayer2 is in the record and no other non-zero relayer is. */
  relayer2WasSole: boolean;
}

/** A copy of one record, for tests and diagnostics. */
export interface HistoryRecord {
  sender: number;
  id: number;
  rxTimeMsec: number;
  nextHop: number;
  highestHopLimit: number;
  ourTxHopLimit: number;
  /** The NUM_RELAYERS relayer bytes as stored, zeros included (0 = empty slot). */
  relayedBy: number[];
}

/** Counters; each names the rule that produced it. */
export interface PacketHistoryStats {
  /** New records written to a free slot. */
  recorded: number;
  /** New records that overwrote the record with the oldest rxTimeMsec because the table was full. */
  evicted: number;
  /** Calls that found an existing record (duplicates). */
  duplicates: number;
  /** Duplicates that were hop-limit upgrades. */
  upgrades: number;
  /** Packets with id 0: never recorded, never duplicates. */
  ignoredIdZero: number;
}

const NOT_FOUND = -1;

/**
 * PacketHistory: which packets we have seen, with what hop limits, and who relayed them.
 * One instance per node; our node number is needed for `from == 0` and for our relayer byte.
 */
export class PacketHistory {
  /** Number of records the table holds. */
  readonly capacity: number;
  readonly stats: PacketHistoryStats = { recorded: 0, evicted: 0, duplicates: 0, upgrades: 0, ignoredIdZero: 0 };

  private ourNodeNum: number;
  private ourRelayId: number;
  private count = 0;
  private readonly senders: Uint32Array;
  private readonly ids: Uint32Array;
  private readonly rxTimes: Float64Array;
  private readonly nextHops: Uint8Array;
  /** The packed byte: bits 0-2 highest hop_limit heard, bits 3-5 our TX hop_limit. */
  private readonly hopLimits: Uint8Array;
  /** NUM_RELAYERS bytes per record. */
  private readonly relayedBy: Uint8Array;
  /** Scratch for the relayer list being built (no allocation per packet). */
  private readonly scratch = new Uint8Array(NUM_RELAYERS);

  /**
   * @param ourNodeNum our node number.
   * @param capacity records to keep; undefined, non-integer, below PACKET_HISTORY_MIN or above
   *   PACKET_HISTORY_LIMIT gives PACKET_HISTORY_MAX (PacketHistory::PacketHistory rejects bad sizes).
   */
  constructor(ourNodeNum: number, capacity?: number) {
    let size = PACKET_HISTORY_MAX;
    if (
      capacity !== undefined &&
      capacity === Math.floor(capacity) &&
      capacity >= PACKET_HISTORY_MIN &&
      capacity <= PACKET_HISTORY_LIMIT
    ) {
      size = capacity;
    }
    this.capacity = size;
    this.ourNodeNum = ourNodeNum >>> 0;
    this.ourRelayId = lastByteOfNodeNum(this.ourNodeNum);
    this.senders = new Uint32Array(size);
    this.ids = new Uint32Array(size);
    this.rxTimes = new Float64Array(size);
    this.nextHops = new Uint8Array(size);
    this.hopLimits = new Uint8Array(size);
    this.relayedBy = new Uint8Array(size * NUM_RELAYERS);
  }

  /** Records currently held. */
  get size(): number {
    return this.count;
  }

  /** Change our node number (the records keep the senders they were stored with). */
  setOurNodeNum(ourNodeNum: number): void {
    this.ourNodeNum = ourNodeNum >>> 0;
    this.ourRelayId = lastByteOfNodeNum(this.ourNodeNum);
  }

  /** Forget every record (counters are kept). */
  clear(): void {
    this.senders.fill(0);
    this.ids.fill(0);
    this.rxTimes.fill(0);
    this.nextHops.fill(0);
    this.hopLimits.fill(0);
    this.relayedBy.fill(0);
    this.count = 0;
  }

  /**
   * PacketHistory::wasSeenRecently: was (sender, id) seen before, plus the upgrade / fallback /
   * next-hop outputs. With `withUpdate`, the record is created or refreshed (rxTimeMsec = now), keeping
   * the first copy's next_hop, the highest hop_limit heard, our TX hop_limit and the relayers.
   * Packets with id 0 give all-false and are not recorded.
   *
   * Relayers: when relayNode is our byte (we are sending it: the router sets relayNode before calling,
   * as FloodingRouter::send / NextHopRouter::send do) our byte is recorded with our TX hop_limit. Any
   * other copy records its relayNode only if we relayed the packet and its hop_limit equals our TX
   * hop_limit or one less, i.e. the relayer heard us directly. The first copy's relayer is not recorded.
   */
  wasSeenRecently(p: HistoryPacket, withUpdate: boolean, now: number): SeenResult {
    const result: SeenResult = { seen: false, wasUpgraded: false, wasFallback: false, weWereNextHop: false };
    if (p.id === 0) {
      this.stats.ignoredIdZero++;
      return result;
    }
    const ours = this.ourRelayId;
    const sender = p.from === 0 ? this.ourNodeNum : p.from >>> 0;
    const id = p.id >>> 0;
    const hopLimit = p.hopLimit;
    const relayNode = p.relayNode & 0xff;
    const weWillRelay = relayNode === ours;

    const rb = this.scratch;
    rb.fill(0);
    let nextHop = p.nextHop & 0xff;
    let packed = hopLimit & HOP_LIMIT_HIGHEST_MASK;
    if (weWillRelay) {
      packed = (packed & ~HOP_LIMIT_OUR_TX_MASK) | ((hopLimit << HOP_LIMIT_OUR_TX_SHIFT) & HOP_LIMIT_OUR_TX_MASK);
      rb[0] = relayNode;
    }

    const at = this.indexOf(sender, id);
    if (at !== NOT_FOUND) {
      result.seen = true;
      this.stats.duplicates++;
      const foundPacked = this.hopLimits[at];
      const foundHighest = foundPacked & HOP_LIMIT_HIGHEST_MASK;
      const foundOurTx = (foundPacked & HOP_LIMIT_OUR_TX_MASK) >> HOP_LIMIT_OUR_TX_SHIFT;
      const foundNextHop = this.nextHops[at];
      if (foundHighest < hopLimit) {
        result.wasUpgraded = true;
        this.stats.upgrades++;
      }
      // The firmware tests the relayers with its record-level wasRelayer, which does not special-case
      // 0: a relayNode of 0 (unknown relayer) matches an empty relayer slot.
      if (
        this.senders[at] !== this.ourNodeNum &&
        foundNextHop !== NO_NEXT_HOP &&
        foundNextHop !== ours &&
        (p.nextHop & 0xff) === NO_NEXT_HOP &&
        this.recordHasRelayer(at, relayNode) &&
        !this.recordHasRelayer(at, ours) &&
        !this.recordHasRelayer(at, foundNextHop)
      ) {
        result.wasFallback = true;
      }
      result.weWereNextHop = foundNextHop === ours;

      if (withUpdate) {
        let startIdx = weWillRelay ? 1 : 0;
        if (!weWillRelay) {
          // Only a relayer that heard us directly counts: its copy has our TX hop_limit or one less.
          if (this.recordHasRelayer(at, ours) && (hopLimit === foundOurTx || hopLimit === foundOurTx - 1)) {
            rb[0] = relayNode;
            startIdx = 1;
          }
          packed = (packed & ~HOP_LIMIT_OUR_TX_MASK) | (foundOurTx << HOP_LIMIT_OUR_TX_SHIFT);
        }
        // Keep the highest hop_limit ever heard so a later, lower copy does not hide an upgrade.
        if (foundHighest > (packed & HOP_LIMIT_HIGHEST_MASK)) packed = (packed & ~HOP_LIMIT_HIGHEST_MASK) | foundHighest;
        // Merge the earlier relayers after the new one, skipping ones already present; the last
        // one falls off when a new relayer was put in front.
        const base = at * NUM_RELAYERS;
        for (let i = 0; i < NUM_RELAYERS - startIdx; i++) {
          const old = this.relayedBy[base + i];
          if (old === 0) continue;
          let exists = false;
          for (let j = 0; j < NUM_RELAYERS; j++) {
            if (rb[j] === old) {
              exists = true;
              break;
            }
          }
          if (!exists) rb[i + startIdx] = old;
        }
        // Keep the original next_hop, so we can still tell whether we were asked to relay.
        nextHop = foundNextHop;
        this.write(at, sender, id, now, nextHop, packed);
      }
      return result;
    }

    if (withUpdate) this.write(this.freeOrOldest(), sender, id, now, nextHop, packed);
    return result;
  }

  /**
   * Record a packet we are about to transmit (originated or relayed), as FloodingRouter::send and
   * NextHopRouter::send do: the packet counts as relayed by us at its current hop_limit, so echoes of
   * it are duplicates and relayers that heard us can be recognised. Does not modify `p`; the caller
   * puts our relay byte (lastByteOfNodeNum) in the packet's relayNode itself.
   */
  recordSent(p: HistoryPacket, now: number): SeenResult {
    return this.wasSeenRecently({ from: p.from, id: p.id, hopLimit: p.hopLimit, nextHop: p.nextHop, relayNode: this.ourRelayId }, true, now);
  }

  /**
   * PacketHistory::wasRelayer(relayer, id, sender): is `relayer` in the record of (from, id)?
   * False for relayer 0, for an unknown packet, and for from 0 (the firmware's find() never matches a
   * zero sender; pass our node number for our own packets).
   */
  wasRelayer(relayer: number, from: number, id: number): boolean {
    if ((relayer & 0xff) === 0) return false;
    const at = this.find(from, id);
    return at !== NOT_FOUND && this.recordHasRelayer(at, relayer & 0xff);
  }

  /** PacketHistory::wasRelayer with `wasSole`: `relayer` is the only non-zero relayer of (from, id). */
  wasSoleRelayer(relayer: number, from: number, id: number): boolean {
    if ((relayer & 0xff) === 0) return false;
    const at = this.find(from, id);
    return at !== NOT_FOUND && this.recordHasSoleRelayer(at, relayer & 0xff);
  }

  /**
   * PacketHistory::checkRelayers: both tests NextHopRouter::sniffReceived needs for next-hop learning,
   * with one lookup. Learning rule there: set next_hop of the ACK's sender to the ACK's relayNode when
   * (relayer1 = ACK relayNode was a relayer and relayer2 = we were) or (hops away 0 and relayer2WasSole).
   * A zero relayer tests false.
   */
  checkRelayers(relayer1: number, relayer2: number, from: number, id: number): RelayerCheck {
    const out: RelayerCheck = { relayer1: false, relayer2: false, relayer2WasSole: false };
    const at = this.find(from, id);
    if (at === NOT_FOUND) return out;
    if ((relayer1 & 0xff) !== 0) out.relayer1 = this.recordHasRelayer(at, relayer1 & 0xff);
    if ((relayer2 & 0xff) !== 0) {
      out.relayer2 = this.recordHasRelayer(at, relayer2 & 0xff);
      out.relayer2WasSole = this.recordHasSoleRelayer(at, relayer2 & 0xff);
    }
    return out;
  }

  /**
   * PacketHistory::removeRelayer: drop `relayer` from the record of (from, id), compacting the rest.
   * Router::cancelSending calls it with our byte after removing our queued relay from the TX queue.
   */
  removeRelayer(relayer: number, from: number, id: number): void {
    const at = this.find(from, id);
    if (at === NOT_FOUND) return;
    const base = at * NUM_RELAYERS;
    const r = relayer & 0xff;
    let j = 0;
    for (let i = 0; i < NUM_RELAYERS; i++) {
      const v = this.relayedBy[base + i];
      if (v !== r) this.relayedBy[base + j++] = v;
    }
    for (; j < NUM_RELAYERS; j++) this.relayedBy[base + j] = 0;
  }

  /** A copy of the record for (from, id), or undefined (from 0 never matches, as in find()). */
  getRecord(from: number, id: number): HistoryRecord | undefined {
    const at = this.find(from, id);
    if (at === NOT_FOUND) return undefined;
    const relayers: number[] = [];
    for (let i = 0; i < NUM_RELAYERS; i++) relayers.push(this.relayedBy[at * NUM_RELAYERS + i]);
    const packed = this.hopLimits[at];
    return {
      sender: this.senders[at],
      id: this.ids[at],
      rxTimeMsec: this.rxTimes[at],
      nextHop: this.nextHops[at],
      highestHopLimit: packed & HOP_LIMIT_HIGHEST_MASK,
      ourTxHopLimit: (packed & HOP_LIMIT_OUR_TX_MASK) >> HOP_LIMIT_OUR_TX_SHIFT,
      relayedBy: relayers,
    };
  }

  /** PacketHistory::find: sender 0 or id 0 never match. */
  private find(from: number, id: number): number {
    if (from === 0 || id === 0) return NOT_FOUND;
    return this.indexOf(from >>> 0, id >>> 0);
  }

  /**
   * Linear scan, like the firmware without its hash index; occupied slots are exactly 0..count-1
   * because records are never removed one by one.
   */
  private indexOf(sender: number, id: number): number {
    if (sender === 0 || id === 0) return NOT_FOUND;
    for (let i = 0; i < this.count; i++) {
      if (this.ids[i] === id && this.senders[i] === sender) return i;
    }
    return NOT_FOUND;
  }

  /**
   * PacketHistory::insert: the first free slot, else the record with the oldest rxTimeMsec (first one
   * on ties). The firmware compares uint32 ages and, when every age is 0, finds no slot and drops the
   * new record; with plain ms numbers we always take the oldest, so the new record is never lost.
   */
  private freeOrOldest(): number {
    if (this.count < this.capacity) {
      this.stats.recorded++;
      return this.count++;
    }
    let oldest = 0;
    for (let i = 1; i < this.capacity; i++) {
      if (this.rxTimes[i] < this.rxTimes[oldest]) oldest = i;
    }
    this.stats.evicted++;
    return oldest;
  }

  private write(at: number, sender: number, id: number, now: number, nextHop: number, packed: number): void {
    this.senders[at] = sender;
    this.ids[at] = id;
    this.rxTimes[at] = now;
    this.nextHops[at] = nextHop;
    this.hopLimits[at] = packed;
    this.relayedBy.set(this.scratch, at * NUM_RELAYERS);
  }

  /** The record-level PacketHistory::wasRelayer: any slot equal to `relayer` (0 matches an empty slot). */
  private recordHasRelayer(at: number, relayer: number): boolean {
    const base = at * NUM_RELAYERS;
    for (let i = 0; i < NUM_RELAYERS; i++) if (this.relayedBy[base + i] === relayer) return true;
    return false;
  }

  private recordHasSoleRelayer(at: number, relayer: number): boolean {
    const base = at * NUM_RELAYERS;
    let found = false;
    for (let i = 0; i < NUM_RELAYERS; i++) {
      const v = this.relayedBy[base + i];
      if (v === relayer) found = true;
      else if (v !== 0) return false;
    }
    return found;
  }
}
