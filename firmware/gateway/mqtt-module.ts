// The MQTT module (src/mqtt/MQTT.cpp) as a sans-IO object: uplink and downlink rules, the offline
// queue, subscriptions, map reports and optional 2.7 JSON. It talks to the broker through an
// MqttLink: the MQTT client in direct mode, or the phone in client-proxy mode.
import { utf8Encode, utf8Length } from "../bytes/utf8.js";
import { ServiceEnvelopeCodec } from "../wire/messages.js";
import { nodeIdOf } from "./node-id.js";
import type { Channels } from "../mesh/channels.js";
import type { NodeConfig } from "../mesh/node-config.js";
import type { NodeClock } from "../mesh/node-clock.js";
import type { NodeDb } from "../mesh/node-db.js";
import type { MeshPacketState } from "../mesh/packet.js";
import { fromWirePacket } from "../mesh/packet-wire.js";
import { downlinkDecision } from "./downlink.js";
import { DownlinkDrop, jsonDropReason, mqttPacketFits } from "./downlink-drops.js";
import { downlinkPolicyOf } from "./downlink-policy.js";
import type { DownlinkPolicy } from "./downlink-policy.js";
import { jsonDownlinkAllowed } from "./json-downlink.js";
import type { JsonDownlinkResult, JsonSendRequest } from "./json-downlink.js";
import { buildMapReport, mapIntervalMs } from "./map-report.js";
import { OfflineQueue } from "./offline-queue.js";
import { isDefaultServer, isPrivateAddress } from "./mqtt-config.js";
import type { MqttGatewayConfig } from "./mqtt-config.js";
import { PKI_CHANNEL_ID, TopicKind, downlinkFilter, jsonDownlinkChannel, jsonTopic } from "./topics.js";
import { uplinkDecision } from "./uplink.js";
import type { UplinkDrop } from "./uplink.js";

/** How the module reaches the broker. */
export interface MqttLink {
  /** True when a publish goes out now (connected, or always in proxy mode). */
  isConnected(): boolean;
  /** Publishes (QoS 0, not retained); false when it could not be sent. */
  publish(topic: string, payload: Uint8Array, now: number): boolean;
  /** Publishes JSON text; a link without it publishes the bytes with publish (the proxy sends `text`). */
  publishJson?(topic: string, json: Uint8Array, now: number): boolean;
  /** The filters to (re)subscribe with QoS 1 after every connect. */
  setSubscriptions(filters: string[]): void;
}

/** What the module asks of the router. */
export interface MqttRouterHooks {
  /** A downlinked packet enters the normal receive path (dedup, delivery, LoRa relay). */
  inject(p: MeshPacketState, now: number): void;
  /** Our own uplink came back through the broker: an ACK from MQTT for our app. */
  localAck(id: number, channel: number, now: number): void;
  /** A JSON downlink (sendtext / sendposition) becomes a packet from the gateway itself. */
  sendFromGateway(req: JsonSendRequest, now: number): void;
}

/** The 2.7 JSON serializer (serializeJsonUplinkBytes in json-uplink.ts). */
export type JsonSerializer = (p: MeshPacketState, gatewayNum: number, nodes: NodeDb) => Uint8Array | undefined;

/**
 * json_enabled support: the uplink serializer and the downlink parser (parseJsonDownlink), injected
 * (MQTT_JSON in mqtt-json.ts) so that board builds without json_enabled carry neither.
 */
export interface MqttJson {
  serialize: JsonSerializer;
  parseDownlink(payload: Uint8Array, ourNum: number, channelCount: number, extended: boolean): JsonDownlinkResult;
}

export interface MqttModuleOptions {
  config: MqttGatewayConfig;
  /** The node's clock (NodeDB online counts for map reports). */
  clock: NodeClock;
  node: NodeConfig;
  channels: Channels;
  nodes: NodeDb;
  /** Router.cpp perhapsDecode for a downlinked packet (see DownlinkContext.decode). */
  decode(p: MeshPacketState): boolean;
  /** Channels::hasDefaultChannel (for map reports): a default channel on the default frequency slot. */
  hasDefaultChannel: boolean;
  link: MqttLink;
  hooks: MqttRouterHooks;
  json: MqttJson | undefined;
}

export interface MqttModuleStats {
  uplinked: number;
  queued: number;
  queueDropped: number;
  downlinked: number;
  localAcks: number;
  mapReports: number;
  jsonPublished: number;
  /**
   * Publishes the connected link refused (an invalid topic, a payload over the client's limit). The
   * firmware ignores publish()'s result (MQTT.cpp 736, 824-826, 840), so the message is gone; we
   * count it rather than queue it, so one bad topic cannot block the queue.
   */
  publishFailed: number;
  uplinkDrops: Record<string, number>;
  /** Refused downlinks by reason: the DownlinkDrop strings (downlink-drops.ts), each a documented rule. */
  downlinkDrops: Record<string, number>;
}

/**
 * How often a map report waiting for a position looks again. The firmware looks on every run of
 * its MQTT loop (every 20-200 ms); a position changes only when the node gets one, so meshport
 * looks every 5 s, the position module's own cadence, instead of waking that often.
 */
const MAP_REPORT_POSITION_RECHECK_MS = 5000;

export class MqttModule {
  readonly stats: MqttModuleStats = {
    uplinked: 0,
    queued: 0,
    queueDropped: 0,
    downlinked: 0,
    localAcks: 0,
    mapReports: 0,
    jsonPublished: 0,
    publishFailed: 0,
    uplinkDrops: {},
    downlinkDrops: {},
  };
  readonly queue: OfflineQueue;
  /** Zero-hop, per-sender rate limit and public-port allow list (spec section 9); all off by default. */
  readonly downlinkPolicy: DownlinkPolicy;
  private readonly o: MqttModuleOptions;
  private serverIsPrivate: boolean;
  private readonly serverIsDefault: boolean;
  private nextMapReportMs = 0;
  /** Client-proxy mode: the phone carries the MQTT traffic. */
  readonly proxyMode: boolean;
  private wasConnected = false;

  constructor(o: MqttModuleOptions) {
    this.o = o;
    this.queue = new OfflineQueue(o.config.offlineQueueSize);
    this.downlinkPolicy = downlinkPolicyOf(o.config);
    this.serverIsPrivate = isPrivateAddress(o.config.address);
    this.serverIsDefault = isDefaultServer(o.config.address);
    this.proxyMode = o.config.proxyToClientEnabled;
    o.link.setSubscriptions(this.subscriptions());
  }

  private root(): string {
    return this.o.config.root === "" ? "msh" : this.o.config.root;
  }

  /**
   * The firmware re-evaluates "private broker" from the socket's remote address after connecting,
   * so a host name that resolves to a private address counts as private.
   */
  setRemoteAddress(ip: string): void {
    const v4 = ip.indexOf("::ffff:") === 0 ? ip.substring(7) : ip;
    this.serverIsPrivate = isPrivateAddress(this.o.config.address) || isPrivateAddress(v4);
  }

  /** MQTT::sendSubscriptions: ROOT/2/e/CH/+ per downlink channel (and json with json_enabled), then PKI. */
  subscriptions(): string[] {
    const out: string[] = [];
    const entries = this.o.channels.entries;
    let any = false;
    // MQTT::sendSubscriptions (584-599) looks at downlink_enabled only, not at the role.
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      if (!e.downlinkEnabled) continue;
      any = true;
      out.push(downlinkFilter(this.root(), TopicKind.Encrypted, e.name));
      if (this.o.config.jsonEnabled) out.push(downlinkFilter(this.root(), TopicKind.Json, e.name));
    }
    if (any) out.push(downlinkFilter(this.root(), TopicKind.Encrypted, PKI_CHANNEL_ID));
    return out;
  }

  private count(table: Record<string, number>, reason: UplinkDrop | DownlinkDrop | string): void {
    table[reason] = (table[reason] || 0) + 1;
  }

  private publish(topic: string, payload: Uint8Array, now: number): void {
    if (!this.o.link.publish(topic, payload, now)) this.stats.publishFailed++;
  }

  /** MQTT.cpp 843-856: while not connected, into the offline queue (oldest dropped when full). */
  private enqueue(topic: string, payload: Uint8Array): void {
    const before = this.queue.droppedOldest;
    this.queue.push({ topic, payload });
    this.stats.queued++;
    this.stats.queueDropped += this.queue.droppedOldest - before;
  }

  /**
   * The router hook for a packet we sent (`enc` after encryption, `dec` before) or received (`enc`
   * as heard, `dec` decoded — or the same undecoded packet).
   */
  onSend(enc: MeshPacketState, dec: MeshPacketState, chIndex: number, now: number): void {
    const c = this.o.config;
    const r = uplinkDecision(enc, dec, chIndex, {
      channels: this.o.channels,
      ourNum: this.o.node.nodeNum,
      root: this.root(),
      encryptionEnabled: c.encryptionEnabled,
      serverIsPrivate: this.serverIsPrivate,
      serverIsDefault: this.serverIsDefault,
    });
    if (!r.publish) {
      this.count(this.stats.uplinkDrops, r.reason);
      return;
    }
    this.stats.uplinked++;
    if (!this.o.link.isConnected()) {
      this.enqueue(r.topic, r.envelope);
      return;
    }
    this.publish(r.topic, r.envelope, now);
    // MQTT.cpp 830-840: JSON of the decoded packet, or of the header alone when it is not decoded.
    if (c.jsonEnabled) this.publishJson(dec, r.channelId, now);
  }

  private publishJson(p: MeshPacketState, channelId: string, now: number): void {
    const bytes = this.o.json === undefined ? undefined : this.o.json.serialize(p, this.o.node.nodeNum, this.o.nodes);
    if (bytes === undefined) return;
    const topic = jsonTopic(this.root(), channelId, nodeIdOf(this.o.node.nodeNum));
    const link = this.o.link;
    if (link.publishJson !== undefined ? link.publishJson(topic, bytes, now) : link.publish(topic, bytes, now)) this.stats.jsonPublished++;
    else this.stats.publishFailed++;
  }

  /**
   * An MqttClientProxyMessage from the phone (PhoneAPI.cpp 201-214, MQTT::onClientProxyReceive):
   * only in proxy mode. Firmware 2.7 reads the `data` variant's bytes even when the phone sent
   * `text` (the union's first two characters become the length), so a `text` message carries
   * nothing usable there; with jsonDownlinkExtended it is read as UTF-8, as develop does.
   */
  onProxyMessage(topic: string, data: Uint8Array | undefined, text: string | undefined, now: number): void {
    if (!this.proxyMode) this.count(this.stats.downlinkDrops, DownlinkDrop.ProxyDisabled);
    else if (data !== undefined) this.onMessage(topic, data, now);
    else if (text === undefined) this.count(this.stats.downlinkDrops, DownlinkDrop.Empty);
    else if (!this.o.config.jsonDownlinkExtended) this.count(this.stats.downlinkDrops, DownlinkDrop.ProxyText);
    else this.onMessage(topic, utf8Encode(text), now);
  }

  /**
   * A message from the broker (or from the phone in proxy mode), delivered with `qos` (the packet id
   * of QoS 1 counts against the firmware's buffer; a caller that does not pass it is taken as 0).
   */
  onMessage(topic: string, payload: Uint8Array, now: number, qos?: 0 | 1): void {
    // PubSubClient ignores a packet longer than its buffer before MQTT::onReceive (MQTT.cpp 324).
    if (!mqttPacketFits(utf8Length(topic), payload.length, qos === 1 ? 1 : 0)) {
      this.count(this.stats.downlinkDrops, DownlinkDrop.TooLarge);
      return;
    }
    // MQTT.cpp 391-398: JSON only under our own ROOT/2/json/; every other topic is a protobuf envelope.
    const jsonChannel = jsonDownlinkChannel(topic, this.root());
    if (jsonChannel !== undefined) {
      this.onJsonMessage(jsonChannel, payload, now);
      return;
    }
    const r = downlinkDecision(payload, {
      channels: this.o.channels,
      nodes: this.o.nodes,
      decode: this.o.decode,
      ourNum: this.o.node.nodeNum,
      encryptionEnabled: this.o.config.encryptionEnabled,
      topic,
      policy: this.downlinkPolicy,
      now,
    });
    if (r.kind === "drop") this.count(this.stats.downlinkDrops, r.reason);
    else if (r.kind === "local-ack") {
      this.stats.localAcks++;
      this.o.hooks.localAck(r.id, r.channel, now);
    } else {
      this.stats.downlinked++;
      this.o.hooks.inject(r.packet, now);
    }
  }

  /** onReceiveJson (2.7, spec 5.11): sendtext/sendposition on a downlink channel named mqtt*. */
  private onJsonMessage(channelSegment: string, payload: Uint8Array, now: number): void {
    if (!this.o.config.jsonEnabled) {
      this.count(this.stats.downlinkDrops, DownlinkDrop.JsonDisabled);
      return;
    }
    const json = this.o.json;
    if (json === undefined) {
      this.count(this.stats.downlinkDrops, DownlinkDrop.JsonNotBuiltIn);
      return;
    }
    if (!jsonDownlinkAllowed(channelSegment, this.o.channels)) {
      this.count(this.stats.downlinkDrops, DownlinkDrop.JsonChannelNotAllowed);
      return;
    }
    const r = json.parseDownlink(payload, this.o.node.nodeNum, this.o.channels.entries.length, this.o.config.jsonDownlinkExtended);
    if (!r.ok) {
      this.count(this.stats.downlinkDrops, jsonDropReason(r.code));
      return;
    }
    // The JSON envelope's `from` is the gateway itself (onReceiveJson), so its bucket is ours.
    const limiter = this.downlinkPolicy.limiter;
    if (limiter !== undefined && !limiter.take(this.o.node.nodeNum, now)) {
      this.count(this.stats.downlinkDrops, DownlinkDrop.RateLimited);
      return;
    }
    this.stats.downlinked++;
    // Zero-hop policy: the gateway's own packet goes out with hop_limit 0, so only its neighbours hear it.
    if (this.downlinkPolicy.zeroHop) r.request.hopLimit = 0;
    this.o.hooks.sendFromGateway(r.request, now);
  }

  /** Periodic work: drain the queue after a (re)connect and send map reports. */
  runOnce(now: number): void {
    const connected = this.o.link.isConnected();
    if (connected && !this.wasConnected) this.drain(now);
    this.wasConnected = connected;
    this.perhapsReportToMap(now);
  }

  /**
   * Sends everything queued while offline, each followed by its JSON when json_enabled, made from
   * the queued envelope (MQTT.cpp 725-762: with encryption on that is the header of the encrypted
   * packet, channel = its hash). The firmware sends one entry per reconnect (runOnce 632-634; once
   * connected its loop no longer drains) and the rest waits for the next one; meshport sends all.
   */
  drain(now: number): void {
    while (this.o.link.isConnected()) {
      const e = this.queue.shift();
      if (e === undefined) return;
      this.publish(e.topic, e.payload, now);
      if (this.o.config.jsonEnabled) this.publishQueuedJson(e.payload, now);
    }
  }

  private publishQueuedJson(envelope: Uint8Array, now: number): void {
    const env = ServiceEnvelopeCodec.decode(envelope);
    if (!env.ok || env.value.packet === undefined || env.value.channelId === undefined) return;
    const p = fromWirePacket(env.value.packet);
    this.publishJson(p, p.pkiEncrypted ? PKI_CHANNEL_ID : env.value.channelId, now);
  }

  private perhapsReportToMap(now: number): void {
    const c = this.o.config;
    if (!c.mapReportingEnabled || !c.mapReportSettings.shouldReportLocation || !this.o.link.isConnected()) return;
    if (now < this.nextMapReportMs) return;
    const r = buildMapReport(this.o.node, this.o.channels, this.o.nodes, c.mapReportSettings, this.o.hasDefaultChannel, this.root(), this.o.clock.time(now));
    // No position yet: the firmware checks again on every run (MQTT.cpp 877-883).
    if (r === undefined) {
      this.nextMapReportMs = now + MAP_REPORT_POSITION_RECHECK_MS;
      return;
    }
    // The time is taken whether or not the publish went out (MQTT.cpp 936).
    if (this.o.link.publish(r.topic, r.envelope, now)) this.stats.mapReports++;
    this.nextMapReportMs = now + mapIntervalMs(c.mapReportSettings);
  }

  /**
   * When runOnce next has something to do: at once when the link went up or down since it last ran
   * (the offline queue drains on reconnect), a map report while connected, else undefined.
   */
  nextDue(): number | undefined {
    if (this.o.link.isConnected() !== this.wasConnected) return 0;
    const c = this.o.config;
    if (!c.mapReportingEnabled || !c.mapReportSettings.shouldReportLocation || !this.o.link.isConnected()) return undefined;
    return this.nextMapReportMs;
  }
}
