// PacketHistory (firmware src/mesh/PacketHistory.cpp): duplicate detection, upgrades, fallback,
// relayer bookkeeping and the full-table rule. Each test is titled with the rule it checks.
import { describe, expect, it } from "vitest";
import {
  NUM_RELAYERS,
  PACKET_HISTORY_MAX,
  PacketHistory,
  packetHistoryMax,
  type HistoryPacket,
} from "../../../firmware/mesh/packet-history.js";

const OUR = 0x0a0b0c0d;
const OUR_BYTE = 0x0d;
const SENDER = 0x11223344;

function pkt(over: Partial<HistoryPacket>): HistoryPacket {
  return { from: SENDER, id: 1, hopLimit: 3, nextHop: 0, relayNode: 0x44, ...over };
}

function relayers(h: PacketHistory, from: number, id: number): number[] {
  const r = h.getRecord(from, id);
  if (!r) throw new Error("no record");
  return r.relayedBy.filter((b) => b !== 0);
}

describe("PacketHistory", () => {
  it("the default size is max(2 x MAX_NUM_NODES, 100) = 200; invalid sizes fall back to it", () => {
    expect(PACKET_HISTORY_MAX).toBe(200);
    expect(packetHistoryMax(10)).toBe(100);
    expect(packetHistoryMax(250)).toBe(500);
    expect(new PacketHistory(OUR).capacity).toBe(200);
    expect(new PacketHistory(OUR, 3).capacity).toBe(200);
    expect(new PacketHistory(OUR, 12.5).capacity).toBe(200);
    expect(new PacketHistory(OUR, 0x10000).capacity).toBe(200);
    expect(new PacketHistory(OUR, 4).capacity).toBe(4);
    expect(new PacketHistory(OUR, 500).capacity).toBe(500);
  });

  it("id 0 is never recorded or a duplicate", () => {
    const h = new PacketHistory(OUR);
    for (let i = 0; i < 3; i++) {
      expect(h.wasSeenRecently(pkt({ id: 0 }), true, 100 + i)).toEqual({
        seen: false,
        wasUpgraded: false,
        wasFallback: false,
        weWereNextHop: false,
      });
    }
    expect(h.size).toBe(0);
    expect(h.stats.ignoredIdZero).toBe(3);
  });

  it("a second copy of (sender, id) is a duplicate; another id or sender is not", () => {
    const h = new PacketHistory(OUR);
    expect(h.wasSeenRecently(pkt({}), true, 1).seen).toBe(false);
    expect(h.wasSeenRecently(pkt({ relayNode: 0x55, hopLimit: 2 }), true, 2).seen).toBe(true);
    expect(h.wasSeenRecently(pkt({ id: 2 }), true, 3).seen).toBe(false);
    expect(h.wasSeenRecently(pkt({ from: 0x99 }), true, 4).seen).toBe(false);
    expect(h.size).toBe(3);
    expect(h.stats.duplicates).toBe(1);
  });

  it("without update nothing is recorded", () => {
    const h = new PacketHistory(OUR);
    expect(h.wasSeenRecently(pkt({}), false, 1).seen).toBe(false);
    expect(h.wasSeenRecently(pkt({}), false, 2).seen).toBe(false);
    expect(h.size).toBe(0);
  });

  it("from 0 is recorded under our own node number", () => {
    const h = new PacketHistory(OUR);
    h.wasSeenRecently(pkt({ from: 0, id: 7 }), true, 1);
    expect(h.wasSeenRecently(pkt({ from: OUR, id: 7 }), false, 2).seen).toBe(true);
    expect(h.getRecord(OUR, 7)?.sender).toBe(OUR);
    // find() never matches a zero sender.
    expect(h.getRecord(0, 7)).toBeUndefined();
  });

  it("a duplicate with a higher hop limit is an upgrade; equal or lower is not", () => {
    const h = new PacketHistory(OUR);
    h.wasSeenRecently(pkt({ hopLimit: 2 }), true, 1);
    const up = h.wasSeenRecently(pkt({ hopLimit: 4 }), true, 2);
    expect(up.seen).toBe(true);
    expect(up.wasUpgraded).toBe(true);
    expect(h.wasSeenRecently(pkt({ hopLimit: 4 }), true, 3).wasUpgraded).toBe(false);
    expect(h.wasSeenRecently(pkt({ hopLimit: 1 }), true, 4).wasUpgraded).toBe(false);
    expect(h.stats.upgrades).toBe(1);
  });

  it("the highest hop limit heard is kept when a lower copy follows", () => {
    const h = new PacketHistory(OUR);
    h.wasSeenRecently(pkt({ hopLimit: 5 }), true, 1);
    h.wasSeenRecently(pkt({ hopLimit: 1 }), true, 2);
    expect(h.getRecord(SENDER, 1)?.highestHopLimit).toBe(5);
    expect(h.wasSeenRecently(pkt({ hopLimit: 5 }), true, 3).wasUpgraded).toBe(false);
  });

  it("the first copy's next hop is kept and weWereNextHop reports whether it named us", () => {
    const h = new PacketHistory(OUR);
    h.wasSeenRecently(pkt({ nextHop: OUR_BYTE }), true, 1);
    const dupe = h.wasSeenRecently(pkt({ nextHop: 0x77 }), true, 2);
    expect(dupe.weWereNextHop).toBe(true);
    expect(h.getRecord(SENDER, 1)?.nextHop).toBe(OUR_BYTE);

    h.wasSeenRecently(pkt({ id: 2, nextHop: 0x77 }), true, 3);
    expect(h.wasSeenRecently(pkt({ id: 2, nextHop: 0 }), true, 4).weWereNextHop).toBe(false);
  });

  it("when full the record with the oldest rx time is overwritten", () => {
    const h = new PacketHistory(OUR, 4);
    for (let id = 1; id <= 4; id++) h.wasSeenRecently(pkt({ id }), true, id * 10);
    // A duplicate refreshes rxTimeMsec, so id 1 is no longer the oldest.
    h.wasSeenRecently(pkt({ id: 1 }), true, 50);
    h.wasSeenRecently(pkt({ id: 5 }), true, 60);
    expect(h.size).toBe(4);
    expect(h.stats.evicted).toBe(1);
    expect(h.wasSeenRecently(pkt({ id: 2 }), false, 70).seen).toBe(false);
    for (const id of [1, 3, 4, 5]) expect(h.wasSeenRecently(pkt({ id }), false, 70).seen).toBe(true);
  });

  it("when full and every record has the same rx time, the first slot is overwritten (nothing is lost)", () => {
    const h = new PacketHistory(OUR, 4);
    for (let id = 1; id <= 5; id++) h.wasSeenRecently(pkt({ id }), true, 0);
    expect(h.getRecord(SENDER, 1)).toBeUndefined();
    expect(h.getRecord(SENDER, 5)?.rxTimeMsec).toBe(0);
  });

  it("our own transmission records our relayer byte and our TX hop limit, so echoes are duplicates", () => {
    const h = new PacketHistory(OUR);
    const own = pkt({ from: OUR, id: 9, hopLimit: 3 });
    expect(h.recordSent(own, 1).seen).toBe(false);
    const r = h.getRecord(OUR, 9);
    expect(r?.ourTxHopLimit).toBe(3);
    expect(r?.highestHopLimit).toBe(3);
    expect(relayers(h, OUR, 9)).toEqual([OUR_BYTE]);
    expect(h.wasSeenRecently(pkt({ from: OUR, id: 9, hopLimit: 2, relayNode: 0x66 }), true, 2).seen).toBe(true);
  });

  it("the first copy's relayer is not recorded, and without our relay no relayer is", () => {
    const h = new PacketHistory(OUR);
    h.wasSeenRecently(pkt({ relayNode: 0x22, hopLimit: 3 }), true, 1);
    h.wasSeenRecently(pkt({ relayNode: 0x33, hopLimit: 2 }), true, 2);
    h.wasSeenRecently(pkt({ relayNode: 0x34, hopLimit: 3 }), true, 3);
    expect(relayers(h, SENDER, 1)).toEqual([]);
    expect(h.wasRelayer(0x22, SENDER, 1)).toBe(false);
  });

  it("a copy at our TX hop limit or one less records its relayer", () => {
    const h = new PacketHistory(OUR);
    h.wasSeenRecently(pkt({ relayNode: 0x22, hopLimit: 3 }), true, 1);
    // We relay it with hop_limit 2.
    h.recordSent(pkt({ hopLimit: 2 }), 2);
    expect(h.getRecord(SENDER, 1)?.ourTxHopLimit).toBe(2);
    // One less than ours: it heard us.
    h.wasSeenRecently(pkt({ relayNode: 0x33, hopLimit: 1 }), true, 3);
    // Equal to ours: a relayer that preserved the hop limit.
    h.wasSeenRecently(pkt({ relayNode: 0x44, hopLimit: 2 }), true, 4);
    // Two less: it did not hear us directly.
    h.wasSeenRecently(pkt({ relayNode: 0x55, hopLimit: 0 }), true, 5);
    // Higher than ours: heard someone else.
    h.wasSeenRecently(pkt({ relayNode: 0x56, hopLimit: 3 }), true, 6);
    expect(relayers(h, SENDER, 1)).toEqual([0x44, 0x33, OUR_BYTE]);
    expect(h.wasRelayer(0x33, SENDER, 1)).toBe(true);
    expect(h.wasRelayer(0x44, SENDER, 1)).toBe(true);
    expect(h.wasRelayer(0x55, SENDER, 1)).toBe(false);
    expect(h.wasRelayer(0x56, SENDER, 1)).toBe(false);
    expect(h.wasRelayer(OUR_BYTE, SENDER, 1)).toBe(true);
    // Our TX hop limit survives copies that are not ours.
    expect(h.getRecord(SENDER, 1)?.ourTxHopLimit).toBe(2);
  });

  it("a relayer heard again is kept once, and the list holds at most NUM_RELAYERS", () => {
    const h = new PacketHistory(OUR);
    h.recordSent(pkt({ hopLimit: 4 }), 1);
    h.wasSeenRecently(pkt({ relayNode: 0x33, hopLimit: 3 }), true, 2);
    h.wasSeenRecently(pkt({ relayNode: 0x33, hopLimit: 3 }), true, 3);
    const once = relayers(h, SENDER, 1);
    expect(once.filter((b) => b === 0x33)).toHaveLength(1);
    expect(once).toContain(OUR_BYTE);
    for (let b = 0x40; b < 0x48; b++) h.wasSeenRecently(pkt({ relayNode: b, hopLimit: 3 }), true, b);
    // Newest first; the oldest entry falls off the end. Once our own byte has fallen off, we no longer
    // count as a relayer, so later copies (0x44..0x47) are not recorded: the firmware behaves the same.
    const r = h.getRecord(SENDER, 1);
    expect(r?.relayedBy).toHaveLength(NUM_RELAYERS);
    expect(r?.relayedBy).toEqual([0x43, 0x42, 0x41, 0x40, 0x33, 0]);
  });

  it("wasRelayer is false for relayer 0, unknown packets and sender 0", () => {
    const h = new PacketHistory(OUR);
    h.recordSent(pkt({}), 1);
    expect(h.wasRelayer(0, SENDER, 1)).toBe(false);
    expect(h.wasRelayer(OUR_BYTE, SENDER, 2)).toBe(false);
    expect(h.wasRelayer(OUR_BYTE, 0, 1)).toBe(false);
  });

  it("checkRelayers: both relayed (next-hop learning), and we were the sole relayer", () => {
    const h = new PacketHistory(OUR);
    h.recordSent(pkt({ id: 1, hopLimit: 3 }), 1);
    h.wasSeenRecently(pkt({ id: 1, relayNode: 0x33, hopLimit: 2 }), true, 2);
    expect(h.checkRelayers(0x33, OUR_BYTE, SENDER, 1)).toEqual({ relayer1: true, relayer2: true, relayer2WasSole: false });

    h.recordSent(pkt({ id: 2, hopLimit: 3 }), 3);
    expect(h.checkRelayers(0x99, OUR_BYTE, SENDER, 2)).toEqual({ relayer1: false, relayer2: true, relayer2WasSole: true });
    expect(h.wasSoleRelayer(OUR_BYTE, SENDER, 2)).toBe(true);

    expect(h.checkRelayers(0, 0, SENDER, 2)).toEqual({ relayer1: false, relayer2: false, relayer2WasSole: false });
    expect(h.checkRelayers(0x33, OUR_BYTE, SENDER, 3)).toEqual({ relayer1: false, relayer2: false, relayer2WasSole: false });
  });

  it("removeRelayer drops a relayer and compacts the rest (Router::cancelSending)", () => {
    const h = new PacketHistory(OUR);
    h.recordSent(pkt({ hopLimit: 3 }), 1);
    h.wasSeenRecently(pkt({ relayNode: 0x33, hopLimit: 2 }), true, 2);
    h.removeRelayer(OUR_BYTE, SENDER, 1);
    expect(h.getRecord(SENDER, 1)?.relayedBy).toEqual([0x33, 0, 0, 0, 0, 0]);
    expect(h.wasSoleRelayer(0x33, SENDER, 1)).toBe(true);
  });

  it("fallback to flooding is detected: the earlier copy went to another next hop, this one floods, and its relayer is in the record but neither we nor that next hop are", () => {
    const h = new PacketHistory(OUR);
    // We relayed a flooded copy, heard 0x33 relay after us, then cancelled our relay.
    h.recordSent(pkt({ nextHop: 0x77, hopLimit: 3 }), 1);
    h.wasSeenRecently(pkt({ nextHop: 0x77, relayNode: 0x33, hopLimit: 2 }), true, 2);
    h.removeRelayer(OUR_BYTE, SENDER, 1);
    const fb = h.wasSeenRecently(pkt({ nextHop: 0, relayNode: 0x33, hopLimit: 2 }), true, 3);
    expect(fb.seen).toBe(true);
    expect(fb.wasFallback).toBe(true);
  });

  it("fallback: a relay byte of 0 matches an empty relayer slot, as the firmware's record-level wasRelayer does", () => {
    const h = new PacketHistory(OUR);
    h.wasSeenRecently(pkt({ nextHop: 0x77, relayNode: 0x22 }), true, 1);
    expect(h.wasSeenRecently(pkt({ nextHop: 0, relayNode: 0 }), true, 2).wasFallback).toBe(true);
  });

  it("not a fallback: relayer not in the record, earlier copy flooded or directed to us, copy still directed, or we relayed", () => {
    const h = new PacketHistory(OUR);
    // The realistic case: the first directed copy's relayer is not recorded, so its flood is not a fallback.
    h.wasSeenRecently(pkt({ id: 1, nextHop: 0x77, relayNode: 0x22 }), true, 1);
    expect(h.wasSeenRecently(pkt({ id: 1, nextHop: 0, relayNode: 0x22 }), true, 2).wasFallback).toBe(false);

    h.wasSeenRecently(pkt({ id: 2, nextHop: 0, relayNode: 0x22 }), true, 3);
    expect(h.wasSeenRecently(pkt({ id: 2, nextHop: 0, relayNode: 0 }), true, 4).wasFallback).toBe(false);

    h.wasSeenRecently(pkt({ id: 3, nextHop: OUR_BYTE, relayNode: 0x22 }), true, 5);
    expect(h.wasSeenRecently(pkt({ id: 3, nextHop: 0, relayNode: 0 }), true, 6).wasFallback).toBe(false);

    h.wasSeenRecently(pkt({ id: 4, nextHop: 0x77, relayNode: 0x22 }), true, 7);
    expect(h.wasSeenRecently(pkt({ id: 4, nextHop: 0x78, relayNode: 0 }), true, 8).wasFallback).toBe(false);

    h.recordSent(pkt({ id: 5, nextHop: 0x77, hopLimit: 3 }), 9);
    h.wasSeenRecently(pkt({ id: 5, nextHop: 0x77, relayNode: 0x33, hopLimit: 2 }), true, 10);
    expect(h.wasSeenRecently(pkt({ id: 5, nextHop: 0, relayNode: 0x33, hopLimit: 2 }), true, 11).wasFallback).toBe(false);
  });

  it("our own packets are never a fallback", () => {
    const h = new PacketHistory(OUR);
    h.wasSeenRecently(pkt({ from: OUR, nextHop: 0x77, relayNode: 0x22 }), true, 1);
    expect(h.wasSeenRecently(pkt({ from: OUR, nextHop: 0, relayNode: 0 }), true, 2).wasFallback).toBe(false);
  });

  it("clear forgets every record", () => {
    const h = new PacketHistory(OUR, 8);
    for (let id = 1; id <= 5; id++) h.wasSeenRecently(pkt({ id }), true, id);
    h.clear();
    expect(h.size).toBe(0);
    expect(h.wasSeenRecently(pkt({ id: 1 }), true, 10).seen).toBe(false);
  });
});
