// Malformed and refused packets give a typed MqttError with a stable code, the same whether the
// bytes arrive whole (decodeMqttPacket) or byte by byte (MqttParser); the parser then refuses input
// until reset. The encoder refuses invalid packets with the same codes (it throws MqttError).
import { describe, expect, it } from "vitest";
import { ANY_MQTT_PACKET, SERVER_TO_CLIENT_PACKETS, catchMqttError, decodeMqttPacket, encodeMqttPacket, encodeMqttPacketInto, MqttError, MqttErrorCode, MqttParser, MqttParserState } from "../../firmware/mqtt/index.js";
import type { MqttErrorCode as Code, MqttPacket, PublishPacket } from "../../firmware/mqtt/index.js";
import { hex } from "./support.js";

function expectRefused(bytes: Uint8Array, code: Code, maxPacketBytes?: number): void {
  const whole = decodeMqttPacket(bytes, maxPacketBytes);
  expect(whole.ok).toBe(false);
  if (!whole.ok) {
    expect(whole.error).toBeInstanceOf(MqttError);
    expect(whole.error.code).toBe(code);
  }
  const parser = new MqttParser({ accept: ANY_MQTT_PACKET, maxPacketBytes: maxPacketBytes ?? 4096 });
  let error: MqttError | undefined;
  for (let i = 0; i < bytes.length && error === undefined; i++) {
    const r = parser.push(bytes.subarray(i, i + 1));
    expect(r.packets).toEqual([]);
    error = r.error;
  }
  expect(error?.code).toBe(code);
  expect(parser.state).toBe(MqttParserState.Failed);
}

function expectEncodeRefused(p: MqttPacket, code: Code, maxPacketBytes?: number): void {
  const r = catchMqttError(() => encodeMqttPacket(p, maxPacketBytes));
  expect(r.ok).toBe(false);
  if (!r.ok) expect(r.error.code).toBe(code);
}

const publish = (topic: string): PublishPacket => ({ type: "publish", topic, payload: new Uint8Array(0), qos: 0, retain: false, dup: false });

describe("MQTT parse errors", () => {
  it("OVERSIZE: a packet larger than the configured maximum is refused as soon as its length is known", () => {
    const parser = new MqttParser({ accept: ANY_MQTT_PACKET, maxPacketBytes: 64 });
    const r = parser.push(hex("30 64")); // PUBLISH, remaining length 100: 102 bytes > 64
    expect(r.error?.code).toBe(MqttErrorCode.Oversize);
    expectRefused(hex("30 3f 00 01 74", "00".repeat(60)), MqttErrorCode.Oversize, 64); // 65 bytes
    expect(decodeMqttPacket(hex("30 3e 00 01 74", "00".repeat(59)), 64).ok).toBe(true); // 64 bytes: fits
  });

  it("BAD_REMAINING_LENGTH: at most four remaining-length bytes (section 2.2.3)", () => {
    expectRefused(hex("30 ff ff ff ff 01"), MqttErrorCode.BadRemainingLength);
  });

  it("RESERVED_FLAGS: fixed-header flags must match table 2.2 [MQTT-2.2.2-2]", () => {
    expectRefused(hex("80 05 00 01 00 01 61"), MqttErrorCode.ReservedFlags); // SUBSCRIBE with flags 0000
    expectRefused(hex("a0 05 00 01 00 01 61"), MqttErrorCode.ReservedFlags); // UNSUBSCRIBE with flags 0000
    expectRefused(hex("21 02 00 00"), MqttErrorCode.ReservedFlags); // CONNACK with flags 0001
    expectRefused(hex("c1 00"), MqttErrorCode.ReservedFlags); // PINGREQ with flags 0001
    expectRefused(hex("e8 00"), MqttErrorCode.ReservedFlags); // DISCONNECT with flags 1000
  });

  it("RESERVED_FLAGS: DUP must be 0 on a QoS 0 PUBLISH [MQTT-3.3.1-2]", () => {
    expectRefused(hex("38 03 00 01 74"), MqttErrorCode.ReservedFlags);
  });

  it("QOS2_UNSUPPORTED: a QoS 2 PUBLISH is refused; BAD_QOS: QoS 3 is malformed [MQTT-3.3.1-4]", () => {
    expectRefused(hex("34 05 00 01 74 00 01"), MqttErrorCode.Qos2Unsupported);
    expectRefused(hex("36 05 00 01 74 00 01"), MqttErrorCode.BadQos);
  });

  it("UNSUPPORTED_PACKET: PUBREC, PUBREL, PUBCOMP (the QoS 2 flow); BAD_PACKET_TYPE: types 0 and 15", () => {
    expectRefused(hex("50 02 00 01"), MqttErrorCode.UnsupportedPacket);
    expectRefused(hex("62 02 00 01"), MqttErrorCode.UnsupportedPacket);
    expectRefused(hex("70 02 00 01"), MqttErrorCode.UnsupportedPacket);
    expectRefused(hex("00 00"), MqttErrorCode.BadPacketType);
    expectRefused(hex("f0 00"), MqttErrorCode.BadPacketType);
  });

  it("BAD_TOPIC: no wildcard [MQTT-3.3.2-2] and not empty [MQTT-4.7.3-1] in a PUBLISH topic name", () => {
    expectRefused(hex("30 05 00 03 61 2f 2b"), MqttErrorCode.BadTopic); // "a/+"
    expectRefused(hex("30 05 00 03 61 2f 23"), MqttErrorCode.BadTopic); // "a/#"
    expectRefused(hex("30 02 00 00"), MqttErrorCode.BadTopic); // ""
  });

  it("BAD_UTF8: ill-formed UTF-8 [MQTT-1.5.3-1] and U+0000 [MQTT-1.5.3-2] in strings", () => {
    expectRefused(hex("30 03 00 01 ff"), MqttErrorCode.BadUtf8); // invalid byte
    expectRefused(hex("30 04 00 02 c0 80"), MqttErrorCode.BadUtf8); // overlong U+0000
    expectRefused(hex("30 05 00 03 ed a0 80"), MqttErrorCode.BadUtf8); // surrogate U+D800
    expectRefused(hex("30 06 00 04 f4 90 80 80"), MqttErrorCode.BadUtf8); // above U+10FFFF
    expectRefused(hex("30 04 00 02 e6 97"), MqttErrorCode.BadUtf8); // truncated sequence
    expectRefused(hex("30 04 00 02 61 00"), MqttErrorCode.BadUtf8); // U+0000
    expectRefused(hex("10 0e 00 04 4d 51 54 54 04 02 00 3c 00 02 c3 28"), MqttErrorCode.BadUtf8); // client id
  });

  it("TRUNCATED: a CONNECT whose fields run past its remaining length", () => {
    expectRefused(hex("10 04 00 04 4d 51"), MqttErrorCode.Truncated); // protocol name cut
    expectRefused(hex("10 0a 00 04 4d 51 54 54 04 02 00 3c"), MqttErrorCode.Truncated); // no client id
    expectRefused(hex("10 0c 00 04 4d 51 54 54 04 c2 00 3c 00 00"), MqttErrorCode.Truncated); // flags promise user name and password
    // The input ends before the remaining length does: only decodeMqttPacket can tell.
    const cut = decodeMqttPacket(hex("10 0c 00 04 4d 51 54 54 04 02 00"));
    expect(!cut.ok && cut.error.code).toBe(MqttErrorCode.Truncated);
  });

  it("BAD_PROTOCOL: protocol name MQTT [MQTT-3.1.2-1] and level 4 [MQTT-3.1.2-2]", () => {
    expectRefused(hex("10 0e 00 06 4d 51 49 73 64 70 03 02 00 3c 00 00"), MqttErrorCode.BadProtocol); // "MQIsdp" 3.1
    expectRefused(hex("10 0c 00 04 4d 51 54 54 05 02 00 3c 00 00"), MqttErrorCode.BadProtocol); // level 5
  });

  it("BAD_CONNECT_FLAGS: reserved bit [MQTT-3.1.2-3], will bits without will [MQTT-3.1.2-13/15], password without user name [MQTT-3.1.2-22]", () => {
    expectRefused(hex("10 0c 00 04 4d 51 54 54 04 03 00 3c 00 00"), MqttErrorCode.BadConnectFlags);
    expectRefused(hex("10 0c 00 04 4d 51 54 54 04 0a 00 3c 00 00"), MqttErrorCode.BadConnectFlags);
    expectRefused(hex("10 0c 00 04 4d 51 54 54 04 22 00 3c 00 00"), MqttErrorCode.BadConnectFlags);
    expectRefused(hex("10 0c 00 04 4d 51 54 54 04 42 00 3c 00 00"), MqttErrorCode.BadConnectFlags);
  });

  it("MALFORMED: fixed-size packets with another length, trailing bytes, reserved CONNACK bits", () => {
    expectRefused(hex("d0 01 00"), MqttErrorCode.Malformed); // PINGRESP length 1
    expectRefused(hex("20 03 00 00 00"), MqttErrorCode.Malformed); // CONNACK length 3
    expectRefused(hex("40 01 01"), MqttErrorCode.Malformed); // PUBACK length 1
    expectRefused(hex("10 0d 00 04 4d 51 54 54 04 02 00 3c 00 00 99"), MqttErrorCode.Malformed); // byte after CONNECT
    expectRefused(hex("20 02 02 00"), MqttErrorCode.Malformed); // CONNACK flag bit 1
    expectRefused(hex("20 02 01 05"), MqttErrorCode.Malformed); // session present with a refusal [MQTT-3.2.2-4]
    const trailing = decodeMqttPacket(hex("c0 00 c0"));
    expect(!trailing.ok && trailing.error.code).toBe(MqttErrorCode.Malformed);
  });

  it("BAD_PACKET_ID: packet identifier 0 [MQTT-2.3.1-1]", () => {
    expectRefused(hex("32 05 00 01 74 00 00"), MqttErrorCode.BadPacketId); // QoS 1 PUBLISH
    expectRefused(hex("40 02 00 00"), MqttErrorCode.BadPacketId); // PUBACK
    expectRefused(hex("82 06 00 00 00 01 61 01"), MqttErrorCode.BadPacketId); // SUBSCRIBE
  });

  it("SUBSCRIBE: at least one filter [MQTT-3.8.3-3], valid filters [MQTT-4.7.1-2/3], QoS byte 0-2 [MQTT-3-8.3-4]", () => {
    expectRefused(hex("82 02 00 01"), MqttErrorCode.NoTopicFilters);
    expectRefused(hex("a2 02 00 01"), MqttErrorCode.NoTopicFilters); // UNSUBSCRIBE [MQTT-3.10.3-2]
    expectRefused(hex("82 08 00 01 00 03 23 2f 61 00"), MqttErrorCode.BadTopicFilter); // "#/a"
    expectRefused(hex("82 08 00 01 00 03 61 2b 62 00"), MqttErrorCode.BadTopicFilter); // "a+b"
    expectRefused(hex("82 06 00 01 00 01 61 03"), MqttErrorCode.BadQos);
    expectRefused(hex("82 06 00 01 00 01 61 41"), MqttErrorCode.BadQos); // reserved bits set
  });

  it("SUBACK: return codes 0x00, 0x01, 0x02, 0x80 only [MQTT-3.9.3-2]", () => {
    expectRefused(hex("90 03 00 01 03"), MqttErrorCode.BadReturnCode);
    expectRefused(hex("90 02 00 01"), MqttErrorCode.Malformed); // no code at all
  });

  it("the parser returns the packets before a bad one, then refuses input until reset", () => {
    const parser = new MqttParser({ accept: ANY_MQTT_PACKET });
    const r = parser.push(hex("d0 00 d0 00 34 05 00 01 74 00 01 d0 00"));
    expect(r.packets).toEqual([{ type: "pingresp" }, { type: "pingresp" }]);
    expect(r.error?.code).toBe(MqttErrorCode.Qos2Unsupported);
    expect(parser.push(hex("d0 00"))).toEqual({ packets: [], error: r.error });
    expect(parser.stats.errors).toBe(1);
    expect(parser.stats.refusedBytes).toBe(8 + 2);
    parser.reset();
    expect(parser.push(hex("d0 00"))).toEqual({ packets: [{ type: "pingresp" }], error: undefined });
  });

  it("direction tables: a client's parser takes exactly table 2.1's server-to-client packets", () => {
    const all: [string, MqttPacket][] = [
      ["connect", { type: "connect", clientId: "c", cleanSession: true, keepalive: 5 }],
      ["connack", { type: "connack", sessionPresent: false, returnCode: 0 }],
      ["publish", { type: "publish", topic: "t", payload: new Uint8Array([1]), qos: 1, retain: false, dup: false, packetId: 3 }],
      ["puback", { type: "puback", packetId: 3 }],
      ["subscribe", { type: "subscribe", packetId: 4, subscriptions: [{ topicFilter: "t/#", qos: 1 }] }],
      ["suback", { type: "suback", packetId: 4, returnCodes: [1] }],
      ["unsubscribe", { type: "unsubscribe", packetId: 5, topicFilters: ["t/#"] }],
      ["unsuback", { type: "unsuback", packetId: 5 }],
      ["pingreq", { type: "pingreq" }],
      ["pingresp", { type: "pingresp" }],
      ["disconnect", { type: "disconnect" }],
    ];
    const serverSends = ["connack", "publish", "puback", "suback", "unsuback", "pingresp"];
    for (const [name, p] of all) {
      const bytes = encodeMqttPacket(p);
      const any = new MqttParser({ accept: ANY_MQTT_PACKET }).push(bytes);
      expect(any.packets, name).toEqual([p]);
      const client = new MqttParser({ accept: SERVER_TO_CLIENT_PACKETS }).push(bytes);
      if (serverSends.indexOf(name) >= 0) expect(client.packets, name).toEqual([p]);
      else expect(client.error?.code, name).toBe(MqttErrorCode.UnexpectedPacket);
    }
  });

  it("a bad maxPacketBytes option is a typed error", () => {
    expect(() => new MqttParser({ accept: ANY_MQTT_PACKET, maxPacketBytes: 1 })).toThrow(MqttError);
    expect(catchMqttError(() => new MqttParser({ accept: ANY_MQTT_PACKET, maxPacketBytes: 1.5 }))).toMatchObject({ ok: false, error: { code: MqttErrorCode.BadValue } });
  });
});

describe("MQTT encode errors (thrown as MqttError)", () => {
  it("QOS2_UNSUPPORTED and BAD_QOS for a PUBLISH QoS other than 0 or 1", () => {
    expectEncodeRefused({ ...publish("t"), qos: 2 as 1, packetId: 1 }, MqttErrorCode.Qos2Unsupported);
    expectEncodeRefused({ ...publish("t"), qos: 3 as 1, packetId: 1 }, MqttErrorCode.BadQos);
  });

  it("BAD_TOPIC for a wildcard or empty PUBLISH topic; BAD_UTF8 for U+0000 or a lone surrogate", () => {
    expectEncodeRefused(publish("a/#"), MqttErrorCode.BadTopic);
    expectEncodeRefused(publish("+"), MqttErrorCode.BadTopic);
    expectEncodeRefused(publish(""), MqttErrorCode.BadTopic);
    expectEncodeRefused(publish("a\u0000b"), MqttErrorCode.BadUtf8);
    expectEncodeRefused(publish("a\ud800b"), MqttErrorCode.BadUtf8);
    expectEncodeRefused(publish("a\udc00"), MqttErrorCode.BadUtf8);
    expect(encodeMqttPacket(publish("a\ud83d\ude00")).length).toBe(2 + 2 + 5);
  });

  it("OVERSIZE past the configured maximum; BAD_VALUE for strings over 65535 bytes or a small output buffer", () => {
    expectEncodeRefused({ ...publish("t"), payload: new Uint8Array(100) }, MqttErrorCode.Oversize, 64);
    expectEncodeRefused(publish("x".repeat(65536)), MqttErrorCode.BadValue);
    const r = catchMqttError(() => encodeMqttPacketInto({ type: "pingreq" }, new Uint8Array(1), 0));
    expect(!r.ok && r.error.code).toBe(MqttErrorCode.BadValue);
  });

  it("CONNECT: empty client id needs clean session [MQTT-3.1.3-7]; password needs a user name [MQTT-3.1.2-22]; keepalive 0-65535", () => {
    expectEncodeRefused({ type: "connect", clientId: "", cleanSession: false, keepalive: 15 }, MqttErrorCode.BadClientId);
    expectEncodeRefused({ type: "connect", clientId: "c", cleanSession: true, keepalive: 15, password: new Uint8Array(1) }, MqttErrorCode.BadConnectFlags);
    expectEncodeRefused({ type: "connect", clientId: "c", cleanSession: true, keepalive: 65536 }, MqttErrorCode.BadValue);
  });

  it("packet ids, filters, return codes", () => {
    expectEncodeRefused({ type: "puback", packetId: 0 }, MqttErrorCode.BadPacketId);
    expectEncodeRefused({ ...publish("t"), qos: 1 }, MqttErrorCode.BadPacketId);
    expectEncodeRefused({ type: "subscribe", packetId: 1, subscriptions: [] }, MqttErrorCode.NoTopicFilters);
    expectEncodeRefused({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: "a/#/b", qos: 1 }] }, MqttErrorCode.BadTopicFilter);
    expectEncodeRefused({ type: "unsubscribe", packetId: 1, topicFilters: [] }, MqttErrorCode.NoTopicFilters);
    expectEncodeRefused({ type: "suback", packetId: 1, returnCodes: [3] }, MqttErrorCode.BadReturnCode);
    expectEncodeRefused({ type: "connack", sessionPresent: true, returnCode: 4 }, MqttErrorCode.Malformed);
    expectEncodeRefused({ type: "auth" } as unknown as MqttPacket, MqttErrorCode.BadPacketType);
  });
});
