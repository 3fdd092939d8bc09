// One MeshNode under test at virtual time: frames from imaginary neighbours go in, its actions come
// out, and its radio "transmits" instantly (TX done after the frame's time on air).
import { PortableChannelCipher, expandPsk } from "../../firmware/crypto/index.js";
import { defaultNodeConfig } from "../../firmware/mesh/node-config.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { SeededRng } from "../../firmware/mesh/rng.js";
import type { PkiPrimitives } from "../../firmware/crypto/index.js";
import { MeshNode } from "../../firmware/node.js";
import type { MeshNodeOptions } from "../../firmware/node.js";
import type { DeliverAction, NodeAction } from "../../firmware/node-events.js";
import { DataCodec, decodeLoraFrame, encodeLoraFrame } from "../../firmware/wire/index.js";
import type { Data, LoraHeader, MqttClientProxyMessage } from "../../firmware/wire/index.js";

export const DEFAULT_KEY = (expandPsk(new Uint8Array([1])) as { key: Uint8Array }).key;
/** Channel hash of LongFast with the default key. */
export const LONGFAST_HASH = 8;

export interface Sent {
  at: number;
  header: LoraHeader;
  data: Data | undefined;
  /** The frame's payload as sent (encrypted). */
  payload: Uint8Array;
  airtimeMs: number;
}

export function header(over: Partial<LoraHeader>): LoraHeader {
  return { to: 0xffffffff, from: 0x99, id: 0x1234, hopLimit: 3, wantAck: false, viaMqtt: false, hopStart: 3, channel: LONGFAST_HASH, nextHop: 0, relayNode: 0x99, ...over };
}

/** A LoRa frame of `data` encrypted with the default key, as a neighbour would send it. */
export function frameOf(h: LoraHeader, data: Data, key: Uint8Array | null = DEFAULT_KEY): Uint8Array {
  const plain = DataCodec.encode(data);
  const payload = key === null ? plain : new PortableChannelCipher().ctr(key, h.id, h.from, plain);
  return encodeLoraFrame(h, payload);
}

export class NodeBench {
  readonly node: MeshNode;
  now = 0;
  readonly sent: Sent[] = [];
  readonly delivered: DeliverAction["packet"][] = [];
  readonly logs: string[] = [];
  readonly toPhone: MqttClientProxyMessage[] = [];
  /** The MQTT client's socket actions (direct mode without an injected link). */
  readonly io: NodeAction[] = [];
  private txDoneAt: number | undefined;
  /** Our transmissions end with another frame on air (radio-tx-done busy). */
  busyAfterTx = false;

  constructor(configure?: (c: NodeConfig) => void, num = 0x10, pki?: PkiPrimitives, seed = 7, extra: Partial<MeshNodeOptions> = {}) {
    const c = defaultNodeConfig(num);
    // The node's own NodeInfo and position traffic off unless a test turns it on (meshport switches).
    c.sendNodeInfo = false;
    c.sendPosition = false;
    configure?.(c);
    this.node = new MeshNode({ config: c, rng: new SeededRng(seed), cipher: new PortableChannelCipher(), pki, startMs: 0, maxNodes: 0, ...extra });
  }

  private collect(actions: NodeAction[]): void {
    for (const a of actions) {
      if (a.type === "deliver") this.delivered.push(a.packet);
      else if (a.type === "log") this.logs.push(a.message);
      else if (a.type === "client-proxy") this.toPhone.push(a.message);
      else if (a.type === "socket-open" || a.type === "socket-write" || a.type === "socket-close") this.io.push(a);
      else if (a.type === "radio-tx") {
        const f = decodeLoraFrame(a.frame);
        if (!f.ok) throw new Error("node sent a bad frame: " + f.error.message);
        // The default key, else plaintext (a licensed node's channels have no key).
        let d = DataCodec.decode(new PortableChannelCipher().ctr(DEFAULT_KEY, f.value.header.id, f.value.header.from, f.value.payload));
        if (!d.ok || !d.value.portnum) d = DataCodec.decode(f.value.payload);
        this.sent.push({ at: this.now, header: f.value.header, data: d.ok ? d.value : undefined, payload: f.value.payload, airtimeMs: a.airtimeMs });
        this.txDoneAt = this.now + a.airtimeMs;
      }
    }
  }

  /** Runs `f` on the node now and collects its actions. */
  act(f: (n: MeshNode, now: number) => void): void {
    f(this.node, this.now);
    // What the call left for "now" (packets to ourselves, as the firmware's router thread runs them next).
    const d = this.node.nextDeadline();
    if (d !== undefined && d <= this.now) this.node.handle({ type: "tick" }, this.now);
    this.collect(this.node.takeActions());
  }

  /** A frame heard from a neighbour; `busy`: the radio still hears another frame after it. */
  rx(frame: Uint8Array, snr = 6, rssi = -90, busy = false): void {
    this.act((n, now) => n.handle({ type: "radio-rx", frame, rssi, snr, busy }, now));
  }

  /** Advances virtual time by `ms`, running the node's deadlines and TX completions on the way. */
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const d = this.node.nextDeadline();
      const t = this.txDoneAt !== undefined && (d === undefined || this.txDoneAt <= d) ? this.txDoneAt : d;
      if (t === undefined || t > until) break;
      this.now = Math.max(t, this.now);
      if (t === this.txDoneAt) {
        this.txDoneAt = undefined;
        this.act((n, now) => n.handle({ type: "radio-tx-done", busy: this.busyAfterTx }, now));
      } else this.act((n, now) => n.handle({ type: "tick" }, now));
    }
    this.now = until;
  }

  /**
   * What the node handed its app from other nodes: deliveries minus its own packets (the metrics
   * DeviceTelemetryModule gives the phone every minute while the phone queue is empty, ACKs of our
   * own sends).
   */
  heard(): DeliverAction["packet"][] {
    return this.delivered.filter((p) => p.from !== this.node.nodeNum);
  }

  /** Frames the node sent with this (from, id). */
  sentOf(from: number, id: number): Sent[] {
    return this.sent.filter((s) => s.header.from === from && s.header.id === id);
  }
}
