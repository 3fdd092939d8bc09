// parseJsonDownlink and jsonDownlinkAllowed against firmware 2.7 MQTT::onReceive /
// isValidJsonEnvelope / onReceiveJson (spec meshtastic-wire.md 5.11), plus the bounds meshport
// adds, and a fuzz run: any input gives a typed result, never an exception.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { utf8Encode } from "../../../firmware/bytes/utf8.js";
import {
  JSON_DOWNLINK_MAX_BYTES,
  JsonDownlinkErrorCode,
  jsonDownlinkAllowed,
  parseJsonDownlink,
  type JsonDownlinkResult,
} from "../../../firmware/gateway/json-downlink.js";
import { Channels } from "../../../firmware/mesh/channels.js";
import { defaultNodeConfig, type ChannelConfig } from "../../../firmware/mesh/node-config.js";
import { ChannelRole, PortNum } from "../../../firmware/wire/enums.js";
import { PositionCodec } from "../../../firmware/wire/messages.js";

const US = 0xdeadbeef; // 3735928559, "!deadbeef"
const CHANNEL_COUNT = 5;

/** Firmware 2.7's reading (jsonDownlinkExtended off, the default), or meshport's extended one. */
function parse(json: string, extended = false): JsonDownlinkResult {
  return parseJsonDownlink(utf8Encode(json), US, CHANNEL_COUNT, extended);
}

function env(fields: Record<string, unknown>): string {
  return JSON.stringify({ from: US, ...fields });
}

function expectCode(r: JsonDownlinkResult, code: string): void {
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.code).toBe(code);
    expect(typeof r.message).toBe("string");
  }
}

function channel(name: string, downlink: boolean, role: number): ChannelConfig {
  return { role, name, psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: downlink, positionPrecision: 0 };
}

function channels(list: ChannelConfig[]): Channels {
  const c = defaultNodeConfig(US);
  c.channels = list;
  return new Channels(c);
}

describe("topic channel rule (MQTT::onReceive)", () => {
  const chans = channels([
    channel("", true, ChannelRole.PRIMARY), // effective name "LongFast"
    channel("MQTT", true, ChannelRole.SECONDARY),
    channel("mqttOff", false, ChannelRole.SECONDARY),
    channel("private", true, ChannelRole.SECONDARY),
    channel("mq", true, ChannelRole.SECONDARY),
    channel("mqtt-eu", true, ChannelRole.SECONDARY),
  ]);

  it("a channel named mqtt... (any case) with downlink enabled is allowed", () => {
    expect(jsonDownlinkAllowed("mqtt", chans)).toBe(true);
    expect(jsonDownlinkAllowed("MQTT", chans)).toBe(true);
    expect(jsonDownlinkAllowed("Mqtt-EU", chans)).toBe(true);
  });

  it("a non-mqtt channel, or one without downlink, is refused", () => {
    expect(jsonDownlinkAllowed("mqttOff", chans)).toBe(false);
    expect(jsonDownlinkAllowed("private", chans)).toBe(false);
    expect(jsonDownlinkAllowed("mq", chans)).toBe(false);
    expect(jsonDownlinkAllowed("LongFast", chans)).toBe(false);
  });

  it("an unknown name falls back to the primary channel (Channels::getByName)", () => {
    expect(jsonDownlinkAllowed("nosuch", chans)).toBe(false);
    const primaryMqtt = channels([channel("mqtt", true, ChannelRole.PRIMARY)]);
    expect(jsonDownlinkAllowed("nosuch", primaryMqtt)).toBe(true);
    expect(jsonDownlinkAllowed("", primaryMqtt)).toBe(true);
  });
});

describe("sendtext", () => {
  it("a minimal envelope gives a broadcast text on channel 0 with the configured hop limit", () => {
    const r = parse(env({ type: "sendtext", payload: "Hello mesh" }));
    expect(r).toEqual({ ok: true, request: { to: 0xffffffff, channel: 0, hopLimit: undefined, portnum: PortNum.TEXT_MESSAGE_APP, payload: utf8Encode("Hello mesh") } });
  });

  it("to, channel and hopLimit are taken when numeric", () => {
    const r = parse(env({ type: "sendtext", payload: "dm", to: 1234, channel: 4, hopLimit: 2 }));
    expect(r).toEqual({ ok: true, request: { to: 1234, channel: 4, hopLimit: 2, portnum: PortNum.TEXT_MESSAGE_APP, payload: utf8Encode("dm") } });
    // Non-numeric ones are ignored, as in the firmware.
    const s = parse(env({ type: "sendtext", payload: "x", to: "!000004d2", channel: "1" }));
    expect(s.ok && s.request.to === 0xffffffff && s.request.channel === 0).toBe(true);
  });

  it("another gateway's sender id is fine; extended, raw UTF-8 and \\u escapes both give UTF-8", () => {
    const r = parse('{"from":3735928559,"sender":"!12345678","type":"sendtext","payload":"caf\\u00e9 \\ud83d\\ude00 é"}', true);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.request.payload).toEqual(utf8Encode("café 😀 é"));
  });

  it("firmware 2.7 (default): a \\u escape keeps its low byte (SimpleJSON stores it in a char), raw UTF-8 passes", () => {
    const r = parse('{"from":3735928559,"type":"sendtext","payload":"caf\\u00e9 \\u20ac é"}');
    expect(r.ok).toBe(true);
    if (r.ok) expect(Array.from(r.request.payload)).toEqual([0x63, 0x61, 0x66, 0xe9, 0x20, 0xac, 0x20, 0xc3, 0xa9]);
  });

  it("233 bytes are accepted, 234 refused", () => {
    const ok = parse(env({ type: "sendtext", payload: "a".repeat(233) }));
    expect(ok.ok && ok.request.payload.length).toBe(233);
    expectCode(parse(env({ type: "sendtext", payload: "a".repeat(234) })), JsonDownlinkErrorCode.PayloadTooLong);
    expectCode(parse(env({ type: "sendtext", payload: "é".repeat(117) })), JsonDownlinkErrorCode.PayloadTooLong);
  });

  it("accepts what the firmware's reader accepts: TRUE, a skipped quote byte, input ending at NUL", () => {
    expect(parse(`{"from":${US},"type":"sendtext",xpayload":"x"}`).ok).toBe(true);
    const b = utf8Encode(`{"from":${US},"type":"sendtext","payload":"x"}\u0000garbage`);
    expect(parseJsonDownlink(b, US, CHANNEL_COUNT, false).ok).toBe(true);
    expect(parse(`{"from":${US}.0,"type":"sendtext","payload":"x","hopLimit":3e0}`).ok).toBe(true);
  });
});

describe("sendposition", () => {
  it("firmware 2.7 (default): only `time` is encoded; the coordinates lack their has_ flags (MQTT.cpp 214-222)", () => {
    const r = parse(env({ type: "sendposition", payload: { latitude_i: 523456789, longitude_i: -12345678, altitude: 35, time: 1700000000 } }));
    expect(r.ok && PositionCodec.decode(r.request.payload)).toEqual({ ok: true, value: { time: 1700000000 } });
    expectCode(parse(env({ type: "sendposition", payload: { latitude_i: 2 ** 31 } })), JsonDownlinkErrorCode.BadPosition);
  });

  it("extended: latitude_i, longitude_i, altitude and time become an encoded Position", () => {
    const r = parse(env({ type: "sendposition", payload: { latitude_i: 523456789, longitude_i: -12345678, altitude: 35, time: 1700000000 }, hopLimit: 0 }), true);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.request.portnum).toBe(PortNum.POSITION_APP);
    expect(r.request.hopLimit).toBe(0);
    expect(r.request.payload).toEqual(PositionCodec.encode({ latitudeI: 523456789, longitudeI: -12345678, altitude: 35, time: 1700000000 }));
    const back = PositionCodec.decode(r.request.payload);
    expect(back.ok && back.value).toEqual({ latitudeI: 523456789, longitudeI: -12345678, altitude: 35, time: 1700000000 });
  });

  it("extended: every field is optional; non-numbers are ignored; fractions truncate", () => {
    const r = parse(env({ type: "sendposition", payload: { time: 5, latitude_i: "52.3", longitude_i: 10.9 } }), true);
    expect(r.ok).toBe(true);
    if (r.ok) expect(PositionCodec.decode(r.request.payload)).toEqual({ ok: true, value: { time: 5, longitudeI: 10 } });
    const e = parse(env({ type: "sendposition", payload: {} }));
    expect(e.ok && e.request.payload.length).toBe(0);
  });

  it("values outside the protobuf types are refused", () => {
    expectCode(parse(env({ type: "sendposition", payload: { latitude_i: 2 ** 31 } }), true), JsonDownlinkErrorCode.BadPosition);
    expectCode(parse(env({ type: "sendposition", payload: { time: -1 } }), true), JsonDownlinkErrorCode.BadPosition);
  });
});

describe("refusals", () => {
  it("from missing, not a number, or not our node number", () => {
    expectCode(parse(JSON.stringify({ type: "sendtext", payload: "x" })), JsonDownlinkErrorCode.NotFromUs);
    expectCode(parse(JSON.stringify({ from: 0x12345678, type: "sendtext", payload: "x" })), JsonDownlinkErrorCode.NotFromUs);
    expectCode(parse(JSON.stringify({ from: String(US), type: "sendtext", payload: "x" })), JsonDownlinkErrorCode.NotFromUs);
  });

  it("sender equal to our own id (a message we uplinked), or not a string", () => {
    expectCode(parse(env({ sender: "!deadbeef", type: "sendtext", payload: "x" })), JsonDownlinkErrorCode.SenderIsUs);
    expectCode(parse(env({ sender: 1, type: "sendtext", payload: "x" })), JsonDownlinkErrorCode.BadSender);
  });

  it("hopLimit not a number, or not a hop limit", () => {
    expectCode(parse(env({ type: "sendtext", payload: "x", hopLimit: "3" })), JsonDownlinkErrorCode.BadHopLimit);
    expectCode(parse(env({ type: "sendtext", payload: "x", hopLimit: 300 })), JsonDownlinkErrorCode.BadHopLimit);
    expectCode(parse(env({ type: "sendtext", payload: "x", hopLimit: -1 })), JsonDownlinkErrorCode.BadHopLimit);
  });

  it("type or payload missing", () => {
    expectCode(parse(env({ payload: "x" })), JsonDownlinkErrorCode.BadType);
    expectCode(parse(env({ type: 1, payload: "x" })), JsonDownlinkErrorCode.BadType);
    expectCode(parse(env({ type: "sendtext" })), JsonDownlinkErrorCode.NoPayload);
  });

  it("a channel index that is not one of ours", () => {
    expectCode(parse(env({ type: "sendtext", payload: "x", channel: CHANNEL_COUNT })), JsonDownlinkErrorCode.BadChannel);
    expectCode(parse(env({ type: "sendtext", payload: "x", channel: -1 })), JsonDownlinkErrorCode.BadChannel);
    expectCode(parse(env({ type: "sendposition", payload: {}, channel: 99 })), JsonDownlinkErrorCode.BadChannel);
  });

  it("a destination that is not a node number", () => {
    expectCode(parse(env({ type: "sendtext", payload: "x", to: -1 })), JsonDownlinkErrorCode.BadTo);
    expectCode(parse(env({ type: "sendtext", payload: "x", to: 2 ** 32 })), JsonDownlinkErrorCode.BadTo);
  });

  it("malformed JSON, too deep, too long, empty, not an object", () => {
    expectCode(parse('{"from":1,'), JsonDownlinkErrorCode.BadJson);
    expectCode(parse("{'from':1}"), JsonDownlinkErrorCode.BadJson);
    expectCode(parse(`{"from":${US},"type":"sendtext","payload":"x",}`), JsonDownlinkErrorCode.BadJson);
    expectCode(parse(`{"from":${US},"type":"sendtext","payload":"x"} trailing`), JsonDownlinkErrorCode.BadJson);
    expectCode(parse(env({ type: "x", payload: [[[[[[[[1]]]]]]]] })), JsonDownlinkErrorCode.TooDeep);
    // depth 8 exactly is fine (and then an unsupported type)
    expectCode(parse(env({ type: "x", payload: [[[[[[[1]]]]]]] })), JsonDownlinkErrorCode.UnsupportedType);
    const long = env({ type: "sendtext", payload: "a".repeat(JSON_DOWNLINK_MAX_BYTES) });
    expectCode(parse(long), JsonDownlinkErrorCode.TooLong);
    expectCode(parseJsonDownlink(new Uint8Array(0), US, CHANNEL_COUNT, false), JsonDownlinkErrorCode.Empty);
    expectCode(parse("[1,2]"), JsonDownlinkErrorCode.NotObject);
    expectCode(parse('"sendtext"'), JsonDownlinkErrorCode.NotObject);
  });

  it("other types, or a payload of the wrong kind, are ignored with a typed result", () => {
    expectCode(parse(env({ type: "sendwaypoint", payload: {} })), JsonDownlinkErrorCode.UnsupportedType);
    expectCode(parse(env({ type: "SENDTEXT", payload: "x" })), JsonDownlinkErrorCode.UnsupportedType);
    expectCode(parse(env({ type: "sendtext", payload: { text: "x" } })), JsonDownlinkErrorCode.UnsupportedType);
    expectCode(parse(env({ type: "sendposition", payload: "52,4" })), JsonDownlinkErrorCode.UnsupportedType);
  });
});

describe("fuzz: typed result, never an exception", () => {
  const CODES = new Set<string>(Object.values(JsonDownlinkErrorCode));

  function checkResult(r: JsonDownlinkResult): void {
    if (r.ok) {
      expect(r.request.channel).toBeGreaterThanOrEqual(0);
      expect(r.request.channel).toBeLessThan(CHANNEL_COUNT);
      expect(r.request.to).toBeGreaterThanOrEqual(0);
      expect(r.request.to).toBeLessThanOrEqual(0xffffffff);
      if (r.request.portnum === PortNum.TEXT_MESSAGE_APP) expect(r.request.payload.length).toBeLessThanOrEqual(233);
      else expect(r.request.portnum).toBe(PortNum.POSITION_APP);
    } else {
      expect(CODES.has(r.code)).toBe(true);
      expect(typeof r.message).toBe("string");
    }
  }

  it("random strings", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => checkResult(parse(s))),
      { numRuns: 5000 },
    );
  });

  it("random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1100 }), (b) => checkResult(parseJsonDownlink(b, US, CHANNEL_COUNT, b.length % 2 === 0))),
      { numRuns: 3000 },
    );
  });

  it("random JSON values and random envelopes", () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 12 }), (s) => checkResult(parse(s))),
      { numRuns: 3000 },
    );
    const field = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(US), fc.constant("sendtext"), fc.constant("sendposition"), fc.constant("!deadbeef"));
    const envelope = fc.dictionary(fc.constantFrom("from", "type", "payload", "sender", "hopLimit", "channel", "to", "x"), field);
    fc.assert(
      fc.property(envelope, (o) => checkResult(parse(JSON.stringify(o)))),
      { numRuns: 5000 },
    );
  });

  it("mutations of valid envelopes", () => {
    const valid = [
      env({ type: "sendtext", payload: "Hello \u00e9 mesh", to: 1234, channel: 1, hopLimit: 3 }),
      env({ type: "sendposition", payload: { latitude_i: 523456789, longitude_i: -12345678, altitude: 35, time: 1700000000 } }),
      `{"from":${US},"sender":"!12345678","type":"sendtext","payload":"caf\\u00e9 \\ud83d\\ude00"}`,
    ].map((s) => utf8Encode(s));
    const mutation = fc.record({
      which: fc.nat(valid.length - 1),
      edits: fc.array(fc.record({ kind: fc.constantFrom("set", "insert", "delete", "truncate"), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
    });
    fc.assert(
      fc.property(mutation, (m) => {
        const b = Array.from(valid[m.which]);
        for (const e of m.edits) {
          const at = b.length === 0 ? 0 : e.at % (b.length + 1);
          if (e.kind === "set" && at < b.length) b[at] = e.byte;
          else if (e.kind === "insert") b.splice(at, 0, e.byte);
          else if (e.kind === "delete") b.splice(at, 1);
          else if (e.kind === "truncate") b.length = at;
        }
        checkResult(parseJsonDownlink(new Uint8Array(b), US, CHANNEL_COUNT, m.edits.length % 2 === 0));
      }),
      { numRuns: 10000 },
    );
  });
});
