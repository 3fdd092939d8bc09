import { describe, expect, it } from "vitest";
import {
  TopicKind,
  decodeEnvelope,
  downlinkFilter,
  encodeEnvelope,
  envelopeTopic,
  jsonTopic,
  mapTopic,
  nodeIdOf,
  parseNodeId,
  parseTopic,
} from "../../firmware/gateway/index.js";
import { jsonDownlinkChannel } from "../../firmware/gateway/topics.js";
import { WireErrorCode } from "../../firmware/bytes/index.js";
import { ServiceEnvelopeCodec } from "../../firmware/wire/index.js";
import { hex, loadVectors, toHexString } from "../support/vectors.js";

const env = loadVectors("envelopes").synthetic_packet;

describe("node ids", () => {
  it("formats as ! + 8 lowercase hex digits", () => {
    expect(nodeIdOf(0x12345678)).toBe("!12345678");
    expect(nodeIdOf(0xabc)).toBe("!00000abc");
    expect(nodeIdOf(0xffffffff)).toBe("!ffffffff");
  });
  it("parses ids and refuses malformed ones", () => {
    expect(parseNodeId("!12345678")).toBe(0x12345678);
    expect(parseNodeId("!DEADBEEF")).toBe(0xdeadbeef);
    expect(parseNodeId("12345678")).toBeUndefined();
    expect(parseNodeId("!1234567")).toBeUndefined();
    expect(parseNodeId("!1234567g")).toBeUndefined();
  });
});

describe("topics", () => {
  it("builds the firmware's topic forms", () => {
    expect(envelopeTopic(env.inputs.mqtt_root, "LongFast", "!12345678")).toBe(env.expected.topic);
    expect(envelopeTopic("", "PKI", "!12345678")).toBe("msh/2/e/PKI/!12345678");
    expect(jsonTopic("msh/US", "mqtt", "!12345678")).toBe("msh/US/2/json/mqtt/!12345678");
    expect(mapTopic("msh/US")).toBe("msh/US/2/map/");
    expect(downlinkFilter("msh/US", TopicKind.Encrypted, "LongFast")).toBe("msh/US/2/e/LongFast/+");
  });

  it("parses roots with extra levels by the /2/ marker", () => {
    expect(parseTopic("msh/US/CA/2/e/LongFast/!12345678")).toEqual({
      root: "msh/US/CA",
      kind: "e",
      channelId: "LongFast",
      gatewayId: "!12345678",
      gatewayNum: 0x12345678,
    });
    expect(parseTopic("msh/2/e/PKI/!0000abcd")?.channelId).toBe("PKI");
    expect(parseTopic("msh/EU_868/2/json/mqtt/!0000abcd")?.kind).toBe("json");
    expect(parseTopic("msh/2/c/LongFast/!0000abcd")?.kind).toBe("c");
    expect(parseTopic("msh/US/2/map/")).toEqual({ root: "msh/US", kind: "map", channelId: "", gatewayId: "", gatewayNum: undefined });
  });

  it("handles a channel literally named 2", () => {
    expect(parseTopic("msh/2/e/2/!0000abcd")).toMatchObject({ root: "msh", channelId: "2" });
  });

  it("refuses topics that are not Meshtastic's", () => {
    for (const t of ["msh/US", "msh/2/e/LongFast", "msh/2/x/LongFast/!1", "msh/2/map/extra", "msh/2/e//!12345678", "2/e/a/b"])
      expect(parseTopic(t), t).toBeUndefined();
  });

  it("keeps a malformed gateway id as text with no number", () => {
    expect(parseTopic("msh/2/e/LongFast/gw1")).toMatchObject({ gatewayId: "gw1", gatewayNum: undefined });
  });

  it("jsonDownlinkChannel: our ROOT/2/json/ prefix exactly, then the first strtok('/') segment (MQTT.cpp 391-398)", () => {
    const cases: [string, string, string | undefined][] = [
      ["msh/US/2/json/mqtt/!0000abcd", "msh/US", "mqtt"],
      ["msh/US/2/json/mqtt/", "msh/US", "mqtt"],
      ["msh/US/2/json/mqtt", "msh/US", "mqtt"],
      ["msh/US/2/json/mqtt/a/b", "msh/US", "mqtt"],
      ["msh/US/2/json//mqtt", "msh/US", "mqtt"],
      // strtok finds no token: the rest itself, a name no channel has.
      ["msh/US/2/json/", "msh/US", ""],
      ["msh/US/2/json///", "msh/US", "//"],
      ["msh/2/json/mqtt/!0000abcd", "", "mqtt"],
      // Not our jsonTopic: another root, another case, an extra level before /2/, the protobuf kind.
      ["other/2/json/mqtt/!0000abcd", "msh/US", undefined],
      ["MSH/US/2/json/mqtt/!0000abcd", "msh/US", undefined],
      ["msh/US/x/2/json/mqtt/!0000abcd", "msh/US", undefined],
      ["msh/US/2/e/mqtt/!0000abcd", "msh/US", undefined],
      ["msh/US/2/json", "msh/US", undefined],
    ];
    for (const [topic, root, channel] of cases) expect(jsonDownlinkChannel(topic, root), topic).toBe(channel);
  });
});

describe("envelopes", () => {
  it("encodes the synthetic encrypted envelope", () => {
    const e = ServiceEnvelopeCodec.decode(hex(env.expected.envelope_encrypted_hex));
    if (!e.ok) throw new Error(e.error.message);
    const bytes = encodeEnvelope(e.value.packet ?? {}, "LongFast", 0x12345678);
    expect(toHexString(bytes)).toBe(env.expected.envelope_encrypted_hex);
  });

  it("requires packet, channel_id and gateway_id", () => {
    const noGw = ServiceEnvelopeCodec.encode({ packet: { id: 1 }, channelId: "LongFast" });
    const r = decodeEnvelope(noGw);
    expect(!r.ok && r.error.code).toBe(WireErrorCode.MissingField);
    expect(!r.ok && r.error.message).toBe("envelope has no gateway_id");
    const noPacket = decodeEnvelope(ServiceEnvelopeCodec.encode({ channelId: "x", gatewayId: "!00000001" }));
    expect(!noPacket.ok && noPacket.error.message).toBe("envelope has no packet");
    expect(decodeEnvelope(hex(env.expected.envelope_encrypted_hex)).ok).toBe(true);
  });

  it("an empty gateway_id on the wire is present (MQTT.cpp 64-68 test NULL); an empty channel_id is refused (70-75)", () => {
    const empty = (field: number, e: Parameters<typeof ServiceEnvelopeCodec.encode>[0]) => new Uint8Array([...ServiceEnvelopeCodec.encode(e), (field << 3) | 2, 0]);
    const gw = decodeEnvelope(empty(3, { packet: { id: 1 }, channelId: "LongFast" }));
    expect(gw.ok && gw.value.gatewayId).toBe("");
    const ch = decodeEnvelope(empty(2, { packet: { id: 1 }, gatewayId: "!00000001" }));
    expect(!ch.ok && ch.error.message).toBe("envelope has no channel_id");
  });
});
