// The port-number modules and the NodeDB, at virtual time.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { NodeDb } from "../../firmware/mesh/node-db.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { MAX_ROUTE_ENTRIES, UNKNOWN_HOP, UNKNOWN_SNR, appendHop } from "../../firmware/modules/traceroute.js";
import { emptyPacket } from "../../firmware/mesh/packet.js";
import { nodePki } from "../../firmware/platform/node/index.js";
import { PortNum, PositionCodec, RoutingCodec, RoutingError, TelemetryCodec, UserCodec } from "../../firmware/wire/index.js";
import { NodeBench, frameOf, header } from "../support/node-bench.js";

const US = 0x10;

describe("nodeinfo", () => {
  it("broadcasts our User periodically, with the public key, from 30 s after boot", () => {
    const priv = new Uint8Array(randomBytes(32));
    const b = new NodeBench((c) => {
      c.nodeInfoBroadcastSecs = 600;
      c.longName = "Hilltop relay";
      c.shortName = "HT";
      c.privateKey = priv;
      c.publicKey = nodePki.publicKeyFor(priv);
    });
    b.advance(29_000);
    expect(b.sent).toEqual([]);
    b.advance(1_300_000);
    const infos = b.sent.filter((s) => s.data?.portnum === PortNum.NODEINFO_APP);
    expect(infos.length).toBe(3); // 30 s, 630 s, 1230 s
    const u = UserCodec.decode(infos[0].data?.payload ?? new Uint8Array());
    expect(u.ok && u.value).toMatchObject({ id: "!00000010", longName: "Hilltop relay", shortName: "HT" });
    expect(u.ok && u.value.publicKey?.length).toBe(32);
  });

  it("stores Users it hears and answers want_response with ours", () => {
    const b = new NodeBench((c) => (c.longName = "Base"));
    b.rx(frameOf(header({ to: US }), { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ id: "!00000099", longName: "Asker" }), wantResponse: true, bitfield: 2 }));
    expect(b.node.nodes.get(0x99)?.user?.longName).toBe("Asker");
    b.advance(30_000);
    const reply = b.sent.find((s) => s.data?.portnum === PortNum.NODEINFO_APP);
    expect(reply?.header.to).toBe(0x99);
    expect(reply?.data?.requestId).toBe(0x1234);
    expect(UserCodec.decode(reply?.data?.payload ?? new Uint8Array())).toMatchObject({ ok: true, value: { longName: "Base" } });
    // A module reply replaces the plain ACK.
    expect(b.sent.filter((s) => s.data?.portnum === PortNum.ROUTING_APP)).toEqual([]);
  });
});

describe("position", () => {
  it("broadcasts periodically and again when it moved far enough (smart broadcast)", () => {
    const b = new NodeBench((c) => {
      c.positionBroadcastSecs = 900;
      c.channels[0].positionPrecision = 32;
      c.position = { latitudeI: 515_000_000, longitudeI: -1_000_000 };
    });
    b.advance(31_000);
    expect(b.sent.filter((s) => s.data?.portnum === PortNum.POSITION_APP)).toHaveLength(1);
    // Moving 50 m is not enough; 300 m is, once 30 s have passed.
    b.node.config.position = { latitudeI: 515_004_500, longitudeI: -1_000_000 };
    b.advance(60_000);
    expect(b.sent.filter((s) => s.data?.portnum === PortNum.POSITION_APP)).toHaveLength(1);
    b.node.config.position = { latitudeI: 515_027_000, longitudeI: -1_000_000 };
    b.act((n, now) => n.handle({ type: "tick" }, now));
    b.advance(30_000);
    const sent = b.sent.filter((s) => s.data?.portnum === PortNum.POSITION_APP);
    expect(sent).toHaveLength(2);
    expect(PositionCodec.decode(sent[1].data?.payload ?? new Uint8Array())).toEqual({ ok: true, value: { latitudeI: 515_027_000, longitudeI: -1_000_000 } });
  });

  it("stores positions it hears in the NodeDB", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({}), { portnum: PortNum.POSITION_APP, payload: PositionCodec.encode({ latitudeI: 7, longitudeI: 8 }), bitfield: 0 }));
    expect(b.node.nodes.get(0x99)?.position).toEqual({ latitudeI: 7, longitudeI: 8 });
  });
});

describe("telemetry", () => {
  it("broadcasts device metrics: external power, utilisation and uptime", () => {
    const b = new NodeBench((c) => (c.telemetryIntervalSecs = 1800));
    b.advance(31_000);
    const t = b.sent.find((s) => s.data?.portnum === PortNum.TELEMETRY_APP);
    const m = TelemetryCodec.decode(t?.data?.payload ?? new Uint8Array());
    expect(m.ok && m.value.deviceMetrics).toMatchObject({ batteryLevel: 101, uptimeSeconds: 30 });
  });

  it("polite limit: no periodic broadcast while the channel is over 25 % busy", () => {
    const b = new NodeBench((c) => (c.telemetryIntervalSecs = 1800));
    // 20 s of reception in the last minute: 33 % channel utilisation.
    b.node.timing.recordRx(20_000, 25_000);
    b.advance(31_000);
    expect(b.sent).toEqual([]);
  });
});

describe("text", () => {
  it("a text DM needs PKI: with our key but no key for the destination it is refused (PKI_SEND_FAIL_PUBLIC_KEY)", () => {
    const priv = new Uint8Array(randomBytes(32));
    const b = new NodeBench(
      (c) => {
        c.privateKey = priv;
        c.publicKey = nodePki.publicKeyFor(priv);
      },
      US,
      nodePki,
    );
    let id = -1;
    b.act((n, now) => (id = n.sendText(0x55, "hi", 0, true, now)));
    expect(id).toBe(0);
    const nak = b.delivered.find((p) => p.decoded?.portnum === PortNum.ROUTING_APP);
    const r = RoutingCodec.decode(nak?.decoded?.payload ?? new Uint8Array());
    expect(r.ok && r.value.errorReason).toBe(RoutingError.PKI_SEND_FAIL_PUBLIC_KEY);
  });

  it("broadcast text stays on the channel key", () => {
    const b = new NodeBench((c) => (c.privateKey = new Uint8Array(32).fill(1)), US, nodePki);
    b.act((n, now) => n.sendText(BROADCAST, "all", 0, false, now));
    b.advance(30_000);
    expect(new TextDecoder().decode(b.sent[0].data?.payload)).toBe("all");
  });
});

describe("traceroute", () => {
  it("pads unknown hops and their SNRs before appending this hop", () => {
    const p = emptyPacket();
    p.to = 0x55;
    p.hopStart = 5;
    p.hopLimit = 2; // 3 hops taken, one known
    p.rxSnr = -2.5;
    const r = appendHop({ route: [0x11], snrTowards: [20] }, p, 0x33, true);
    expect(r.route).toEqual([0x11, UNKNOWN_HOP, UNKNOWN_HOP, 0x33]);
    expect(r.snrTowards).toEqual([20, UNKNOWN_SNR, UNKNOWN_SNR, -10]);
  });

  it("holds at most 8 hops", () => {
    const p = emptyPacket();
    p.to = 0x55;
    const full = { route: [1, 2, 3, 4, 5, 6, 7, 8], snrTowards: [1, 2, 3, 4, 5, 6, 7, 8] };
    const r = appendHop(full, p, 0x33, true);
    expect(r.route).toHaveLength(MAX_ROUTE_ENTRIES);
    expect(r.snrTowards).toHaveLength(MAX_ROUTE_ENTRIES);
  });
});

describe("reliable relays and upgrades", () => {
  it("a DM we relay towards a known next hop gets an intermediate record with 2 transmissions", () => {
    const b = new NodeBench();
    b.node.nodes.getOrCreate(0x55).nextHop = 0x66;
    b.rx(frameOf(header({ to: 0x55, wantAck: true, nextHop: 0x10 }), { portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array([1]) }));
    b.advance(200_000);
    expect(b.sentOf(0x99, 0x1234).map((s) => s.header.nextHop)).toEqual([0x66, 0]);
  });

  it("a duplicate with a higher hop limit replaces our queued copy", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ hopLimit: 1, hopStart: 3 }), { portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array() }));
    expect(b.node.router.queue.find(0x99, 0x1234)?.hopLimit).toBe(0);
    b.rx(frameOf(header({ hopLimit: 2, hopStart: 3, relayNode: 0x44 }), { portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array() }));
    expect(b.node.router.queue.find(0x99, 0x1234)?.hopLimit).toBe(1);
    b.advance(30_000);
    expect(b.sentOf(0x99, 0x1234).map((s) => s.header.hopLimit)).toEqual([1]);
    // Handled (and delivered) once, not again for the upgrade.
    expect(b.delivered.filter((p) => p.id === 0x1234)).toHaveLength(1);
  });
});

describe("NodeDB", () => {
  it("is bounded: when full the least recently heard non-favourite is replaced, and counted", () => {
    const db = new NodeDb(3);
    for (const [num, t] of [
      [1, 100],
      [2, 50],
      [3, 200],
    ]) db.getOrCreate(num).lastHeardMs = t;
    db.get(2)!.isFavorite = true;
    db.getOrCreate(4);
    expect(db.size).toBe(3);
    expect(db.get(1)).toBeUndefined();
    expect(db.get(2)).toBeDefined();
    expect(db.evictions).toBe(1);
  });

  it("ALL relays a packet from a sender unknown to the NodeDB, and the NodeDB then knows it", () => {
    const b = new NodeBench();
    b.rx(frameOf(header({ from: 0x4242 }), { portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array(), bitfield: 0 }), 4.5);
    expect(b.node.nodes.get(0x4242)).toMatchObject({ snr: 4.5, hopsAway: 0 });
  });
});
