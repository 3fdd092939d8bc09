// The byte copier seam: one new array per copy by default (what a board runs), a slab pool for Node tools. Every
// decoder must give the same values either way, and a copy must never share memory with its source
// or with another copy.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { BYTE_POOL_MAX_COPY, BYTE_POOL_SLAB_BYTES, BytePool, copyBytes, setByteCopier } from "../../firmware/bytes/index.js";
import { ANY_MQTT_PACKET, MqttParser, encodeMqttPacket } from "../../firmware/mqtt/index.js";
import { ServiceEnvelopeCodec, ServiceEnvelopeSchema } from "../../firmware/wire/index.js";
import { messageArbitrary } from "../support/schema-arbitrary.js";

afterEach(() => {
  setByteCopier(undefined);
});

describe("BytePool", () => {
  it("copies equal their source, and neither the source nor other copies can change them", () => {
    const pool = new BytePool();
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: BYTE_POOL_MAX_COPY + 40 }), { maxLength: 40 }), (sources) => {
        const copies = sources.map((s) => pool.copy(s, 0, s.length));
        const snapshot = copies.map((c) => Array.from(c));
        for (let i = 0; i < sources.length; i++) {
          expect(snapshot[i]).toEqual(Array.from(sources[i]));
          sources[i].fill(0xee);
          copies[i].fill(i & 0xff);
        }
        for (let i = 0; i < copies.length; i++) expect(Array.from(copies[i])).toEqual(new Array(copies[i].length).fill(i & 0xff));
      }),
      { numRuns: 300 },
    );
  });

  it("starts a new slab when one is full and gives large copies their own memory", () => {
    const pool = new BytePool();
    const big = new Uint8Array(BYTE_POOL_MAX_COPY + 1);
    expect(pool.copy(big, 0, big.length).buffer.byteLength).toBe(BYTE_POOL_MAX_COPY + 1);
    const n = Math.ceil((2 * BYTE_POOL_SLAB_BYTES) / 1000) + 1;
    for (let i = 0; i < n; i++) expect(pool.copy(new Uint8Array(1000), 0, 1000).buffer.byteLength).toBe(BYTE_POOL_SLAB_BYTES);
    expect(pool.slabs).toBeGreaterThanOrEqual(3);
  });

  it("allocates zeroed memory that no copy or other allocation shares", () => {
    const pool = new BytePool();
    const a = pool.alloc(100);
    const c = pool.copy(new Uint8Array(50).fill(9), 0, 50);
    const b = pool.alloc(BYTE_POOL_MAX_COPY + 1);
    expect(Array.from(a)).toEqual(new Array(100).fill(0));
    a.fill(1);
    b.fill(2);
    expect(Array.from(c)).toEqual(new Array(50).fill(9));
    expect(b.buffer.byteLength).toBe(BYTE_POOL_MAX_COPY + 1);
  });

  it("is used by copyBytes only once installed (the default makes a new array, as on a board)", () => {
    const src = new Uint8Array([1, 2, 3]);
    expect(copyBytes(src, 0, 3).buffer.byteLength).toBe(3);
    setByteCopier(new BytePool());
    expect(copyBytes(src, 0, 3).buffer.byteLength).toBe(BYTE_POOL_SLAB_BYTES);
  });
});

describe("decoders with the pool installed", () => {
  it("ServiceEnvelope decodes to the same values as without it", () => {
    fc.assert(
      fc.property(messageArbitrary(ServiceEnvelopeSchema), (m) => {
        const bytes = ServiceEnvelopeCodec.encode(m);
        setByteCopier(undefined);
        const plain = ServiceEnvelopeCodec.decode(bytes);
        setByteCopier(new BytePool());
        const pooled = ServiceEnvelopeCodec.decode(bytes);
        expect(pooled).toEqual(plain);
        bytes.fill(0);
        expect(pooled).toEqual(plain);
      }),
      { numRuns: 500 },
    );
  });

  it("MQTT PUBLISH payloads survive the parser reusing its buffer", () => {
    setByteCopier(new BytePool());
    const parser = new MqttParser({ accept: ANY_MQTT_PACKET });
    const a = encodeMqttPacket({ type: "publish", topic: "msh/a", payload: new Uint8Array(300).fill(1), qos: 0, retain: false, dup: false });
    const b = encodeMqttPacket({ type: "publish", topic: "msh/b", payload: new Uint8Array(300).fill(2), qos: 0, retain: false, dup: false });
    const first = parser.push(a.subarray(0, 10)).packets.concat(parser.push(a.subarray(10)).packets);
    const second = parser.push(b.subarray(0, 10)).packets.concat(parser.push(b.subarray(10)).packets);
    expect(first[0].type === "publish" && first[0].payload.every((x) => x === 1)).toBe(true);
    expect(second[0].type === "publish" && second[0].payload.every((x) => x === 2)).toBe(true);
  });
});
