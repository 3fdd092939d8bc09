// A small in-test medium: MeshNodes joined by perfect links with fixed SNR/RSSI, every frame heard
// by the sender's neighbours after its time on air, no collisions. Virtual time jumps from event to
// event and to each node's nextDeadline(). The real PHY comes with the simulator.
import { PortableChannelCipher } from "../../firmware/crypto/index.js";
import { defaultNodeConfig } from "../../firmware/mesh/node-config.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { SeededRng } from "../../firmware/mesh/rng.js";
import type { PkiPrimitives } from "../../firmware/crypto/index.js";
import { MeshNode } from "../../firmware/node.js";
import type { DeliverAction, NodeEvent } from "../../firmware/node-events.js";

interface Scheduled {
  at: number;
  seq: number;
  node: number;
  event: NodeEvent;
}

export interface Transmission {
  at: number;
  node: number;
  frame: Uint8Array;
  airtimeMs: number;
}

export interface MediumOptions {
  snr?: number;
  rssi?: number;
  pki?: PkiPrimitives;
  /** Adjusts each node's config before it boots. */
  configure?: (c: NodeConfig, index: number) => void;
  seed?: number;
}

export class TestMedium {
  readonly nodes: MeshNode[] = [];
  readonly delivered: DeliverAction[][] = [];
  readonly transmissions: Transmission[] = [];
  now = 0;
  private readonly links: boolean[][];
  private readonly queue: Scheduled[] = [];
  private seq = 0;
  private readonly snr: number;
  private readonly rssi: number;

  /** `nums` are the node numbers; `links[i][j]` says whether j hears i. */
  constructor(nums: number[], links: boolean[][], o: MediumOptions = {}) {
    this.links = links;
    this.snr = o.snr ?? 6;
    this.rssi = o.rssi ?? -90;
    nums.forEach((num, i) => {
      const config = defaultNodeConfig(num);
      // The nodes' own NodeInfo and position traffic off unless a test turns it on (meshport switches).
      config.sendNodeInfo = false;
      config.sendPosition = false;
      o.configure?.(config, i);
      this.nodes.push(
        new MeshNode({ config, rng: new SeededRng((o.seed ?? 1) * 1000 + i), cipher: new PortableChannelCipher(), pki: o.pki, startMs: 0, maxNodes: 0 }),
      );
      this.delivered.push([]);
    });
  }

  /** A line a - b - c - ...: each node hears only its neighbours. */
  static line(nums: number[], o: MediumOptions = {}): TestMedium {
    const links = nums.map((_, i) => nums.map((__, j) => Math.abs(i - j) === 1));
    return new TestMedium(nums, links, o);
  }

  index(num: number): number {
    return this.nodes.findIndex((n) => n.nodeNum === num);
  }

  schedule(at: number, node: number, event: NodeEvent): void {
    this.queue.push({ at, seq: this.seq++, node, event });
    this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  private collect(i: number): void {
    for (const a of this.nodes[i].takeActions()) {
      if (a.type === "deliver") this.delivered[i].push(a);
      else if (a.type === "radio-tx") {
        this.transmissions.push({ at: this.now, node: i, frame: a.frame, airtimeMs: a.airtimeMs });
        this.schedule(this.now + a.airtimeMs, i, { type: "radio-tx-done" });
        this.links[i].forEach((hears, j) => {
          if (!hears) return;
          this.schedule(this.now, j, { type: "channel-busy", busy: true });
          this.schedule(this.now + a.airtimeMs, j, { type: "radio-rx", frame: a.frame, rssi: this.rssi, snr: this.snr });
        });
      }
    }
  }

  /** Runs node `i`'s handler at the current time and collects what it asks for. */
  act(i: number, f: (n: MeshNode, now: number) => void): void {
    f(this.nodes[i], this.now);
    this.collect(i);
  }

  /** Advances virtual time to `until`, delivering events and deadlines in order. */
  run(until: number): void {
    for (;;) {
      let next = this.queue.length > 0 ? this.queue[0].at : Infinity;
      let deadlineNode = -1;
      this.nodes.forEach((n, i) => {
        const d = n.nextDeadline();
        if (d !== undefined && d < next) {
          next = Math.max(d, this.now);
          deadlineNode = i;
        }
      });
      if (next > until || next === Infinity) break;
      this.now = next;
      if (deadlineNode >= 0) {
        this.nodes[deadlineNode].handle({ type: "tick" }, this.now);
        this.collect(deadlineNode);
        continue;
      }
      const e = this.queue.shift() as Scheduled;
      this.nodes[e.node].handle(e.event, this.now);
      this.collect(e.node);
    }
    this.now = until;
  }

  /** Texts or payloads delivered to node `i`'s app with the given port. */
  deliveredPackets(i: number, portnum: number): DeliverAction["packet"][] {
    return this.delivered[i].map((d) => d.packet).filter((p) => p.decoded?.portnum === portnum);
  }
}
