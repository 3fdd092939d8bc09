// Golden MQTT 3.1.1 fixtures, hand-written from the OASIS standard's packet layouts (chapter 3),
// each checked four ways as mqtt-packet's suite does: parse, generate, round trip, and parsed from
// a stream cut at every byte boundary (two chunks split at every position, and byte by byte).
// mqtt-packet (the oracle) must also generate the same bytes.
import { describe, expect, it } from "vitest";
import { ANY_MQTT_PACKET, decodeMqttPacket, encodedMqttLength, encodeMqttPacket, encodeMqttPacketInto, MqttParser, MqttParserState } from "../../firmware/mqtt/index.js";
import type { MqttPacket } from "../../firmware/mqtt/index.js";
import { ascii, concat, hex, oracleGenerate } from "./support.js";

interface Fixture {
  name: string;
  packet: MqttPacket;
  bytes: Uint8Array;
}

const payload200 = new Uint8Array(200).fill(0xaa);

const fixtures: Fixture[] = [
  {
    name: "CONNECT as the firmware sends it: node id, clean session, keepalive 15, user name and password",
    packet: { type: "connect", clientId: "!12345678", cleanSession: true, keepalive: 15, username: "meshdev", password: ascii("large4cats") },
    bytes: hex(
      "10", // fixed header: type 1 (CONNECT), flags 0000 (table 2.2)
      "2a", // remaining length 42 = 10 (variable header) + 11 + 9 + 12
      "00 04 4d 51 54 54", // protocol name: length 4, "MQTT" (3.1.2.1)
      "04", // protocol level 4 = 3.1.1 (3.1.2.2)
      "c2", // connect flags: user name 0x80 | password 0x40 | clean session 0x02 (3.1.2.3)
      "00 0f", // keep alive 15 s (3.1.2.10)
      "00 09 21 31 32 33 34 35 36 37 38", // client id "!12345678" (3.1.3.1)
      "00 07 6d 65 73 68 64 65 76", // user name "meshdev" (3.1.3.4)
      "00 0a 6c 61 72 67 65 34 63 61 74 73", // password "large4cats", binary data (3.1.3.5)
    ),
  },
  {
    name: "CONNECT with a will (QoS 1, retained), persistent session, keepalive off",
    packet: { type: "connect", clientId: "c", cleanSession: false, keepalive: 0, will: { topic: "w/t", payload: ascii("bye"), qos: 1, retain: true } },
    bytes: hex(
      "10", // CONNECT
      "17", // remaining length 23 = 10 + 3 + 5 + 5
      "00 04 4d 51 54 54", // "MQTT"
      "04", // level 4
      "2c", // flags: will retain 0x20 | will QoS 1 (0x08) | will flag 0x04; clean session 0
      "00 00", // keep alive 0: off
      "00 01 63", // client id "c"
      "00 03 77 2f 74", // will topic "w/t" (3.1.3.2)
      "00 03 62 79 65", // will message "bye", 2-byte length + bytes (3.1.3.3)
    ),
  },
  {
    name: "CONNECT with a zero-byte client id (clean session required, [MQTT-3.1.3-7])",
    packet: { type: "connect", clientId: "", cleanSession: true, keepalive: 60 },
    bytes: hex(
      "10", // CONNECT
      "0c", // remaining length 12
      "00 04 4d 51 54 54 04", // "MQTT", level 4
      "02", // flags: clean session
      "00 3c", // keep alive 60 s
      "00 00", // client id "" (zero bytes)
    ),
  },
  {
    name: "CONNACK accepted",
    packet: { type: "connack", sessionPresent: false, returnCode: 0 },
    bytes: hex(
      "20", // type 2 (CONNACK), flags 0000
      "02", // remaining length 2
      "00", // acknowledge flags: session present 0 (3.2.2.1)
      "00", // return code 0: accepted (3.2.2.3)
    ),
  },
  {
    name: "CONNACK accepted with session present",
    packet: { type: "connack", sessionPresent: true, returnCode: 0 },
    bytes: hex("20", "02", "01", "00"), // CONNACK, length 2, session present 1, accepted
  },
  {
    name: "CONNACK refused: not authorized",
    packet: { type: "connack", sessionPresent: false, returnCode: 5 },
    bytes: hex("20", "02", "00", "05"), // CONNACK, length 2, session present 0, return code 5
  },
  {
    name: "PUBLISH QoS 0",
    packet: { type: "publish", topic: "a/b", payload: hex("01 02 03"), qos: 0, retain: false, dup: false },
    bytes: hex(
      "30", // type 3 (PUBLISH), DUP 0, QoS 00, RETAIN 0 (3.3.1)
      "08", // remaining length 8
      "00 03 61 2f 62", // topic name "a/b" (3.3.2.1); no packet id at QoS 0
      "01 02 03", // payload (3.3.3)
    ),
  },
  {
    name: "PUBLISH QoS 1 with DUP and RETAIN",
    packet: { type: "publish", topic: "t", payload: ascii("hi"), qos: 1, retain: true, dup: true, packetId: 0x1234 },
    bytes: hex(
      "3b", // PUBLISH, DUP 1 (0x08), QoS 01 (0x02), RETAIN 1 (0x01)
      "07", // remaining length 7
      "00 01 74", // topic name "t"
      "12 34", // packet identifier 0x1234 (3.3.2.2)
      "68 69", // payload "hi"
    ),
  },
  {
    name: "PUBLISH with an empty payload, retained",
    packet: { type: "publish", topic: "t", payload: new Uint8Array(0), qos: 0, retain: true, dup: false },
    bytes: hex("31", "03", "00 01 74"), // PUBLISH retain, length 3, topic "t", zero-length payload
  },
  {
    name: "PUBLISH with a two-byte remaining length",
    packet: { type: "publish", topic: "t", payload: payload200, qos: 0, retain: false, dup: false },
    bytes: concat(
      hex(
        "30", // PUBLISH QoS 0
        "cb 01", // remaining length 203 = 0x4b + 1 × 128: 0x4b | 0x80 (more), 0x01 (2.2.3)
        "00 01 74", // topic "t"
      ),
      payload200, // 200 payload bytes
    ),
  },
  {
    name: "PUBLISH with a multi-byte UTF-8 topic",
    packet: { type: "publish", topic: "é/日", payload: new Uint8Array(0), qos: 0, retain: false, dup: false },
    bytes: hex(
      "30", // PUBLISH
      "08", // remaining length 8
      "00 06", // string length 6 bytes (not 3 characters, 1.5.3)
      "c3 a9", // U+00E9 é
      "2f", // "/"
      "e6 97 a5", // U+65E5 日
    ),
  },
  {
    name: "PUBACK",
    packet: { type: "puback", packetId: 1 },
    bytes: hex("40", "02", "00 01"), // type 4, length 2, packet identifier 1 (3.4.2)
  },
  {
    name: "SUBSCRIBE to two filters, QoS 1 and QoS 0",
    packet: {
      type: "subscribe",
      packetId: 10,
      subscriptions: [
        { topicFilter: "msh/US/2/e/LongFast/+", qos: 1 },
        { topicFilter: "a/#", qos: 0 },
      ],
    },
    bytes: hex(
      "82", // type 8 (SUBSCRIBE), reserved flags 0010 ([MQTT-3.8.1-1])
      "20", // remaining length 32 = 2 + 24 + 6
      "00 0a", // packet identifier 10 (3.8.2)
      "00 15 6d 73 68 2f 55 53 2f 32 2f 65 2f 4c 6f 6e 67 46 61 73 74 2f 2b", // filter "msh/US/2/e/LongFast/+" (21 bytes)
      "01", // requested QoS 1 (3.8.3.1)
      "00 03 61 2f 23", // filter "a/#"
      "00", // requested QoS 0
    ),
  },
  {
    name: "SUBACK with a grant and a failure",
    packet: { type: "suback", packetId: 10, returnCodes: [1, 0x80] },
    bytes: hex(
      "90", // type 9 (SUBACK), flags 0000
      "04", // remaining length 4
      "00 0a", // packet identifier 10
      "01", // success, maximum QoS 1 (3.9.3)
      "80", // failure
    ),
  },
  {
    name: "UNSUBSCRIBE from two filters",
    packet: { type: "unsubscribe", packetId: 11, topicFilters: ["a/#", "b"] },
    bytes: hex(
      "a2", // type 10 (UNSUBSCRIBE), reserved flags 0010 ([MQTT-3.10.1-1])
      "0a", // remaining length 10
      "00 0b", // packet identifier 11
      "00 03 61 2f 23", // filter "a/#"
      "00 01 62", // filter "b"
    ),
  },
  {
    name: "UNSUBACK",
    packet: { type: "unsuback", packetId: 11 },
    bytes: hex("b0", "02", "00 0b"), // type 11, length 2, packet identifier 11 (3.11.2)
  },
  { name: "PINGREQ", packet: { type: "pingreq" }, bytes: hex("c0", "00") }, // type 12, length 0 (3.12)
  { name: "PINGRESP", packet: { type: "pingresp" }, bytes: hex("d0", "00") }, // type 13, length 0 (3.13)
  { name: "DISCONNECT", packet: { type: "disconnect" }, bytes: hex("e0", "00") }, // type 14, length 0 (3.14)
];

function parseChunks(chunks: Uint8Array[]): MqttPacket[] {
  const parser = new MqttParser({ accept: ANY_MQTT_PACKET, maxPacketBytes: 4096 });
  const out: MqttPacket[] = [];
  for (const c of chunks) {
    const r = parser.push(c);
    expect(r.error).toBeUndefined();
    out.push(...r.packets);
  }
  expect(parser.state).toBe(MqttParserState.FixedHeader);
  return out;
}

describe("MQTT golden fixtures", () => {
  for (const f of fixtures) {
    describe(f.name, () => {
      it("parses to the packet", () => {
        expect(decodeMqttPacket(f.bytes)).toEqual({ ok: true, value: f.packet });
        expect(parseChunks([f.bytes])).toEqual([f.packet]);
      });

      it("generates the bytes (and mqtt-packet generates the same)", () => {
        expect(encodeMqttPacket(f.packet)).toEqual(f.bytes);
        expect(encodedMqttLength(f.packet)).toBe(f.bytes.length);
        const into = new Uint8Array(f.bytes.length + 3);
        expect(encodeMqttPacketInto(f.packet, into, 3)).toBe(into.length);
        expect(into.subarray(3)).toEqual(f.bytes);
        expect(oracleGenerate(f.packet)).toEqual(f.bytes);
      });

      it("round-trips both ways", () => {
        const back = decodeMqttPacket(encodeMqttPacket(f.packet));
        expect(back).toEqual({ ok: true, value: f.packet });
        if (back.ok) expect(encodeMqttPacket(back.value)).toEqual(f.bytes);
      });

      it("parses from a stream cut at every byte boundary", () => {
        for (let cut = 0; cut <= f.bytes.length; cut++) {
          expect(parseChunks([f.bytes.subarray(0, cut), f.bytes.subarray(cut)])).toEqual([f.packet]);
        }
        const single: Uint8Array[] = [];
        for (let i = 0; i < f.bytes.length; i++) single.push(f.bytes.subarray(i, i + 1));
        expect(parseChunks(single)).toEqual([f.packet]);
      });
    });
  }

  it("all fixtures back to back parse from one chunk, from any two chunks, and byte by byte", () => {
    const stream = concat(...fixtures.map((f) => f.bytes));
    const all = fixtures.map((f) => f.packet);
    expect(parseChunks([stream])).toEqual(all);
    for (let cut = 0; cut <= stream.length; cut += 7) expect(parseChunks([stream.subarray(0, cut), stream.subarray(cut)])).toEqual(all);
    const single: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i++) single.push(stream.subarray(i, i + 1));
    expect(parseChunks(single)).toEqual(all);
  });

  it("remaining length uses 1 to 4 bytes at the table 2.4 boundaries", () => {
    const cases: [number, string][] = [
      [0, "00"],
      [127, "7f"],
      [128, "80 01"],
      [16383, "ff 7f"],
      [16384, "80 80 01"],
      [2097151, "ff ff 7f"],
      [2097152, "80 80 80 01"],
    ];
    for (const [remaining, lengthHex] of cases) {
      if (remaining < 3) continue;
      // A QoS 0 PUBLISH to topic "t" (3 bytes) with remaining - 3 payload bytes.
      const p: MqttPacket = { type: "publish", topic: "t", payload: new Uint8Array(remaining - 3), qos: 0, retain: false, dup: false };
      const b = encodeMqttPacket(p);
      const lb = hex(lengthHex);
      expect(b.subarray(1, 1 + lb.length)).toEqual(lb);
      const back = decodeMqttPacket(b);
      // Compared by length: deep equality over megabytes of payload is slow.
      expect(back.ok && back.value.type === "publish" && back.value.topic === "t" && back.value.payload.length === remaining - 3).toBe(true);
    }
    expect(encodeMqttPacket({ type: "pingreq" })).toEqual(hex("c0 00"));
  });
});
