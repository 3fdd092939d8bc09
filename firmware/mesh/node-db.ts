// The node database (firmware src/mesh/NodeDB.cpp, 2.7.26): one bounded table of the nodes we
// know, ourselves first. Rules kept here, with their firmware lines:
//   updateFrom (1921-1951): only decoded packets from someone else; last_heard from rx_time when the
//     packet has a valid one; SNR kept when the packet's is 0; hops_away not overwritten when unknown.
//   updateUser (1844-1911): key pinning. A User advertising OUR public key is refused whole; once a
//     node's key is known, a User with another key or with none is refused whole; user.id is always
//     "!" + the node number; the channel it came on is remembered (not for ourselves).
//   updatePosition (1714-1756): remote positions keep the recorded time when they carry none.
//   getOrCreateMeshNode (2091-2140): when full, the oldest node without a public key is evicted,
//     else the oldest node; favourites, ignored nodes and ourselves never are.
//   getNumOnlineMeshNodes (1692-1707): heard within 2 h, optionally without via-MQTT nodes.
//   getHopsAway (1675-1690): unknown without hop_start (unless decoded with a bitfield) or when
//     hop_start < hop_limit.
// Times are the node's clock in seconds (getTime / rx_time), as the firmware stores them.
import type { DeviceMetrics, Position, User } from "../wire/messages.js";
import type { MeshPacketState } from "./packet.js";
import { bytesEqual } from "../bytes/compare.js";

/**
 * MAX_NUM_NODES of firmware 2.7 on ESP32 (ourselves included). Memory: one NodeInfo object with a
 * User (~140 bytes of strings and a 32-byte key) and a Position, roughly 400 bytes as JS objects,
 * so ~40 KB at the bound.
 */
export const MAX_NUM_NODES = 100;

/** hops_away when it cannot be computed (spec 6.4). */
export const HOPS_UNKNOWN = -1;

/** sortMeshDB runs at most this often (NodeDB.cpp 2029). */
const NODEDB_SORT_THROTTLE_MS = 5000;

/** NUM_ONLINE_SECS: a node heard within 2 hours counts as online. */
export const NUM_ONLINE_SECS = 2 * 60 * 60;

export interface NodeInfo {
  num: number;
  user: User | undefined;
  position: Position | undefined;
  /** last_heard: node clock seconds of the last packet with a valid rx_time (0 = never). */
  lastHeard: number;
  snr: number;
  hopsAway: number;
  /** Last byte of the node to send through to reach it (0 = flood). */
  nextHop: number;
  viaMqtt: boolean;
  isFavorite: boolean;
  isIgnored: boolean;
  /** The channel index its NodeInfo came on (where we send it DMs when none is given). */
  channel: number;
  /** Its last device metrics (NodeDB::updateTelemetry). */
  deviceMetrics: DeviceMetrics | undefined;
}

/** What updateUser did. */
export const UserUpdate = {
  /** Stored, nothing changed. */
  Same: 0,
  /** Stored and something changed. */
  Changed: 1,
  /** Refused: it advertises our own public key. */
  OwnKey: 2,
  /** Refused: its key differs from (or lacks) the one we pinned. */
  KeyMismatch: 3,
} as const;
export type UserUpdate = (typeof UserUpdate)[keyof typeof UserUpdate];

/** Counters for the NodeDB's decisions. */
export interface NodeDbStats {
  /** Nodes replaced because the table was full. */
  evicted: number;
  /** NodeInfos refused because they carried our own key. */
  ownKeyRefused: number;
  /** NodeInfos refused because the key differed from the pinned one. */
  keyMismatchRefused: number;
}

function emptyNode(num: number): NodeInfo {
  return { num, user: undefined, position: undefined, lastHeard: 0, snr: 0, hopsAway: HOPS_UNKNOWN, nextHop: 0, viaMqtt: false, isFavorite: false, isIgnored: false, channel: 0, deviceMetrics: undefined };
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return bytesEqual(a, b);
}

function keyOf(u: User | undefined): Uint8Array | undefined {
  return u !== undefined && u.publicKey !== undefined && u.publicKey.length === 32 ? u.publicKey : undefined;
}

/** The user.id the firmware forces: "!" + 8 lowercase hex digits of the node number. */
export function userIdOf(num: number): string {
  const hex = (num >>> 0).toString(16);
  return "!" + "00000000".substring(hex.length) + hex;
}

const NO_BYTES = new Uint8Array(0);

/** An absent bytes field is a zero-size one in the firmware's structs. */
function orEmpty(b: Uint8Array | undefined): Uint8Array {
  return b === undefined ? NO_BYTES : b;
}

/** The memcmp of two UserLite (NodeDB.cpp 1889): every stored field, the MAC, any key and whether is_unmessagable is set. */
function sameUser(a: User, b: User): boolean {
  return (
    a.id === b.id &&
    a.longName === b.longName &&
    a.shortName === b.shortName &&
    (a.hwModel || 0) === (b.hwModel || 0) &&
    (a.isLicensed === true) === (b.isLicensed === true) &&
    (a.role || 0) === (b.role || 0) &&
    a.isUnmessagable === b.isUnmessagable &&
    sameBytes(orEmpty(a.macaddr), orEmpty(b.macaddr)) &&
    sameBytes(orEmpty(a.publicKey), orEmpty(b.publicKey))
  );
}


/** getHopsAway: hops a packet has taken, or -1 when unknown. */
export function hopsAway(hopStart: number, hopLimit: number, hasBitfield: boolean): number {
  if (hopStart === 0 && !hasBitfield) return HOPS_UNKNOWN;
  if (hopStart < hopLimit) return HOPS_UNKNOWN;
  return hopStart - hopLimit;
}

/** getHopsAway for a packet (the bitfield counts only once decoded). */
export function packetHopsAway(p: MeshPacketState): number {
  return hopsAway(p.hopStart, p.hopLimit, p.decoded !== undefined && p.decoded.bitfield !== undefined);
}

export class NodeDb {
  readonly capacity: number;
  readonly stats: NodeDbStats = { evicted: 0, ownKeyRefused: 0, keyMismatchRefused: 0 };
  private readonly ourNum: number;
  /** Index 0 is ourselves (meshNodes[0]). */
  private readonly nodes: NodeInfo[] = [];
  /**
   * The online count the modules scale their intervals by (NodeStatus::getNumOnline): a snapshot of
   * numOnline taken at notifyObservers, i.e. at boot and when a position, device telemetry or a
   * changed User is stored (NodeDB.cpp 1753, 1776, 1903; main.cpp 1060), not a live count.
   */
  onlineSnapshot = 0;
  private lastSortMs: number | undefined;

  constructor(ourNum: number, capacity: number) {
    this.ourNum = ourNum >>> 0;
    this.capacity = capacity > 1 ? capacity : MAX_NUM_NODES;
    this.nodes.push(emptyNode(this.ourNum));
  }

  /** NodeDB::notifyObservers: the modules' online count is taken now. */
  notifyObservers(nowSecs: number): void {
    this.onlineSnapshot = this.numOnline(nowSecs, false);
  }

  /** Evictions so far (kept for the reports; the same as stats.evicted). */
  get evictions(): number {
    return this.stats.evicted;
  }

  /** Nodes known, ourselves included. */
  get size(): number {
    return this.nodes.length;
  }

  /** Our own entry (meshNodes[0]). */
  get self(): NodeInfo {
    return this.nodes[0];
  }

  get(num: number): NodeInfo | undefined {
    for (let i = 0; i < this.nodes.length; i++) if (this.nodes[i].num === num) return this.nodes[i];
    return undefined;
  }

  /** Every node but ourselves (a copy of the list, entries shared). */
  list(): NodeInfo[] {
    return this.nodes.slice(1);
  }

  /** isFull: MAX_NUM_NODES reached (the firmware also counts low heap). */
  isFull(): boolean {
    return this.nodes.length >= this.capacity;
  }

  /** getOrCreateMeshNode with its eviction rule. */
  getOrCreate(num: number): NodeInfo {
    const found = this.get(num);
    if (found !== undefined) return found;
    if (this.isFull()) {
      let oldest = -1;
      let boring = -1;
      for (let i = 1; i < this.nodes.length; i++) {
        const c = this.nodes[i];
        if (c.isFavorite || c.isIgnored) continue;
        if (oldest < 0 || c.lastHeard < this.nodes[oldest].lastHeard) oldest = i;
        // "Boring" (2112-2117): no public key at all (public_key.size == 0), whatever its length otherwise.
        const keyLen = c.user !== undefined && c.user.publicKey !== undefined ? c.user.publicKey.length : 0;
        if (keyLen === 0 && (boring < 0 || c.lastHeard < this.nodes[boring].lastHeard)) boring = i;
      }
      const victim = boring >= 0 ? boring : oldest;
      if (victim >= 0) {
        this.nodes.splice(victim, 1);
        this.stats.evicted++;
      }
    }
    const n = emptyNode(num >>> 0);
    this.nodes.push(n);
    return n;
  }

  /** True when `num` is known with user info (KNOWN_ONLY rebroadcast mode, PKI between known nodes). */
  hasUser(num: number): boolean {
    const n = this.get(num);
    return n !== undefined && n.user !== undefined;
  }

  /** Known licensed (true), known unlicensed (false), or unknown (undefined): getLicenseStatus. */
  licensed(num: number): boolean | undefined {
    const n = this.get(num);
    return n === undefined || n.user === undefined ? undefined : n.user.isLicensed === true;
  }

  isFavorite(num: number): boolean {
    const n = this.get(num);
    return n !== undefined && n.isFavorite;
  }

  /** NodeDB::updateFrom for a decoded packet we heard (or are sending); `now` in ms for the sort's throttle. */
  updateFrom(p: MeshPacketState, now: number): void {
    if (p.from === this.ourNum || p.decoded === undefined || p.from === 0) return;
    const n = this.getOrCreate(p.from);
    if (p.rxTime !== 0) n.lastHeard = p.rxTime;
    if (p.rxSnr !== 0) n.snr = p.rxSnr;
    n.viaMqtt = p.viaMqtt;
    const h = packetHopsAway(p);
    if (h >= 0) n.hopsAway = h;
    this.sortMeshDB(now);
  }

  /**
   * NodeDB::sortMeshDB (2027-2055), at most every 5 s: ourselves first, then favourites, then by
   * last_heard, most recent first (a reverse bubble sort that swaps only on a strict difference, so
   * ties keep their order). The order decides which of two equally old nodes is evicted.
   */
  sortMeshDB(now: number): void {
    if (this.lastSortMs !== undefined && now - this.lastSortMs < NODEDB_SORT_THROTTLE_MS) return;
    this.lastSortMs = now;
    const a = this.nodes;
    for (let changed = true; changed; ) {
      changed = false;
      for (let i = a.length - 1; i > 0; i--) {
        const cur = a[i];
        const prev = a[i - 1];
        if (prev.num === this.ourNum) continue;
        if (cur.num === this.ourNum || (cur.isFavorite && !prev.isFavorite) || (cur.isFavorite === prev.isFavorite && cur.lastHeard > prev.lastHeard)) {
          a[i] = prev;
          a[i - 1] = cur;
          changed = true;
        }
      }
    }
  }

  /**
   * NodeDB::updateUser. `ourKey` is our own public key (owner.public_key), if any. The User is
   * stored with its id forced to our form of the node number.
   */
  updateUser(num: number, u: User, channel: number, ourKey: Uint8Array | undefined, nowSecs: number): UserUpdate {
    const n = this.getOrCreate(num);
    const theirs = keyOf(u);
    if (theirs !== undefined && num !== this.ourNum && ourKey !== undefined && sameBytes(theirs, ourKey)) {
      this.stats.ownKeyRefused++;
      return UserUpdate.OwnKey;
    }
    const pinned = keyOf(n.user);
    if (pinned !== undefined && (theirs === undefined || !sameBytes(theirs, pinned))) {
      this.stats.keyMismatchRefused++;
      return UserUpdate.KeyMismatch;
    }
    const stored: User = Object.assign({}, u, { id: userIdOf(num) });
    const changed = n.user === undefined || !sameUser(n.user, stored) || (num !== this.ourNum && n.channel !== channel);
    n.user = stored;
    if (num !== this.ourNum) n.channel = channel;
    if (!changed) return UserUpdate.Same;
    this.notifyObservers(nowSecs);
    return UserUpdate.Changed;
  }

  /**
   * NodeDB::updatePosition for a remote node: a Position carrying only a time updates only the time;
   * any other replaces the stored one, whose time survives when the new one has none.
   */
  updatePosition(num: number, pos: Position, nowSecs: number): void {
    const n = this.getOrCreate(num);
    const timeOnly = (pos.time || 0) > 0 && !pos.latitudeI && !pos.longitudeI && !pos.timestamp && !pos.locationSource;
    if (timeOnly) n.position = Object.assign({}, n.position, { time: pos.time });
    else {
      const keep = n.position !== undefined ? n.position.time : undefined;
      const next: Position = Object.assign({}, pos);
      if ((next.time || 0) === 0 && keep !== undefined) next.time = keep;
      n.position = next;
    }
    this.notifyObservers(nowSecs);
  }

  /** NodeDB::updateTelemetry (1762-1777): device metrics only. */
  updateTelemetry(num: number, metrics: DeviceMetrics, nowSecs: number): void {
    this.getOrCreate(num).deviceMetrics = metrics;
    this.notifyObservers(nowSecs);
  }

  /** getNumOnlineMeshNodes: nodes (ourselves included) heard within NUM_ONLINE_SECS of `nowSecs`. */
  numOnline(nowSecs: number, localOnly: boolean): number {
    let count = 0;
    for (let i = 0; i < this.nodes.length; i++) {
      const c = this.nodes[i];
      if (localOnly && c.viaMqtt) continue;
      const since = nowSecs - c.lastHeard;
      if ((since < 0 ? 0 : since) < NUM_ONLINE_SECS) count++;
    }
    return count;
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
