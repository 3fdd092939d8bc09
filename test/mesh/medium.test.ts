// Several MeshNodes on the in-test medium (perfect links, fixed SNR): end-to-end behaviour.
//
// Hop counting (spec 6.5): the originator sends with hop_limit H and every relay sends hop_limit-1,
// relaying only what it received with hop_limit > 0. So H relays happen and a broadcast travels
// H + 1 links: on a line of 5 nodes (4 links) hop limit 3 already reaches the last node, and it
// takes a line of 6 (5 links) for hop limit 3 to fall one node short while hop limit 4 arrives.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { sendRequest } from "../../firmware/node-events.js";
import { TraceRouteModule } from "../../firmware/modules/traceroute.js";
import { nodePki } from "../../firmware/platform/node/index.js";
import { PortNum, RouteDiscoveryCodec, RoutingCodec } from "../../firmware/wire/index.js";
import { TestMedium } from "../support/test-medium.js";

const LINE5 = [0x101, 0x102, 0x103, 0x104, 0x105];
const LINE6 = [...LINE5, 0x106];

function textsAt(m: TestMedium, i: number): string[] {
  return m.deliveredPackets(i, PortNum.TEXT_MESSAGE_APP).map((p) => new TextDecoder().decode(p.decoded?.payload));
}

function broadcast(m: TestMedium, text: string, hopLimit: number): void {
  m.act(0, (n, now) => {
    const req = sendRequest(BROADCAST, PortNum.TEXT_MESSAGE_APP, new TextEncoder().encode(text), 0);
    req.hopLimit = hopLimit;
    expect(n.send(req, now)).not.toBe(0);
  });
  m.run(120_000);
}

describe("broadcast flooding on a line", () => {
  it("hop limit 4 reaches every node of a line of 6 (5 links)", () => {
    const m = TestMedium.line(LINE6);
    broadcast(m, "four", 4);
    for (let i = 1; i < 6; i++) expect(textsAt(m, i), `node ${i}`).toEqual(["four"]);
  });

  it("hop limit 3 does not reach the last node of a line of 6", () => {
    const m = TestMedium.line(LINE6);
    broadcast(m, "three", 3);
    expect(textsAt(m, 4)).toEqual(["three"]);
    expect(textsAt(m, 5)).toEqual([]);
  });

  it("on a line of 5, hop limit 3 reaches all and hop limit 2 stops one short", () => {
    const a = TestMedium.line(LINE5);
    broadcast(a, "three", 3);
    for (let i = 1; i < 5; i++) expect(textsAt(a, i), `node ${i}`).toEqual(["three"]);
    const b = TestMedium.line(LINE5);
    broadcast(b, "two", 2);
    expect(textsAt(b, 3)).toEqual(["two"]);
    expect(textsAt(b, 4)).toEqual([]);
  });

  it("each node transmits the broadcast once, and the last one in range does not relay a hop limit of 0", () => {
    const m = TestMedium.line(LINE6);
    broadcast(m, "x", 3);
    const senders = m.transmissions.map((t) => t.node);
    expect(senders).toEqual([0, 1, 2, 3]);
  });
});

describe("direct messages and traceroute over 3 hops", () => {
  const LINE4 = [0x201, 0x202, 0x203, 0x204];

  function withKeys(): TestMedium {
    const keys = LINE4.map(() => new Uint8Array(randomBytes(32)));
    const m = TestMedium.line(LINE4, {
      pki: nodePki,
      configure: (c, i) => {
        c.privateKey = keys[i];
        c.publicKey = nodePki.publicKeyFor(keys[i]);
        c.sendNodeInfo = true;
      },
    });
    // Let the first NodeInfo broadcasts (30 s after boot) spread so every node knows every key.
    m.run(90_000);
    return m;
  }

  it("a want_ack text DM over 3 hops is PKI-encrypted and gets its ACK back from the destination", () => {
    const m = withKeys();
    expect(m.nodes[0].nodes.get(0x204)?.user?.publicKey?.length).toBe(32);
    let id = 0;
    m.act(0, (n, now) => {
      id = n.sendText(0x204, "over three hops", 0, true, now);
    });
    m.run(m.now + 120_000);
    const got = m.deliveredPackets(3, PortNum.TEXT_MESSAGE_APP);
    expect(got.map((p) => new TextDecoder().decode(p.decoded?.payload))).toEqual(["over three hops"]);
    expect(got[0].pkiEncrypted).toBe(true);
    const acks = m.deliveredPackets(0, PortNum.ROUTING_APP).filter((p) => p.decoded?.requestId === id);
    const fromDest = acks.filter((p) => p.from === 0x204);
    expect(fromDest).toHaveLength(1);
    const routing = RoutingCodec.decode(fromDest[0].decoded?.payload ?? new Uint8Array());
    expect(routing.ok && routing.value.errorReason).toBe(0);
    // The first relay's rebroadcast was an implicit ACK, delivered from ourselves.
    expect(acks.some((p) => p.from === 0x201)).toBe(true);
    // Acknowledged: nothing left to retransmit, no MAX_RETRANSMIT NAK.
    expect(m.nodes[0].router.pending.size).toBe(0);
    expect(m.nodes[0].router.stats.maxRetransmitReached).toBe(0);
  });

  it("a traceroute returns the route and the SNRs both ways", () => {
    const m = TestMedium.line(LINE4, { snr: 6.25 });
    let id = 0;
    m.act(0, (n, now) => {
      id = n.send(TraceRouteModule.request(0x204, 0), now);
    });
    m.run(120_000);
    const replies = m.deliveredPackets(0, PortNum.TRACEROUTE_APP).filter((p) => p.decoded?.requestId === id);
    expect(replies).toHaveLength(1);
    const r = RouteDiscoveryCodec.decode(replies[0].decoded?.payload ?? new Uint8Array());
    if (!r.ok) throw new Error(r.error.message);
    // SNR 6.25 dB is stored as int8(6.25 * 4) = 25 at each hop.
    expect(r.value).toEqual({ route: [0x202, 0x203], snrTowards: [25, 25, 25], routeBack: [0x203, 0x202], snrBack: [25, 25, 25] });
  });
});
