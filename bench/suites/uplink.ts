// uplink: what `meshport listen --republish` does for every message, end to end: the MQTT PUBLISH
// bytes of an encrypted LongFast envelope -> ServiceEnvelope -> channel decrypt with the default
// key -> Data -> the firmware-2.7 JSON. meshport runs its own pieces (the MQTT parser the client
// uses, then cli/listen-json.ts' jsonForRepublish, the function listen calls); the "library
// baseline" is what one would write with the usual npm packages. Issue 6's target: >= 5x.
import { createDecipheriv } from "node:crypto";
import { fromBinary } from "@bufbuild/protobuf";
import { Mesh, Mqtt } from "@meshtastic/protobufs";
import mqttPacket from "mqtt-packet";
import { jsonForRepublish } from "../../cli/listen-json.js";
import type { DecodeOptions } from "../../cli/decode-item.js";
import { PACKET_NONCE_BYTES, PortableChannelCipher } from "../../firmware/crypto/index.js";
import type { ChannelCipher } from "../../firmware/crypto/index.js";
import { parseTopic, TopicKind } from "../../firmware/gateway/index.js";
import { MqttParser, SERVER_TO_CLIENT_PACKETS } from "../../firmware/mqtt/index.js";
import { NodeChannelCipher } from "../../firmware/platform/node/index.js";
import { PortNum } from "../../firmware/wire/index.js";
import type { BenchCase, Impl } from "../harness.js";
import { assertSame, defaultKey, samplePublishBytes } from "../samples.js";
import { loadWasm, WASM_ABSENT_NOTE } from "../wasm-hooks.js";

export const UPLINK_BASELINE = "library baseline";

/**
 * meshport's path for one PUBLISH arriving on the socket: the streaming parser (as MqttClient
 * feeds it), the topic check listen does, then jsonForRepublish. Returns the JSON bytes a
 * republishing listener publishes, or undefined when the packet is not one it would republish.
 */
export function meshportUplink(cipher: ChannelCipher): (bytes: Uint8Array) => Uint8Array | undefined {
  const parser = new MqttParser({ accept: SERVER_TO_CLIENT_PACKETS });
  const options: DecodeOptions = { frame: false, keys: [{ label: "AQ==", key: defaultKey() }], cipher };
  return (bytes) => {
    const r = parser.push(bytes);
    const p = r.packets[0];
    if (p === undefined || p.type !== "publish") return undefined;
    const t = parseTopic(p.topic);
    if (t === undefined || t.kind !== TopicKind.Encrypted) return undefined;
    const j = jsonForRepublish(p.payload, options, t.gatewayId);
    return j === undefined ? undefined : j.text;
  };
}

/**
 * The same with npm libraries: mqtt-packet's parser, @bufbuild/protobuf with @meshtastic/protobufs'
 * schemas, a node:crypto decipher per packet, JSON.stringify of the firmware's fields (keys in the
 * firmware's sorted order). It skips one firmware rule meshport follows, embedding a text that is
 * itself JSON as JSON, which only makes the baseline cheaper.
 */
export function libraryUplink(): (bytes: Buffer) => string | undefined {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const key = Buffer.from(defaultKey());
  let last: mqttPacket.Packet | undefined;
  parser.on("packet", (p: mqttPacket.Packet) => {
    last = p;
  });
  parser.on("error", (e: Error) => {
    throw e;
  });
  return (bytes) => {
    last = undefined;
    parser.parse(bytes);
    const p = last as mqttPacket.Packet | undefined;
    if (p === undefined || p.cmd !== "publish" || typeof p.payload === "string") return undefined;
    const levels = p.topic.split("/");
    if (levels.length < 3 || levels[levels.length - 3] !== "e") return undefined;
    const gatewayId = levels[levels.length - 1];
    const env = fromBinary(Mqtt.ServiceEnvelopeSchema, p.payload) as Record<string, any>;
    const pkt = env.packet;
    if (pkt === undefined || pkt.payloadVariant.case !== "encrypted") return undefined;
    const iv = Buffer.alloc(PACKET_NONCE_BYTES);
    iv.writeUInt32LE(pkt.id, 0);
    iv.writeUInt32LE(pkt.from, 8);
    const d = createDecipheriv("aes-128-ctr", key, iv);
    const plain = Buffer.concat([d.update(pkt.payloadVariant.value), d.final()]);
    const data = fromBinary(Mesh.DataSchema, plain) as Record<string, any>;
    if (data.portnum !== PortNum.TEXT_MESSAGE_APP) return undefined;
    const o: Record<string, unknown> = { channel: 0, from: pkt.from };
    if (pkt.hopStart !== 0 && pkt.hopStart >= pkt.hopLimit) {
      o.hop_start = pkt.hopStart;
      o.hops_away = pkt.hopStart - pkt.hopLimit;
    }
    o.id = pkt.id;
    o.payload = { text: Buffer.from(data.payload.buffer, data.payload.byteOffset, data.payload.length).toString("utf8") };
    if (pkt.rxRssi !== 0) o.rssi = pkt.rxRssi;
    o.sender = gatewayId;
    if (pkt.rxSnr !== 0) o.snr = pkt.rxSnr;
    o.timestamp = pkt.rxTime;
    o.to = pkt.to;
    o.type = "text";
    return JSON.stringify(o);
  };
}

export function uplinkSuite(): BenchCase[] {
  const wasm = loadWasm();
  const bytes = samplePublishBytes(0);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const library = libraryUplink();
  const theirs = library(buffer);
  if (theirs === undefined) throw new Error("uplink: the library baseline did not decode the sample");
  const expected = JSON.parse(theirs) as { type: string; payload: { text: string } };
  // The packet's port (type "text" is TEXT_MESSAGE_APP) and decrypted text agree; so does the rest.
  if (expected.type !== "text" || expected.payload.text.length === 0) throw new Error("uplink: the baseline's JSON is not the text message");

  const ciphers: [string, ChannelCipher][] = [
    ["meshport (portable TS cipher)", new PortableChannelCipher()],
    ["meshport (node:crypto cipher, as listen)", new NodeChannelCipher()],
  ];
  // Hook: "meshport (WASM cipher)" (WasmChannelCipher from wasm/loader.ts via bench/wasm-hooks.ts).
  if (wasm !== undefined) ciphers.push(["meshport (WASM cipher)", wasm.cipher]);
  const impls: Impl[] = [];
  for (const [name, cipher] of ciphers) {
    const run = meshportUplink(cipher);
    const out = run(bytes);
    if (out === undefined) throw new Error(`uplink: ${name} did not decode the sample`);
    assertSame(`uplink (${name})`, JSON.parse(Buffer.from(out).toString("utf8")), expected);
    impls.push({ impl: name, run: () => run(bytes) });
  }
  impls.push({ impl: UPLINK_BASELINE, run: () => library(buffer) });
  const c: BenchCase = { suite: "uplink", case: `PUBLISH -> JSON, text (${bytes.length} B)`, baseline: UPLINK_BASELINE, impls };
  if (wasm === undefined) c.notes = [WASM_ABSENT_NOTE];
  return [c];
}
