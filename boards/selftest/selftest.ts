// The on-device self-test: the crypto vectors through the portable AES and through the board's
// native AES (ECB + XOR), the synthetic envelope through ServiceEnvelopeCodec, one router step (a
// MeshNode hears a frame, delivers it and relays it), and an MQTT codec round trip. It stops at the
// first failure and prints one line: `SELFTEST PASS n/n` or `SELFTEST FAIL <name>: <why>`.
import { fromHex, toHex } from "../../firmware/bytes/hex.js";
import { utf8Decode } from "../../firmware/bytes/utf8.js";
import { AES_ROUND_KEY_WORDS, aesEncryptBlock, aesExpandKey } from "../../firmware/crypto/aes.js";
import { aesCtrXor } from "../../firmware/crypto/aes-ctr.js";
import type { ChannelCipher } from "../../firmware/crypto/channel-cipher.js";
import { PortableChannelCipher } from "../../firmware/crypto/channel-cipher.js";
import { channelHash } from "../../firmware/crypto/channel-hash.js";
import { packetNonce } from "../../firmware/crypto/nonce.js";
import { expandPsk } from "../../firmware/crypto/psk.js";
import { envelopeTopic } from "../../firmware/gateway/topics.js";
import { SeededRng } from "../../firmware/mesh/rng.js";
import { defaultNodeConfig } from "../../firmware/mesh/node-config.js";
import { decodeMqttPacket } from "../../firmware/mqtt/mqtt-parser.js";
import { encodeMqttPacket } from "../../firmware/mqtt/mqtt-serialize.js";
import type { MqttPacket } from "../../firmware/mqtt/packets.js";
import { MeshNode } from "../../firmware/node.js";
import type { DeliverAction } from "../../firmware/node-events.js";
import { decodeLoraFrame, encodeLoraFrame } from "../../firmware/wire/lora-header.js";
import { ServiceEnvelopeCodec } from "../../firmware/wire/messages.js";
import { PortNum } from "../../firmware/wire/enums.js";
import { aesCtrViaEcb, EspruinoChannelCipher } from "../runtime/espruino-cipher.js";
import type { EspruinoAes } from "../runtime/espruino-globals.js";
import { AES256_VARIANT, AES_CTR_VECTORS, AES_ECB_VECTORS, DEFAULT_KEY_HEX, DEFAULT_PSK_HEX, LONGFAST_HASH, SYNTHETIC } from "./vectors.js";

/** One check: returns "" when it passes, else why it failed. */
export interface SelftestCase {
  name: string;
  run: () => string;
}

export interface SelftestResult {
  passed: number;
  total: number;
  /** The first failure ("name: why"), or "" when all passed. */
  failure: string;
  /** The line printed at the end. */
  line: string;
}

function bytes(hex: string): Uint8Array {
  const b = fromHex(hex);
  if (b === undefined) throw new Error("bad hex in vectors: " + hex);
  return b;
}

/** "" when equal, else "expected E, got G" in hex. */
function sameHex(got: Uint8Array, expectedHex: string): string {
  const g = toHex(got);
  return g === expectedHex ? "" : "expected " + expectedHex + ", got " + g;
}

function aesEcbCase(): string {
  const rk = new Uint32Array(AES_ROUND_KEY_WORDS);
  const out = new Uint8Array(16);
  for (let i = 0; i < AES_ECB_VECTORS.length; i++) {
    const v = AES_ECB_VECTORS[i];
    const key = bytes(v.keyHex);
    const rounds = aesExpandKey(key, 0, key.length, rk);
    aesEncryptBlock(rk, rounds, bytes(v.plaintextHex), 0, out, 0);
    const why = sameHex(out, v.ciphertextHex);
    if (why !== "") return "vector " + i + ": " + why;
  }
  return "";
}

function aesCtrPortableCase(): string {
  const rk = new Uint32Array(AES_ROUND_KEY_WORDS);
  for (let i = 0; i < AES_CTR_VECTORS.length; i++) {
    const v = AES_CTR_VECTORS[i];
    const key = bytes(v.keyHex);
    const rounds = aesExpandKey(key, 0, key.length, rk);
    const input = bytes(v.plaintextHex);
    const out = new Uint8Array(input.length);
    aesCtrXor(rk, rounds, bytes(v.counterBlockHex), input, 0, input.length, out, 0);
    const why = sameHex(out, v.ciphertextHex);
    if (why !== "") return "vector " + i + ": " + why;
  }
  return "";
}

function nativeEcbCase(aes: EspruinoAes): string {
  for (let i = 0; i < AES_ECB_VECTORS.length; i++) {
    const v = AES_ECB_VECTORS[i];
    const got = new Uint8Array(aes.encrypt(bytes(v.plaintextHex), bytes(v.keyHex), { mode: "ECB" }));
    const why = sameHex(got.subarray(0, 16), v.ciphertextHex);
    if (why !== "") return "vector " + i + ": " + why;
  }
  return "";
}

function nativeCtrCase(aes: EspruinoAes): string {
  for (let i = 0; i < AES_CTR_VECTORS.length; i++) {
    const v = AES_CTR_VECTORS[i];
    const why = sameHex(aesCtrViaEcb(aes, bytes(v.keyHex), bytes(v.counterBlockHex), bytes(v.plaintextHex)), v.ciphertextHex);
    if (why !== "") return "vector " + i + ": " + why;
  }
  // A multi-block input crosses a counter increment: compare with the portable CTR.
  const key = bytes(DEFAULT_KEY_HEX);
  const counter = new Uint8Array(16);
  for (let i = 0; i < 16; i++) counter[i] = 0xf0 + i;
  const input = new Uint8Array(53);
  for (let i = 0; i < input.length; i++) input[i] = (i * 7) & 0xff;
  const rk = new Uint32Array(AES_ROUND_KEY_WORDS);
  const rounds = aesExpandKey(key, 0, key.length, rk);
  const expected = new Uint8Array(input.length);
  aesCtrXor(rk, rounds, counter, input, 0, input.length, expected, 0);
  const why = sameHex(aesCtrViaEcb(aes, key, counter, input), toHex(expected));
  return why === "" ? "" : "53-byte input: " + why;
}

function pskAndHashCase(): string {
  const e = expandPsk(bytes(DEFAULT_PSK_HEX));
  if (e.kind !== "key") return "default psk did not expand to a key";
  const why = sameHex(e.key, DEFAULT_KEY_HEX);
  if (why !== "") return why;
  const h = channelHash(SYNTHETIC.channelName, e.key);
  return h === LONGFAST_HASH ? "" : "channel hash " + h + ", expected " + LONGFAST_HASH;
}

function channelCipherCase(cipher: ChannelCipher): string {
  const iv = new Uint8Array(16);
  packetNonce(SYNTHETIC.id, SYNTHETIC.from, iv, 0);
  let why = sameHex(iv, SYNTHETIC.ivHex);
  if (why !== "") return "nonce: " + why;
  why = sameHex(cipher.ctr(bytes(DEFAULT_KEY_HEX), SYNTHETIC.id, SYNTHETIC.from, bytes(SYNTHETIC.dataPlaintextHex)), SYNTHETIC.ciphertextHex);
  if (why !== "") return "aes-128: " + why;
  why = sameHex(cipher.ctr(bytes(AES256_VARIANT.keyHex), SYNTHETIC.id, SYNTHETIC.from, bytes(AES256_VARIANT.plaintextHex)), AES256_VARIANT.ciphertextHex);
  return why === "" ? "" : "aes-256: " + why;
}

function loraFrameCase(): string {
  const f = decodeLoraFrame(bytes(SYNTHETIC.loraFrameHex));
  if (!f.ok) return "decode: " + f.error.message;
  const h = f.value.header;
  if (h.from !== SYNTHETIC.from || h.to !== SYNTHETIC.to || h.id !== SYNTHETIC.id || h.hopLimit !== SYNTHETIC.hopLimit || h.channel !== LONGFAST_HASH)
    return "header fields differ: from " + h.from + " id " + h.id + " hop " + h.hopLimit + " ch " + h.channel;
  return sameHex(encodeLoraFrame(h, f.value.payload), SYNTHETIC.loraFrameHex);
}

function envelopeCase(hex: string): string {
  const r = ServiceEnvelopeCodec.decode(bytes(hex));
  if (!r.ok) return "decode: " + r.error.message;
  const e = r.value;
  if (e.channelId !== SYNTHETIC.channelName || e.gatewayId !== SYNTHETIC.gatewayId) return "channel/gateway: " + e.channelId + " " + e.gatewayId;
  if (e.packet === undefined || e.packet.from !== SYNTHETIC.from || e.packet.id !== SYNTHETIC.id) return "packet fields differ";
  const why = sameHex(ServiceEnvelopeCodec.encode(e), hex);
  if (why !== "") return "re-encode: " + why;
  const topic = envelopeTopic(SYNTHETIC.mqttRoot, e.channelId, e.gatewayId);
  return topic === SYNTHETIC.topic ? "" : "topic " + topic;
}

/** A node hears the synthetic broadcast: it delivers "Hello, mesh!" and relays it with one hop less. */
function routerCase(cipher: ChannelCipher): string {
  const c = defaultNodeConfig(0x10);
  c.sendNodeInfo = false;
  c.sendPosition = false;
  const node = new MeshNode({ config: c, rng: new SeededRng(7), cipher, pki: undefined, startMs: 0, maxNodes: 0 });
  node.handle({ type: "radio-rx", frame: bytes(SYNTHETIC.loraFrameHex), rssi: -80, snr: 6, busy: false }, 1000);
  let delivered: DeliverAction["packet"] | undefined;
  let relayed: Uint8Array | undefined;
  let now = 1000;
  for (let step = 0; step < 20 && relayed === undefined; step++) {
    const acts = node.takeActions();
    for (let i = 0; i < acts.length; i++) {
      const a = acts[i];
      if (a.type === "deliver" && delivered === undefined) delivered = a.packet;
      else if (a.type === "radio-tx") relayed = a.frame;
    }
    if (relayed !== undefined) break;
    const d = node.nextDeadline();
    if (d === undefined) break;
    now = d > now ? d : now;
    node.handle({ type: "tick" }, now);
  }
  if (delivered === undefined) return "nothing delivered";
  const data = delivered.decoded;
  if (data === undefined || data.portnum !== PortNum.TEXT_MESSAGE_APP || data.payload === undefined) return "delivered packet is not text";
  const text = utf8Decode(data.payload, 0, data.payload.length);
  if (text !== SYNTHETIC.payloadText) return "delivered text " + JSON.stringify(text);
  if (relayed === undefined) return "no relay transmitted";
  const f = decodeLoraFrame(relayed);
  if (!f.ok) return "relay frame: " + f.error.message;
  if (f.value.header.id !== SYNTHETIC.id || f.value.header.from !== SYNTHETIC.from) return "relay is another packet";
  if (f.value.header.hopLimit !== SYNTHETIC.hopLimit - 1) return "relay hop limit " + f.value.header.hopLimit;
  return sameHex(f.value.payload, SYNTHETIC.ciphertextHex);
}

function mqttRoundTrip(p: MqttPacket): string {
  const wire = encodeMqttPacket(p);
  const r = decodeMqttPacket(wire);
  if (!r.ok) return p.type + ": " + r.error.message;
  const again = encodeMqttPacket(r.value);
  return sameHex(again, toHex(wire)) === "" ? "" : p.type + ": re-encoding differs";
}

function mqttCase(): string {
  const envelope = bytes(SYNTHETIC.envelopeEncryptedHex);
  let why = mqttRoundTrip({ type: "connect", clientId: SYNTHETIC.gatewayId, cleanSession: true, keepalive: 15, username: "meshdev", password: bytes("6c6172676534636174") });
  if (why !== "") return why;
  why = mqttRoundTrip({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: "msh/US/2/e/LongFast/+", qos: 1 }] });
  if (why !== "") return why;
  const pub: MqttPacket = { type: "publish", topic: SYNTHETIC.topic, payload: envelope, qos: 0, retain: false, dup: false };
  why = mqttRoundTrip(pub);
  if (why !== "") return why;
  const r = decodeMqttPacket(encodeMqttPacket(pub));
  if (!r.ok || r.value.type !== "publish") return "publish did not decode as publish";
  if (r.value.topic !== SYNTHETIC.topic) return "topic " + r.value.topic;
  return sameHex(r.value.payload, SYNTHETIC.envelopeEncryptedHex);
}

/** The cases, in order; the native ones only when the board has AES. */
export function selftestCases(aes: EspruinoAes | undefined): SelftestCase[] {
  const portable = new PortableChannelCipher();
  const cases: SelftestCase[] = [
    { name: "aes-ecb", run: aesEcbCase },
    { name: "aes-ctr", run: aesCtrPortableCase },
    { name: "psk-hash", run: pskAndHashCase },
    { name: "cipher-portable", run: () => channelCipherCase(portable) },
  ];
  if (aes !== undefined) {
    const native = aes;
    cases.push({ name: "native-aes-ecb", run: () => nativeEcbCase(native) });
    cases.push({ name: "native-aes-ctr", run: () => nativeCtrCase(native) });
    cases.push({ name: "cipher-native", run: () => channelCipherCase(new EspruinoChannelCipher(native)) });
  }
  cases.push({ name: "lora-frame", run: loraFrameCase });
  cases.push({ name: "envelope-encrypted", run: () => envelopeCase(SYNTHETIC.envelopeEncryptedHex) });
  cases.push({ name: "envelope-decoded", run: () => envelopeCase(SYNTHETIC.envelopeDecodedHex) });
  cases.push({ name: "router", run: () => routerCase(aes !== undefined ? new EspruinoChannelCipher(aes) : portable) });
  cases.push({ name: "mqtt-codec", run: mqttCase });
  return cases;
}

/** Runs the cases until the first failure; a case that throws fails with the exception's message. */
export function runSelftest(cases: SelftestCase[]): SelftestResult {
  let passed = 0;
  for (let i = 0; i < cases.length; i++) {
    let why: string;
    try {
      why = cases[i].run();
    } catch (e) {
      const m = e !== null && typeof e === "object" && typeof (e as { message?: unknown }).message === "string" ? (e as { message: string }).message : String(e);
      why = "threw " + m;
    }
    if (why !== "") {
      const failure = cases[i].name + ": " + why;
      return { passed, total: cases.length, failure, line: "SELFTEST FAIL " + failure };
    }
    passed++;
  }
  return { passed, total: cases.length, failure: "", line: "SELFTEST PASS " + passed + "/" + cases.length };
}
