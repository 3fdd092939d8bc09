// serializeJsonUplink against firmware 2.7 MeshPacketSerializer::JsonSerialize output, written
// out by hand from the serializer's rules (spec meshtastic-wire.md 5.11): sorted keys, compact,
// "%.15g" numbers, `\/` and `\u00xx` escapes, raw UTF-8.
import { describe, expect, it } from "vitest";
import { utf8Encode } from "../../../firmware/bytes/utf8.js";
import { serializeJsonUplink, serializeJsonUplinkBytes, stringifyFirmwareJson } from "../../../firmware/gateway/json-uplink.js";
import { parseFirmwareJson } from "../../../firmware/gateway/json-downlink.js";
import { PortNum } from "../../../firmware/wire/enums.js";
import { TelemetryCodec } from "../../../firmware/wire/messages.js";
import {
  FROM,
  GATEWAY,
  ID,
  RX_TIME,
  bare,
  deviceData,
  environmentData,
  neighborinfoData,
  nodeinfoData,
  packet,
  positionData,
  routeNodes,
  text,
  tracerouteReply,
  waypointData,
} from "./fixtures.js";

const ser = (p: Parameters<typeof serializeJsonUplink>[0]) => serializeJsonUplink(p, GATEWAY, undefined);

function bytesOf(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "latin1"));
}

describe("top-level keys", () => {
  it("a text heard over LoRa: all keys, sorted", () => {
    const p = packet(text("hello"));
    p.channel = 0;
    p.rxRssi = -90;
    p.rxSnr = 6.25;
    p.hopStart = 3;
    p.hopLimit = 3;
    expect(ser(p)).toBe(
      `{"channel":0,"from":${FROM},"hop_start":3,"hops_away":0,"id":${ID},"payload":{"text":"hello"},"rssi":-90,"sender":"!deadbeef","snr":6.25,"timestamp":${RX_TIME},"to":4294967295,"type":"text"}`,
    );
  });

  it("rssi and snr only when non-zero; snr is the float32 value", () => {
    const p = packet(text("x"));
    expect(ser(p)).toBe(bare("text", '{"text":"x"}'));
    p.rxRssi = -121;
    expect(ser(p)).toContain(`"payload":{"text":"x"},"rssi":-121,"sender"`);
    expect(ser(p)).not.toContain('"snr"');
    p.rxRssi = 0;
    p.rxSnr = 5.3;
    expect(ser(p)).toContain(`"sender":"!deadbeef","snr":5.30000019073486,"timestamp"`);
    p.rxSnr = -7.25;
    expect(ser(p)).toContain(`"snr":-7.25,`);
  });

  it("hops_away/hop_start follow getHopsAway", () => {
    const p = packet({ portnum: PortNum.TEXT_MESSAGE_APP, payload: utf8Encode("x") });
    // hop_start 0 without bitfield: unknown (a pre-2.3 sender)
    expect(ser(p)).not.toContain("hop");
    // hop_start 0 with a bitfield: the sender did start with 0 hops, so 0 away
    p.decoded = { ...p.decoded, bitfield: 0 };
    expect(ser(p)).toContain(`"from":${FROM},"hop_start":0,"hops_away":0,"id"`);
    // hop_start 7, hop_limit 4: 3 hops
    p.hopStart = 7;
    p.hopLimit = 4;
    expect(ser(p)).toContain(`"hop_start":7,"hops_away":3,`);
    // hop_start below hop_limit: invalid, left out
    p.hopStart = 2;
    p.hopLimit = 5;
    expect(ser(p)).not.toContain("hop");
  });

  it("channel is the local index; ids are unsigned", () => {
    const p = packet(text("x"));
    p.channel = 7;
    p.from = 0xfffffffe;
    p.id = 0x80000000;
    const s = ser(p) as string;
    expect(s).toContain(`{"channel":7,"from":4294967294,"id":2147483648,`);
  });

  it("an undecoded packet (a PKI DM between others, a drained entry) gives the header with type \"\" (JsonSerialize 412-436)", () => {
    const p = packet(text("x"));
    p.decoded = undefined;
    p.encrypted = new Uint8Array([1, 2, 3]);
    expect(ser(p)).toBe(bare("", undefined));
    // hop_start 0 without a bitfield: hops unknown, so no hops_away (getHopsAway).
    p.hopStart = 3;
    p.hopLimit = 2;
    expect(ser(p)).toContain('"hop_start":3,"hops_away":1');
  });

  it("unlisted port numbers keep type \"\" and have no payload", () => {
    expect(ser(packet({ portnum: PortNum.ROUTING_APP, payload: new Uint8Array([0x18, 0x00]) }))).toBe(bare("", undefined));
    expect(ser(packet({ portnum: PortNum.TEXT_MESSAGE_COMPRESSED_APP, payload: new Uint8Array([1]) }))).toBe(bare("", undefined));
    expect(ser(packet({ portnum: PortNum.MAP_REPORT_APP }))).toBe(bare("", undefined));
  });
});

describe("text", () => {
  it("plain text becomes {text}", () => {
    expect(ser(packet(text("Hi there")))).toBe(bare("text", '{"text":"Hi there"}'));
    expect(ser(packet(text("")))).toBe(bare("text", '{"text":""}'));
  });

  it("text that is JSON becomes that value, re-serialized by the firmware's rules", () => {
    expect(ser(packet(text('{"t": 21.5, "ok": TRUE, "list": [1e3, "x/y"]}')))).toBe(bare("text", '{"list":[1000,"x\\/y"],"ok":true,"t":21.5}'));
    expect(ser(packet(text("null")))).toBe(bare("text", "null"));
    expect(ser(packet(text(" 42 ")))).toBe(bare("text", "42"));
    expect(ser(packet(text('"quoted"')))).toBe(bare("text", '"quoted"'));
    expect(ser(packet(text("[]")))).toBe(bare("text", "[]"));
    // not JSON by SimpleJSON's rules: trailing comma, leading zero, NaN
    expect(ser(packet(text("[1,]")))).toBe(bare("text", '{"text":"[1,]"}'));
    expect(ser(packet(text("01")))).toBe(bare("text", '{"text":"01"}'));
    expect(ser(packet(text("NaN")))).toBe(bare("text", '{"text":"NaN"}'));
  });

  it("is cut at the first NUL", () => {
    expect(ser(packet(text(new Uint8Array([0x61, 0x62, 0x63, 0, 0x64]))))).toBe(bare("text", '{"text":"abc"}'));
    expect(ser(packet(text(new Uint8Array([0x31, 0, 0x78]))))).toBe(bare("text", "1"));
  });

  it("escapes / \" \\ and control bytes, writes other UTF-8 raw", () => {
    const s = 'a/b "q" \\ \t\n\r\b\f\u0001\u001f\u007f é 😀 ünï';
    expect(ser(packet(text(s)))).toBe(bare("text", '{"text":"a\\/b \\"q\\" \\\\ \\t\\n\\r\\b\\f\\u0001\\u001f\\u007f é 😀 ünï"}'));
  });

  it("passes invalid UTF-8 through as bytes (the string form shows U+FFFD)", () => {
    const p = packet(text(new Uint8Array([0x61, 0xff, 0x62])));
    expect(serializeJsonUplinkBytes(p, GATEWAY, undefined)).toEqual(bytesOf(bare("text", '{"text":"a\xffb"}')));
    expect(ser(p)).toBe(bare("text", '{"text":"a\ufffdb"}'));
    // A lead byte copies its continuation bytes unescaped, even a quote (StringifyString).
    const q = packet(text(new Uint8Array([0xc3, 0x22])));
    expect(serializeJsonUplinkBytes(q, GATEWAY, undefined)).toEqual(bytesOf(bare("text", '{"text":"\xc3""}')));
  });

  it("\\u escapes inside JSON text keep only their low byte, as in SimpleJSON", () => {
    const p = packet(text('"caf\\u00e9"'));
    expect(serializeJsonUplinkBytes(p, GATEWAY, undefined)).toEqual(bytesOf(bare("text", '"caf\xe9"')));
    expect(ser(packet(text('"\\ud83d\\ude00"')))).toBe(bare("text", '"=\\u0000"'));
  });

  it("the string and byte forms agree for valid UTF-8", () => {
    const p = packet(text("Grüße 😀 /"));
    expect(serializeJsonUplinkBytes(p, GATEWAY, undefined)).toEqual(utf8Encode(ser(p) as string));
  });
});

describe("per-port payloads", () => {
  it("position: latitude/longitude always, the rest only when non-zero", () => {
    expect(ser(packet(positionData))).toBe(
      bare("position", '{"PDOP":150,"altitude":35,"ground_speed":3,"latitude_i":523456789,"longitude_i":-12345678,"precision_bits":32,"sats_in_view":7,"time":1700000000}'),
    );
    expect(ser(packet({ portnum: PortNum.POSITION_APP, payload: new Uint8Array(0) }))).toBe(bare("position", '{"latitude_i":0,"longitude_i":0}'));
  });

  it("a payload that does not decode keeps the type and drops the payload", () => {
    expect(ser(packet({ portnum: PortNum.POSITION_APP, payload: new Uint8Array([0x0d, 0x01]) }))).toBe(bare("position", undefined));
    expect(ser(packet({ portnum: PortNum.TELEMETRY_APP, payload: new Uint8Array([0xff]) }))).toBe(bare("telemetry", undefined));
  });

  it("nodeinfo", () => {
    expect(ser(packet(nodeinfoData))).toBe(bare("nodeinfo", '{"hardware":43,"id":"!0a0b0c0d","longname":"Base \\/ Camp","role":2,"shortname":"BC"}'));
  });

  it("telemetry device metrics: battery only when present, the rest always", () => {
    expect(ser(packet(deviceData))).toBe(
      bare("telemetry", '{"air_util_tx":0.300000011920929,"battery_level":87,"channel_utilization":12.5,"uptime_seconds":3600,"voltage":4.19999980926514}'),
    );
    const bare2 = { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ deviceMetrics: { uptimeSeconds: 60 } }) };
    expect(ser(packet(bare2))).toBe(bare("telemetry", '{"air_util_tx":0,"channel_utilization":0,"uptime_seconds":60,"voltage":0}'));
  });

  it("telemetry environment metrics: only the present fields the serializer knows", () => {
    expect(ser(packet(environmentData))).toBe(
      bare(
        "telemetry",
        '{"barometric_pressure":1013.25,"iaq":50,"rainfall_1h":0,"relative_humidity":65.3000030517578,"soil_moisture":40,"temperature":23.5,"wind_direction":270}',
      ),
    );
  });

  it("telemetry air quality and power metrics", () => {
    const aq = { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ airQualityMetrics: { pm25Standard: 12, co2: 415, co2Temperature: 21.5, pm10Environmental: 9 } }) };
    expect(ser(packet(aq))).toBe(bare("telemetry", '{"co2":415,"co2_temperature":21.5,"pm25":12}'));
    const pw = { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ powerMetrics: { ch1Voltage: 12.5, ch2Current: 0.25, ch4Voltage: 5 } }) };
    expect(ser(packet(pw))).toBe(bare("telemetry", '{"current_ch2":0.25,"voltage_ch1":12.5}'));
    const ls = { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ localStats: { uptimeSeconds: 5 } }) };
    expect(ser(packet(ls))).toBe(bare("telemetry", "{}"));
  });

  it("waypoint", () => {
    expect(ser(packet(waypointData))).toBe(
      bare("waypoint", '{"description":"Tents \\"here\\"","expire":1700003600,"id":77,"latitude_i":1,"locked_to":0,"longitude_i":-1,"name":"Camp"}'),
    );
  });

  it("neighborinfo: snr truncated to int", () => {
    expect(ser(packet(neighborinfoData))).toBe(
      bare(
        "neighborinfo",
        `{"last_sent_by_id":${FROM},"neighbors":[{"node_id":1,"snr":5},{"node_id":2,"snr":-3}],"neighbors_count":2,"node_broadcast_interval_secs":900,"node_id":${FROM}}`,
      ),
    );
  });

  it("traceroute reply: long names or Unknown, endpoints included, snr / 4", () => {
    const s = serializeJsonUplink(tracerouteReply(), GATEWAY, routeNodes());
    expect(s).toBe(
      `{"channel":1,"from":${FROM},"id":${ID},"payload":{"route":["Requester","Relay\\/One","Responder"],"route_back":["Responder","Unknown","Requester"],"snr_back":[3,1.75],"snr_towards":[6.25,-2.5]},"sender":"!deadbeef","timestamp":${RX_TIME},"to":286331153,"type":"traceroute"}`,
    );
    // Without a node DB every hop is Unknown.
    expect(serializeJsonUplink(tracerouteReply(), GATEWAY, undefined)).toContain('"route":["Unknown","Unknown","Unknown"]');
  });

  it("traceroute request (no request_id): type \"\" and no payload", () => {
    const p = tracerouteReply();
    p.decoded = { ...p.decoded, requestId: undefined };
    expect(serializeJsonUplink(p, GATEWAY, routeNodes())).toBe(
      `{"channel":1,"from":${FROM},"id":${ID},"sender":"!deadbeef","timestamp":${RX_TIME},"to":286331153,"type":""}`,
    );
  });

  it("detection sensor: the text up to NUL, never parsed as JSON", () => {
    expect(ser(packet({ portnum: PortNum.DETECTION_SENSOR_APP, payload: utf8Encode("Motion\u0000junk") }))).toBe(bare("detection", '{"text":"Motion"}'));
    expect(ser(packet({ portnum: PortNum.DETECTION_SENSOR_APP, payload: utf8Encode("[1]") }))).toBe(bare("detection", '{"text":"[1]"}'));
  });

  it("paxcounter (ESP32 layout: wifi = 1, ble = 2, uptime = 3)", () => {
    const pax = new Uint8Array([0x08, 12, 0x10, 34, 0x18, 0xae, 0x2c]);
    expect(ser(packet({ portnum: PortNum.PAXCOUNTER_APP, payload: pax }))).toBe(bare("paxcounter", '{"ble_count":34,"uptime":5678,"wifi_count":12}'));
  });

  it("remote hardware: gpios_changed and gpios_read_reply, uint64 values cut to 32 bits", () => {
    // type 3, gpio_value = 0x1_0000_0005
    const changed = new Uint8Array([0x08, 0x03, 0x18, 0x85, 0x80, 0x80, 0x80, 0x10]);
    expect(ser(packet({ portnum: PortNum.REMOTE_HARDWARE_APP, payload: changed }))).toBe(bare("gpios_changed", '{"gpio_value":5}'));
    // type 5, gpio_mask 255, gpio_value 15
    const reply = new Uint8Array([0x08, 0x05, 0x10, 0xff, 0x01, 0x18, 0x0f]);
    expect(ser(packet({ portnum: PortNum.REMOTE_HARDWARE_APP, payload: reply }))).toBe(bare("gpios_read_reply", '{"gpio_mask":255,"gpio_value":15}'));
    // other message kinds, or a payload that does not decode: type "" and no payload
    expect(ser(packet({ portnum: PortNum.REMOTE_HARDWARE_APP, payload: new Uint8Array([0x08, 0x01]) }))).toBe(bare("", undefined));
    expect(ser(packet({ portnum: PortNum.REMOTE_HARDWARE_APP, payload: new Uint8Array([0x08]) }))).toBe(bare("", undefined));
  });
});

describe("the firmware JSON reader and writer (SimpleJSON quirks, checked against the library compiled natively)", () => {
  const CASES: [string, string | undefined][] = [
    ['{xa":1}', '{"a":1}'],
    ["TRUE", "true"],
    [" [1,]", undefined],
    ['{"b":1,"a":2,"b":3}', '{"a":2,"b":3}'],
    ["0.1", "0.1"],
    ["1.5e3", "1500"],
    ["1e-7", "1e-07"],
    ["-0", "-0"],
    ["01", undefined],
    ['{"a":1,}', undefined],
    ["[1e400]", "[null]"],
    ['"tab\there"', '"tab\\there"'],
    ['{"k":[null,FaLsE]}', '{"k":[null,false]}'],
    ["3.14159265358979323846", "3.14159265358979"],
    ["0.30000000000000004", "0.3"],
    ["nulL", "null"],
    ['"a\\/b"', '"a\\/b"'],
    ['{ "Z":1, "a":2, "_":3, "é":4}', '{"Z":1,"_":3,"a":2,"é":4}'],
    ["123456789.123456789", "123456789.123457"],
    ['"\x01"', undefined],
  ];
  for (const [input, want] of CASES) {
    it(JSON.stringify(input), () => {
      const b = utf8Encode(input);
      const r = parseFirmwareJson(Buffer.from(b).toString("latin1"), 64, false);
      if (want === undefined) expect(r.ok).toBe(false);
      else {
        expect(r.ok).toBe(true);
        if (r.ok) expect(Buffer.from(stringifyFirmwareJson(r.value), "latin1").toString("utf8")).toBe(want);
      }
    });
  }

  it("deep text JSON is fine (the reader and writer are iterative)", () => {
    const deep = "[".repeat(116) + "]".repeat(116);
    expect(ser(packet(text(deep)))).toBe(bare("text", deep));
  });
});
