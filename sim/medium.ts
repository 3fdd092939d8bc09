// The shared LoRa channel: which radios hear a transmission, at what power, and whether each copy is
// decoded, lost in a collision or missed because the receiver was transmitting (half duplex). It
// tells each radio's owner, through a MediumSink, what its radio would report: channel busy when a
// preamble above the CAD threshold is detected, channel quiet when the last one ends, the frames it
// decoded (radio-rx), the frames it was demodulating when a collision corrupted them (radio-rx-error,
// a payload CRC error) and the end of its own transmissions (radio-tx-done).
//
// Timing per transmission (no propagation delay; all receivers see the same instants):
//   start            transmit(): arrivals created at every radio above its interference floor,
//                    collisions against what those radios are already receiving are decided.
//   start + detect   DETECT event: receivers above their CAD threshold count the signal as channel
//                    activity (busy). `busyDetectSymbols` models the CAD/preamble-detection time
//                    (default 2.5 symbols, the CAD part of the firmware's slot time), so two nodes that
//                    start within that window do not hear each other start and collide.
//   start + ToA      END event: sender gets radio-tx-done, receivers get radio-rx, radio-rx-error
//                    or nothing.
// ToA is the exact Semtech time on air of the frame (firmware/mesh/airtime.ts timeOnAirMs), not the
// node's whole-millisecond accounting value and not Meshtasticator's (cr + 4) payload factor.
//
// Links are cached per transmitter (receivers above their floor, with the static RSSI) and found
// through a uniform grid whose cell is the largest possible hearing range; a transmission therefore
// costs work only at the radios that can hear it.
import { timeOnAirMs, symbolTimeMs } from "../firmware/mesh/airtime.js";
import type { LoraModulation } from "../firmware/mesh/airtime.js";
import type { NodeEvent, RadioRxErrorEvent, RadioRxEvent, RadioTxDoneEvent } from "../firmware/node-events.js";
import type { EventQueue, SimEvent } from "./event-queue.js";
import { MESHTASTICATOR_LOG_DISTANCE, PathLossModel, maxRangeM, pathLossDb } from "./path-loss.js";
import type { LogDistanceParams } from "./path-loss.js";
import {
  CAPTURE_THRESHOLD_DB,
  Capture,
  DEFAULT_NOISE_FIGURE_DB,
  capture,
  dbmToMw,
  framesOverlap,
  preambleLockOffsetMs,
  radioThresholds,
  rssiDbm,
  survivesInterference,
} from "./phy.js";
import type { RadioThresholds } from "./phy.js";
import { linkOffsetDb } from "./rng-streams.js";
import { SpatialGrid } from "./spatial-index.js";

/** Event kinds the medium schedules on the shared queue (the simulator uses kinds from 16 up). */
export const MediumEventKind = {
  /** A transmission's preamble becomes detectable at its receivers. */
  DETECT: 1,
  /** A transmission ends. */
  END: 2,
} as const;

/** Where a radio is and how it transmits. */
export interface RadioSpec {
  x: number;
  y: number;
  /** Antenna height above ground (m); used for the 3-D distance and the empirical models. */
  heightM: number;
  txPowerDbm: number;
  antennaGainDbi: number;
  modulation: LoraModulation;
  /** Centre frequency (MHz): path loss, and only radios on the same frequency and modulation interact. */
  freqMhz: number;
}

export interface MediumOptions {
  /** Run seed: the per-link offsets are a pure function of (seed, tx, rx). */
  seed: number;
  /** path-loss.ts PathLossModel; default 3GPP suburban (Meshtasticator's MODEL = 5). */
  pathLossModel: number;
  logDistance: LogDistanceParams;
  /** σ of the static per-directed-link offset (dB); 0 = symmetric links. Default 3. */
  linkOffsetSigmaDb: number;
  /** Offsets are clamped to ± this many σ (default 4) so the hearing range stays finite. */
  linkOffsetClampSigmas: number;
  noiseFigureDb: number;
  captureThresholdDb: number;
  /** Sum interference energy per frame (ns-3 style) instead of Meshtasticator's pairwise capture. */
  sumInterference: boolean;
  /**
   * Signals below this (dBm) neither reach a receiver nor interfere there. Default: each receiver's
   * CAD threshold. Set lower to let the summed-interference rule see weaker interferers (costs range).
   */
  interferenceFloorDbm: number | undefined;
  /** Symbols of a preamble on air before receivers report the channel busy (default 2.5). */
  busyDetectSymbols: number;
  /**
   * Ceiling of the SNR handed to nodes (dB; default 15, where Meshtasticator clamps SNR before its
   * contention window; Infinity = none). The firmware's getCWsize does not clamp, so an uncapped
   * +40 dB from a node 100 m away would give a 2^13-slot (~4 min on LONG_FAST) relay window.
   */
  maxSnrDb: number;
}

export function defaultMediumOptions(seed: number): MediumOptions {
  return {
    seed: seed,
    pathLossModel: PathLossModel.THREE_GPP_SUBURBAN,
    logDistance: MESHTASTICATOR_LOG_DISTANCE,
    linkOffsetSigmaDb: 3,
    linkOffsetClampSigmas: 4,
    noiseFigureDb: DEFAULT_NOISE_FIGURE_DB,
    captureThresholdDb: CAPTURE_THRESHOLD_DB,
    sumInterference: false,
    interferenceFloorDbm: undefined,
    busyDetectSymbols: 2.5,
    maxSnrDb: 15,
  };
}

/** Receives what each radio reports. Events may be reused objects: read them, do not keep them. */
export interface MediumSink {
  radioEvent(node: number, ev: NodeEvent, now: number): void;
}

/** Per-radio counters. */
export interface RadioCounters {
  txPackets: number;
  /** Sum of exact times on air (ms). */
  txAirtimeMs: number;
  /** transmit() calls refused because the radio was already transmitting. */
  txRefused: number;
  /**
   * Transmissions started while a detected frame was on air at this radio. radio-rx and
   * radio-tx-done carry the busy state, so the core holds its queue; a non-zero count means a
   * driver or core bug (kept as a check, asserted zero in the simulator tests).
   */
  txOverBusy: number;
  /** Frames decoded and handed to the node. */
  rxOk: number;
  /** Decodable frames (above sensitivity) lost to a collision. */
  rxCollided: number;
  /**
   * Of those, the ones this radio was demodulating (it was idle when they began, or they captured
   * it): the payload fails its CRC and the node gets radio-rx-error. The others end unnoticed.
   */
  rxCrcErrors: number;
  /** Decodable frames lost because this radio transmitted during them. */
  rxHalfDuplex: number;
  /** Frames detected (above the CAD threshold) but below the sensitivity. */
  rxWeak: number;
}

const LOST_COLLISION = 1;
const LOST_HALF_DUPLEX = 2;

class Transmission {
  sender = 0;
  frame: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  /** Start of the critical section: start + (N_preamble − 5)·Tsym. */
  lockAt = 0;
  readonly arrivals: Arrival[] = [];
}

class Arrival {
  tx: Transmission = new Transmission();
  rx = 0;
  rssi = 0;
  mw = 0;
  decodable = false;
  detectable = false;
  /** Counted in the receiver's busy count (after DETECT). */
  counted = false;
  lost = 0;
  /**
   * The receiver demodulates this frame: it was idle when the frame began (or this frame captured it
   * from an earlier one). A locked frame lost to a collision ends in a payload CRC error.
   */
  locked = false;
  /** A later, stronger frame took the receiver over: this one ends in nothing, not a CRC error. */
  switched = false;
  /** Interference energy over this frame's critical section (mW·ms), summed mode only. */
  interference = 0;
}

/** Cached receivers of one transmitter, in ascending index order, with their static RSSI. */
interface LinkList {
  rx: Int32Array;
  rssi: Float64Array;
  /** The same power in mW. */
  mw: Float64Array;
}

const BUSY: NodeEvent = { type: "channel-busy", busy: true };
const QUIET: NodeEvent = { type: "channel-busy", busy: false };

export class Medium {
  readonly options: MediumOptions;
  private readonly queue: EventQueue;
  private readonly sink: MediumSink;
  private readonly specs: RadioSpec[] = [];
  private readonly thresholds: RadioThresholds[] = [];
  /** Per receiver: the weakest signal that reaches it at all. */
  private readonly floors: number[] = [];
  private readonly channelKeys: number[] = [];
  private readonly channelIds = new Map<string, number>();
  private readonly counters: RadioCounters[] = [];
  /** Per radio: the transmission it is sending, or null. */
  private readonly sending: (Transmission | null)[] = [];
  /** Per radio: frames currently arriving. */
  private readonly active: Arrival[][] = [];
  /** Per radio: detected frames on air (busy while > 0). */
  private readonly busy: number[] = [];
  private readonly links: (LinkList | undefined)[] = [];
  private grid: SpatialGrid | undefined;
  private rangeM = 0;
  private rangeDirty = true;
  private readonly txPool: Transmission[] = [];
  private readonly arrivalPool: Arrival[] = [];
  private readonly scratch: number[] = [];
  private readonly txDone: RadioTxDoneEvent = { type: "radio-tx-done", busy: false };
  private readonly rxEvent: RadioRxEvent = { type: "radio-rx", frame: new Uint8Array(0), rssi: 0, snr: 0, busy: false };
  private readonly rxErrorEvent: RadioRxErrorEvent = { type: "radio-rx-error", lengthBytes: 0, busy: false };

  constructor(queue: EventQueue, sink: MediumSink, options: MediumOptions) {
    this.queue = queue;
    this.sink = sink;
    this.options = options;
  }

  get radioCount(): number {
    return this.specs.length;
  }

  /** Adds a radio; returns its index (0, 1, ...). */
  addRadio(spec: RadioSpec): number {
    const i = this.specs.length;
    this.specs.push({ ...spec });
    const t = radioThresholds(spec.modulation, this.options.noiseFigureDb);
    this.thresholds.push(t);
    const f = this.options.interferenceFloorDbm;
    this.floors.push(f !== undefined && f < t.cadThresholdDbm ? f : t.cadThresholdDbm);
    const key = spec.freqMhz + "|" + spec.modulation.bwKhz + "|" + spec.modulation.sf + "|" + spec.modulation.preambleSymbols;
    let id = this.channelIds.get(key);
    if (id === undefined) {
      id = this.channelIds.size;
      this.channelIds.set(key, id);
    }
    this.channelKeys.push(id);
    this.counters.push({ txPackets: 0, txAirtimeMs: 0, txRefused: 0, txOverBusy: 0, rxOk: 0, rxCollided: 0, rxCrcErrors: 0, rxHalfDuplex: 0, rxWeak: 0 });
    this.sending.push(null);
    this.active.push([]);
    this.busy.push(0);
    this.links.push(undefined);
    this.rangeDirty = true;
    this.invalidateLinks();
    return i;
  }

  /**
   * Moves a radio. Frames already on air keep their power; every cached link list is dropped and
   * rebuilt on next use (O(radios) per move).
   */
  moveRadio(i: number, x: number, y: number, heightM: number): void {
    const s = this.specs[i];
    s.x = x;
    s.y = y;
    if (heightM !== s.heightM) this.rangeDirty = true;
    s.heightM = heightM;
    // Radios added since the grid was built are inserted at their new place on next use.
    if (this.grid !== undefined && i < this.grid.count) this.grid.move(i, x, y);
    this.invalidateLinks();
  }

  spec(i: number): Readonly<RadioSpec> {
    return this.specs[i];
  }

  radioThresholds(i: number): RadioThresholds {
    return this.thresholds[i];
  }

  radioCounters(i: number): Readonly<RadioCounters> {
    return this.counters[i];
  }

  /** Whether radio i is transmitting. */
  isTransmitting(i: number): boolean {
    return this.sending[i] !== null;
  }

  /** Detected frames on air at radio i (its CAD would report activity when > 0). */
  busyCount(i: number): number {
    return this.busy[i];
  }

  /** The largest horizontal distance at which any radio can reach any other (grid cell size). */
  hearingRangeM(): number {
    this.ensureRange();
    return this.rangeM;
  }

  /** Static RSSI (dBm) of the link tx → rx, offset included, whatever its level. */
  linkRssiDbm(tx: number, rx: number): number {
    const a = this.specs[tx];
    const b = this.specs[rx];
    const dx = a.x - b.x;
    const dy = a.y - b.y;
    const dz = a.heightM - b.heightM;
    const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
    const o = this.options;
    const pl = pathLossDb(o.pathLossModel, d, a.freqMhz, a.heightM, b.heightM, o.logDistance);
    const off = linkOffsetDb(o.seed, tx, rx, o.linkOffsetSigmaDb, o.linkOffsetSigmaDb * o.linkOffsetClampSigmas);
    return rssiDbm(a.txPowerDbm, a.antennaGainDbi, b.antennaGainDbi, pl, off);
  }

  /** Radios that receive tx above their floor (ascending index), for diagnostics and placement. */
  receiversOf(tx: number): number[] {
    const l = this.linksOf(tx);
    return Array.prototype.slice.call(l.rx) as number[];
  }

  /**
   * Radio `sender` starts sending `frame` now. Returns the exact time on air in ms, or −1 when the
   * radio is already transmitting (counted in txRefused; the frame is not sent).
   */
  transmit(sender: number, frame: Uint8Array, now: number): number {
    if (this.sending[sender] !== null) {
      this.counters[sender].txRefused++;
      return -1;
    }
    const m = this.specs[sender].modulation;
    const toa = timeOnAirMs(m, frame.length);
    const tx = this.txPool.length > 0 ? (this.txPool.pop() as Transmission) : new Transmission();
    tx.sender = sender;
    tx.frame = frame;
    tx.start = now;
    tx.end = now + toa;
    tx.lockAt = now + preambleLockOffsetMs(m);
    this.sending[sender] = tx;
    const c = this.counters[sender];
    c.txPackets++;
    c.txAirtimeMs += toa;
    if (this.busy[sender] > 0) c.txOverBusy++;
    // Half duplex: whatever the sender was receiving is lost (a frame ending exactly now is complete).
    const own = this.active[sender];
    for (let k = 0; k < own.length; k++) if (own[k].tx.end > now) own[k].lost |= LOST_HALF_DUPLEX;
    const links = this.linksOf(sender);
    const sum = this.options.sumInterference;
    const thr = this.options.captureThresholdDb;
    let anyDetectable = false;
    for (let k = 0; k < links.rx.length; k++) {
      const rx = links.rx[k];
      const a = this.arrivalPool.length > 0 ? (this.arrivalPool.pop() as Arrival) : new Arrival();
      a.tx = tx;
      a.rx = rx;
      a.rssi = links.rssi[k];
      a.mw = links.mw[k];
      const t = this.thresholds[rx];
      a.decodable = a.rssi >= t.sensitivityDbm;
      a.detectable = a.rssi >= t.cadThresholdDbm;
      a.counted = false;
      a.lost = this.sending[rx] !== null ? LOST_HALF_DUPLEX : 0;
      a.interference = 0;
      a.switched = false;
      if (a.detectable) anyDetectable = true;
      const list = this.active[rx];
      let idle = true;
      for (let j = 0; j < list.length; j++) {
        const b = list[j];
        if (b.locked && !b.switched && b.tx.end > now) idle = false;
        if (sum) this.addInterference(a, b, now);
        else if (framesOverlap(now, tx.lockAt - now, b.tx.end)) {
          const r = capture(b.rssi, a.rssi, thr);
          if (r !== Capture.SECOND_LOST) b.lost |= LOST_COLLISION;
          if (r !== Capture.FIRST_LOST) a.lost |= LOST_COLLISION;
          else if (b.locked && a.decodable) {
            b.switched = true;
            idle = true;
          }
        }
      }
      a.locked = a.decodable && a.lost !== LOST_HALF_DUPLEX && idle;
      list.push(a);
      tx.arrivals.push(a);
    }
    if (anyDetectable) {
      const detectMs = this.options.busyDetectSymbols * symbolTimeMs(m.sf, m.bwKhz);
      this.queue.push(now + (detectMs < toa ? detectMs : toa), MediumEventKind.DETECT, sender, 0, tx);
    }
    this.queue.push(tx.end, MediumEventKind.END, sender, 0, tx);
    return toa;
  }

  /** Handles a DETECT or END event popped from the shared queue; false for other kinds. */
  onEvent(ev: SimEvent): boolean {
    if (ev.kind === MediumEventKind.DETECT) this.detect(ev.ref as Transmission, ev.time);
    else if (ev.kind === MediumEventKind.END) this.end(ev.ref as Transmission, ev.time);
    else return false;
    return true;
  }

  // ---------------------------------------------------------------- internals

  // Summed mode: each frame collects the other's energy over its own critical section.
  private addInterference(a: Arrival, b: Arrival, now: number): void {
    const ta = a.tx;
    const tb = b.tx;
    const overlapEnd = ta.end < tb.end ? ta.end : tb.end;
    const intoB = overlapEnd - (now > tb.lockAt ? now : tb.lockAt);
    if (intoB > 0) b.interference += a.mw * intoB;
    const intoA = overlapEnd - (now > ta.lockAt ? now : ta.lockAt);
    if (intoA > 0) a.interference += b.mw * intoA;
  }

  private detect(tx: Transmission, now: number): void {
    const arrivals = tx.arrivals;
    for (let k = 0; k < arrivals.length; k++) {
      const a = arrivals[k];
      if (!a.detectable) continue;
      a.counted = true;
      const rx = a.rx;
      this.busy[rx]++;
      // A transmitting radio ignores channel activity; it is told again when its TX ends.
      if (this.busy[rx] === 1 && this.sending[rx] === null) this.sink.radioEvent(rx, BUSY, now);
    }
  }

  private end(tx: Transmission, now: number): void {
    const sender = tx.sender;
    this.sending[sender] = null;
    // The radio goes back to receive; CAD finds whatever is still on air.
    this.txDone.busy = this.busy[sender] > 0;
    this.sink.radioEvent(sender, this.txDone, now);
    const sum = this.options.sumInterference;
    const thr = this.options.captureThresholdDb;
    const arrivals = tx.arrivals;
    for (let k = 0; k < arrivals.length; k++) {
      const a = arrivals[k];
      const rx = a.rx;
      const list = this.active[rx];
      const at = list.indexOf(a);
      list[at] = list[list.length - 1];
      list.pop();
      if (a.counted) this.busy[rx]--;
      if (sum && a.lost === 0 && !survivesInterference(a.mw, tx.end - tx.lockAt, a.interference, thr)) a.lost |= LOST_COLLISION;
      const c = this.counters[rx];
      if (!a.decodable) {
        if (a.detectable) c.rxWeak++;
      } else if ((a.lost & LOST_HALF_DUPLEX) !== 0) c.rxHalfDuplex++;
      else if (a.lost !== 0) c.rxCollided++;
      else c.rxOk++;
      if (a.decodable && a.lost === 0) {
        const ev = this.rxEvent;
        ev.frame = tx.frame;
        // MeshPacket.rx_rssi is an int32; SX126x reports SNR in 0.25 dB steps.
        ev.rssi = Math.round(a.rssi);
        const snr = Math.round((a.rssi - this.thresholds[rx].noiseFloorDbm) * 4) / 4;
        ev.snr = snr < this.options.maxSnrDb ? snr : this.options.maxSnrDb;
        ev.busy = this.busy[rx] > 0;
        this.sink.radioEvent(rx, ev, now);
      } else if (a.locked && !a.switched && (a.lost & LOST_HALF_DUPLEX) === 0 && this.sending[rx] === null) {
        // The header was received, the payload was not: the radio reports a CRC error.
        const ev = this.rxErrorEvent;
        ev.lengthBytes = tx.frame.length;
        ev.busy = this.busy[rx] > 0;
        c.rxCrcErrors++;
        this.sink.radioEvent(rx, ev, now);
      } else if (a.counted && this.busy[rx] === 0 && this.sending[rx] === null) {
        this.sink.radioEvent(rx, QUIET, now);
      }
    }
    for (let k = 0; k < arrivals.length; k++) {
      const a = arrivals[k];
      a.tx = DUMMY_TX;
      this.arrivalPool.push(a);
    }
    arrivals.length = 0;
    tx.frame = EMPTY;
    this.txPool.push(tx);
  }

  private invalidateLinks(): void {
    for (let i = 0; i < this.links.length; i++) this.links[i] = undefined;
  }

  // The hearing range: the strongest transmitter, the best antennas, the largest positive link
  // offset and the lowest floor, at the heights and frequency that minimise the loss.
  private ensureRange(): void {
    if (!this.rangeDirty) return;
    this.rangeDirty = false;
    const o = this.options;
    let maxP = -Infinity;
    let maxG = -Infinity;
    let minFloor = Infinity;
    let minH = Infinity;
    let maxH = -Infinity;
    let minF = Infinity;
    for (let i = 0; i < this.specs.length; i++) {
      const s = this.specs[i];
      if (s.txPowerDbm > maxP) maxP = s.txPowerDbm;
      if (s.antennaGainDbi > maxG) maxG = s.antennaGainDbi;
      if (this.floors[i] < minFloor) minFloor = this.floors[i];
      if (s.heightM < minH) minH = s.heightM;
      if (s.heightM > maxH) maxH = s.heightM;
      if (s.freqMhz < minF) minF = s.freqMhz;
    }
    if (this.specs.length === 0) return;
    const budget = maxP + 2 * maxG + o.linkOffsetSigmaDb * o.linkOffsetClampSigmas - minFloor;
    // Every model loses less with taller antennas above ~0.1 m; try both ends anyway.
    let r = 0;
    const hs = [minH, maxH];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const d = maxRangeM(o.pathLossModel, budget, minF, hs[i], hs[j], o.logDistance);
        if (d > r) r = d;
      }
    }
    // A 3-D distance within range means a horizontal one within range too; pad for rounding.
    const range = r * 1.000001 + 1e-6;
    if (this.grid === undefined || range > this.rangeM) {
      this.rangeM = range;
      this.grid = undefined;
    }
  }

  private linksOf(tx: number): LinkList {
    const cached = this.links[tx];
    if (cached !== undefined) return cached;
    this.ensureRange();
    let grid = this.grid;
    if (grid === undefined) {
      grid = new SpatialGrid(this.rangeM);
      this.grid = grid;
    }
    for (let i = grid.count; i < this.specs.length; i++) grid.insert(i, this.specs[i].x, this.specs[i].y);
    const s = this.specs[tx];
    const cand = this.scratch;
    cand.length = 0;
    grid.query(s.x, s.y, this.rangeM, cand);
    const rxs: number[] = [];
    const rssis: number[] = [];
    const key = this.channelKeys[tx];
    for (let k = 0; k < cand.length; k++) {
      const rx = cand[k];
      if (rx === tx || this.channelKeys[rx] !== key) continue;
      const rssi = this.linkRssiDbm(tx, rx);
      if (rssi >= this.floors[rx]) {
        rxs.push(rx);
        rssis.push(rssi);
      }
    }
    const mw = new Float64Array(rssis.length);
    for (let k = 0; k < rssis.length; k++) mw[k] = dbmToMw(rssis[k]);
    const l: LinkList = { rx: Int32Array.from(rxs), rssi: Float64Array.from(rssis), mw: mw };
    this.links[tx] = l;
    return l;
  }
}

const EMPTY = new Uint8Array(0);
const DUMMY_TX = new Transmission();
