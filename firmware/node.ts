// MeshNode: the composition root of one Meshtastic node. Drivers call handle(event, now), run the
// actions from takeActions(), and call handle({type: "tick"}) again at nextDeadline(). The same
// object runs on a board, in Node at real time, and in the simulator at virtual time.
import type { ChannelCipher } from "./crypto/channel-cipher.js";
import type { PkiPrimitives } from "./crypto/pki.js";
import { Channels } from "./mesh/channels.js";
import { normalizeConfig } from "./mesh/node-config.js";
import type { NodeConfig } from "./mesh/node-config.js";
import { MAX_NUM_NODES, NodeDb } from "./mesh/node-db.js";
import type { MeshPacketState } from "./mesh/packet.js";
import { RadioTiming } from "./mesh/radio-timing.js";
import { Router } from "./mesh/router.js";
import type { PacketObserver } from "./mesh/router.js";
import type { Rng } from "./mesh/rng.js";
import type { MeshModule, ModuleContext } from "./modules/module.js";
import { NodeInfoModule } from "./modules/node-info.js";
import { PositionModule } from "./modules/position.js";
import { TelemetryModule } from "./modules/telemetry.js";
import { TraceRouteModule } from "./modules/traceroute.js";
import { PortNum } from "./wire/enums.js";
import type { Data } from "./wire/messages.js";
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
  /** NodeDB capacity (0 = MAX_NUM_NODES). */
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

export class MeshNode implements ModuleContext {
  readonly config: NodeConfig;
  readonly channels: Channels;
  readonly nodes: NodeDb;
  readonly timing: RadioTiming;
  readonly router: Router;
  /** Modules in the order they see packets: traceroute first, because it alters what is relayed. */
  readonly modules: MeshModule[];
  readonly mqtt: MqttModule | undefined;
  /** Our MQTT client in direct mode (undefined in proxy mode, with an injected link, or without a gateway). */
  readonly mqttClient: MqttClient | undefined;
  private readonly mqttConfig: MqttGatewayConfig | undefined;
  private readonly actions: NodeAction[] = [];
  private readonly startMs: number;

  constructor(o: MeshNodeOptions) {
    this.config = normalizeConfig(o.config);
    this.startMs = o.startMs;
    this.channels = new Channels(this.config);
    this.nodes = new NodeDb(o.maxNodes > 0 ? o.maxNodes : MAX_NUM_NODES);
    this.timing = new RadioTiming(this.config);
    this.router = new Router({
      config: this.config,
      channels: this.channels,
      nodes: this.nodes,
      rng: o.rng,
      cipher: o.cipher,
      pki: o.pki,
      timing: this.timing,
      actions: this.actions,
      observer: o.observer,
    });
    this.modules = [new TraceRouteModule(this.config.nodeNum), new NodeInfoModule(this.config, o.startMs), new PositionModule(this.config, o.startMs), new TelemetryModule(this.config, o.startMs)];
    this.router.handler = { onDecoded: (p: MeshPacketState, now: number) => this.runModules(p, now) };
    const mc = o.mqtt;
    this.mqttConfig = mc;
    if (mc !== undefined && mc.enabled) {
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
        node: this.config,
        channels: this.channels,
        nodes: this.nodes,
        cipher: o.cipher,
        link,
        hooks: {
          inject: (p, now) => router.receive(p, now),
          localAck: (id, channel) => router.mqttLocalAck(id, channel),
          sendFromGateway: (req, now) => {
            const r = sendRequest(req.to, req.portnum, req.payload, req.channel);
            if (req.hopLimit !== undefined) {
              r.hopLimit = req.hopLimit;
              r.hopLimitExact = true;
            }
            this.send(r, now);
          },
        },
        json: o.mqttJson,
      });
      const mqtt = this.mqtt;
      this.router.uplink = { onSend: (enc, dec, ch, now) => mqtt.onSend(enc, dec, ch, now) };
      if (this.mqttClient !== undefined) {
        this.mqttClient.start(o.startMs);
        this.pumpMqttClient(o.startMs);
      }
    }
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
        else if (a.type === "deliver") mqtt.onMessage(a.topic, a.payload, now);
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
    if (ev.type === "radio-rx") this.router.onRadioRx(ev.frame, ev.rssi, ev.snr, ev.busy === true, now);
    else if (ev.type === "channel-busy") this.router.onChannelBusy(ev.busy, now);
    else if (ev.type === "radio-tx-done") this.router.onTxDone(ev.busy === true, now);
    else if (ev.type === "app-send") this.send(ev.request, now);
    else if (ev.type === "client-proxy") this.onClientProxy(ev.message.topic || "", ev.message.data, ev.message.text, now);
    else if (this.mqttClient !== undefined) {
      if (ev.type === "socket-opened") {
        if (this.mqtt !== undefined) this.mqtt.setRemoteAddress(ev.remoteAddress);
        this.mqttClient.onSocketOpened(now);
      } else if (ev.type === "socket-data") this.mqttClient.onSocketData(ev.bytes, now);
      else if (ev.type === "socket-closed") this.mqttClient.onSocketClosed(ev.reason, now);
    }
    if (this.mqttClient !== undefined) this.mqttClient.tick(now);
    this.pumpMqttClient(now);
    this.runDue(now);
    this.pumpMqttClient(now);
  }

  takeActions(): NodeAction[] {
    return this.actions.splice(0, this.actions.length);
  }

  nextDeadline(): number | undefined {
    let t = this.router.nextDeadline();
    for (let i = 0; i < this.modules.length; i++) {
      const m = this.modules[i].nextDue();
      if (m !== undefined && (t === undefined || m < t)) t = m;
    }
    const q = this.mqtt === undefined ? undefined : this.mqtt.nextDue();
    if (q !== undefined && (t === undefined || q < t)) t = q;
    const c = this.mqttClient === undefined ? undefined : this.mqttClient.nextDeadline();
    if (c !== undefined && (t === undefined || c < t)) t = c;
    return t;
  }

  private runDue(now: number): void {
    for (let i = 0; i < this.modules.length; i++) this.modules[i].runOnce(this, now);
    if (this.mqtt !== undefined) this.mqtt.runOnce(now);
    this.router.runDue(now);
  }

  /** A message the phone received from the broker for us (proxy mode): data, or text as UTF-8. */
  private onClientProxy(topic: string, data: Uint8Array | undefined, text: string | undefined, now: number): void {
    if (this.mqtt === undefined || !this.mqtt.proxyMode) return;
    const payload = data !== undefined ? data : text !== undefined ? utf8Encode(text) : undefined;
    if (payload === undefined) return;
    this.mqtt.onMessage(topic, payload, now);
  }

  /** Runs the modules on a decoded packet; a reply from one of them is sent and suppresses the plain ACK. */
  private runModules(p: MeshPacketState, now: number): boolean {
    let reply: SendRequest | undefined;
    for (let i = 0; i < this.modules.length; i++) {
      const r = this.modules[i].handleReceived(p, this, now);
      if (r !== undefined && reply === undefined) reply = r;
    }
    if (reply === undefined) return false;
    this.send(reply, now);
    return true;
  }

  // ---------------------------------------------------------------- ModuleContext and app API

  /** Sends a packet from our app; returns its id, or 0 when the router refused it (a NAK is delivered). */
  send(req: SendRequest, now: number): number {
    const data: Data = { portnum: req.portnum, payload: req.payload };
    if (req.wantResponse) data.wantResponse = true;
    if (req.requestId !== 0) data.requestId = req.requestId;
    if (req.replyId !== 0) data.replyId = req.replyId;
    const p = this.router.allocForSending(req.to, data, req.channel);
    p.wantAck = req.wantAck;
    if (req.hopLimit > 0 || req.hopLimitExact === true) p.hopLimit = req.hopLimit;
    p.pkiEncrypted = req.pkiEncrypted;
    return this.router.sendLocal(p, now) ? p.id : 0;
  }

  sendText(to: number, text: string, channel: number, wantAck: boolean, now: number): number {
    const req = sendRequest(to, PortNum.TEXT_MESSAGE_APP, utf8Encode(text), channel);
    req.wantAck = wantAck;
    return this.send(req, now);
  }

  periodicTxAllowed(now: number): boolean {
    return this.timing.periodicTxAllowed(now);
  }

  uptimeSecs(now: number): number {
    return Math.floor((now - this.startMs) / 1000);
  }

  channelUtilization(now: number): number {
    return this.timing.stats.channelUtilizationPercent(now);
  }

  airUtilTx(now: number): number {
    return this.timing.stats.txUtilizationPercent(now);
  }
}
