// The bottom of the router (firmware Router.cpp, 2.7.26): what every layer shares, packet
// allocation and Router::send, the last step before the radio.
//
// Router::send rules (295-396), in order:
//   1. over the region's hourly duty cycle nothing is sent: our packets get a DUTY_CYCLE_LIMIT NAK,
//      relays are released (303-327);
//   2. broadcasts never carry want_ack on the air; from 0 becomes our number; relay_node is our last
//      byte; our own packets start with hop_start = hop_limit (333-344);
//   3. fixPriority (MeshPacketQueue.cpp 41-65); our POSITION_APP payloads get the channel's position
//      precision, a malformed one is dropped (353-362);
//   4. a decoded packet is encrypted (perhapsEncode); a failure NAKs it (365-378); our own packets
//      go to MQTT here, after encryption, whether or not the radio takes them (379-384);
//   5. the radio interface queues it (RadioLibInterface::send, tx-scheduler.ts).
// cancelSending (398-407) also forgets that we relayed the packet (PacketHistory::removeRelayer).
import type { ChannelCipher } from "../crypto/channel-cipher.js";
import type { PkiPrimitives } from "../crypto/pki.js";
import type { NodeAction } from "../node-events.js";
import { PortNum, Priority, Role, RoutingError } from "../wire/enums.js";
import { lastByteOfNodeNum } from "../wire/lora-header.js";
import { DataCodec, PositionCodec } from "../wire/messages.js";
import type { Data } from "../wire/messages.js";
import type { Channels } from "./channels.js";
import type { NodeClock } from "./node-clock.js";
import type { NodeConfig } from "./node-config.js";
import { packetHopsAway } from "./node-db.js";
import type { NodeDb } from "./node-db.js";
import { perhapsEncode } from "./packet-crypt.js";
import type { CryptDeps } from "./packet-crypt.js";
import { PacketHistory, packetHistoryMax } from "./packet-history.js";
import { PacketIdGenerator } from "./packet-id.js";
import { BROADCAST, HOP_MAX, copyPacket, emptyPacket, isBroadcast } from "./packet.js";
import type { MeshPacketState } from "./packet.js";
import { applyPositionPrecision } from "./position-precision.js";
import type { RadioTiming } from "./radio-timing.js";
import type { Rng } from "./rng.js";
import { RouterDrop, countDrop } from "./router-drops.js";
import type { RouterDropCounts, RouterStats } from "./router-drops.js";
import { TxScheduler } from "./tx-scheduler.js";

/** Calls from the router up to the modules and the MQTT module (the firmware's globals). */
export interface RouterUpcalls {
  /** RoutingModule::sendAckNak → Router::sendLocal. */
  sendAckNak(err: number, to: number, idFrom: number, chIndex: number, hopLimit: number, ackWantsAck: boolean, now: number): void;
  /** NodeInfoModule::sendOurNodeInfo (ReliableRouter::sniffReceived 134-140). */
  sendOurNodeInfo(dest: number, wantReplies: boolean, channel: number, shorterTimeout: boolean, now: number): void;
  /** TraceRouteModule::processUpgradedPacket (FloodingRouter::reprocessPacket). */
  processUpgradedPacket(p: MeshPacketState, now: number): void;
}

/** The MQTT module as the router sees it (MQTT::onSend; moduleConfig.mqtt.encryption_enabled). */
export interface RouterMqtt {
  readonly encryptionEnabled: boolean;
  onSend(enc: MeshPacketState, dec: MeshPacketState, chIndex: number, now: number): void;
}

/** Told of every packet we originate once it is encoded, before MQTT or the radio sees it (simulator metrics). */
export interface PacketObserver {
  originated(id: number, portnum: number, to: number, now: number): void;
}

export interface RouterDeps {
  config: NodeConfig;
  channels: Channels;
  nodes: NodeDb;
  rng: Rng;
  cipher: ChannelCipher;
  pki: PkiPrimitives | undefined;
  timing: RadioTiming;
  clock: NodeClock;
  actions: NodeAction[];
  observer?: PacketObserver;
}

/** fixPriority (MeshPacketQueue.cpp 41-65). */
export function fixPriority(p: MeshPacketState): void {
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

function isRouterRole(role: number): boolean {
  return role === Role.ROUTER || role === Role.ROUTER_LATE || role === Role.CLIENT_BASE;
}

function payloadBytes(p: MeshPacketState): number {
  if (p.encrypted !== undefined) return p.encrypted.length;
  if (p.decoded === undefined) return 0;
  const r = DataCodec.tryEncode(p.decoded);
  return r.ok ? r.value.length : 0;
}

function encodeDrop(err: number): typeof RouterDrop[keyof typeof RouterDrop] {
  if (err === RoutingError.TOO_LARGE) return RouterDrop.TooLarge;
  if (err === RoutingError.PKI_SEND_FAIL_PUBLIC_KEY) return RouterDrop.PkiNoKey;
  if (err === RoutingError.PKI_FAILED) return RouterDrop.PkiFailed;
  return RouterDrop.NoChannel;
}

export class RouterCore {
  readonly config: NodeConfig;
  readonly channels: Channels;
  readonly nodes: NodeDb;
  readonly rng: Rng;
  readonly timing: RadioTiming;
  readonly clock: NodeClock;
  readonly actions: NodeAction[];
  readonly history: PacketHistory;
  readonly tx: TxScheduler;
  readonly crypt: CryptDeps;
  readonly ourNum: number;
  readonly ourRelayByte: number;
  readonly stats: RouterStats;
  up: RouterUpcalls | undefined;
  /** The MQTT module when it is enabled. */
  mqtt: RouterMqtt | undefined;
  private readonly observer: PacketObserver | undefined;
  private readonly ids: PacketIdGenerator;

  constructor(d: RouterDeps) {
    this.config = d.config;
    this.channels = d.channels;
    this.nodes = d.nodes;
    this.rng = d.rng;
    this.timing = d.timing;
    this.clock = d.clock;
    this.actions = d.actions;
    this.observer = d.observer;
    this.ourNum = d.config.nodeNum;
    this.ourRelayByte = lastByteOfNodeNum(d.config.nodeNum);
    const drops: RouterDropCounts = {};
    this.stats = { rxGood: 0, rxDupe: 0, decodeFailed: 0, txGood: 0, txRelay: 0, txRelayCanceled: 0, txDeferred: 0, retransmissions: 0, maxRetransmitReached: 0, implicitAcks: 0, drops };
    this.history = new PacketHistory(d.config.nodeNum, packetHistoryMax(d.nodes.capacity));
    this.tx = new TxScheduler(d.config, d.timing, d.rng, d.actions, this.stats);
    this.crypt = { config: d.config, channels: d.channels, nodes: d.nodes, cipher: d.cipher, pki: d.pki, rng: d.rng, drops };
    this.ids = new PacketIdGenerator(d.rng);
  }

  isFromUs(p: MeshPacketState): boolean {
    return p.from === 0 || p.from === this.ourNum;
  }

  isToUs(p: MeshPacketState): boolean {
    return p.to === this.ourNum;
  }

  log(message: string): void {
    this.actions.push({ type: "log", message });
  }

  /** Router::allocForSending: decoded, from us, to broadcast, the configured hop limit, a new id, rx_time now. */
  allocForSending(data: Data, now: number): MeshPacketState {
    const p = emptyPacket();
    p.from = this.ourNum;
    p.to = BROADCAST;
    p.hopLimit = this.config.hopLimit >= HOP_MAX ? HOP_MAX : this.config.hopLimit;
    p.id = this.ids.next();
    p.rxTime = this.clock.validTime(now);
    p.decoded = data;
    return p;
  }

  /** abortSendAndNak: a NAK for `p` to its sender (us: delivered to our app), hop limit 0. */
  private abortSendAndNak(err: number, p: MeshPacketState, now: number): void {
    if (this.up !== undefined) this.up.sendAckNak(err, p.from === 0 ? this.ourNum : p.from, p.id, p.channel, 0, false, now);
  }

  /**
   * Router::send. Returns RoutingError.NONE when the packet was handed to the radio interface, else
   * the error it was refused with (ours then get a NAK).
   */
  send(p: MeshPacketState, now: number): number {
    const fromUs = this.isFromUs(p);
    if (this.timing.dutyCycleExceeded(now)) {
      countDrop(this.stats.drops, RouterDrop.DutyCycle);
      if (fromUs) this.abortSendAndNak(RoutingError.DUTY_CYCLE_LIMIT, p, now);
      return RoutingError.DUTY_CYCLE_LIMIT;
    }
    if (isBroadcast(p.to)) p.wantAck = false;
    if (p.from === 0) p.from = this.ourNum;
    p.relayNode = this.ourRelayByte;
    if (fromUs) p.hopStart = p.hopLimit;
    fixPriority(p);
    if (fromUs && p.decoded !== undefined && (p.decoded.portnum || 0) === PortNum.POSITION_APP) {
      const pos = PositionCodec.decode(p.decoded.payload || new Uint8Array(0));
      if (!pos.ok) {
        countDrop(this.stats.drops, RouterDrop.BadPosition);
        return RoutingError.BAD_REQUEST;
      }
      const entry = this.channels.get(p.channel);
      const precision = entry === undefined ? 0 : entry.positionPrecision;
      p.decoded = Object.assign({}, p.decoded, { payload: PositionCodec.encode(applyPositionPrecision(pos.value, precision)) });
    }
    if (p.decoded !== undefined && p.encrypted === undefined) {
      const chIndex = p.channel;
      const decodedCopy = copyPacket(p);
      const err = perhapsEncode(this.crypt, p, fromUs);
      if (err !== RoutingError.NONE) {
        countDrop(this.stats.drops, encodeDrop(err));
        p.channel = 0;
        this.abortSendAndNak(err, p, now);
        return err;
      }
      if (fromUs) {
        if (this.observer !== undefined) this.observer.originated(p.id, (decodedCopy.decoded as Data).portnum || 0, p.to, now);
        // The decoded copy is taken before perhapsEncode, as the firmware's p_decoded (369): no
        // bitfield, no pki_encrypted; MQTT::onSend takes the PKI flag from the encrypted one.
        if (this.mqtt !== undefined) this.mqtt.onSend(copyPacket(p), decodedCopy, chIndex, now);
      }
    }
    // What the radio does with it (queued, or dropped and counted: TX disabled, queue full) gets no
    // NAK in the firmware either; the packet already went to MQTT.
    this.tx.send(p, now);
    return RoutingError.NONE;
  }

  /** Router::cancelSending: out of the TX queue, and we are no longer a relayer of it. */
  cancelSending(from: number, id: number): boolean {
    if (!this.tx.cancelSending(from, id)) return false;
    this.history.removeRelayer(this.ourRelayByte, from, id);
    return true;
  }

  findInTxQueue(from: number, id: number): boolean {
    return this.tx.findInTxQueue(from, id);
  }

  /**
   * Router::shouldDecrementHopLimit (82-131): always on the first hop; a ROUTER, ROUTER_LATE or
   * CLIENT_BASE keeps the hop limit when the relayer's byte is that of a favourite with one of those
   * roles (the first such node in the NodeDB).
   */
  shouldDecrementHopLimit(p: MeshPacketState): boolean {
    if (packetHopsAway(p) === 0) return true;
    if (!isRouterRole(this.config.role)) return true;
    // Every NodeDB entry, ours included (Router.cpp 102-127 scans from index 0).
    const list = this.nodes.list();
    list.unshift(this.nodes.self);
    for (let i = 0; i < list.length; i++) {
      const n = list[i];
      if (!n.isFavorite || n.user === undefined || !isRouterRole(n.user.role || 0)) continue;
      if (lastByteOfNodeNum(n.num) === p.relayNode) return false;
    }
    return true;
  }

  /** The airtime of a packet as RadioInterface::getPacketTime measures it (decoded: its Data encoded). */
  packetTimeMs(p: MeshPacketState): number {
    return this.timing.airtimeMs(16 + payloadBytes(p));
  }

  /** getRetransmissionMsec: the firmware adds the header twice for an encrypted packet. */
  retransmissionMsec(p: MeshPacketState, now: number): number {
    const n = p.decoded !== undefined && p.encrypted === undefined ? payloadBytes(p) : payloadBytes(p) + 16;
    return this.timing.retransmissionMsec(this.timing.airtimeMs(n + 16), now);
  }
}
