// The board's configuration as stored in flash (require("Storage").writeJSON(BOARD_CONFIG_FILE)):
// who the node is, its role, LoRa region and preset, its primary channel, and for a gateway the Wifi
// network and the broker.
// `meshport board flash` writes it, the board reads it at boot; both validate it with
// validateStoredConfig, which bounds every field and answers a typed error instead of throwing.
import { fromBase64 } from "../../firmware/bytes/base64.js";
import { utf8Length } from "../../firmware/bytes/utf8.js";
import { defaultMqttConfig } from "../../firmware/gateway/mqtt-config.js";
import type { MqttGatewayConfig } from "../../firmware/gateway/mqtt-config.js";
import { ModemPreset } from "../../firmware/mesh/modem-preset.js";
import { defaultNodeConfig, setRole } from "../../firmware/mesh/node-config.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { RegionCode } from "../../firmware/mesh/regions.js";
import { Role } from "../../firmware/wire/enums.js";

/** The Storage file name (Storage names are at most 28 characters). */
export const BOARD_CONFIG_FILE = "meshport.json";
export const BOARD_CONFIG_VERSION = 1;

/** User.long_name: the firmware sends at most 24 bytes (schemas.ts, User max 24 on the wire we emit). */
export const LONG_NAME_MAX_BYTES = 24;
/** User.short_name: up to 4 bytes. */
export const SHORT_NAME_MAX_BYTES = 4;
/** 802.11 SSID: 1..32 bytes. */
export const SSID_MAX_BYTES = 32;
/** WPA2-PSK passphrase: 8..63 characters; "" = an open network. */
export const WIFI_PASSWORD_MIN = 8;
export const WIFI_PASSWORD_MAX = 63;
/** A DNS name is at most 253 characters. */
export const HOST_MAX_CHARS = 253;
/** Broker user name and password, as the firmware's MQTTConfig strings (64-byte fields). */
export const MQTT_CREDENTIAL_MAX_BYTES = 63;
/** ModuleConfig.MQTTConfig.root is a 32-byte field. */
export const MQTT_ROOT_MAX_BYTES = 31;
/** ChannelSettings.name is char[12] (channel.options max_size:12): 11 bytes and the NUL. */
export const CHANNEL_NAME_MAX_BYTES = 11;
/**
 * The psk lengths a channel is given here: 0 or 1 byte (no encryption, or the index of a well-known
 * key: 1 = the default key, N = the default key with its last byte + N - 1, Channels::getKey), 16
 * (AES-128) or 32 (AES-256). The firmware also zero-pads other lengths; nobody should mean those.
 */
export const CHANNEL_PSK_LENGTHS = [0, 1, 16, 32];
/** Base64 text of the longest psk (32 bytes). */
const PSK_BASE64_MAX_CHARS = 44;
/** The psk of a new channel: the default key, index 1 ("AQ=="). */
export const DEFAULT_PSK_BASE64 = "AQ==";
/**
 * Config.DeviceConfig.Role names a board may take. Not the deprecated ROUTER_CLIENT and REPEATER
 * (the firmware turns them into CLIENT), nor TRACKER, SENSOR, TAK, TAK_TRACKER and LOST_AND_FOUND,
 * whose purpose is GPS, sensor or ATAK traffic the board runtime has no source for.
 */
export const BOARD_ROLES = ["CLIENT", "CLIENT_MUTE", "CLIENT_HIDDEN", "CLIENT_BASE", "ROUTER", "ROUTER_LATE"];
/**
 * Their Role values, in the same order. A table of its own rather than a lookup by name in Role: that
 * would keep every Role member's name unrenamed in the bundle (reserved-props.ts, name lookups).
 */
const BOARD_ROLE_VALUES = [Role.CLIENT, Role.CLIENT_MUTE, Role.CLIENT_HIDDEN, Role.CLIENT_BASE, Role.ROUTER, Role.ROUTER_LATE];

export interface StoredWifi {
  ssid: string;
  password: string;
}

export interface StoredBroker {
  host: string;
  port: number;
  username: string;
  password: string;
  /** Topic root; "" = "msh/" + region, the firmware's per-region default. */
  root: string;
  /** Connect with require("tls") (encrypted; Espruino does not check the broker's certificate). */
  useTls: boolean;
}

/**
 * The primary channel (channel 0). The Storage keys of the configuration keep their names in the
 * bundle, and so does every property of that name anywhere in it (reserved-props.ts): hence
 * primaryChannel, deviceRole, pskBase64 and useTls, names the core does not use, rather than
 * channel, role, psk and tls, which it uses everywhere (0.4 KB of bundle, measured).
 */
export interface StoredChannel {
  /** "" = the modem preset's name (LongFast ...), as on a factory node. */
  name: string;
  /** ChannelSettings.psk in base64, one of CHANNEL_PSK_LENGTHS bytes. */
  pskBase64: string;
}

export interface StoredConfig {
  v: number;
  /** 0 = choose one at first boot from the hardware RNG and store it. */
  nodeNum: number;
  longName: string;
  shortName: string;
  /** A RegionCode name, e.g. "US" or "EU_868" (not UNSET); "" = the board's default. */
  region: string;
  /** A ModemPreset name, e.g. "LONG_FAST"; "" = the board's default. */
  preset: string;
  /** One of BOARD_ROLES; "" = CLIENT, the factory role. */
  deviceRole: string;
  /** Undefined = the factory primary channel (preset name, default key). */
  primaryChannel: StoredChannel | undefined;
  wifi: StoredWifi | undefined;
  mqtt: StoredBroker | undefined;
}

export const ConfigErrorCode = {
  NotAnObject: "not-an-object",
  Missing: "missing",
  WrongType: "wrong-type",
  OutOfRange: "out-of-range",
  BadFormat: "bad-format",
  Unsupported: "unsupported-version",
} as const;
export type ConfigErrorCode = (typeof ConfigErrorCode)[keyof typeof ConfigErrorCode];

export interface ConfigError {
  code: ConfigErrorCode;
  /** The offending field ("wifi.ssid"), or "" for the whole document. */
  field: string;
  message: string;
}

export type ConfigResult<T> = { ok: true; value: T } | { ok: false; error: ConfigError };

function fail<T>(code: ConfigErrorCode, field: string, message: string): ConfigResult<T> {
  return { ok: false, error: { code, field, message: field === "" ? message : field + ": " + message } };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === "object" && !(x instanceof Array);
}

function has(o: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined && o[key] !== null;
}

/** Every code unit printable ASCII (0x20..0x7e): what the console, DNS and WPA passphrases accept. */
function isPrintableAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** No control characters (names may be any UTF-8 text). */
function hasNoControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20 || s.charCodeAt(i) === 0x7f) return false;
  return true;
}

function stringField(o: Record<string, unknown>, key: string, path: string, minBytes: number, maxBytes: number, fallback: string | undefined): ConfigResult<string> {
  if (!has(o, key)) {
    if (fallback !== undefined) return { ok: true, value: fallback };
    return fail(ConfigErrorCode.Missing, path, "is required");
  }
  const v = o[key];
  if (typeof v !== "string") return fail(ConfigErrorCode.WrongType, path, "must be a string");
  const n = utf8Length(v);
  if (n < minBytes || n > maxBytes) return fail(ConfigErrorCode.OutOfRange, path, "must be " + minBytes + ".." + maxBytes + " bytes, got " + n);
  if (!hasNoControl(v)) return fail(ConfigErrorCode.BadFormat, path, "must not contain control characters");
  return { ok: true, value: v };
}

function intField(o: Record<string, unknown>, key: string, path: string, min: number, max: number, fallback: number | undefined): ConfigResult<number> {
  if (!has(o, key)) {
    if (fallback !== undefined) return { ok: true, value: fallback };
    return fail(ConfigErrorCode.Missing, path, "is required");
  }
  const v = o[key];
  if (typeof v !== "number" || v !== Math.floor(v)) return fail(ConfigErrorCode.WrongType, path, "must be an integer");
  if (v < min || v > max) return fail(ConfigErrorCode.OutOfRange, path, "must be " + min + ".." + max + ", got " + v);
  return { ok: true, value: v };
}

function boolField(o: Record<string, unknown>, key: string, path: string, fallback: boolean): ConfigResult<boolean> {
  if (!has(o, key)) return { ok: true, value: fallback };
  const v = o[key];
  if (typeof v !== "boolean") return fail(ConfigErrorCode.WrongType, path, "must be true or false");
  return { ok: true, value: v };
}

/** The RegionCode value of a region name (not UNSET), or undefined. */
export function regionCodeOf(name: string): number | undefined {
  const table = RegionCode as unknown as Record<string, number>;
  if (name === "UNSET" || !Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  return table[name];
}

/** The ModemPreset value of a preset name, or undefined. */
export function presetCodeOf(name: string): number | undefined {
  const table = ModemPreset as unknown as Record<string, number>;
  if (!Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  return table[name];
}

/** The Role value of a role name a board may take (BOARD_ROLES), or undefined. */
export function roleCodeOf(name: string): number | undefined {
  const i = BOARD_ROLES.indexOf(name);
  return i >= 0 ? BOARD_ROLE_VALUES[i] : undefined;
}

/** A host name or IPv4 literal: letters, digits, '-', '.', '_'; no scheme, port or path. */
export function isValidHost(h: string): boolean {
  if (h.length === 0 || h.length > HOST_MAX_CHARS) return false;
  for (let i = 0; i < h.length; i++) {
    const c = h.charCodeAt(i);
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f;
    if (!ok) return false;
  }
  return h.charAt(0) !== "." && h.charAt(0) !== "-";
}

function validateWifi(x: unknown): ConfigResult<StoredWifi> {
  if (!isObject(x)) return fail(ConfigErrorCode.WrongType, "wifi", "must be an object {ssid, password}");
  const ssid = stringField(x, "ssid", "wifi.ssid", 1, SSID_MAX_BYTES, undefined);
  if (!ssid.ok) return ssid;
  const pw = stringField(x, "password", "wifi.password", 0, WIFI_PASSWORD_MAX, "");
  if (!pw.ok) return pw;
  if (pw.value.length > 0 && (pw.value.length < WIFI_PASSWORD_MIN || !isPrintableAscii(pw.value)))
    return fail(ConfigErrorCode.OutOfRange, "wifi.password", "must be empty (open network) or " + WIFI_PASSWORD_MIN + ".." + WIFI_PASSWORD_MAX + " printable ASCII characters");
  return { ok: true, value: { ssid: ssid.value, password: pw.value } };
}

function validateBroker(x: unknown): ConfigResult<StoredBroker> {
  if (!isObject(x)) return fail(ConfigErrorCode.WrongType, "mqtt", "must be an object {host, port}");
  const host = stringField(x, "host", "mqtt.host", 1, HOST_MAX_CHARS, undefined);
  if (!host.ok) return host;
  if (!isValidHost(host.value)) return fail(ConfigErrorCode.BadFormat, "mqtt.host", "must be a host name or IPv4 address, got " + JSON.stringify(host.value));
  const port = intField(x, "port", "mqtt.port", 1, 65535, 1883);
  if (!port.ok) return port;
  const user = stringField(x, "username", "mqtt.username", 0, MQTT_CREDENTIAL_MAX_BYTES, "");
  if (!user.ok) return user;
  const pass = stringField(x, "password", "mqtt.password", 0, MQTT_CREDENTIAL_MAX_BYTES, "");
  if (!pass.ok) return pass;
  const root = stringField(x, "root", "mqtt.root", 0, MQTT_ROOT_MAX_BYTES, "");
  if (!root.ok) return root;
  if (root.value.indexOf("+") >= 0 || root.value.indexOf("#") >= 0) return fail(ConfigErrorCode.BadFormat, "mqtt.root", "must not contain MQTT wildcards");
  const tls = boolField(x, "useTls", "mqtt.useTls", false);
  if (!tls.ok) return tls;
  return { ok: true, value: { host: host.value, port: port.value, username: user.value, password: pass.value, root: root.value, useTls: tls.value } };
}

function validateChannel(x: unknown): ConfigResult<StoredChannel> {
  if (!isObject(x)) return fail(ConfigErrorCode.WrongType, "primaryChannel", "must be an object {name, pskBase64}");
  const name = stringField(x, "name", "primaryChannel.name", 0, CHANNEL_NAME_MAX_BYTES, "");
  if (!name.ok) return name;
  // The gateway publishes under <root>/2/e/<channel name>/: a '/' would add a topic level, '+' and '#' are wildcards.
  if (name.value.indexOf("/") >= 0 || name.value.indexOf("+") >= 0 || name.value.indexOf("#") >= 0) return fail(ConfigErrorCode.BadFormat, "primaryChannel.name", "must not contain '/', '+' or '#' (it is an MQTT topic level)");
  const psk = stringField(x, "pskBase64", "primaryChannel.pskBase64", 0, PSK_BASE64_MAX_CHARS, DEFAULT_PSK_BASE64);
  if (!psk.ok) return psk;
  // The key is a secret: the messages give its length, never its text.
  const bytes = fromBase64(psk.value);
  if (bytes === undefined) return fail(ConfigErrorCode.BadFormat, "primaryChannel.pskBase64", "must be base64");
  if (CHANNEL_PSK_LENGTHS.indexOf(bytes.length) < 0) return fail(ConfigErrorCode.OutOfRange, "primaryChannel.pskBase64", "must be 0, 1, 16 or 32 bytes, got " + bytes.length);
  return { ok: true, value: { name: name.value, pskBase64: psk.value } };
}

/** Checks a parsed JSON document (from Storage or built by the CLI) and fills the optional fields. */
export function validateStoredConfig(x: unknown): ConfigResult<StoredConfig> {
  if (!isObject(x)) return fail(ConfigErrorCode.NotAnObject, "", "configuration must be a JSON object");
  const v = intField(x, "v", "v", 1, 1000, undefined);
  if (!v.ok) return v;
  if (v.value !== BOARD_CONFIG_VERSION) return fail(ConfigErrorCode.Unsupported, "v", "version " + v.value + " is not supported (expected " + BOARD_CONFIG_VERSION + ")");
  // 0 = unassigned; 1..3 are reserved and 0xffffffff is broadcast (NodeDB: NUM_RESERVED, NODENUM_BROADCAST).
  const num = intField(x, "nodeNum", "nodeNum", 0, 0xfffffffe, 0);
  if (!num.ok) return num;
  if (num.value > 0 && num.value < 4) return fail(ConfigErrorCode.OutOfRange, "nodeNum", "1..3 are reserved node numbers");
  // "" = the default name: what a validated configuration holds when no name was given, and what
  // the CLI and assignNodeNum write back, so it must read back as valid.
  const longName = stringField(x, "longName", "longName", 0, LONG_NAME_MAX_BYTES, "");
  if (!longName.ok) return longName;
  const shortName = stringField(x, "shortName", "shortName", 0, SHORT_NAME_MAX_BYTES, "");
  if (!shortName.ok) return shortName;
  const region = stringField(x, "region", "region", 0, 16, "");
  if (!region.ok) return region;
  if (region.value !== "" && regionCodeOf(region.value) === undefined) return fail(ConfigErrorCode.BadFormat, "region", "unknown region " + JSON.stringify(region.value) + " (e.g. US, EU_868, ANZ)");
  const preset = stringField(x, "preset", "preset", 0, 16, "");
  if (!preset.ok) return preset;
  if (preset.value !== "" && presetCodeOf(preset.value) === undefined) return fail(ConfigErrorCode.BadFormat, "preset", "unknown modem preset " + JSON.stringify(preset.value) + " (e.g. LONG_FAST)");
  const role = stringField(x, "deviceRole", "deviceRole", 0, 16, "");
  if (!role.ok) return role;
  if (role.value !== "" && roleCodeOf(role.value) === undefined) return fail(ConfigErrorCode.BadFormat, "deviceRole", "role " + JSON.stringify(role.value) + " is not one a board takes (" + BOARD_ROLES.join(", ") + ")");
  let channel: StoredChannel | undefined;
  if (has(x, "primaryChannel")) {
    const c = validateChannel(x.primaryChannel);
    if (!c.ok) return c;
    channel = c.value;
  }
  let wifi: StoredWifi | undefined;
  if (has(x, "wifi")) {
    const w = validateWifi(x.wifi);
    if (!w.ok) return w;
    wifi = w.value;
  }
  let mqtt: StoredBroker | undefined;
  if (has(x, "mqtt")) {
    const m = validateBroker(x.mqtt);
    if (!m.ok) return m;
    mqtt = m.value;
  }
  return { ok: true, value: { v: v.value, nodeNum: num.value, longName: longName.value, shortName: shortName.value, region: region.value, preset: preset.value, deviceRole: role.value, primaryChannel: channel, wifi, mqtt } };
}

/** A configuration with nothing set: the board's defaults and a node number chosen at boot. */
export function emptyStoredConfig(): StoredConfig {
  return { v: BOARD_CONFIG_VERSION, nodeNum: 0, longName: "", shortName: "", region: "", preset: "", deviceRole: "", primaryChannel: undefined, wifi: undefined, mqtt: undefined };
}

/**
 * The node's configuration from the stored one: names, region, preset, role and primary channel (the
 * board's defaults where the stored ones are ""); a gateway uplinks and downlinks channel 0.
 */
export function nodeConfigOf(c: StoredConfig, nodeNum: number, gateway: boolean, defaultRegion: number, defaultPreset: number): NodeConfig {
  const region = regionCodeOf(c.region);
  const n = defaultNodeConfig(nodeNum, region !== undefined ? region : defaultRegion);
  if (c.longName !== "") n.longName = c.longName;
  if (c.shortName !== "") n.shortName = c.shortName;
  const preset = presetCodeOf(c.preset);
  n.modemPreset = preset !== undefined ? preset : defaultPreset;
  // As the app sets it, so the role's intervals and rebroadcast mode come with it (installRoleDefaults).
  const role = roleCodeOf(c.deviceRole);
  if (role !== undefined) setRole(n, role);
  const ch = c.primaryChannel;
  if (ch !== undefined) {
    n.channels[0].name = ch.name;
    // Validated as base64 of an allowed length; a document that skipped validation keeps the default key.
    const psk = fromBase64(ch.pskBase64);
    if (psk !== undefined) n.channels[0].psk = psk;
  }
  if (gateway) {
    n.channels[0].uplinkEnabled = true;
    n.channels[0].downlinkEnabled = true;
  }
  return n;
}

/**
 * The MQTT module settings of a gateway: our broker, our root (default "msh/" + the region's name),
 * TLS when asked. Espruino's TLS never verifies the server's certificate (libs/network/network.c
 * ssl_newSocketData sets MBEDTLS_SSL_VERIFY_NONE, whatever `ca` says), so TLS here is also
 * tlsInsecure: the setting says what the connection is.
 */
export function mqttConfigOf(b: StoredBroker, regionName: string): MqttGatewayConfig {
  const m = defaultMqttConfig();
  m.enabled = true;
  m.address = b.host + ":" + b.port;
  m.username = b.username;
  m.password = b.password;
  m.root = b.root !== "" ? b.root : "msh/" + regionName;
  m.tlsEnabled = b.useTls;
  m.tlsInsecure = b.useTls;
  return m;
}
