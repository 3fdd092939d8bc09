import { describe, expect, it } from "vitest";
import { ListenDeduper } from "../../cli/listen-dedup.js";

describe("listen --dedup", () => {
  it("copies of one packet from several gateways are printed once, with every gateway", () => {
    const d = new ListenDeduper<string>(2000, 60_000, 100);
    d.see("1:2", "!gw-a", "first", 0);
    d.see("1:2", "!gw-b", "second", 500);
    d.see("1:2", "!gw-b", "again", 600);
    expect(d.takeReady(1999)).toEqual([]);
    const ready = d.takeReady(2000);
    expect(ready.map((e) => [e.item, e.gateways])).toEqual([["first", ["!gw-a", "!gw-b"]]]);
    d.see("1:2", "!gw-c", "late", 5000);
    expect(d.takeReady(10_000)).toEqual([]);
    expect(d.lateCopies).toBe(1);
  });

  it("map reports (id 0) are keyed by content", () => {
    expect(ListenDeduper.keyOf(5, 0, "aa")).not.toBe(ListenDeduper.keyOf(5, 0, "bb"));
    expect(ListenDeduper.keyOf(5, 9, "aa")).toBe(ListenDeduper.keyOf(5, 9, "bb"));
  });

  it("is bounded: the oldest entry is forgotten, and printed first if still held", () => {
    const d = new ListenDeduper<number>(2000, 60_000, 3);
    for (let i = 0; i < 5; i++) d.see("k" + i, "gw", i, i);
    expect(d.size).toBe(3);
    expect(d.evictedFull).toBe(2);
    expect(d.takeReady(10).map((e) => e.item)).toEqual([0, 1]);
    expect(d.flush().map((e) => e.item)).toEqual([2, 3, 4]);
  });

  it("forgets keys after the remember window, so a much later reuse of an id is new", () => {
    const d = new ListenDeduper<string>(2000, 60_000, 100);
    d.see("1:2", "gw", "a", 0);
    d.takeReady(70_000);
    d.see("1:2", "gw", "b", 70_000);
    expect(d.takeReady(72_000).map((e) => e.item)).toEqual(["b"]);
  });
});
