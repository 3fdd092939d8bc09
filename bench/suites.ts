// The benchmark suites available so far: protobuf decode of a ServiceEnvelope and channel AES-CTR.
// Each case checks that every implementation computes the same result before it is timed.
import { fromBinary } from "@bufbuild/protobuf";
import { Mqtt } from "@meshtastic/protobufs";
import { PortableChannelCipher } from "../firmware/crypto/index.js";
import { encodeEnvelope } from "../firmware/gateway/index.js";
import { NodeChannelCipher } from "../firmware/platform/node/index.js";
import { ServiceEnvelopeCodec } from "../firmware/wire/index.js";
import { ServiceEnvelopeSchema } from "../proto/index.js";
import type { BenchCase } from "./harness.js";

function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** An encrypted envelope of about 220 bytes, the size of a typical uplinked text or position. */
function sampleEnvelope(): Uint8Array {
  return encodeEnvelope(
    { from: 0x12345678, to: 0xffffffff, channel: 8, encrypted: pattern(170, 1), id: 0x0a0b0c0d, rxTime: 1_763_000_000, rxSnr: 6.25, rxRssi: -92, hopLimit: 3, hopStart: 3, relayNode: 0x78, transportMechanism: 1 },
    "LongFast",
    0x12345678,
  );
}

function assertSame(what: string, a: unknown, b: unknown): void {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${what}: implementations disagree`);
}

export function protobufSuite(): BenchCase[] {
  const bytes = sampleEnvelope();
  const ours = ServiceEnvelopeCodec.decode(bytes);
  if (!ours.ok) throw new Error(ours.error.message);
  assertSame("envelope decode", ours.value.packet?.id, (fromBinary(Mqtt.ServiceEnvelopeSchema, bytes) as { packet?: { id: number } }).packet?.id);
  return [
    {
      suite: "protobuf",
      case: `decode ServiceEnvelope (${bytes.length} B)`,
      baseline: "@meshtastic/protobufs",
      impls: [
        { impl: "meshport compact", run: () => ServiceEnvelopeCodec.decode(bytes) },
        { impl: "meshport proto/gen (@bufbuild/protobuf)", run: () => fromBinary(ServiceEnvelopeSchema, bytes) },
        { impl: "@meshtastic/protobufs", run: () => fromBinary(Mqtt.ServiceEnvelopeSchema, bytes) },
      ],
    },
  ];
}

export function aesSuite(): BenchCase[] {
  const key = pattern(16, 7);
  const portable = new PortableChannelCipher();
  const node = new NodeChannelCipher();
  return [16, 64, 128, 237].map((n) => {
    const data = pattern(n, 3);
    assertSame(`aes-ctr ${n}`, Array.from(portable.ctr(key, 1, 2, data)), Array.from(node.ctr(key, 1, 2, data)));
    return {
      suite: "aes-ctr",
      case: `AES-128-CTR ${n} B`,
      baseline: "node:crypto (cipher per packet)",
      impls: [
        { impl: "meshport TS", run: () => portable.ctr(key, 1, 2, data) },
        { impl: "node:crypto (cipher per packet)", run: () => node.ctr(key, 1, 2, data) },
      ],
    };
  });
}

export const SUITES: Record<string, () => BenchCase[]> = {
  protobuf: protobufSuite,
  "aes-ctr": aesSuite,
};
