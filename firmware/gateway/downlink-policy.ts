// Gateway policies beyond the firmware (spec section 9), as one value derived from
// MqttGatewayConfig. With the defaults every policy is off, strictDownlink included (defaultMqttConfig),
// so the gateway behaves like firmware 2.7 until an operator turns one on.
import { DEFAULT_PSK } from "../crypto/psk.js";
import { DownlinkRateLimiter } from "./downlink-rate-limit.js";
import type { MqttGatewayConfig } from "./mqtt-config.js";

export interface DownlinkPolicy {
  /** Downlinked packets leave on LoRa with hop_limit 0: only the gateway's direct neighbours hear them. */
  zeroHop: boolean;
  /** Per-sender token buckets, or undefined when downlinkRateLimit.packets is 0. */
  limiter: DownlinkRateLimiter | undefined;
  /** Portnums allowed on channels with a public key; empty = all. */
  publicPortAllowList: number[];
  /** Refuse hop_start < hop_limit and topic / envelope mismatches (MqttGatewayConfig.strictDownlink). */
  strict: boolean;
}

export function downlinkPolicyOf(c: MqttGatewayConfig): DownlinkPolicy {
  const r = c.downlinkRateLimit;
  return {
    zeroHop: c.zeroHopDownlink,
    limiter: r.packets > 0 ? new DownlinkRateLimiter(r) : undefined,
    publicPortAllowList: c.publicPortAllowList,
    strict: c.strictDownlink,
  };
}

/**
 * Whether a channel's expanded key is public knowledge: no encryption, or a key whose first 15
 * bytes are the firmware's published default key (every one-byte "simple" psk 1..255 expands to
 * DEFAULT_PSK with only its last byte changed, Channels::getKey). These are the channels the
 * public broker treats as default-key topics (spec 5.12).
 */
export function isPublicKey(key: Uint8Array | null): boolean {
  if (key === null) return true;
  if (key.length !== DEFAULT_PSK.length) return false;
  for (let i = 0; i < DEFAULT_PSK.length - 1; i++) if (key[i] !== DEFAULT_PSK[i]) return false;
  return true;
}

/** publicPortAllowList: empty allows every portnum. */
export function portAllowed(list: number[], portnum: number): boolean {
  if (list.length === 0) return true;
  for (let i = 0; i < list.length; i++) if (list[i] === portnum) return true;
  return false;
}
