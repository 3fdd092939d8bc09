// Fuzz: random bytes and mutations of valid packets, whole or in random chunks, give packets or the
// typed MqttError, never another exception; and whatever we accept re-encodes to bytes that decode
// to the same packet.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMqttPacket, encodeMqttPacket, MqttError, MqttParser } from "../../firmware/mqtt/index.js";
import type { MqttPacket } from "../../firmware/mqtt/index.js";
import { concat, validPacket } from "./support.js";
import { mutate, mutation } from "../support/mutations.js";

const RUNS = 3000;

function checkAccepted(p: MqttPacket): void {
  const again = decodeMqttPacket(encodeMqttPacket(p));
  expect(again).toEqual({ ok: true, value: p });
}

function checkWhole(b: Uint8Array): void {
  const r = decodeMqttPacket(b, 512);
  if (r.ok) checkAccepted(r.value);
  else expect(r.error).toBeInstanceOf(MqttError);
}

function checkStream(b: Uint8Array, cuts: number[]): void {
  const parser = new MqttParser({ maxPacketBytes: 512 });
  let at = 0;
  const points = cuts.map((c) => c % (b.length + 1)).sort((x, y) => x - y);
  points.push(b.length);
  for (const cut of points) {
    const r = parser.push(b.subarray(at, Math.max(at, cut)));
    at = Math.max(at, cut);
    for (const p of r.packets) checkAccepted(p);
    if (r.error !== undefined) expect(r.error).toBeInstanceOf(MqttError);
  }
}

describe("MQTT codec under fuzz", () => {
  it("random bytes, whole and in random chunks", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), (b, cuts) => {
        checkWhole(b);
        checkStream(b, cuts);
      }),
      { numRuns: RUNS },
    );
  });

  it("random bytes behind a plausible fixed header (so bodies are reached)", () => {
    const header = fc.constantFrom(0x10, 0x20, 0x30, 0x31, 0x32, 0x3b, 0x40, 0x82, 0x90, 0xa2, 0xb0);
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 126 }), (h, body) => {
        const b = concat(new Uint8Array([h, body.length]), body);
        checkWhole(b);
        checkStream(b, [1, 2, 3]);
      }),
      { numRuns: RUNS },
    );
  });

  it("mutations of valid packet streams", () => {
    fc.assert(
      fc.property(fc.array(validPacket, { minLength: 1, maxLength: 3 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 4 }), (ps, ms, cuts) => {
        const b = mutate(concat(...ps.map((p) => encodeMqttPacket(p))), ms);
        checkWhole(b);
        checkStream(b, cuts);
      }),
      { numRuns: RUNS },
    );
  });
});
