// One test per router rule of spec section 6, at virtual time, titled with the rule.
import { describe, expect, it } from "vitest";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { SeededRng } from "../../firmware/mesh/rng.js";
import { PacketIdGenerator } from "../../firmware/mesh/packet-id.js";
import { retransmissionMsec } from "../../firmware/mesh/contention.js";
import { CW_MAX } from "../../firmware/mesh/contention.js";
import { sendRequest } from "../../firmware/node-events.js";
import { setRole } from "../../firmware/mesh/node-config.js";
import { channelHash } from "../../firmware/crypto/channel-hash.js";
import { DataCodec } from "../../firmware/wire/messages.js";
import { PortNum, PositionCodec, Priority, RebroadcastMode, Role, RoutingCodec, RoutingError } from "../../firmware/wire/index.js";
import { LONGFAST_HASH, NodeBench, frameOf, header } from "../support/node-bench.js";

const US = 0x10;
const text = (s: string) => ({ portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode(s), bitfield: 0 });

function routingOf(p: { decoded?: { payload?: Uint8Array } }): number | undefined {
  const r = RoutingCodec.decode(p.decoded?.payload ?? new Uint8Array());
  return r.ok ? r.value.errorReason : undefined;
}

describe("6.1 packet ids and allocation", () => {
  it("ids have a rolling 10-bit counter in the low bits and random upper bits, never 0", () => {
    const g = new PacketIdGenerator(new SeededRng(3));
    const ids = Array.from({ length: 2000 }, () => g.next());
    for (let i = 1; i < ids.length; i++) expect(ids[i] & 0x3ff).toBe(((ids[i - 1] & 0x3ff) + 1) & 0x3ff);
    expect(new Set(ids.map((x) => x >>> 10)).size).toBeGreaterThan(1990);
    expect(ids.includes(0)).toBe(false);
  });

  it("own packets get hop_start = hop_limit; an app's hop limit above 7 goes on the air as 3 with hop_start's low bits", () => {
    const b = new NodeBench((c) => (c.hopLimit = 5));
    b.act((n, now) => n.sendText(BROADCAST, "a", 0, false, now));
    b.act((n, now) => {
      const r = sendRequest(BROADCAST, PortNum.TEXT_MESSAGE_APP, new Uint8Array([98]), 0);
      r.hopLimit = 9;
      n.send(r, now);
    });
    b.advance(30_000);
    // RadioInterface::beginSending 984-991: hop_limit > 7 is sent as HOP_RELIABLE, and hop_start (9)
    // keeps only its 3 low bits in the flags byte.
    expect(b.sent.map((s) => [s.header.hopLimit, s.header.hopStart])).toEqual([
      [5, 5],
      [3, 1],
    ]);
  });
});

describe("6.2 send path", () => {
  it("relay_node is our last byte, and 0x00 is sent as 0xFF", () => {
    const b = new NodeBench(undefined, 0x1200);
    b.act((n, now) => n.sendText(BROADCAST, "a", 0, false, now));
    b.advance(30_000);
    expect(b.sent[0].header.relayNode).toBe(0xff);
  });

  it("own Data always carries the bitfield: OK-to-MQTT in bit 0, want_response in bit 1", () => {
    const b = new NodeBench((c) => (c.configOkToMqtt = true));
    b.act((n, now) => {
      const r = sendRequest(BROADCAST, PortNum.TEXT_MESSAGE_APP, new Uint8Array([1]), 0);
      r.wantResponse = true;
      n.send(r, now);
    });
    const c = new NodeBench();
    c.act((n, now) => n.sendText(BROADCAST, "a", 0, false, now));
    b.advance(30_000);
    c.advance(30_000);
    expect(b.sent[0].data?.bitfield).toBe(3);
    expect(c.sent[0].data?.bitfield).toBe(0);
  });

  it("fixPriority: ROUTING → ACK, TEXT → HIGH, request_id → RESPONSE, want_response → RELIABLE, else DEFAULT", () => {
    const b = new NodeBench();
    const prio = (port: number, f?: (r: ReturnType<typeof sendRequest>) => void): number => {
      const r = sendRequest(0x77, port, new Uint8Array([8, 0]), 0);
      f?.(r);
      let id = 0;
      b.act((n, now) => (id = n.send(r, now)));
      return b.node.router.queue.find(US, id)?.priority ?? -1;
    };
    expect(prio(PortNum.ROUTING_APP)).toBe(Priority.ACK);
    expect(prio(PortNum.TEXT_MESSAGE_APP)).toBe(Priority.HIGH);
    expect(prio(PortNum.TELEMETRY_APP, (r) => (r.requestId = 5))).toBe(Priority.RESPONSE);
    expect(prio(PortNum.TELEMETRY_APP, (r) => (r.wantResponse = true))).toBe(Priority.RELIABLE);
    expect(prio(PortNum.TELEMETRY_APP, (r) => (r.wantAck = true))).toBe(Priority.RELIABLE);
    expect(prio(PortNum.TELEMETRY_APP)).toBe(Priority.DEFAULT);
  });

  it("a broadcast never asks for an ACK on the air", () => {
    const b = new NodeBench();
    b.act((n, now) => n.sendText(BROADCAST, "a", 0, true, now));
    b.advance(30_000);
    expect(b.sent[0].header.wantAck).toBe(false);
  });

  it("channel position precision truncates our own position and centres it in the cell", () => {
    const b = new NodeBench((c) => (c.channels[0].positionPrecision = 13));
    b.act((n, now) => n.send(sendRequest(BROADCAST, PortNum.POSITION_APP, PositionCodec.encode({ latitudeI: 515_123_456, longitudeI: -1_234_567, time: 5 }), 0), now));
    b.advance(30_000);
    const pos = PositionCodec.decode(b.sent[0].data?.payload ?? new Uint8Array());
    if (!pos.ok) throw new Error(pos.error.message);
    const mask = (0xffffffff << 19) >>> 0;
    expect(pos.value.latitudeI).toBe((((515_123_456 & mask) >>> 0) + (1 << 18)) | 0);
    expect(pos.value.longitudeI).toBe((((-1_234_567 & mask) >>> 0) + (1 << 18)) | 0);
    expect(pos.value.precisionBits).toBe(13);
  });

  it("precision 0 sends an empty Position with only the time", () => {
    const b = new NodeBench((c) => (c.channels[0].positionPrecision = 0));
    b.act((n, now) => n.send(sendRequest(BROADCAST, PortNum.POSITION_APP, PositionCodec.encode({ latitudeI: 1, longitudeI: 2, time: 5 }), 0), now));
    b.advance(30_000);
    expect(PositionCodec.decode(b.sent[0].data?.payload ?? new Uint8Array())).toEqual({ ok: true, value: { time: 5 } });
  });
});

describe("6.3 receive filters", () => {
  const hello = frameOf(header({}), text("hello"));

  it("packets from a node in ignore_incoming are dropped", () => {
    const b = new NodeBench((c) => (c.ignoreIncoming = [0x99]));
    b.rx(hello);
    expect(b.delivered).toEqual([]);
    expect(b.node.router.stats.drops["ignored-incoming"]).toBe(1);
  });

  it("ignore_mqtt drops packets carrying the via_mqtt flag", () => {
    const b = new NodeBench((c) => (c.ignoreMqtt = true));
    b.rx(frameOf(header({ viaMqtt: true }), text("x")));
    b.rx(frameOf(header({ id: 77 }), text("y")));
    expect(b.delivered.map((p) => p.id)).toEqual([77]);
  });

  it("a ROUTER (CORE_PORTNUMS_ONLY) neither handles nor relays a non-core port number", () => {
    const b = new NodeBench((c) => setRole(c, Role.ROUTER));
    b.rx(frameOf(header({}), { portnum: PortNum.RANGE_TEST_APP, payload: new Uint8Array([1]) }));
    b.rx(frameOf(header({ id: 5 }), text("core")));
    b.advance(30_000);
    expect(b.delivered.map((p) => p.id)).toEqual([5]);
    expect(b.sent.map((s) => s.header.id)).toEqual([5]);
  });

  it("a channel-encrypted text DM to us is rejected as a legacy DM", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ to: US }), text("psst")));
    // Not decoded: the app gets it still encrypted, as the firmware hands every packet to us to the phone.
    expect(b.delivered.map((p) => p.decoded)).toEqual([undefined]);
    expect(b.node.router.stats.drops["legacy-dm"]).toBe(1);
  });

  it("want_response in the bitfield is ORed into the Data", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({}), { portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array(), bitfield: 2 }));
    expect(b.delivered[0].decoded?.wantResponse).toBe(true);
  });
});

describe("6.4 duplicate detection", () => {
  it("a packet is handled once per (from, id)", () => {
    const b = new NodeBench();
    const f = frameOf(header({}), text("once"));
    b.rx(f);
    b.rx(f);
    expect(b.delivered).toHaveLength(1);
    expect(b.node.router.stats.rxDupe).toBe(1);
  });

  it("id 0 is never deduplicated and never relayed", () => {
    const b = new NodeBench();
    const f = frameOf(header({ id: 0 }), text("zero"));
    b.rx(f);
    b.rx(f);
    b.advance(30_000);
    expect(b.delivered).toHaveLength(2);
    expect(b.sent).toEqual([]);
  });

  it("hops away = hop_start − hop_limit is stored in the NodeDB", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ hopStart: 5, hopLimit: 2 }), text("far")));
    expect(b.node.nodes.get(0x99)?.hopsAway).toBe(3);
  });
});

describe("6.5 rebroadcast decision", () => {
  it("hop_limit 0 is not relayed", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ hopLimit: 0 }), text("end")));
    b.advance(30_000);
    expect(b.delivered).toHaveLength(1);
    expect(b.sent).toEqual([]);
  });

  it("a relay decrements the hop limit, keeps hop_start and puts our byte in relay_node", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ hopLimit: 3, hopStart: 3 }), text("go")));
    b.advance(30_000);
    expect(b.sent[0].header).toMatchObject({ hopLimit: 2, hopStart: 3, relayNode: US, from: 0x99, channel: LONGFAST_HASH });
  });

  it("CLIENT_MUTE and rebroadcast mode NONE never relay", () => {
    for (const cfg of [(c: any) => (c.role = Role.CLIENT_MUTE), (c: any) => (c.rebroadcastMode = RebroadcastMode.NONE)]) {
      const b = new NodeBench(cfg);
      b.rx(frameOf(header({}), text("x")));
      b.advance(30_000);
      expect(b.sent).toEqual([]);
    }
  });

  it("a packet whose next_hop is another node is not relayed by us", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ to: 0x55, nextHop: 0x44 }), { portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array() }));
    b.advance(30_000);
    expect(b.sent).toEqual([]);
  });

  it("ALL relays packets it cannot decrypt, LOCAL_ONLY does not", () => {
    const secret = new Uint8Array(16).fill(9);
    const f = frameOf(header({ channel: 0x42 }), text("secret"), secret);
    const all = new NodeBench();
    all.rx(f);
    all.advance(30_000);
    expect(all.sent.map((s) => s.header.channel)).toEqual([0x42]);
    const local = new NodeBench((c) => (c.rebroadcastMode = RebroadcastMode.LOCAL_ONLY));
    local.rx(f);
    local.advance(30_000);
    expect(local.sent).toEqual([]);
  });

  it("KNOWN_ONLY does not decode (or relay) packets from senders without user info", () => {
    const b = new NodeBench((c) => (c.rebroadcastMode = RebroadcastMode.KNOWN_ONLY));
    b.rx(frameOf(header({}), text("who")));
    b.advance(30_000);
    expect(b.delivered).toEqual([]);
    expect(b.sent).toEqual([]);
  });

  it("a ROUTER keeps the hop limit when the previous relay is a favourite router", () => {
    const b = new NodeBench((c) => {
      c.role = Role.ROUTER;
      c.favorites = [0x3377];
    });
    b.node.nodes.getOrCreate(0x3377).user = { role: Role.ROUTER };
    b.rx(frameOf(header({ hopStart: 3, hopLimit: 2, relayNode: 0x77 }), text("keep")));
    b.advance(30_000);
    expect(b.sent[0].header.hopLimit).toBe(2);
  });

  it("the first hop always decrements, even between favourite routers", () => {
    const b = new NodeBench((c) => {
      c.role = Role.ROUTER;
      c.favorites = [0x99];
    });
    b.node.nodes.getOrCreate(0x99).user = { role: Role.ROUTER };
    b.rx(frameOf(header({ hopStart: 3, hopLimit: 3, relayNode: 0x99 }), text("first")));
    b.advance(30_000);
    expect(b.sent[0].header.hopLimit).toBe(2);
  });
});

describe("6.6 contention window and delays", () => {
  function relayDelay(role: number, snr: number, seed: number): number {
    const b = new NodeBench((c) => (c.role = role), US, undefined, seed);
    b.rx(frameOf(header({}), text("d")), snr);
    b.advance(60_000);
    return b.sent[0].at;
  }

  it("a ROUTER relays inside the early window; a CLIENT waits 2·CWmax slots first", () => {
    const slot = 28; // LongFast
    for (let seed = 1; seed < 30; seed++) {
      // SNR 10 dB → CW 8: the router's window is [0, 2·8) slots.
      expect(relayDelay(Role.ROUTER, 10, seed)).toBeLessThan(2 * 8 * slot);
      const client = relayDelay(Role.CLIENT, 10, seed);
      expect(client).toBeGreaterThanOrEqual(2 * CW_MAX * slot);
      expect(client).toBeLessThan(2 * CW_MAX * slot + 256 * slot);
    }
  });

  it("weaker rebroadcasts (low SNR) get the smaller window, so they go first", () => {
    const slot = 28;
    for (let seed = 1; seed < 30; seed++) expect(relayDelay(Role.CLIENT, -20, seed)).toBeLessThan(2 * CW_MAX * slot + 8 * slot);
  });

  it("nothing is sent while the radio still hears another frame after a decode (isChannelActive)", () => {
    const b = new NodeBench();
    b.act((n, now) => n.sendText(BROADCAST, "mine", 0, false, now));
    // A frame ends while a second is still on air; our relay of it and our own text must wait.
    b.rx(frameOf(header({ id: 0x77 }), text("d")), 6, -90, true);
    b.advance(60_000);
    expect(b.sent).toHaveLength(0);
    b.act((n, now) => n.handle({ type: "channel-busy", busy: false }, now));
    b.advance(60_000);
    expect(b.sent.map((s) => s.header.from).sort()).toEqual([0x99, US]);
  });

  it("a transmission that ends with another frame on air holds the next one too", () => {
    const b = new NodeBench();
    b.act((n, now) => n.sendText(BROADCAST, "one", 0, false, now));
    b.act((n, now) => n.sendText(BROADCAST, "two", 0, false, now));
    b.busyAfterTx = true;
    b.advance(60_000);
    expect(b.sent).toHaveLength(1);
    b.act((n, now) => n.handle({ type: "channel-busy", busy: false }, now));
    b.advance(60_000);
    expect(b.sent.map((s) => s.data?.payload?.[0])).toEqual([111, 116]);
  });

  it("the LongFast retransmission timeout equals the formula", () => {
    // 2·airtime + (2^CW + 2·CWmax + 2^5)·slot + 4500 with CW = 3 at 0 % utilisation:
    // airtime 1000 ms, slot 28 ms → 2000 + (8 + 16 + 32)·28 + 4500 = 8068 ms.
    expect(retransmissionMsec(1000, 28, 0)).toBe(8068);
    const b = new NodeBench();
    let id = 0;
    b.act((n, now) => (id = n.send({ ...sendRequest(0x55, PortNum.TELEMETRY_APP, new Uint8Array([1, 2]), 0), wantAck: true }, now)));
    const pending = b.node.router.pending.find(US, id);
    const p = pending?.packet;
    if (p?.decoded === undefined) throw new Error("no pending record");
    // The record is the copy taken before encryption: its Data (no bitfield yet) plus the 16-byte header.
    const airtime = b.node.timing.airtimeMs(DataCodec.encode(p.decoded).length + 16);
    expect(pending?.nextTxMs).toBe(2 * airtime + (8 + 16 + 32) * 28 + 4500);
  });
});

describe("6.7 cancel on duplicate", () => {
  function queuedAfterDupe(role: number): { queued: boolean; txAfter: number } {
    const b = new NodeBench((c) => (c.role = role));
    b.rx(frameOf(header({}), text("dup")));
    b.rx(frameOf(header({ relayNode: 0x42, hopLimit: 2 }), text("dup")));
    const q = b.node.router.queue.find(0x99, 0x1234);
    return { queued: q !== undefined, txAfter: q?.txAfter ?? 0 };
  }

  it("a CLIENT cancels its queued rebroadcast on hearing a duplicate", () => {
    expect(queuedAfterDupe(Role.CLIENT).queued).toBe(false);
  });

  it("a ROUTER does not cancel", () => {
    expect(queuedAfterDupe(Role.ROUTER)).toEqual({ queued: true, txAfter: 0 });
  });

  it("ROUTER_LATE moves its queued rebroadcast to the late window", () => {
    const r = queuedAfterDupe(Role.ROUTER_LATE);
    expect(r.queued).toBe(true);
    expect(r.txAfter).toBeGreaterThan(0);
  });

  it("an overheard ACK for a DM cancels our queued relay of it", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ to: 0x55, id: 0x500 }), { portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array() }));
    expect(b.node.router.queue.find(0x99, 0x500)).toBeDefined();
    b.rx(frameOf(header({ from: 0x55, to: 0x99, id: 0x501 }), { portnum: PortNum.ROUTING_APP, payload: RoutingCodec.encode({ errorReason: 0 }), requestId: 0x500 }));
    expect(b.node.router.queue.find(0x99, 0x500)).toBeUndefined();
  });
});

describe("6.8 and 6.9 next hops and reliable delivery", () => {
  function dm(b: NodeBench, to: number): number {
    let id = 0;
    b.act((n, now) => (id = n.send({ ...sendRequest(to, PortNum.TELEMETRY_APP, new Uint8Array([1]), 0), wantAck: true }, now)));
    return id;
  }

  it("the next hop is learned from the relayer of an ACK that also relayed the original", () => {
    const b = new NodeBench();
    b.node.nodes.getOrCreate(0x55);
    const id = dm(b, 0x55);
    b.advance(2_000);
    // 0x66 rebroadcasts our DM (an implicit ACK) and later relays the destination's ACK back.
    b.rx(frameOf(header({ from: US, to: 0x55, id, hopLimit: 2, hopStart: 3, relayNode: 0x66 }), { portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array([1]), bitfield: 0 }));
    b.rx(frameOf(header({ from: 0x55, to: US, id: 0x777, hopLimit: 2, hopStart: 3, relayNode: 0x66 }), { portnum: PortNum.ROUTING_APP, payload: RoutingCodec.encode({ errorReason: 0 }), requestId: id }));
    expect(b.node.nodes.get(0x55)?.nextHop).toBe(0x66);
    // The next DM to 0x55 is directed through 0x66.
    const id2 = dm(b, 0x55);
    b.advance(10_000);
    expect(b.sentOf(US, id2)[0].header.nextHop).toBe(0x66);
  });

  it("an overheard rebroadcast of our packet is an implicit ACK", () => {
    const b = new NodeBench();
    const id = dm(b, 0x55);
    b.advance(2_000);
    b.rx(frameOf(header({ from: US, to: 0x55, id, hopLimit: 2, hopStart: 3, relayNode: 0x66 }), { portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array([1]), bitfield: 0 }));
    const acks = b.delivered.filter((p) => p.decoded?.portnum === PortNum.ROUTING_APP && p.decoded.requestId === id);
    expect(acks.map(routingOf)).toEqual([RoutingError.NONE]);
    expect(b.node.router.pending.size).toBe(0);
  });

  it("want_ack: 3 transmissions, the third floods, then a MAX_RETRANSMIT NAK", () => {
    const b = new NodeBench();
    b.node.nodes.getOrCreate(0x55).nextHop = 0x66;
    const id = dm(b, 0x55);
    b.advance(120_000);
    const tries = b.sentOf(US, id);
    expect(tries.map((t) => t.header.nextHop)).toEqual([0x66, 0x66, 0]);
    expect(b.node.nodes.get(0x55)?.nextHop).toBe(0);
    const naks = b.delivered.filter((p) => p.decoded?.requestId === id).map(routingOf);
    expect(naks).toEqual([RoutingError.MAX_RETRANSMIT]);
  });

  it("a want_ack packet to us is ACKed with the response hop limit; a text DM's ACK wants an ACK itself", () => {
    // Licensed: channel text DMs are accepted, and channels carry no key (ensureLicensedOperation).
    const b = new NodeBench((c) => (c.isLicensed = true));
    const clear = channelHash("LongFast", null);
    b.rx(frameOf(header({ to: US, wantAck: true, hopStart: 3, hopLimit: 2, id: 0x900, channel: clear }), text("ack me"), null));
    b.rx(frameOf(header({ to: US, wantAck: true, hopStart: 3, hopLimit: 2, id: 0x901, channel: clear }), { portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array(), bitfield: 0 }, null));
    b.advance(30_000);
    const ack = (req: number) => b.sent.find((s) => s.data?.portnum === PortNum.ROUTING_APP && s.data.requestId === req);
    // 1 hop used; 1 + 2 = 3 is not below the configured 3, so the configured limit.
    expect(ack(0x900)?.header).toMatchObject({ to: 0x99, hopLimit: 3, wantAck: true });
    expect(ack(0x901)?.header).toMatchObject({ to: 0x99, hopLimit: 3, wantAck: false });
  });

  it("an undecodable want_ack packet to us gets a NO_CHANNEL NAK", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ to: US, wantAck: true, channel: 0x42 }), text("?"), new Uint8Array(16).fill(3)));
    b.advance(30_000);
    const nak = b.sent.find((s) => s.data?.portnum === PortNum.ROUTING_APP);
    expect(nak && routingOf({ decoded: nak.data })).toBe(RoutingError.NO_CHANNEL);
  });
});

describe("6.11-6.12 queue and duty cycle", () => {
  it("TX queue: a full queue drops the newcomer and counts it", () => {
    const b = new NodeBench();
    for (let i = 0; i < 20; i++) b.rx(frameOf(header({ id: 0x100 + i }), { portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array() }));
    expect(b.node.router.queue.size).toBe(16);
    expect(b.node.router.stats.drops["queue-full"]).toBe(4);
  });

  it("duty-cycle refusal in EU_868: over 10 % of the hour on air, our sends are refused with DUTY_CYCLE_LIMIT", () => {
    const b = new NodeBench((c) => (c.region = 3));
    // 7 minutes of TX in the last hour is 11.7 % > 10 %.
    b.node.timing.recordTx(7 * 60 * 1000, 0);
    b.advance(1000);
    let id = -1;
    b.act((n, now) => (id = n.sendText(BROADCAST, "too much", 0, false, now)));
    expect(id).toBe(0);
    expect(b.delivered.map(routingOf)).toEqual([RoutingError.DUTY_CYCLE_LIMIT]);
    b.advance(60_000);
    expect(b.sent).toEqual([]);
    // In US (no duty-cycle limit) the same airtime changes nothing.
    const us = new NodeBench();
    us.node.timing.recordTx(7 * 60 * 1000, 0);
    us.act((n, now) => expect(n.sendText(BROADCAST, "fine", 0, false, now)).not.toBe(0));
  });
});

describe("roles", () => {
  it("TRACKER, SENSOR, TAK, TAK_TRACKER, LOST_AND_FOUND, CLIENT_BASE and ROUTER_LATE relay like a client", () => {
    for (const role of [Role.TRACKER, Role.SENSOR, Role.TAK, Role.TAK_TRACKER, Role.LOST_AND_FOUND, Role.CLIENT_BASE, Role.ROUTER_LATE]) {
      const b = new NodeBench((c) => (c.role = role));
      b.rx(frameOf(header({}), text("r")));
      b.advance(60_000);
      expect(b.sent.length, `role ${role}`).toBe(1);
    }
  });

  it("setting a role (AdminModule): REPEATER and ROUTER_CLIENT become CLIENT, ROUTER gets CORE_PORTNUMS_ONLY once, routers are never NONE", () => {
    expect(new NodeBench((c) => setRole(c, Role.REPEATER)).node.config.role).toBe(Role.CLIENT);
    expect(new NodeBench((c) => setRole(c, Role.ROUTER_CLIENT)).node.config.role).toBe(Role.CLIENT);
    expect(new NodeBench((c) => setRole(c, Role.ROUTER)).node.config.rebroadcastMode).toBe(RebroadcastMode.CORE_PORTNUMS_ONLY);
    // A mode set after the role stays (the app lets a ROUTER relay everything).
    const all = new NodeBench((c) => {
      setRole(c, Role.ROUTER);
      c.rebroadcastMode = RebroadcastMode.ALL;
    });
    all.rx(frameOf(header({}), { portnum: PortNum.RANGE_TEST_APP, payload: new Uint8Array([1]) }));
    all.advance(30_000);
    expect(all.sent).toHaveLength(1);
    const late = new NodeBench((c) => {
      c.rebroadcastMode = RebroadcastMode.NONE;
      setRole(c, Role.ROUTER_LATE);
    });
    expect(late.node.config.rebroadcastMode).toBe(RebroadcastMode.ALL);
  });

  it("CLIENT_HIDDEN is LOCAL_ONLY, sends no NodeInfo or telemetry, and one position after boot", () => {
    const b = new NodeBench((c) => {
      setRole(c, Role.CLIENT_HIDDEN);
      c.sendNodeInfo = true;
      c.sendPosition = true;
      c.deviceTelemetryEnabled = true;
      c.position = { latitudeI: 515_000_000, longitudeI: -1_000_000 };
      c.fixedPosition = true;
    });
    expect(b.node.config.rebroadcastMode).toBe(RebroadcastMode.LOCAL_ONLY);
    b.advance(6 * 3600_000);
    // PositionModule::runOnce checks no role: its first run sends (lastGpsSend == 0); then MAX_INTERVAL.
    expect(b.sent.map((s) => s.data?.portnum)).toEqual([PortNum.POSITION_APP]);
  });
});
