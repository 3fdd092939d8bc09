// MeshNode: the composition root of one Meshtastic node. Drivers call handle(event, now), run the
// actions from takeActions(), and call handle({type: "tick"}) again at nextDeadline(). The same
// object runs on a board, in Node at real time, and in the simulator at virtual time.
//
// Inside, as in the firmware: Router (mesh/router.ts) → the modules (callModules, the routing
// module last) → MeshService (mesh-service.ts) → the app ("deliver" actions); the MQTT module sits
// beside the router. Every timer the node has is in the table built by timerTable() below.
//
// Over 400 lines because it is also the ModuleContext the modules hold (a row of one-line
// delegations to the router, the NodeDB and the airtime counters) and wires the MQTT module and
// client to the router: splitting those out would put the node's wiring in several files.
import type { ChannelCipher } from "./crypto/channel-cipher.js";
import type { PkiPrimitives } from "./crypto/pki.js";
import { Channels } from "./mesh/channels.js";
import { configuredOrDefaultMsScaled } from "./mesh/congestion.js";
import { frequencySlotForPreset, usesDefaultFrequencySlot } from "./mesh/frequency.js";
import { NodeClock } from "./mesh/node-clock.js";
import { anyMqttEnabled, hasDefaultChannel, maxNumNodesFor, normalizeConfig } from "./mesh/node-config.js";
import { DecodeState, perhapsDecode } from "./mesh/packet-crypt.js";
import type { NodeConfig } from "./mesh/node-config.js";
import { NodeDb } from "./mesh/node-db.js";
import type { MeshPacketState } from "./mesh/packet.js";
import { withKeyPair } from "./mesh/key-pair.js";
import { RadioTiming } from "./mesh/radio-timing.js";
import { hopLimitForResponse } from "./mesh/response-hop-limit.js";
import { Router, RxSource } from "./mesh/router.js";
import type { ModuleDispatch, PacketObserver } from "./mesh/router.js";
import type { Rng } from "./mesh/rng.js";
import { MeshService } from "./mesh-service.js";
import { callModules } from "./modules/call-modules.js";
import type { ModuleChainState } from "./modules/call-modules.js";
import type { LocalStatsCounters, MeshModule, ModuleContext } from "./modules/module.js";
import { NodeInfoModule, ownerUser } from "./modules/node-info.js";
import { PositionModule } from "./modules/position.js";
import { RoutingModule } from "./modules/routing.js";
import { DeviceTelemetryModule } from "./modules/telemetry.js";
import { TextMessageModule } from "./modules/text-message.js";
import { AdminModule } from "./modules/admin.js";
import { TraceRouteModule } from "./modules/traceroute.js";
import { PortNum, Priority, RoutingError, TransportMechanism } from "./wire/enums.js";
import type { Data } from "./wire/messages.js";
import { RoutingCodec } from "./wire/messages.js";
import { utf8Encode } from "./bytes/utf8.js";
import { sendRequest } from "./node-events.js";
import { MqttModule } from "./gateway/mqtt-module.js";
import type { MqttJson, MqttLink } from "./gateway/mqtt-module.js";
import type { MqttGatewayConfig } from "./gateway/mqtt-config.js";
import { ProxyLink } from "./gateway/proxy-link.js";
import { ClientLink } from "./gateway/client-link.js";
import { brokerCredentials, brokerEndpoint } from "./gateway/mqtt-config.js";
import { nodeIdOf } from "./gateway/node-id.js";
import { MqttClient } from "./mqtt/client.js";
import type { NodeAction, NodeEvent, SendRequest } from "./node-events.js";

export interface MeshNodeOptions {
  config: NodeConfig;
  rng: Rng;
  cipher: ChannelCipher;
  /** PKI primitives; undefined disables PKI direct messages. */
  pki: PkiPrimitives | undefined;
  /** Time the node boots, in the driver's clock (ms). */
  startMs: number;
  /**
   * Unix time in ms at startMs, when the node's clock is set (phone, GPS, NTP; the simulator's start
   * epoch). Undefined: no valid time, so rx_time is 0 and the NodeDB never sees anyone online.
   */
  epochMs?: number;
  /**
   * A phone app is attached and drains what the node hands it (the driver's "deliver" actions).
   * Default false: a standalone node, whose toPhoneQueue fills once and stays full, which is what
   * stops DeviceTelemetryModule's per-minute phone-only metrics (and the NodeDB refresh they bring).
   */
  phoneConnected?: boolean;
  /** NodeDB capacity, ourselves included (0: MAX_NUM_NODES of the configured hardware model, maxNumNodesFor). */
  maxNodes: number;
  /** The MQTT module's settings; undefined or enabled = false: no gateway. */
  mqtt?: MqttGatewayConfig;
  /** How the gateway reaches the broker (tests, simulator); default: the phone in proxy mode. */
  mqttLink?: MqttLink;
  /** json_enabled support (MQTT_JSON from gateway/mqtt-json.ts); kept out of bundles that do not pass it. */
  mqttJson?: MqttJson;
  /** Told of each packet this node originates (the simulator's message accounting). */
  observer?: PacketObserver;
}

/** One entry of the timer table: a name, when it is next due, and what runs then. */
export interface NodeTimer {
  readonly name: string;
  due(): number | undefined;
  run(now: number): void;
}

/** TransmitHistory keys in use: NodeInfo, position, device telemetry (a handful of numbers). */
const MAX_TX_HISTORY_KEYS = 8;

/** A module's runOnce as a timer (a function, so each closure has its own module: Espruino shares loop bindings). */
function moduleTimer(m: MeshModule): NodeTimer | undefined {
  if (m.runOnce === undefined || m.nextDue === undefined) return undefined;
  return { name: m.name, due: () => (m.nextDue !== undefined ? m.nextDue() : undefined), run: (now) => { if (m.runOnce !== undefined) m.runOnce(now); } };
}

export class MeshNode implements ModuleContext {
  readonly config: NodeConfig;
  readonly channels: Channels;
  readonly nodes: NodeDb;
  readonly timing: RadioTiming;
  readonly clock: NodeClock;
  readonly router: Router;
  readonly service: MeshService;
  readonly nodeInfo: NodeInfoModule;
  readonly position: PositionModule;
  readonly telemetry: DeviceTelemetryModule;
  readonly traceroute: TraceRouteModule;
  readonly text: TextMessageModule;
  /** Modules in the firmware's order (Modules.cpp setupModules): routing last. */
  readonly modules: MeshModule[];
  readonly timers: NodeTimer[];
  /** Channels::hasDefaultChannel: a default channel on the preset's default frequency slot. */
  readonly hasDefaultChannel: boolean;
  readonly mqtt: MqttModule | undefined;
  /** Our MQTT client in direct mode (undefined in proxy mode, with an injected link, or without a gateway). */
  readonly mqttClient: MqttClient | undefined;
  /** Client proxy messages refused because this node runs no MQTT module (PhoneAPI.cpp 207-213). */
  clientProxyIgnored = 0;
  private readonly mqttConfig: MqttGatewayConfig | undefined;
  private readonly actions: NodeAction[] = [];
  private readonly chain: ModuleChainState = { reply: undefined };
  private readonly txHistoryKeys: number[] = [];
  private readonly txHistoryTimes: number[] = [];

  constructor(o: MeshNodeOptions) {
    const raw = withKeyPair(o.config, o.pki, o.rng);
    this.config = normalizeConfig(raw);
    // Channels::hasDefaultChannel as the MQTT map report asks it, once the radio is set up: the
    // frequency slot of the final preset and primary channel name (RadioInterface.cpp 850-856).
    const probe = new Channels(this.config);
    const primaryEntry = probe.get(probe.primaryIndex);
    const slot = frequencySlotForPreset(this.config.region, this.config.modemPreset, this.config.channelNum, primaryEntry !== undefined ? primaryEntry.name : "");
    this.hasDefaultChannel = hasDefaultChannel(this.config, slot !== null && usesDefaultFrequencySlot(slot.slot, slot.numSlots, this.config.modemPreset));
    this.clock = new NodeClock(o.startMs, o.epochMs);
    this.channels = new Channels(this.config);
    this.nodes = new NodeDb(this.config.nodeNum, o.maxNodes > 0 ? o.maxNodes : maxNumNodesFor(this.config.hwModel));
    this.nodes.self.user = ownerUser(this.config);
    for (let i = 0; i < this.config.favorites.length; i++) this.nodes.getOrCreate(this.config.favorites[i]).isFavorite = true;
    this.timing = new RadioTiming(this.config);
    this.router = new Router({
      config: this.config,
      channels: this.channels,
      nodes: this.nodes,
      rng: o.rng,
      cipher: o.cipher,
      pki: o.pki,
      timing: this.timing,
      clock: this.clock,
      actions: this.actions,
      observer: o.observer,
    });
    this.service = new MeshService({
      config: this.config,
      nodes: this.nodes,
      router: this.router,
      actions: this.actions,
      phoneConnected: o.phoneConnected === true,
      politeChannelUtilOk: (now) => this.isTxAllowedChannelUtil(true, now),
    });
    // setStartDelay slots in construction order: NodeInfo, Position (not trackers), DeviceTelemetry.
    const fresh = this.config.freshInstall;
    this.nodeInfo = new NodeInfoModule(this, o.startMs, 0, fresh);
    const positionSlot = PositionModule.usesStartDelay(this.config.role) ? 1 : 0;
    this.position = new PositionModule(this, o.startMs, positionSlot, fresh);
    this.text = new TextMessageModule();
    this.traceroute = new TraceRouteModule(this);
    this.telemetry = new DeviceTelemetryModule(this, o.startMs, positionSlot + 1);
    const routing = new RoutingModule(this, this.router, this.service, this.chain);
    this.modules = [new AdminModule(this), this.nodeInfo, this.position, this.text, this.traceroute, this.telemetry, routing];
    this.service.nodeInfo = this.nodeInfo;
    this.router.setModules(this.dispatch());
    this.timers = this.timerTable();
    // main.cpp 1060: the modules' online count is first taken once setup is done.
    this.nodes.notifyObservers(this.clock.time(o.startMs));

    const mc = o.mqtt;
    this.mqttConfig = mc;
    // MQTT::runOnce (MQTT.cpp 613-614): nothing without a channel with uplink or downlink or map reports.
    if (mc !== undefined && mc.enabled && (mc.mapReportingEnabled || anyMqttEnabled(this.config))) {
      const actions = this.actions;
      let link: MqttLink;
      if (o.mqttLink !== undefined) link = o.mqttLink;
      else if (mc.proxyToClientEnabled) link = new ProxyLink((message) => actions.push({ type: "client-proxy", message }));
      else {
        const ep = brokerEndpoint(mc);
        const cred = brokerCredentials(mc);
        this.mqttClient = new MqttClient(
          {
            host: ep.host,
            port: ep.port,
            tls: mc.tlsEnabled,
            clientId: nodeIdOf(this.config.nodeNum),
            username: cred.username,
            password: cred.password,
            keepaliveSeconds: mc.keepaliveSeconds,
            backoff: { mode: mc.reconnect === "fixed" ? "fixed" : "exponential", minMs: mc.reconnectMinMs, maxMs: mc.reconnectMaxMs },
          },
          o.rng,
        );
        link = new ClientLink(this.mqttClient);
      }
      const router = this.router;
      this.mqtt = new MqttModule({
        config: mc,
        clock: this.clock,
        node: this.config,
        channels: this.channels,
        nodes: this.nodes,
        decode: (p) => perhapsDecode(router.core.crypt, p) === DecodeState.Success,
        hasDefaultChannel: this.hasDefaultChannel,
        link,
        hooks: {
          inject: (p, now) => router.perhapsHandleReceived(p, now),
          localAck: (id, channel, now) => this.mqttLocalAck(id, channel, now),
          sendFromGateway: (req, now) => {
            const p = this.allocForSending({ portnum: req.portnum, payload: req.payload }, now);
            p.to = req.to;
            p.channel = req.channel;
            if (req.hopLimit !== undefined) p.hopLimit = req.hopLimit;
            this.service.sendToMesh(p, RxSource.Local, now, false);
          },
        },
        json: o.mqttJson,
      });
      const mqtt = this.mqtt;
      this.router.setMqtt({ encryptionEnabled: mc.encryptionEnabled, onSend: (enc, dec, ch, now) => mqtt.onSend(enc, dec, ch, now) });
      if (this.mqttClient !== undefined) {
        this.mqttClient.start(o.startMs);
        this.pumpMqttClient(o.startMs);
      }
    }
  }

  /** What the router calls up into (the firmware's module globals). */
  private dispatch(): ModuleDispatch {
    return {
      callModules: (p, src, now) => callModules(this.modules, this.chain, p, src, this, now),
      recentlySeenText: (id) => this.text.recentlySeen(id),
      sendAckNak: (err, to, idFrom, ch, hops, wantAck, now) => this.sendAckNak(err, to, idFrom, ch, hops, wantAck, now),
      sendOurNodeInfo: (dest, wantReplies, ch, shorter, now) => this.nodeInfo.sendOurNodeInfo(dest, wantReplies, ch, shorter, undefined, now),
      processUpgradedPacket: (p) => this.traceroute.processUpgradedPacket(p),
    };
  }

  /**
   * Every timer of the node, in one table (lwIP timeouts.c style). Each runs when due; the node
   * sleeps until the earliest.
   *   nodeinfo   NodeInfoModule::runOnce    first at 30 s, then node_info_broadcast_secs (3 h)
   *   position   PositionModule::runOnce    first at 45 s (trackers at once), then every 5 s
   *   telemetry  DeviceTelemetryModule      first at 60 s (45 s for trackers), then every 60 s
   *   mqtt       MQTT::runOnce              map reports, offline queue (gateway only)
   *   router     Router                     local receive queue, retransmissions, transmit delay
   *   client     MqttClient                 keepalive, CONNACK timeout, reconnect backoff
   */
  private timerTable(): NodeTimer[] {
    const t: NodeTimer[] = [];
    for (let i = 0; i < this.modules.length; i++) {
      const timer = moduleTimer(this.modules[i]);
      if (timer !== undefined) t.push(timer);
    }
    t.push({ name: "mqtt", due: () => (this.mqtt === undefined ? undefined : this.mqtt.nextDue()), run: (now) => { if (this.mqtt !== undefined) this.mqtt.runOnce(now); } });
    t.push({ name: "router", due: () => this.router.nextDeadline(), run: (now) => this.router.runDue(now) });
    t.push({ name: "client", due: () => (this.mqttClient === undefined ? undefined : this.mqttClient.nextDeadline()), run: (now) => { if (this.mqttClient !== undefined) this.mqttClient.tick(now); } });
    return t;
  }

  /** Turns the MQTT client's actions into node actions and hands deliveries to the MQTT module. */
  private pumpMqttClient(now: number): void {
    const client = this.mqttClient;
    const mqtt = this.mqtt;
    if (client === undefined || mqtt === undefined) return;
    // A delivery can make the module publish, which queues more client actions: drain until empty.
    for (let acts = client.takeActions(); acts.length > 0; acts = client.takeActions()) {
      for (let i = 0; i < acts.length; i++) {
        const a = acts[i];
        if (a.type === "socket-open")
          this.actions.push({ type: "socket-open", host: a.host, port: a.port, tls: a.tls, tlsInsecure: this.mqttConfig !== undefined && this.mqttConfig.tlsInsecure });
        else if (a.type === "socket-write" || a.type === "socket-close") this.actions.push(a);
        else if (a.type === "deliver") mqtt.onMessage(a.topic, a.payload, now, a.qos);
        else if (a.type === "connected") mqtt.runOnce(now);
        else if (a.type === "disconnected" || a.type === "connect-failed") this.actions.push({ type: "log", message: "mqtt: " + a.reason + ": " + a.detail });
        else if (a.type === "log") this.actions.push({ type: "log", message: "mqtt: " + a.message });
      }
    }
  }

  get nodeNum(): number {
    return this.config.nodeNum;
  }

  handle(ev: NodeEvent, now: number): void {
    switch (ev.type) {
      case "radio-rx":
        this.router.onRadioRx(ev.frame, ev.rssi, ev.snr, ev.busy === true, now);
        break;
      case "radio-rx-error":
        this.router.onRadioRxError(ev.lengthBytes, ev.busy === true, now);
        break;
      case "channel-busy":
        this.router.onChannelBusy(ev.busy, now);
        break;
      case "radio-tx-done":
        this.router.onTxDone(ev.busy === true, now);
        break;
      case "app-send":
        this.send(ev.request, now);
        break;
      case "client-proxy":
        this.onClientProxy(ev.message.topic || "", ev.message.data, ev.message.text, now);
        break;
      case "socket-opened":
        if (this.mqttClient !== undefined) {
          if (this.mqtt !== undefined) this.mqtt.setRemoteAddress(ev.remoteAddress);
          this.mqttClient.onSocketOpened(now);
        }
        break;
      case "socket-data":
        if (this.mqttClient !== undefined) this.mqttClient.onSocketData(ev.bytes, now);
        break;
      case "socket-closed":
        if (this.mqttClient !== undefined) this.mqttClient.onSocketClosed(ev.reason, now);
        break;
      case "tick":
        break;
      default: {
        const never: never = ev;
        throw new Error("unknown event " + (never as NodeEvent).type);
      }
    }
    this.pumpMqttClient(now);
    this.runDue(now);
    this.pumpMqttClient(now);
  }

  takeActions(): NodeAction[] {
    return this.actions.splice(0, this.actions.length);
  }

  nextDeadline(): number | undefined {
    let t: number | undefined;
    for (let i = 0; i < this.timers.length; i++) {
      const d = this.timers[i].due();
      if (d !== undefined && (t === undefined || d < t)) t = d;
    }
    return t;
  }

  private runDue(now: number): void {
    for (let i = 0; i < this.timers.length; i++) {
      const d = this.timers[i].due();
      if (d !== undefined && d <= now) this.timers[i].run(now);
    }
    // A module's send or a received packet may have queued work for the router right now.
    this.router.runDue(now);
  }

  /** A message the phone received from the broker for us (proxy mode): data, or text as UTF-8. */
  private onClientProxy(topic: string, data: Uint8Array | undefined, text: string | undefined, now: number): void {
    // PhoneAPI.cpp 207-213: no MQTT module (MQTT off, or no MQTT channel and no map reports) takes none.
    if (this.mqtt === undefined) this.clientProxyIgnored++;
    else this.mqtt.onProxyMessage(topic, data, text, now);
  }

  /** MQTT.cpp 93-100: our own packet came back through the broker; a local ACK marked MQTT. */
  private mqttLocalAck(id: number, channel: number, now: number): void {
    const p = this.allocForSending({ portnum: PortNum.ROUTING_APP, payload: RoutingCodec.encode({ errorReason: RoutingError.NONE }), requestId: id }, now);
    p.to = this.config.nodeNum;
    p.channel = channel;
    p.priority = Priority.ACK;
    p.hopLimit = 0;
    p.transportMechanism = TransportMechanism.MQTT;
    this.router.sendLocal(p, RxSource.Local, now);
  }

  // ---------------------------------------------------------------- the app

  /**
   * A packet from our app (MeshService::handleToRadio): from 0, a new id, our clock's time, handed
   * to the mesh as a user packet. Returns its id, or 0 when the router refused it at once (a NAK
   * for it then reaches the app).
   */
  send(req: SendRequest, now: number): number {
    const data: Data = { portnum: req.portnum, payload: req.payload };
    if (req.wantResponse) data.wantResponse = true;
    if (req.requestId !== 0) data.requestId = req.requestId;
    if (req.replyId !== 0) data.replyId = req.replyId;
    const p = this.allocForSending(data, now);
    p.from = 0;
    p.to = req.to;
    p.channel = req.channel;
    p.wantAck = req.wantAck;
    if (req.hopLimit > 0 || req.hopLimitExact === true) p.hopLimit = req.hopLimit;
    p.pkiEncrypted = req.pkiEncrypted;
    return this.service.sendToMesh(p, RxSource.User, now, false) === RoutingError.NONE ? p.id : 0;
  }

  sendText(to: number, text: string, channel: number, wantAck: boolean, now: number): number {
    const req = sendRequest(to, PortNum.TEXT_MESSAGE_APP, utf8Encode(text), channel);
    req.wantAck = wantAck;
    return this.send(req, now);
  }

  // ---------------------------------------------------------------- ModuleContext

  allocForSending(data: Data, now: number): MeshPacketState {
    return this.router.allocForSending(data, now);
  }

  sendToMesh(p: MeshPacketState, src: RxSource, now: number, ccToPhone?: boolean): number {
    return this.service.sendToMesh(p, src, now, ccToPhone === true);
  }

  isToPhoneQueueEmpty(): boolean {
    return this.service.isToPhoneQueueEmpty();
  }

  timeSourceAcquired(now: number): void {
    this.nodeInfo.triggerImmediateCheck(now);
  }

  sendToPhone(p: MeshPacketState): void {
    this.service.sendToPhone(p);
  }

  cancelSending(id: number): boolean {
    return this.router.core.cancelSending(this.config.nodeNum, id);
  }

  /** RoutingModule::sendAckNak: MeshModule::allocAckNak, want_ack as asked, Router::sendLocal. */
  sendAckNak(err: number, to: number, idFrom: number, chIndex: number, hopLimit: number, ackWantsAck: boolean, now: number): void {
    const p = this.allocForSending({ portnum: PortNum.ROUTING_APP, payload: RoutingCodec.encode({ errorReason: err }), requestId: idFrom }, now);
    p.priority = Priority.ACK;
    p.hopLimit = hopLimit;
    p.to = to;
    p.channel = chIndex;
    p.wantAck = ackWantsAck;
    this.router.sendLocal(p, RxSource.Local, now);
  }

  hopLimitForResponse(p: MeshPacketState): number {
    return hopLimitForResponse(p.hopStart, p.hopLimit, p.decoded !== undefined && p.decoded.bitfield !== undefined, this.config.hopLimit);
  }

  isTxAllowedChannelUtil(polite: boolean, now: number): boolean {
    return this.timing.stats.isTxAllowedChannelUtil(polite, now);
  }

  isTxAllowedAirUtil(now: number): boolean {
    return this.timing.stats.isTxAllowedAirUtil(this.timing.region.dutyCyclePercent, this.config.overrideDutyCycle, now);
  }

  channelUtilization(now: number): number {
    return this.timing.stats.channelUtilizationPercent(now);
  }

  airUtilTx(now: number): number {
    return this.timing.stats.txUtilizationPercent(now);
  }

  /** NodeStatus::getNumOnline: the NodeDB's snapshot (NodeDb.onlineSnapshot), not a live count. */
  numOnline(_now: number): number {
    return this.nodes.onlineSnapshot;
  }

  scaledIntervalMs(configuredSecs: number, defaultSecs: number, now: number): number {
    return configuredOrDefaultMsScaled(configuredSecs, defaultSecs, this.numOnline(now), this.config.role, this.config.modemPreset);
  }

  lastSentToMesh(key: number): number | undefined {
    const i = this.txHistoryKeys.indexOf(key);
    return i < 0 ? undefined : this.txHistoryTimes[i];
  }

  setLastSentToMesh(key: number, now: number): void {
    const i = this.txHistoryKeys.indexOf(key);
    if (i >= 0) this.txHistoryTimes[i] = now;
    else if (this.txHistoryKeys.length < MAX_TX_HISTORY_KEYS) {
      this.txHistoryKeys.push(key);
      this.txHistoryTimes.push(now);
    }
  }

  refreshLocalMeshNode(now: number): void {
    this.nodes.self.lastHeard = this.clock.validTime(now);
  }

  localStats(): LocalStatsCounters {
    const s = this.router.stats;
    const drops = s.drops;
    return {
      txGood: s.txGood,
      rxGood: s.rxGood,
      rxBad: (drops["bad-frame"] || 0) + (drops["crc-error"] || 0),
      txRelay: s.txRelay,
      txDrop: (drops["queue-full"] || 0) + (drops["queue-evicted"] || 0),
      rxDupe: s.rxDupe,
      txRelayCanceled: s.txRelayCanceled,
    };
  }
}
