// Differential properties against mqtt-packet, the codec under mqtt.js and aedes (the oracle), in
// both directions: what we generate it parses to the same fields, what it generates we parse to the
// same fields (and the bytes are identical), including when its output reaches us in pieces.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ANY_MQTT_PACKET, decodeMqttPacket, encodeMqttPacket, MqttParser } from "../../firmware/mqtt/index.js";
import type { MqttPacket } from "../../firmware/mqtt/index.js";
import { concat, fromOracle, oracleGenerate, oracleParse, toOracle, validPacket } from "./support.js";

const RUNS = 1000;

describe("differential against mqtt-packet (MQTT 3.1.1)", () => {
  it("packets we generate parse in mqtt-packet to the same fields", () => {
    fc.assert(
      fc.property(validPacket, (p) => {
        const parsed = oracleParse(encodeMqttPacket(p));
        expect(parsed.length).toBe(1);
        expect(fromOracle(parsed[0])).toEqual(p);
      }),
      { numRuns: RUNS },
    );
  });

  it("packets mqtt-packet generates parse in ours to the same fields, from the same bytes we write", () => {
    fc.assert(
      fc.property(validPacket, (p) => {
        const theirs = oracleGenerate(p);
        expect(decodeMqttPacket(theirs)).toEqual({ ok: true, value: p });
        expect(encodeMqttPacket(p)).toEqual(theirs);
      }),
      { numRuns: RUNS },
    );
  });

  it("a stream of mqtt-packet packets, cut anywhere, parses in ours to the same sequence", () => {
    fc.assert(
      fc.property(fc.array(validPacket, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (packets, cuts) => {
        const stream = concat(...packets.map((p) => oracleGenerate(p)));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const parser = new MqttParser({ accept: ANY_MQTT_PACKET, maxPacketBytes: 4096 });
        const got: MqttPacket[] = [];
        let at = 0;
        for (const cut of [...points, stream.length]) {
          const r = parser.push(stream.subarray(at, cut));
          expect(r.error).toBeUndefined();
          got.push(...r.packets);
          at = cut;
        }
        expect(got).toEqual(packets);
      }),
      { numRuns: RUNS / 2 },
    );
  });

  it("the oracle mapping itself is faithful (mqtt-packet round-trips our mapped objects)", () => {
    fc.assert(
      fc.property(validPacket, (p) => {
        const again = oracleParse(oracleGenerate(p));
        expect(fromOracle(again[0])).toEqual(p);
        expect(toOracle(p).cmd).toBe(again[0].cmd);
      }),
      { numRuns: 200 },
    );
  });
});
