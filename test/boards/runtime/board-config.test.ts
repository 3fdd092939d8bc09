// The gateway operator's settings in the stored configuration: primary channel (name and psk), role,
// and TLS to the broker. Each is bounded with a typed error, and nodeConfigOf / mqttConfigOf apply it
// the way the firmware would have it after the app set the same values.
import { describe, expect, it } from "vitest";
import { emptyStoredConfig, mqttConfigOf, nodeConfigOf, validateStoredConfig } from "../../../boards/runtime/board-config.js";
import type { StoredConfig } from "../../../boards/runtime/board-config.js";
import { ModemPreset } from "../../../firmware/mesh/modem-preset.js";
import { RegionCode } from "../../../firmware/mesh/regions.js";
import { RebroadcastMode, Role } from "../../../firmware/wire/enums.js";

const base = { v: 1, region: "US", wifi: { ssid: "lab", password: "password123" }, mqtt: { host: "127.0.0.1", port: 1883 } };
const KEY16 = Buffer.alloc(16, 7).toString("base64");
const KEY32 = Buffer.alloc(32, 9).toString("base64");

function valid(doc: unknown): StoredConfig {
  const r = validateStoredConfig(doc);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe("stored configuration: channel, role, TLS", () => {
  it("bounds each new field with a typed error, and never quotes the key", () => {
    const secret = Buffer.alloc(20, 0x41).toString("base64");
    const bad: [unknown, string, string][] = [
      [{ ...base, primaryChannel: "Roof" }, "wrong-type", "primaryChannel"],
      [{ ...base, primaryChannel: { name: "TwelveBytes!" } }, "out-of-range", "primaryChannel.name"],
      [{ ...base, primaryChannel: { name: "a/b" } }, "bad-format", "primaryChannel.name"],
      [{ ...base, primaryChannel: { name: "a#" } }, "bad-format", "primaryChannel.name"],
      [{ ...base, primaryChannel: { name: "a\nb" } }, "bad-format", "primaryChannel.name"],
      [{ ...base, primaryChannel: { name: "x", pskBase64: "not base64!" } }, "bad-format", "primaryChannel.pskBase64"],
      [{ ...base, primaryChannel: { name: "x", pskBase64: secret } }, "out-of-range", "primaryChannel.pskBase64"],
      [{ ...base, primaryChannel: { name: "x", pskBase64: 16 } }, "wrong-type", "primaryChannel.pskBase64"],
      [{ ...base, deviceRole: "ROUTER_CLIENT" }, "bad-format", "deviceRole"],
      [{ ...base, deviceRole: "TRACKER" }, "bad-format", "deviceRole"],
      [{ ...base, deviceRole: "router" }, "bad-format", "deviceRole"],
      [{ ...base, mqtt: { host: "x", useTls: "yes" } }, "wrong-type", "mqtt.useTls"],
    ];
    for (const [doc, code, field] of bad) {
      const r = validateStoredConfig(doc);
      expect(r.ok, JSON.stringify(doc)).toBe(false);
      if (r.ok) continue;
      expect([r.error.code, r.error.field]).toEqual([code, field]);
      expect(r.error.message).not.toContain(secret);
    }
    const r = validateStoredConfig({ ...base, primaryChannel: { name: "x", pskBase64: secret } });
    expect(!r.ok && r.error.message).toBe("primaryChannel.pskBase64: must be 0, 1, 16 or 32 bytes, got 20");
  });

  it("accepts each psk length the firmware means, and fills the defaults", () => {
    for (const psk of ["", "AA==", "AQ==", "Cw==", KEY16, KEY32]) expect(valid({ ...base, primaryChannel: { name: "Roof", pskBase64: psk } }).primaryChannel).toEqual({ name: "Roof", pskBase64: psk });
    const c = valid({ ...base, primaryChannel: {} });
    expect(c.primaryChannel).toEqual({ name: "", pskBase64: "AQ==" });
    const old = valid(base);
    expect([old.deviceRole, old.primaryChannel, old.mqtt?.useTls]).toEqual(["", undefined, false]);
  });

  it("a configuration without names reads back as written (the CLI's prelude and assignNodeNum store it)", () => {
    const c = valid({ ...base, primaryChannel: { name: "Roof" } });
    expect([c.longName, c.shortName]).toEqual(["", ""]);
    expect(valid(JSON.parse(JSON.stringify({ ...c, nodeNum: 0x1234 })))).toEqual({ ...c, nodeNum: 0x1234 });
  });

  it("nodeConfigOf: channel name and key on channel 0, role with its defaults, preset", () => {
    const c = valid({ ...base, preset: "MEDIUM_FAST", deviceRole: "ROUTER", primaryChannel: { name: "Roof", pskBase64: KEY32 } });
    const n = nodeConfigOf(c, 0x1234, true, RegionCode.EU_868, ModemPreset.LONG_FAST);
    expect(n.region).toBe(RegionCode.US);
    expect(n.modemPreset).toBe(ModemPreset.MEDIUM_FAST);
    expect(n.channels[0]).toMatchObject({ name: "Roof", uplinkEnabled: true, downlinkEnabled: true });
    expect(Buffer.from(n.channels[0].psk).toString("base64")).toBe(KEY32);
    // installRoleDefaults for ROUTER (NodeDB.cpp 949-987).
    expect(n.role).toBe(Role.ROUTER);
    expect(n.rebroadcastMode).toBe(RebroadcastMode.CORE_PORTNUMS_ONLY);
    expect(n.positionBroadcastSecs).toBe(12 * 60 * 60);
    expect(n.isUnmessagable).toBe(true);

    const mute = nodeConfigOf(valid({ ...base, deviceRole: "CLIENT_MUTE", primaryChannel: { name: "", pskBase64: "AA==" } }), 0x1234, false, RegionCode.US, ModemPreset.LONG_FAST);
    expect(mute.role).toBe(Role.CLIENT_MUTE);
    expect(mute.channels[0].name).toBe("");
    expect([...mute.channels[0].psk]).toEqual([0]);
  });

  it("nodeConfigOf without the new fields is the factory channel and role", () => {
    const n = nodeConfigOf(emptyStoredConfig(), 0x1234, false, RegionCode.US, ModemPreset.LONG_FAST);
    expect(n.role).toBe(Role.CLIENT);
    expect(n.channels[0].name).toBe("");
    expect([...n.channels[0].psk]).toEqual([1]);
  });

  it("mqttConfigOf: user, password, root and TLS (insecure: Espruino cannot check the certificate)", () => {
    const c = valid({ ...base, mqtt: { host: "broker.example", port: 8883, username: "gw", password: "s3cret", root: "msh/EU/roof", useTls: true } });
    expect(mqttConfigOf(c.mqtt!, "US")).toMatchObject({ enabled: true, address: "broker.example:8883", username: "gw", password: "s3cret", root: "msh/EU/roof", tlsEnabled: true, tlsInsecure: true });
    expect(mqttConfigOf(valid(base).mqtt!, "US")).toMatchObject({ root: "msh/US", tlsEnabled: false, tlsInsecure: false });
  });
});
