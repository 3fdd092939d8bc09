// The MQTT module's settings (ModuleConfig.MQTTConfig, spec 1.8 and 5.1) plus meshport's own
// options from spec section 9 (TLS validation, queue size, backoff, gateway policies).
import { DOWNLINK_RATE_DEFAULT_MAX_NODES } from "./downlink-rate-limit.js";
import type { DownlinkRateLimit } from "./downlink-rate-limit.js";

export interface MapReportSettings {
  /** 0 → 3600; anything below 3600 is raised to 3600 (NodeDB default_map_publish_interval_secs). */
  publishIntervalSecs: number;
  /** 12..15; anything else becomes 14. */
  positionPrecision: number;
  shouldReportLocation: boolean;
}

export interface MqttGatewayConfig {
  enabled: boolean;
  /** host, or host:port; "" = the default server. */
  address: string;
  username: string;
  password: string;
  encryptionEnabled: boolean;
  jsonEnabled: boolean;
  tlsEnabled: boolean;
  /** Certificate validation is on unless this explicit switch is set (the firmware never validates). */
  tlsInsecure: boolean;
  root: string;
  proxyToClientEnabled: boolean;
  mapReportingEnabled: boolean;
  mapReportSettings: MapReportSettings;
  /** Offline queue capacity (MAX_MQTT_QUEUE = 16 in the firmware). */
  offlineQueueSize: number;
  /** MQTT keepalive in seconds (the firmware's PubSubClient uses 15). */
  keepaliveSeconds: number;
  /**
   * Reconnect policy: "backoff" (exponential with jitter between reconnectMinMs and reconnectMaxMs,
   * meshport's default) or "fixed" (the firmware's timing: its next loop, 20 ms, after an established
   * connection drops, 30 s after a failed attempt; MQTT.cpp 625-646).
   */
  reconnect: "backoff" | "fixed";
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /**
   * Zero-hop downlink (meshport policy; the public broker's rule, spec 5.12, which the firmware does
   * not enforce): a downlinked packet leaves on LoRa with hop_limit 0, so only the gateway's direct
   * neighbours hear it and none relays it. Off by default (firmware: relayed with hop_limit − 1).
   */
  zeroHopDownlink: boolean;
  /**
   * Per-sender downlink rate limit (meshport policy, downlink-rate-limit.ts): `packets` per
   * `windowMs` per `packet.from`, `maxNodes` senders tracked. packets = 0 (default): no limit.
   */
  downlinkRateLimit: DownlinkRateLimit;
  /**
   * Portnums downlinked on channels with a public key (no encryption, or a one-byte psk; meshport
   * policy mirroring the public broker's default-key rule, spec 5.12). Empty (default): all.
   */
  publicPortAllowList: number[];
  /**
   * Refuse downlinks firmware 2.7 accepts but no honest producer sends (meshport policy, off by
   * default because it changes what reaches the air): hop_start < hop_limit (what develop drops in
   * its router for every source, MESHTASTIC_PREHOP_DROP; here for MQTT downlinks only), and an
   * envelope whose channel_id / gateway_id differ from its topic. Off: firmware 2.7, which relays
   * old (pre-2.3, hop_start 0) senders and does not read a protobuf downlink's topic.
   */
  strictDownlink: boolean;
  /**
   * JSON downlink extensions (meshport, off by default): `\u` escapes become UTF-8 and a
   * sendposition carries its coordinates. Off: firmware 2.7 (low byte of `\u`, only `time` on air).
   */
  jsonDownlinkExtended: boolean;
}

export const DEFAULT_MQTT_HOST = "mqtt.meshtastic.org";
export const DEFAULT_MQTT_USERNAME = "meshdev";
export const DEFAULT_MQTT_PASSWORD = "large4cats";
/** MAX_MQTT_QUEUE */
export const DEFAULT_OFFLINE_QUEUE_SIZE = 16;
export const DEFAULT_MAP_INTERVAL_SECS = 3600;
export const DEFAULT_MAP_PRECISION = 14;

/**
 * Factory defaults (NodeDB.cpp installDefaultModuleConfig 901-913): disabled, the default server
 * with its public credentials (so an owner who only changes the address still sends meshdev /
 * large4cats, as the firmware does), encryption on, root "msh".
 */
export function defaultMqttConfig(): MqttGatewayConfig {
  return {
    enabled: false,
    address: DEFAULT_MQTT_HOST,
    username: DEFAULT_MQTT_USERNAME,
    password: DEFAULT_MQTT_PASSWORD,
    encryptionEnabled: true,
    jsonEnabled: false,
    tlsEnabled: false,
    tlsInsecure: false,
    root: "msh",
    proxyToClientEnabled: false,
    mapReportingEnabled: false,
    mapReportSettings: { publishIntervalSecs: 0, positionPrecision: 0, shouldReportLocation: false },
    offlineQueueSize: DEFAULT_OFFLINE_QUEUE_SIZE,
    keepaliveSeconds: 15,
    reconnect: "backoff",
    reconnectMinMs: 1000,
    reconnectMaxMs: 60000,
    zeroHopDownlink: false,
    downlinkRateLimit: { packets: 0, windowMs: 60000, maxNodes: DOWNLINK_RATE_DEFAULT_MAX_NODES },
    publicPortAllowList: [],
    strictDownlink: false,
    jsonDownlinkExtended: false,
  };
}

/**
 * Where parseHostAndPort splits `address` (MQTT.cpp 270-283): at the first ':' only when it is
 * after index 0, so ":1884" is all host (port unchanged); -1 when there is no split.
 */
function portColon(address: string): number {
  const i = address.indexOf(":");
  return i > 0 ? i : -1;
}

/** Host part of `address` (before a ':' that is not its first character); "" stays "". */
export function hostOf(address: string): string {
  const i = portColon(address);
  return i < 0 ? address : address.substring(0, i);
}

/** isDefaultServer (MQTT.cpp 285-288): the host parseHostAndPort leaves is empty or exactly mqtt.meshtastic.org. */
export function isDefaultServer(address: string): boolean {
  const h = hostOf(address);
  return h === "" || h === DEFAULT_MQTT_HOST;
}

function parseIpv4(h: string): number[] | undefined {
  const parts = h.split(".");
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    const s = parts[i];
    if (s.length === 0 || s.length > 3) return undefined;
    let v = 0;
    for (let j = 0; j < s.length; j++) {
      const c = s.charCodeAt(j) - 48;
      if (c < 0 || c > 9) return undefined;
      v = v * 10 + c;
    }
    if (v > 255) return undefined;
    out.push(v);
  }
  return out;
}

/**
 * isMqttServerAddressPrivate: a literal IPv4 in 10/8, 172.16/12, 192.168/16, 169.254/16,
 * 100.64/10 or exactly 127.0.0.1. Host names are not private (the firmware re-checks the socket's
 * remote address after connecting; the driver may pass that address here).
 */
export function isPrivateAddress(address: string): boolean {
  const ip = parseIpv4(hostOf(address));
  if (ip === undefined) return false;
  const a = ip[0];
  const b = ip[1];
  if (a === 10) return true;
  if (a === 172 && b >= 16 && b <= 31) return true;
  if (a === 192 && b === 168) return true;
  if (a === 169 && b === 254) return true;
  if (a === 100 && b >= 64 && b <= 127) return true;
  return a === 127 && b === 0 && ip[2] === 0 && ip[3] === 1;
}

/** Broker host and port: 1883, or 8883 with TLS; host:port in `address` overrides; "" → the default server. */
export function brokerEndpoint(c: MqttGatewayConfig): { host: string; port: number } {
  const host = c.address === "" ? DEFAULT_MQTT_HOST : hostOf(c.address);
  const i = portColon(c.address);
  let port = c.tlsEnabled ? 8883 : 1883;
  if (i >= 0) {
    const p = parseInt(c.address.substring(i + 1), 10);
    if (p > 0 && p < 65536) port = p;
  }
  return { host, port };
}

/** Username/password: the configured ones verbatim when an address is set, else the default server's. */
export function brokerCredentials(c: MqttGatewayConfig): { username: string; password: string } {
  if (c.address === "") return { username: DEFAULT_MQTT_USERNAME, password: DEFAULT_MQTT_PASSWORD };
  return { username: c.username, password: c.password };
}
