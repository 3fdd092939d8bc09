// The router of firmware 2.7 (ReliableRouter → NextHopRouter → FloodingRouter → Router, spec
// section 6) as one sans-IO state machine: the send path, the receive path with duplicate
// handling, flooding, next-hop routing, reliable delivery, and the radio's transmit scheduling.
// Time comes in as `now` (ms); randomness from the injected Rng; no clock, no timers, no I/O.
import { decryptWithChannels } from "../crypto/channel-decrypt.js";
import type { ChannelCipher } from "../crypto/channel-cipher.js";
import { PKI_OVERHEAD, decryptPki, encryptPki } from "../crypto/pki.js";
import type { PkiPrimitives } from "../crypto/pki.js";
import { PortNum, Priority, RebroadcastMode, Role, RoutingError, TransportMechanism } from "../wire/enums.js";
import { decodeLoraFrame, encodeLoraFrame, lastByteOfNodeNum, LORA_HEADER_LEN, MAX_LORA_FRAME_LEN } from "../wire/lora-header.js";
import { DataCodec, PositionCodec, RoutingCodec } from "../wire/messages.js";
import type { Data } from "../wire/messages.js";
import type { NodeAction } from "../node-events.js";
import { applyPositionPrecision } from "../modules/position.js";
import type { Channels } from "./channels.js";
import type { NodeConfig } from "./node-config.js";
import type { NodeDb } from "./node-db.js";
import { BROADCAST, BROADCAST_NO_LORA, HOP_MAX, copyPacket, emptyPacket } from "./packet.js";
import type { MeshPacketState } from "./packet.js";
import { PacketHistory } from "./packet-history.js";
import { fromLoraHeader, toLoraHeader } from "./packet-wire.js";
import { PacketIdGenerator } from "./packet-id.js";
import { hopLimitForResponse, hopsAway } from "./response-hop-limit.js";
import { NUM_INTERMEDIATE_RETX, NUM_RELIABLE_RETX, RetransmissionTable } from "./retransmissions.js";
import type { Rng } from "./rng.js";
import { TxQueue } from "./tx-queue.js";
import type { RadioTiming } from "./radio-timing.js";

/** The radio's state: one enum instead of isReceiving/isTransmitting flags. */
export const RadioState = { Idle: 0, Receiving: 1, Transmitting: 2 } as const;
export type RadioState = (typeof RadioState)[keyof typeof RadioState];

/** Port numbers a CORE_PORTNUMS_ONLY node still handles and relays (spec 6.3 step 5). */
const CORE_PORTNUMS: number[] = [1, 7, 3, 4, 5, 67, 6, 11, 12, 8, 65, 70, 35];

/** Portnums that never use PKI (Router.cpp perhapsEncode). */
const NON_PKI_PORTNUMS: number[] = [PortNum.TRACEROUTE_APP, PortNum.NODEINFO_APP, PortNum.ROUTING_APP, PortNum.POSITION_APP];

/** Counters of every decision that drops or cancels something. */
export interface RouterStats {
  rxPackets: number;
  rxBad: number;
  rxDupe: number;
  rxIgnored: number;
  decodeFailed: number;
  legacyDmRejected: number;
  txPackets: number;
  txRelay: number;
  txRelayCanceled: number;
  txDroppedQueueFull: number;
  txDroppedDutyCycle: number;
  txDroppedTooLarge: number;
  retransmissions: number;
  maxRetransmitReached: number;
  implicitAcks: number;
}

/** Called for every decoded packet the router hands up: modules, then local delivery. */
export interface ReceiveHandler {
  /**
   * Runs the modules on a decoded packet before routing decisions (traceroute alters it here).
   * Returns true when a module already produced a reply (so no separate ACK is sent).
   */
  onDecoded(p: MeshPacketState, now: number): boolean;
}

/** The MQTT module's view of packets passing through (MQTT::onSend). */
export interface UplinkHook {
  onSend(enc: MeshPacketState, dec: MeshPacketState, chIndex: number, now: number): void;
}

function isBroadcast(to: number): boolean {
  return to === BROADCAST || to === BROADCAST_NO_LORA;
}

/** Told of every packet we originate once it is encoded, before MQTT or the radio sees it (simulator metrics). */
export interface PacketObserver {
  originated(id: number, portnum: number, now: number): void;
}

export interface RouterDeps {
  config: NodeConfig;
  channels: Channels;
  nodes: NodeDb;
  rng: Rng;
  cipher: ChannelCipher;
  pki: PkiPrimitives | undefined;
  timing: RadioTiming;
  actions: NodeAction[];
  observer?: PacketObserver;
}

export class Router {
  readonly history: PacketHistory;
  readonly queue = new TxQueue();
  readonly pending = new RetransmissionTable();
  readonly stats: RouterStats = {
    rxPackets: 0,
    rxBad: 0,
    rxDupe: 0,
    rxIgnored: 0,
    decodeFailed: 0,
    legacyDmRejected: 0,
    txPackets: 0,
    txRelay: 0,
    txRelayCanceled: 0,
    txDroppedQueueFull: 0,
    txDroppedDutyCycle: 0,
    txDroppedTooLarge: 0,
    retransmissions: 0,
    maxRetransmitReached: 0,
    implicitAcks: 0,
  };
  radioState: RadioState = RadioState.Idle;
  /** When the transmit delay (contention window) expires, or undefined when no TX is scheduled. */
  txTimerAt: number | undefined;
  handler: ReceiveHandler | undefined;
  uplink: UplinkHook | undefined;

  private readonly config: NodeConfig;
  private readonly channels: Channels;
  private readonly nodes: NodeDb;
  private readonly rng: Rng;
  private readonly cipher: ChannelCipher;
  private readonly pki: PkiPrimitives | undefined;
  readonly timing: RadioTiming;
  private readonly actions: NodeAction[];
  private readonly observer: PacketObserver | undefined;
  private readonly ids: PacketIdGenerator;
  private readonly ourNum: number;
  private readonly ourRelayByte: number;

  constructor(d: RouterDeps) {
    this.config = d.config;
    this.channels = d.channels;
    this.nodes = d.nodes;
    this.rng = d.rng;
    this.cipher = d.cipher;
    this.pki = d.pki;
    this.timing = d.timing;
    this.actions = d.actions;
    this.observer = d.observer;
    this.ourNum = d.config.nodeNum;
    this.ourRelayByte = lastByteOfNodeNum(d.config.nodeNum);
    this.history = new PacketHistory(d.config.nodeNum);
    this.ids = new PacketIdGenerator(d.rng);
  }

  // ---------------------------------------------------------------- helpers

  private isRebroadcaster(): boolean {
    return this.config.role !== Role.CLIENT_MUTE && this.config.rebroadcastMode !== RebroadcastMode.NONE;
  }

  private isFavorite(num: number): boolean {
    for (let i = 0; i < this.config.favorites.length; i++) if (this.config.favorites[i] === num) return true;
    return false;
  }

  private isIgnored(num: number): boolean {
    for (let i = 0; i < this.config.ignoreIncoming.length; i++) if (this.config.ignoreIncoming[i] === num) return true;
    return false;
  }

  private log(message: string): void {
    this.actions.push({ type: "log", message });
  }

  /** A new packet from us (Router::allocForSending): decoded, id, hop limit from the config. */
  allocForSending(to: number, data: Data, channel: number): MeshPacketState {
    const p = emptyPacket();
    p.from = this.ourNum;
    p.to = to;
    p.id = this.ids.next();
    p.channel = channel;
    p.hopLimit = this.config.hopLimit;
    p.decoded = data;
    return p;
  }

  /** fixPriority (MeshPacketQueue.cpp, spec 6.2 step 2). */
  private fixPriority(p: MeshPacketState): void {
    if (p.priority !== Priority.UNSET) return;
    p.priority = p.wantAck ? Priority.RELIABLE : Priority.DEFAULT;
    const d = p.decoded;
    if (d === undefined) return;
    const port = d.portnum || 0;
    if (port === PortNum.ROUTING_APP) p.priority = Priority.ACK;
    else if (port === PortNum.TEXT_MESSAGE_APP || port === PortNum.ADMIN_APP) p.priority = Priority.HIGH;
    else if ((d.requestId || 0) !== 0) p.priority = Priority.RESPONSE;
    else if (d.wantResponse === true) p.priority = Priority.RELIABLE;
  }

  // ---------------------------------------------------------------- send path

  /** MeshService/Router::sendLocal: to ourselves → delivered locally; otherwise sent. */
  sendLocal(p: MeshPacketState, now: number): boolean {
    if (p.to === this.ourNum) {
      p.transportMechanism = TransportMechanism.INTERNAL;
      this.deliverLocal(p);
      return true;
    }
    return this.send(p, now);
  }

  /** A Routing ACK or NAK for packet `idFrom` (MeshModule::allocAckNak, spec 6.9). */
  sendAckNak(err: number, to: number, idFrom: number, channel: number, hopLimit: number, wantAck: boolean, now: number): void {
    const data: Data = { portnum: PortNum.ROUTING_APP, payload: RoutingCodec.encode({ errorReason: err }), requestId: idFrom };
    const p = this.allocForSending(to, data, channel);
    p.priority = Priority.ACK;
    p.hopLimit = hopLimit;
    p.wantAck = wantAck;
    this.sendLocal(p, now);
  }

  /** Channel or PKI encryption of our own or a relayed decoded packet (Router::perhapsEncode). */
  private encode(p: MeshPacketState, own: boolean): number {
    const d = p.decoded;
    if (d === undefined) return RoutingError.NONE;
    let data = d;
    if (own) {
      // Firmware >= 2.5 always sends the bitfield: bit 0 OK-to-MQTT, bit 1 want-response.
      data = Object.assign({}, d, { bitfield: (this.config.configOkToMqtt ? 1 : 0) | (d.wantResponse === true ? 2 : 0) });
      if ((d.portnum || 0) === PortNum.POSITION_APP && d.payload !== undefined) {
        const ch = this.channels.get(p.channel);
        const pos = PositionCodec.decode(d.payload);
        if (ch !== undefined && pos.ok) data.payload = PositionCodec.encode(applyPositionPrecision(pos.value, ch.positionPrecision));
      }
      p.decoded = data;
    }
    const plain = DataCodec.tryEncode(data);
    if (!plain.ok) return RoutingError.TOO_LARGE;
    if (plain.value.length + LORA_HEADER_LEN > MAX_LORA_FRAME_LEN) return RoutingError.TOO_LARGE;
    const port = data.portnum || 0;
    const wouldPki =
      own &&
      !this.config.isLicensed &&
      this.config.privateKey !== undefined &&
      this.pki !== undefined &&
      !isBroadcast(p.to) &&
      NON_PKI_PORTNUMS.indexOf(port) < 0;
    if (wouldPki || (own && p.pkiEncrypted)) {
      const dest = this.nodes.get(p.to);
      const theirKey = dest !== undefined && dest.user !== undefined ? dest.user.publicKey : undefined;
      if (theirKey === undefined || theirKey.length !== 32 || this.pki === undefined || this.config.privateKey === undefined)
        return RoutingError.PKI_SEND_FAIL_PUBLIC_KEY;
      if (plain.value.length + PKI_OVERHEAD + LORA_HEADER_LEN > MAX_LORA_FRAME_LEN) return RoutingError.TOO_LARGE;
      const sealed = encryptPki(this.pki, this.config.privateKey, theirKey, p.id, p.from, this.rng.nextU32(), plain.value);
      if (sealed === null) return RoutingError.PKI_FAILED;
      p.encrypted = sealed;
      p.channel = 0;
      p.pkiEncrypted = true;
      return RoutingError.NONE;
    }
    const ch = this.channels.get(p.channel);
    if (ch === undefined || !this.channels.isUsable(p.channel)) return RoutingError.NO_CHANNEL;
    p.encrypted = ch.key === null ? plain.value : this.cipher.ctr(ch.key, p.id, p.from, plain.value);
    p.channel = ch.hash;
    return RoutingError.NONE;
  }

  /**
   * Router::send for our own packets and our relays. Returns false when the packet was refused
   * (duty cycle, too large, no key, queue full); own packets then get a NAK delivered locally.
   */
  send(p: MeshPacketState, now: number): boolean {
    const own = p.from === this.ourNum || p.from === 0;
    if (p.from === 0) p.from = this.ourNum;
    if (this.timing.dutyCycleExceeded(now)) {
      this.stats.txDroppedDutyCycle++;
      if (own) this.refuse(p, RoutingError.DUTY_CYCLE_LIMIT, now);
      return false;
    }
    const incomingRelay = p.relayNode;
    p.relayNode = this.ourRelayByte;
    if (own) {
      if (p.hopLimit > HOP_MAX) p.hopLimit = HOP_MAX;
      p.hopStart = p.hopLimit;
    }
    this.fixPriority(p);
    // NextHopRouter::send: a unicast goes to the learned next hop unless it came from there.
    p.nextHop = this.nextHopFor(p.to, incomingRelay);
    // Relays of packets we decoded are re-encoded and re-encrypted (unknown Data fields are lost,
    // as in the firmware); packets we could not decode go out byte for byte.
    const channelIndex = p.channel;
    if (own || (p.decoded !== undefined && !p.pkiEncrypted)) {
      const err = this.encode(p, own);
      if (err !== RoutingError.NONE) {
        this.stats.txDroppedTooLarge++;
        if (own) this.refuse(p, err, now);
        return false;
      }
    }
    if (own && this.observer !== undefined && p.decoded !== undefined) this.observer.originated(p.id, p.decoded.portnum || 0, now);
    // Router::send hands our own packets to MQTT after encryption (relays are never uplinked here).
    if (own && this.uplink !== undefined && p.decoded !== undefined) {
      const dec = copyPacket(p);
      dec.channel = channelIndex;
      dec.encrypted = undefined;
      this.uplink.onSend(copyPacket(p), dec, channelIndex, now);
    }
    const airtime = this.timing.airtimeMs(LORA_HEADER_LEN + (p.encrypted ? p.encrypted.length : 0));
    // ReliableRouter::send: our want_ack packets get 3 tries; relays with a next hop get 2.
    if (own && p.wantAck) {
      this.pending.delayAll(airtime);
      this.pending.add(copyPacket(p), NUM_RELIABLE_RETX, now + this.retransmissionTimeout(p, now));
    } else if (!own && p.nextHop !== 0 && !isBroadcast(p.to)) {
      this.pending.add(copyPacket(p), NUM_INTERMEDIATE_RETX, now + this.retransmissionTimeout(p, now));
    }
    // Router::send: broadcasts never ask for an ACK on the air (the record above still re-floods
    // until an implicit ACK).
    if (isBroadcast(p.to)) p.wantAck = false;
    this.history.recordSent(p, now);
    if (p.to === BROADCAST_NO_LORA) return true;
    return this.enqueue(p, now);
  }

  /** An ACK for our own packet `id`, delivered to our app, tagged with the transport that proved it. */
  private localAck(id: number, channel: number, transport: number): void {
    const data: Data = { portnum: PortNum.ROUTING_APP, payload: RoutingCodec.encode({ errorReason: RoutingError.NONE }), requestId: id };
    const p = this.allocForSending(this.ourNum, data, channel);
    p.priority = Priority.ACK;
    p.transportMechanism = transport;
    this.deliverLocal(p);
  }

  private refuse(p: MeshPacketState, err: number, now: number): void {
    this.log("send refused: " + err);
    this.sendAckNak(err, this.ourNum, p.id, p.channel, 0, false, now);
  }

  private nextHopFor(to: number, incomingRelay: number): number {
    if (isBroadcast(to)) return 0;
    const n = this.nodes.get(to);
    if (n === undefined || n.nextHop === 0 || n.nextHop === incomingRelay) return 0;
    return n.nextHop;
  }

  /** getRetransmissionMsec: the firmware passes encrypted.size + 16 + 16 (header counted twice). */
  retransmissionTimeout(p: MeshPacketState, now: number): number {
    const size = (p.encrypted ? p.encrypted.length : 0) + LORA_HEADER_LEN + LORA_HEADER_LEN;
    return this.timing.retransmissionMsec(this.timing.airtimeMs(size), now);
  }

  // ---------------------------------------------------------------- radio scheduling

  private enqueue(p: MeshPacketState, now: number): boolean {
    const r = this.queue.enqueue(p, this.ourNum);
    if (r.evicted !== undefined) this.stats.txDroppedQueueFull++;
    if (!r.queued) {
      this.stats.txDroppedQueueFull++;
      return false;
    }
    if (this.radioState !== RadioState.Transmitting && this.txTimerAt === undefined) this.startTxTimer(p, now);
    return true;
  }

  /** startTransmitTimer: own packets use the plain window, rebroadcasts the SNR-weighted one. */
  private startTxTimer(p: MeshPacketState, now: number): void {
    const delay =
      p.rxSnr === 0 && p.rxRssi === 0
        ? this.timing.txDelayMsec(this.rng, now)
        : this.timing.txDelayWeightedMsec(this.rng, p.rxSnr, this.config.role === Role.ROUTER);
    this.txTimerAt = now + delay;
  }

  /** The transmit delay expired: send the front of the queue, or wait (busy channel, late window). */
  private onTxTimer(now: number): void {
    this.txTimerAt = undefined;
    const front = this.queue.peek();
    if (front === undefined) return;
    if (this.radioState !== RadioState.Idle) {
      this.startTxTimer(front, now);
      return;
    }
    if (front.txAfter > now) {
      this.txTimerAt = front.txAfter;
      return;
    }
    this.queue.dequeue();
    const frame = encodeLoraFrame(toLoraHeader(front), front.encrypted || new Uint8Array(0));
    const airtimeMs = this.timing.airtimeMs(frame.length);
    this.radioState = RadioState.Transmitting;
    this.timing.recordTx(airtimeMs, now);
    this.stats.txPackets++;
    if (front.from !== this.ourNum) this.stats.txRelay++;
    this.actions.push({ type: "radio-tx", frame, airtimeMs });
  }

  onTxDone(busy: boolean, now: number): void {
    this.radioState = busy ? RadioState.Receiving : RadioState.Idle;
    const front = this.queue.peek();
    if (front !== undefined && this.txTimerAt === undefined) this.startTxTimer(front, now);
  }

  onChannelBusy(busy: boolean, now: number): void {
    if (this.radioState === RadioState.Transmitting) return;
    this.radioState = busy ? RadioState.Receiving : RadioState.Idle;
    if (!busy && this.txTimerAt === undefined) {
      const front = this.queue.peek();
      if (front !== undefined) this.startTxTimer(front, now);
    }
  }

  // ---------------------------------------------------------------- timers

  /** Runs what is due: the transmit timer and retransmissions (NextHopRouter::doRetransmissions). */
  runDue(now: number): void {
    const due = this.pending.due(now);
    for (let i = 0; i < due.length; i++) {
      const e = due[i];
      const p = e.packet;
      if (e.retransmissionsLeft <= 0) {
        this.pending.remove(p.from, p.id);
        if (p.from === this.ourNum) {
          this.stats.maxRetransmitReached++;
          this.sendAckNak(RoutingError.MAX_RETRANSMIT, this.ourNum, p.id, this.channelIndexOf(p), 0, false, now);
        }
        continue;
      }
      const again = copyPacket(p);
      // The last try of a directed packet falls back to flooding and forgets the next hop.
      if (again.nextHop !== 0 && e.retransmissionsLeft === 1) {
        again.nextHop = 0;
        e.packet.nextHop = 0;
        const dest = this.nodes.get(p.to);
        if (dest !== undefined && p.from === this.ourNum) dest.nextHop = 0;
      }
      e.retransmissionsLeft--;
      e.nextTxMs = now + this.retransmissionTimeout(p, now);
      this.stats.retransmissions++;
      // A retransmission reuses the encrypted packet; it must not be treated as a new send.
      this.history.recordSent(again, now);
      this.enqueue(again, now);
    }
    if (this.txTimerAt !== undefined && now >= this.txTimerAt) this.onTxTimer(now);
  }

  nextDeadline(): number | undefined {
    let t = this.txTimerAt;
    const r = this.pending.earliest();
    if (r !== undefined && (t === undefined || r < t)) t = r;
    return t;
  }

  /** The local channel index of one of our packets (its record holds the hash once encrypted). */
  private channelIndexOf(p: MeshPacketState): number {
    if (p.pkiEncrypted) return this.channels.primaryIndex;
    for (let i = 0; i < this.channels.keys.length; i++) if (this.channels.keys[i].hash === p.channel) return this.channels.keys[i].index;
    return this.channels.primaryIndex;
  }

  // ---------------------------------------------------------------- receive path

  /** A frame from the radio (RadioLibInterface::handleReceiveInterrupt, then perhapsHandleReceived). */
  onRadioRx(frame: Uint8Array, rssi: number, snr: number, busy: boolean, now: number): void {
    // Set before the packet is handled: a relay or reply queued below must not start while the
    // radio still hears another frame.
    if (this.radioState !== RadioState.Transmitting) this.radioState = busy ? RadioState.Receiving : RadioState.Idle;
    const airtime = this.timing.airtimeMs(frame.length);
    this.timing.recordRx(airtime, now);
    const r = decodeLoraFrame(frame);
    if (!r.ok) {
      this.stats.rxBad++;
      return;
    }
    const p = fromLoraHeader(r.value.header, new Uint8Array(r.value.payload));
    p.rxSnr = snr;
    p.rxRssi = rssi;
    p.transportMechanism = TransportMechanism.LORA;
    this.stats.rxPackets++;
    // ReliableRouter: airtime heard meanwhile pushes pending retransmissions back.
    this.pending.delayAll(airtime);
    this.receive(p, now);
    if (this.txTimerAt === undefined && this.radioState === RadioState.Idle && this.queue.peek() !== undefined) this.startTxTimer(this.queue.peek() as MeshPacketState, now);
  }

  /** Router::perhapsHandleReceived for packets from LoRa (and, later, MQTT). */
  receive(p: MeshPacketState, now: number): void {
    if (this.isIgnored(p.from) || p.from === BROADCAST || (this.config.ignoreMqtt && p.viaMqtt)) {
      this.stats.rxIgnored++;
      return;
    }
    if (this.shouldFilterReceived(p, now)) {
      this.stats.rxDupe++;
      return;
    }
    this.handleReceived(p, now);
  }

  /** ReliableRouter / NextHopRouter / FloodingRouter::shouldFilterReceived (spec 6.4, 6.7, 6.9). */
  private shouldFilterReceived(p: MeshPacketState, now: number): boolean {
    if (p.from === this.ourNum) {
      // Someone rebroadcast one of ours: an implicit ACK for the sending app.
      const pend = this.pending.find(this.ourNum, p.id);
      if (pend !== undefined) {
        this.stats.implicitAcks++;
        // Only an echo heard on LoRa stops the retries; the local ACK for any other echo carries
        // that transport, which stopOnAckOrNak leaves alone (spec 5.7 step 15, 6.9).
        if (p.transportMechanism === TransportMechanism.LORA) this.pending.remove(this.ourNum, p.id);
        this.localAck(p.id, this.channelIndexOf(pend.packet), p.transportMechanism);
      }
    }
    const seen = this.history.wasSeenRecently(p, true, now);
    if (!seen.seen) return false;
    const originatorRepeat = p.hopStart > 0 && p.hopStart === p.hopLimit;
    if (isBroadcast(p.to)) {
      // The originator is retransmitting and our copy already left: process (and relay) again.
      if (originatorRepeat && this.queue.find(p.from, p.id) === undefined && p.from !== this.ourNum) return false;
      if (seen.wasUpgraded) this.handleUpgrade(p, now);
      else this.perhapsCancelDupe(p, now);
      return true;
    }
    // Unicast (NextHopRouter): a copy on the air means the next hop took it; stop our retries.
    if (p.transportMechanism === TransportMechanism.LORA) this.pending.remove(p.from, p.id);
    if (seen.wasFallback && this.queue.find(p.from, p.id) === undefined) return false;
    if (originatorRepeat && p.from !== this.ourNum && this.queue.find(p.from, p.id) === undefined) {
      if (p.to === this.ourNum) {
        // Re-ACK with zero hops: the originator did not hear our first one.
        if (p.wantAck) this.sendAckNak(RoutingError.NONE, p.from, p.id, this.channelIndexOf(p), 0, false, now);
        return true;
      }
      return false;
    }
    if (!seen.weWereNextHop) this.perhapsCancelDupe(p, now);
    return true;
  }

  /** A copy with more hops left than the one we queued replaces it (perhapsHandleUpgradedPacket). */
  private handleUpgrade(p: MeshPacketState, now: number): void {
    if (!this.isRebroadcaster() || p.hopLimit === 0) return;
    const queued = this.queue.removeLowerHopLimit(p.from, p.id, p.hopLimit);
    if (queued === undefined) {
      this.perhapsCancelDupe(p, now);
      return;
    }
    // The queued copy is already encoded and encrypted; only its hop limit changes. The packet is
    // not handed to the modules or the app again.
    queued.hopLimit = this.shouldDecrementHopLimit(p) ? p.hopLimit - 1 : p.hopLimit;
    this.history.recordSent(queued, now);
    this.enqueue(queued, now);
  }

  /** perhapsCancelDupe (spec 6.7): cancel our queued relay, or move it late, by role. */
  private perhapsCancelDupe(p: MeshPacketState, now: number): void {
    if (p.transportMechanism !== TransportMechanism.LORA) return;
    const role = this.config.role;
    const favorite = this.isFavorite(p.from) || this.isFavorite(p.to);
    if (role === Role.ROUTER) return;
    if (role === Role.ROUTER_LATE || (role === Role.CLIENT_BASE && favorite)) {
      const worst = this.timing.worstWeightedDelayMsec(p.rxSnr);
      this.queue.moveToLate(p.from, p.id, now + worst);
      return;
    }
    if (this.queue.remove(p.from, p.id, true, true) !== undefined) this.stats.txRelayCanceled++;
  }

  /** Router::handleReceived: decode, update the NodeDB, run modules, route, deliver. */
  private handleReceived(p: MeshPacketState, now: number): void {
    const asHeard = this.uplink !== undefined ? copyPacket(p) : undefined;
    const decoded = this.perhapsDecode(p);
    if (decoded) {
      this.updateNodeDb(p, now);
      const port = (p.decoded as Data).portnum || 0;
      if (this.config.rebroadcastMode === RebroadcastMode.CORE_PORTNUMS_ONLY && CORE_PORTNUMS.indexOf(port) < 0) {
        // Not handled, not relayed; a queued relay of it is cancelled too.
        this.queue.remove(p.from, p.id, true, true);
        return;
      }
    } else this.stats.decodeFailed++;
    const replied = decoded && this.handler !== undefined ? this.handler.onDecoded(p, now) : false;
    this.sniffReceived(p, decoded, replied, now);
    if (decoded && (p.to === this.ourNum || isBroadcast(p.to))) this.actions.push({ type: "deliver", packet: p });
    if (asHeard !== undefined && this.uplink !== undefined && p.from !== this.ourNum) {
      if (decoded) this.uplink.onSend(asHeard, p, p.channel, now);
      else if (asHeard.channel === 0 && !isBroadcast(p.to) && p.to !== this.ourNum) {
        // An undecodable unicast on channel 0 is probably a PKI DM: uplinked on the PKI topic.
        asHeard.pkiEncrypted = true;
        this.uplink.onSend(asHeard, asHeard, 0, now);
      }
    }
  }

  /** An ACK for our own packet `id` that came back through the broker (spec 5.7 step 5). */
  mqttLocalAck(id: number, channel: number): void {
    this.localAck(id, channel, TransportMechanism.MQTT);
  }

  /** perhapsDecode: PKI first when eligible, then every channel whose hash matches (spec 3.3/3.4). */
  private perhapsDecode(p: MeshPacketState): boolean {
    if (p.decoded !== undefined) return true;
    const payload = p.encrypted;
    if (payload === undefined) return false;
    if (this.config.rebroadcastMode === RebroadcastMode.KNOWN_ONLY && !this.nodes.hasUser(p.from)) return false;
    if (p.channel === 0 && p.to === this.ourNum && payload.length > PKI_OVERHEAD && this.pki !== undefined && this.config.privateKey !== undefined) {
      const sender = this.nodes.get(p.from);
      const key = sender !== undefined && sender.user !== undefined ? sender.user.publicKey : undefined;
      if (key !== undefined && key.length === 32) {
        const plain = decryptPki(this.pki, this.config.privateKey, key, p.id, p.from, payload);
        const data = plain === null ? undefined : DataCodec.decode(plain);
        if (data !== undefined && data.ok && (data.value.portnum || 0) !== 0) {
          this.setDecoded(p, data.value, 0);
          p.pkiEncrypted = true;
          p.publicKey = key;
          return true;
        }
      }
    }
    const r = decryptWithChannels(this.cipher, this.channels.keys, p.channel, p.id, p.from, payload);
    if (r === undefined) return false;
    // Receivers >= 2.7.14 reject channel-encrypted text DMs to them ("Rejecting legacy DM").
    const port = r.data.portnum || 0;
    if ((port === PortNum.TEXT_MESSAGE_APP || port === PortNum.TEXT_MESSAGE_COMPRESSED_APP) && p.to === this.ourNum && !this.config.isLicensed) {
      this.stats.legacyDmRejected++;
      return false;
    }
    this.setDecoded(p, r.data, r.index);
    return true;
  }

  private setDecoded(p: MeshPacketState, data: Data, channelIndex: number): void {
    // A set bitfield carries want_response (bit 1), ORed in (Router.cpp perhapsDecode).
    if (data.bitfield !== undefined && (data.bitfield & 2) !== 0) data.wantResponse = true;
    p.decoded = data;
    p.channel = channelIndex;
  }

  private updateNodeDb(p: MeshPacketState, now: number): void {
    if (p.from === this.ourNum) return;
    const n = this.nodes.getOrCreate(p.from);
    n.lastHeardMs = now;
    n.snr = p.rxSnr;
    n.viaMqtt = p.viaMqtt;
    n.hopsAway = hopsAway(p.hopStart, p.hopLimit, p.decoded !== undefined && p.decoded.bitfield !== undefined);
  }

  /** ReliableRouter → NextHopRouter::sniffReceived: ACK/NAK handling, next-hop learning, relaying. */
  private sniffReceived(p: MeshPacketState, decoded: boolean, moduleReplied: boolean, now: number): void {
    const d = p.decoded;
    if (p.to === this.ourNum) {
      if (p.wantAck && !moduleReplied) this.ackReceived(p, decoded, now);
      if (decoded && d !== undefined) this.stopOnAckOrNak(p, d);
    }
    if (decoded && d !== undefined && ((d.requestId || 0) !== 0 || (d.replyId || 0) !== 0)) {
      const original = d.requestId || d.replyId || 0;
      this.learnNextHop(p, original);
      if (p.to !== this.ourNum) {
        // An overheard ACK or reply: the original DM arrived, so drop our relay and retries of it.
        this.queue.remove(p.to, original, true, true);
        this.pending.remove(p.to, original);
      }
    }
    this.perhapsRebroadcast(p, decoded, now);
  }

  /** The ACK or NAK a want_ack packet to us gets (ReliableRouter::sniffReceived, spec 6.9). */
  private ackReceived(p: MeshPacketState, decoded: boolean, now: number): void {
    const d = p.decoded;
    if (!decoded || d === undefined) {
      const unknownKey = p.channel === 0 && (p.encrypted ? p.encrypted.length : 0) > PKI_OVERHEAD;
      this.sendAckNak(unknownKey ? RoutingError.PKI_UNKNOWN_PUBKEY : RoutingError.NO_CHANNEL, p.from, p.id, this.channels.primaryIndex, hopLimitForResponse(p.hopStart, p.hopLimit, this.config.hopLimit), false, now);
      return;
    }
    const port = d.portnum || 0;
    const hops = hopLimitForResponse(p.hopStart, p.hopLimit, this.config.hopLimit);
    if (port === PortNum.TEXT_MESSAGE_APP || port === PortNum.TEXT_MESSAGE_COMPRESSED_APP) this.sendAckNak(RoutingError.NONE, p.from, p.id, p.channel, hops, true, now);
    else if ((d.requestId || 0) === 0 && (d.replyId || 0) === 0) this.sendAckNak(RoutingError.NONE, p.from, p.id, p.channel, hops, false, now);
    else if (hopsAway(p.hopStart, p.hopLimit, d.bitfield !== undefined) === 0 || p.nextHop !== 0) this.sendAckNak(RoutingError.NONE, p.from, p.id, p.channel, 0, false, now);
  }

  /** An ACK (Routing NONE, or any reply with request_id) or NAK for one of ours stops its retries. */
  private stopOnAckOrNak(p: MeshPacketState, d: Data): void {
    const requestId = d.requestId || 0;
    if (requestId === 0) return;
    // ACKs from ourselves that came back over MQTT do not stop LoRa retransmissions (spec 5.7 step 15).
    if (p.from === this.ourNum && p.transportMechanism === TransportMechanism.MQTT) return;
    this.pending.remove(this.ourNum, requestId);
  }

  /**
   * NextHopRouter::sniffReceived learning: the node that relayed an ACK/reply to us becomes the
   * next hop towards its sender, if it also relayed the original, or if the ACK came straight from
   * the destination and we were the original's only relayer.
   */
  private learnNextHop(p: MeshPacketState, originalId: number): void {
    if (p.from === 0 || p.from === this.ourNum) return;
    const origTx = this.nodes.get(p.from);
    if (origTx === undefined) return;
    const direct = p.hopStart !== 0 && p.hopStart === p.hopLimit;
    if (this.history.wasRelayer(p.relayNode, p.to, originalId) || (direct && this.history.wasSoleRelayer(this.ourRelayByte, p.to, originalId)))
      origTx.nextHop = p.relayNode;
  }

  /** Hop-limit preservation between favourite routers (shouldDecrementHopLimit, spec 6.5). */
  private shouldDecrementHopLimit(p: MeshPacketState): boolean {
    const hops = hopsAway(p.hopStart, p.hopLimit, p.decoded !== undefined && p.decoded.bitfield !== undefined);
    if (hops === 0) return true;
    const role = this.config.role;
    if (role !== Role.ROUTER && role !== Role.ROUTER_LATE && role !== Role.CLIENT_BASE) return true;
    const prev = this.nodes.byLastByte(p.relayNode);
    if (prev === undefined || !this.isFavorite(prev.num) || prev.user === undefined) return true;
    const r = prev.user.role || 0;
    return !(r === Role.ROUTER || r === Role.ROUTER_LATE || r === Role.CLIENT_BASE);
  }

  /** NextHopRouter::perhapsRebroadcast (spec 6.5). */
  private perhapsRebroadcast(p: MeshPacketState, decoded: boolean, now: number): void {
    if (p.to === this.ourNum || p.from === this.ourNum || p.hopLimit === 0 || p.id === 0) return;
    if (!this.isRebroadcaster()) return;
    if (p.nextHop !== 0 && p.nextHop !== this.ourRelayByte) return;
    if (p.to === BROADCAST_NO_LORA) return;
    const mode = this.config.rebroadcastMode;
    if (!decoded && (mode === RebroadcastMode.LOCAL_ONLY || mode === RebroadcastMode.KNOWN_ONLY)) {
      // Only what could be a PKI DM between nodes we know.
      const possiblePki = p.channel === 0 && !isBroadcast(p.to) && this.nodes.hasUser(p.from) && this.nodes.hasUser(p.to);
      if (!possiblePki) return;
    }
    if (this.queue.find(p.from, p.id) !== undefined) return;
    const tosend = copyPacket(p);
    if (this.shouldDecrementHopLimit(p)) tosend.hopLimit = p.hopLimit - 1;
    tosend.priority = Priority.UNSET;
    tosend.txAfter = 0;
    this.send(tosend, now);
  }

  /** Delivery of a packet we generated for ourselves (ACK/NAK to our app). */
  private deliverLocal(p: MeshPacketState): void {
    const d = p.decoded;
    if (d !== undefined) this.stopOnAckOrNak(p, d);
    this.actions.push({ type: "deliver", packet: p });
  }
}
