// Sample inputs shared by the benchmark suites and their smoke test. They are built from our own
// encoders once, at suite construction, so every implementation is handed the same bytes, and
// sized like real traffic (a LongFast text or position uplink), not like a best case.
import { utf8Encode } from "../firmware/bytes/utf8.js";
import { channelHash, expandPsk, PortableChannelCipher } from "../firmware/crypto/index.js";
import { encodeEnvelope, envelopeTopic, nodeIdOf } from "../firmware/gateway/index.js";
import { encodeMqttPacket } from "../firmware/mqtt/index.js";
import type { PublishPacket } from "../firmware/mqtt/index.js";
import { DataCodec, PortNum, PositionCodec } from "../firmware/wire/index.js";
import type { MeshPacket } from "../firmware/wire/index.js";

/** A deterministic byte pattern (no RNG: samples must be identical from run to run). */
export function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

/** Throws when two implementations' results differ (compared as JSON, so byte arrays compare by value). */
export function assertSame(what: string, a: unknown, b: unknown): void {
  const ja = JSON.stringify(a, bytesAsArrays);
  const jb = JSON.stringify(b, bytesAsArrays);
  if (ja !== jb) throw new Error(`${what}: implementations disagree\n  ${ja}\n  ${jb}`);
}

/** JSON.stringify turns a Uint8Array into an object keyed by index; an array reads better in an error. */
function bytesAsArrays(_key: string, v: unknown): unknown {
  return v instanceof Uint8Array ? Array.from(v) : v;
}

/** The node that sends the sample packets and the gateway that uplinks them. */
export const SAMPLE_FROM = 0x12345678;
export const SAMPLE_GATEWAY = 0x12345678;
export const SAMPLE_PACKET_ID = 0x0a0b0c0d;
export const SAMPLE_CHANNEL = "LongFast";
/** msh/US/2/e/LongFast/!12345678: where a US gateway uplinks encrypted LongFast traffic. */
export const SAMPLE_TOPIC = envelopeTopic("msh/US", SAMPLE_CHANNEL, nodeIdOf(SAMPLE_GATEWAY));

/** The default channel key (PSK AQ==), the one nearly all public traffic uses. */
export function defaultKey(): Uint8Array {
  const e = expandPsk(new Uint8Array([1]));
  if (e.kind !== "key") throw new Error("default PSK does not expand to a key");
  return e.key;
}

/** A text message of `n` ASCII bytes (a realistic chat line, repeated to length). */
export function sampleText(n: number): string {
  const line = "Meshtastic test message from the hilltop repeater, signal looks good. ";
  let s = "";
  while (s.length < n) s += line;
  return s.substring(0, n);
}

/** The radio metadata a gateway adds to every uplinked packet. */
function header(): MeshPacket {
  return { from: SAMPLE_FROM, to: 0xffffffff, id: SAMPLE_PACKET_ID, rxTime: 1_763_000_000, rxSnr: 6.25, rxRssi: -92, hopLimit: 3, hopStart: 3, relayNode: 0x78, transportMechanism: 1 };
}

/** A decoded TEXT_MESSAGE_APP packet with a 120-byte text. */
export function sampleTextPacket(): MeshPacket {
  return { ...header(), decoded: { portnum: PortNum.TEXT_MESSAGE_APP, payload: utf8Encode(sampleText(120)), bitfield: 1 } };
}

/** A decoded POSITION_APP packet carrying a full GPS fix. */
export function samplePositionPacket(): MeshPacket {
  const position = PositionCodec.encode({
    latitudeI: 473_977_000,
    longitudeI: 85_456_000,
    altitude: 412,
    time: 1_763_000_000,
    locationSource: 2,
    timestamp: 1_763_000_000,
    groundSpeed: 3,
    groundTrack: 18_000_000,
    satsInView: 11,
    precisionBits: 32,
  });
  return { ...header(), decoded: { portnum: PortNum.POSITION_APP, payload: position, bitfield: 1 } };
}

/**
 * An encrypted envelope of about 220 bytes (the size of a typical uplinked text or position): a
 * 160-byte text encrypted with the default key, as a LongFast gateway publishes it.
 */
export function sampleEncryptedPacket(textBytes: number): MeshPacket {
  const key = defaultKey();
  const data = DataCodec.encode({ portnum: PortNum.TEXT_MESSAGE_APP, payload: utf8Encode(sampleText(textBytes)), bitfield: 1 });
  const encrypted = new PortableChannelCipher().ctr(key, SAMPLE_PACKET_ID, SAMPLE_FROM, data);
  return { ...header(), channel: channelHash(SAMPLE_CHANNEL, key), encrypted };
}

export function sampleEnvelope(): Uint8Array {
  return encodeEnvelope(sampleEncryptedPacket(140), SAMPLE_CHANNEL, SAMPLE_GATEWAY);
}

/** The PUBLISH a gateway sends for the sample envelope (about 250 bytes on the wire). */
export function samplePublish(qos: 0 | 1): PublishPacket {
  const p: PublishPacket = { type: "publish", topic: SAMPLE_TOPIC, payload: sampleEnvelope(), qos, retain: false, dup: false };
  if (qos === 1) p.packetId = 0x1234;
  return p;
}

export function samplePublishBytes(qos: 0 | 1): Uint8Array {
  return encodeMqttPacket(samplePublish(qos));
}
