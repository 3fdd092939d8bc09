// mqtt: parsing and generating the PUBLISH packets a gateway exchanges with its broker (an
// encrypted envelope on msh/US/2/e/LongFast/!12345678, about 250 bytes), by our codec
// (firmware/mqtt) and by mqtt-packet, the codec under mqtt.js and aedes. Issue 6's targets: parse
// at least 3x mqtt-packet, generate at least 2x.
import mqttPacket from "mqtt-packet";
import { ANY_MQTT_PACKET, decodeMqttPacket, encodeMqttPacket, MqttParser } from "../../firmware/mqtt/index.js";
import type { MqttPacket, PublishPacket } from "../../firmware/mqtt/index.js";
import type { BenchCase } from "../harness.js";
import { assertSame, samplePublish } from "../samples.js";

export const MQTT_BASELINE = "mqtt-packet";

/** The PUBLISH fields both codecs carry, for the agreement check. */
interface PublishView {
  topic: string;
  payload: number[];
  qos: number;
  retain: boolean;
  dup: boolean;
  packetId: number | undefined;
}

function viewOfOurs(p: MqttPacket | undefined): PublishView {
  if (p === undefined || p.type !== "publish") throw new Error("meshport did not parse a PUBLISH");
  return { topic: p.topic, payload: Array.from(p.payload), qos: p.qos, retain: p.retain, dup: p.dup, packetId: p.packetId };
}

function viewOfTheirs(p: mqttPacket.Packet | undefined): PublishView {
  if (p === undefined || p.cmd !== "publish") throw new Error("mqtt-packet did not parse a PUBLISH");
  const payload = typeof p.payload === "string" ? Buffer.from(p.payload) : p.payload;
  return { topic: p.topic, payload: Array.from(payload), qos: p.qos, retain: p.retain, dup: p.dup, packetId: p.messageId };
}

/**
 * mqtt-packet's streaming parser, set up once as a connection would: each parse() of a whole
 * packet emits it synchronously, and the handler keeps the last one.
 */
function theirParser(): { parse: (b: Buffer) => mqttPacket.Packet | undefined } {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  let last: mqttPacket.Packet | undefined;
  let error: Error | undefined;
  parser.on("packet", (p: mqttPacket.Packet) => {
    last = p;
  });
  parser.on("error", (e: Error) => {
    error = e;
  });
  return {
    parse: (b) => {
      last = undefined;
      parser.parse(b);
      if (error !== undefined) throw error;
      return last;
    },
  };
}

function toTheirs(p: PublishPacket): mqttPacket.IPublishPacket {
  const o: mqttPacket.IPublishPacket = { cmd: "publish", topic: p.topic, payload: Buffer.from(p.payload), qos: p.qos, retain: p.retain, dup: p.dup };
  if (p.packetId !== undefined) o.messageId = p.packetId;
  return o;
}

function casesFor(qos: 0 | 1): BenchCase[] {
  const ours = samplePublish(qos);
  const bytes = encodeMqttPacket(ours);
  // The same memory as a Buffer, which is what mqtt-packet's parser takes (its BufferList).
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const theirs = toTheirs(ours);
  const parser = new MqttParser({ accept: ANY_MQTT_PACKET });
  const their = theirParser();
  const opts = { protocolVersion: 4 };

  const expected = viewOfOurs(ours);
  const streamed = parser.push(bytes);
  if (streamed.error !== undefined) throw streamed.error;
  assertSame(`mqtt parse QoS ${qos} (meshport MqttParser)`, viewOfOurs(streamed.packets[0]), expected);
  const whole = decodeMqttPacket(bytes);
  if (!whole.ok) throw whole.error;
  assertSame(`mqtt parse QoS ${qos} (meshport decodeMqttPacket)`, viewOfOurs(whole.value), expected);
  assertSame(`mqtt parse QoS ${qos} (mqtt-packet)`, viewOfTheirs(their.parse(buffer)), expected);
  assertSame(`mqtt generate QoS ${qos} (mqtt-packet)`, new Uint8Array(mqttPacket.generate(theirs, opts)), bytes);

  const label = `PUBLISH QoS ${qos} (${bytes.length} B)`;
  return [
    {
      suite: "mqtt",
      case: `parse ${label}`,
      baseline: MQTT_BASELINE,
      impls: [
        { impl: "meshport MqttParser (streaming)", run: () => parser.push(bytes) },
        { impl: "meshport decodeMqttPacket", run: () => decodeMqttPacket(bytes) },
        { impl: MQTT_BASELINE, run: () => their.parse(buffer) },
      ],
    },
    {
      suite: "mqtt",
      case: `generate ${label}`,
      baseline: MQTT_BASELINE,
      impls: [
        { impl: "meshport encodeMqttPacket", run: () => encodeMqttPacket(ours) },
        { impl: MQTT_BASELINE, run: () => mqttPacket.generate(theirs, opts) },
      ],
    },
  ];
}

export function mqttSuite(): BenchCase[] {
  return [...casesFor(0), ...casesFor(1)];
}
