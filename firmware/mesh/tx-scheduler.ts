// The radio interface above the chip driver (firmware RadioLibInterface.cpp / RadioInterface.cpp):
// the TX queue, the random transmit delay, listen-before-talk, and the tx_enabled / region gate.
//
// Rules (RadioLibInterface.cpp, 2.7.26):
//   send (150-203): nothing is queued while tx_enabled is false or the region is UNSET; a packet to
//     NODENUM_BROADCAST_NO_LORA is accepted but never queued; otherwise it is queued and the
//     transmit delay is started unless one is already pending (notifyLater without overwrite).
//   setTransmitDelay (414-437): the delay is drawn for the FRONT packet: a late packet's tx_after is
//     pushed to min(max(tx_after + d, now + d), now + 2·worst); a packet we generated (rx_snr and
//     rx_rssi 0) draws random(0, 2^CW(channel util)) slots; a rebroadcast draws the SNR-weighted
//     window (a ROUTER its early window).
//   every RX-done and TX-done interrupt (onNotify 363-376) overwrites the pending notification, so
//     the delay is drawn afresh after each frame heard or sent.
//   when the delay expires (377-411): busy receiving or sending → draw again; the front packet's
//     tx_after not reached → wait for it; channel active (CAD) → draw again; else send the front.
//   startSend (668-703): tx_enabled false at that moment drops the packet.
//   completeSending (506-529): the TX airtime is logged when the transmission ends.
// Time comes in as `now`; the driver reports TX done, frames heard and channel activity.
import type { NodeAction } from "../node-events.js";
import { Role } from "../wire/enums.js";
import { encodeLoraFrame } from "../wire/lora-header.js";
import { lateTxAfter } from "./contention.js";
import type { NodeConfig } from "./node-config.js";
import { BROADCAST_NO_LORA } from "./packet.js";
import type { MeshPacketState } from "./packet.js";
import { toLoraHeader } from "./packet-wire.js";
import type { RadioTiming } from "./radio-timing.js";
import { RegionCode } from "./regions.js";
import type { Rng } from "./rng.js";
import { RouterDrop, countDrop } from "./router-drops.js";
import type { RouterStats } from "./router-drops.js";
import { TxQueue } from "./tx-queue.js";

/** The radio's state: one enum instead of isReceiving/sendingPacket flags. */
export const RadioState = { Idle: 0, Receiving: 1, Transmitting: 2 } as const;
export type RadioState = (typeof RadioState)[keyof typeof RadioState];

/** What RadioLibInterface::send did with a packet. */
export const TxResult = {
  /** Queued (ERRNO_OK). */
  Queued: 0,
  /** To NODENUM_BROADCAST_NO_LORA: never goes on the air (ERRNO_SHOULD_RELEASE). */
  NoLora: 1,
  /** tx_enabled false or region UNSET (ERRNO_DISABLED). */
  Disabled: 2,
  /** The queue was full (ERRNO_UNKNOWN). */
  QueueFull: 3,
} as const;
export type TxResult = (typeof TxResult)[keyof typeof TxResult];

function frameBytes(p: MeshPacketState): number {
  return 16 + (p.encrypted !== undefined ? p.encrypted.length : 0);
}

export class TxScheduler {
  readonly queue = new TxQueue();
  state: RadioState = RadioState.Idle;
  /** When TRANSMIT_DELAY_COMPLETED fires, or undefined when no delay is pending. */
  timerAt: number | undefined;
  /** The packet on the air (sendingPacket), until TX done. */
  private sending: MeshPacketState | undefined;
  private readonly config: NodeConfig;
  private readonly timing: RadioTiming;
  private readonly rng: Rng;
  private readonly ourNum: number;
  private readonly actions: NodeAction[];
  private readonly stats: RouterStats;

  constructor(config: NodeConfig, timing: RadioTiming, rng: Rng, actions: NodeAction[], stats: RouterStats) {
    this.config = config;
    this.timing = timing;
    this.rng = rng;
    this.ourNum = config.nodeNum;
    this.actions = actions;
    this.stats = stats;
  }

  /** lora.tx_enabled and a region set: the radio may transmit at all. */
  txAllowed(): boolean {
    return this.config.txEnabled && this.config.region !== RegionCode.UNSET;
  }

  /** RadioLibInterface::send. */
  send(p: MeshPacketState, now: number): TxResult {
    if (!this.txAllowed()) {
      countDrop(this.stats.drops, RouterDrop.TxDisabled);
      return TxResult.Disabled;
    }
    if (p.to === BROADCAST_NO_LORA) return TxResult.NoLora;
    const r = this.queue.enqueue(p, this.ourNum, now);
    if (r.evicted !== undefined) countDrop(this.stats.drops, RouterDrop.QueueEvicted);
    if (!r.queued) {
      countDrop(this.stats.drops, RouterDrop.QueueFull);
      return TxResult.QueueFull;
    }
    this.setTransmitDelay(now, false);
    return TxResult.Queued;
  }

  /** RadioLibInterface::cancelSending: take (from, id) out of the queue, normal or late. */
  cancelSending(from: number, id: number): boolean {
    return this.queue.remove(from, id, true, true) !== undefined;
  }

  findInTxQueue(from: number, id: number): boolean {
    return this.queue.find(from, id) !== undefined;
  }

  /** RadioLibInterface::removePendingTXPacket: drop a queued copy with fewer hops left than `hopLimitLt`. */
  removePendingTXPacket(from: number, id: number, hopLimitLt: number): boolean {
    return this.queue.removeLowerHopLimit(from, id, hopLimitLt) !== undefined;
  }

  /** RadioLibInterface::clampToLateRebroadcastWindow: a queued non-late copy moves to the late window. */
  clampToLateRebroadcastWindow(from: number, id: number, now: number): void {
    const p = this.queue.find(from, id);
    if (p === undefined || p.txAfter > 0) return;
    this.queue.moveToLate(from, id, now + this.timing.worstWeightedDelayMsec(p.rxSnr));
  }

  /**
   * setTransmitDelay for the front packet. `restart` models the RX/TX interrupts, whose notification
   * replaces a pending TRANSMIT_DELAY_COMPLETED; otherwise a pending delay is kept.
   */
  private setTransmitDelay(now: number, restart: boolean): void {
    const p = this.queue.peek();
    if (p === undefined) return;
    if (this.timerAt !== undefined && !restart) return;
    if (p.txAfter > 0) {
      const add = p.rxRssi !== 0 ? this.weightedDelay(p) : this.timing.txDelayMsec(this.rng, now);
      p.txAfter = lateTxAfter(p.txAfter, now, add, this.timing.worstWeightedDelayMsec(p.rxSnr));
      this.timerAt = p.txAfter;
    } else if (p.rxSnr === 0 && p.rxRssi === 0) this.timerAt = now + this.timing.txDelayMsec(this.rng, now);
    else this.timerAt = now + this.weightedDelay(p);
  }

  private weightedDelay(p: MeshPacketState): number {
    return this.timing.txDelayWeightedMsec(this.rng, p.rxSnr, this.config.role === Role.ROUTER);
  }

  /** ISR_RX: a frame was received (decoded or not); the radio may already hear the next one. */
  onRxDone(busy: boolean, now: number): void {
    if (this.state !== RadioState.Transmitting) this.state = busy ? RadioState.Receiving : RadioState.Idle;
    this.timerAt = undefined;
    this.setTransmitDelay(now, true);
  }

  /** ISR_TX: our transmission ended (completeSending), then back to receive. */
  onTxDone(busy: boolean, now: number): void {
    const p = this.sending;
    this.sending = undefined;
    if (p !== undefined) {
      this.timing.recordTx(this.timing.airtimeMs(frameBytes(p)), now);
      this.stats.txGood++;
      if (p.from !== this.ourNum) this.stats.txRelay++;
    }
    this.state = busy ? RadioState.Receiving : RadioState.Idle;
    this.timerAt = undefined;
    this.setTransmitDelay(now, true);
  }

  /** The radio detected (or lost) a preamble: isActivelyReceiving / the CAD result. */
  onChannelBusy(busy: boolean, now: number): void {
    if (this.state === RadioState.Transmitting) return;
    this.state = busy ? RadioState.Receiving : RadioState.Idle;
    if (!busy) this.setTransmitDelay(now, false);
  }

  /** TRANSMIT_DELAY_COMPLETED (onNotify 377-404). */
  runDue(now: number): void {
    if (this.timerAt === undefined || now < this.timerAt) return;
    this.timerAt = undefined;
    const front = this.queue.peek();
    if (front === undefined) return;
    // canSendImmediately and isChannelActive: both are "a frame is on the air" in our radio model.
    if (this.state !== RadioState.Idle) {
      this.stats.txDeferred++;
      this.setTransmitDelay(now, true);
      return;
    }
    if (front.txAfter > now) {
      this.timerAt = front.txAfter;
      return;
    }
    this.queue.dequeue();
    this.startSend(front);
  }

  /** RadioLibInterface::startSend. */
  private startSend(p: MeshPacketState): void {
    if (!this.txAllowed()) {
      countDrop(this.stats.drops, RouterDrop.TxDisabled);
      return;
    }
    const frame = encodeLoraFrame(toLoraHeader(p), p.encrypted || new Uint8Array(0));
    this.state = RadioState.Transmitting;
    this.sending = p;
    this.actions.push({ type: "radio-tx", frame, airtimeMs: this.timing.airtimeMs(frame.length) });
  }

  nextDeadline(): number | undefined {
    return this.timerAt;
  }
}
