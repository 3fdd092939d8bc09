// Bounded database of the nodes we have heard (NodeDB.cpp, NodeInfoLite): last heard, SNR, hops
// away, user, position, next hop. When full, the least recently heard node that is not a
// favourite is replaced (NodeDB::getOrCreateMeshNode evicts the oldest non-favourite).
import type { Position, User } from "../wire/messages.js";

/**
 * MAX_NUM_NODES of firmware 2.7 on ESP32. Memory: one NodeInfo object with a User (~140 bytes of
 * strings and a 32-byte key) and a Position, roughly 400 bytes as JS objects, so ~40 KB at the bound.
 */
export const MAX_NUM_NODES = 100;

/** hops_away when it cannot be computed (spec 6.4). */
export const HOPS_UNKNOWN = -1;

export interface NodeInfo {
  num: number;
  user: User | undefined;
  position: Position | undefined;
  /** Virtual-time ms of the last packet heard from it (0 = never). */
  lastHeardMs: number;
  snr: number;
  hopsAway: number;
  /** Last byte of the node to send through to reach it (0 = flood). */
  nextHop: number;
  viaMqtt: boolean;
  isFavorite: boolean;
}

export class NodeDb {
  readonly capacity: number;
  private readonly nodes: NodeInfo[] = [];
  /** Nodes replaced because the table was full. */
  evictions = 0;

  constructor(capacity: number) {
    this.capacity = capacity > 0 ? capacity : MAX_NUM_NODES;
  }

  get size(): number {
    return this.nodes.length;
  }

  get(num: number): NodeInfo | undefined {
    for (let i = 0; i < this.nodes.length; i++) if (this.nodes[i].num === num) return this.nodes[i];
    return undefined;
  }

  /** All known nodes (a copy of the list, entries shared). */
  list(): NodeInfo[] {
    return this.nodes.slice();
  }

  getOrCreate(num: number): NodeInfo {
    const found = this.get(num);
    if (found !== undefined) return found;
    const n: NodeInfo = { num, user: undefined, position: undefined, lastHeardMs: 0, snr: 0, hopsAway: HOPS_UNKNOWN, nextHop: 0, viaMqtt: false, isFavorite: false };
    if (this.nodes.length < this.capacity) {
      this.nodes.push(n);
      return n;
    }
    let victim = -1;
    for (let i = 0; i < this.nodes.length; i++) {
      const c = this.nodes[i];
      if (c.isFavorite) continue;
      if (victim < 0 || c.lastHeardMs < this.nodes[victim].lastHeardMs) victim = i;
    }
    // Every slot a favourite: replace the oldest anyway rather than refuse the node.
    if (victim < 0) victim = 0;
    this.nodes[victim] = n;
    this.evictions++;
    return n;
  }

  /** True when `num` is known with user info (KNOWN_ONLY rebroadcast mode, PKI between known nodes). */
  hasUser(num: number): boolean {
    const n = this.get(num);
    return n !== undefined && n.user !== undefined;
  }

  /** Nodes heard within `windowMs` before `now` (num_online_local_nodes uses 2 h, excluding via-MQTT). */
  countOnline(now: number, windowMs: number, includeMqtt: boolean): number {
    let n = 0;
    for (let i = 0; i < this.nodes.length; i++) {
      const c = this.nodes[i];
      if (c.lastHeardMs > 0 && now - c.lastHeardMs <= windowMs && (includeMqtt || !c.viaMqtt)) n++;
    }
    return n;
  }

  /** The node whose number ends in `lastByte` (0xFF also matches a low byte of 0), if exactly one does. */
  byLastByte(lastByte: number): NodeInfo | undefined {
    let found: NodeInfo | undefined;
    for (let i = 0; i < this.nodes.length; i++) {
      const b = this.nodes[i].num & 0xff;
      if (b === lastByte || (b === 0 && lastByte === 0xff)) {
        if (found !== undefined) return undefined;
        found = this.nodes[i];
      }
    }
    return found;
  }
}
