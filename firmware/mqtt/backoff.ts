// Reconnect delays. The firmware waits a fixed 30 s after a failed connect (MQTT::runOnce returns
// 30000; shared spec meshtastic-wire.md section 5.4) but reconnects on its next loop, 20 ms, when
// an established connection drops; meshport defaults to exponential backoff with jitter, bounded and configurable
// (section 9), and keeps the firmware's timing as an option.
import { randomRange } from "../mesh/rng.js";
import type { Rng } from "../mesh/rng.js";

export const BackoffMode = {
  /** Doubling with equal jitter between minMs and maxMs (see reconnectDelayMs). */
  Exponential: "exponential",
  /** Like the firmware: the next loop (20 ms) after a dropped connection, fixedMs after a failed attempt. */
  Fixed: "fixed",
} as const;
export type BackoffMode = (typeof BackoffMode)[keyof typeof BackoffMode];

/** Shortest exponential delay (the first retry waits 1-2 s). */
export const DEFAULT_BACKOFF_MIN_MS = 1000;
/** Longest exponential delay. */
export const DEFAULT_BACKOFF_MAX_MS = 60000;
/** The firmware's wait after a failed reconnect (MQTT::runOnce). */
export const FIRMWARE_RECONNECT_MS = 30000;
/**
 * The firmware's MQTT loop period while connected (MQTT::runOnce returns 20, MQTT.cpp 646): the
 * next run finds the dropped connection and reconnects, so at most this long after the drop.
 */
export const FIRMWARE_CONNECTED_LOOP_MS = 20;

export interface BackoffPolicy {
  mode: BackoffMode;
  minMs: number;
  maxMs: number;
  fixedMs: number;
}

export function defaultBackoffPolicy(): BackoffPolicy {
  return { mode: BackoffMode.Exponential, minMs: DEFAULT_BACKOFF_MIN_MS, maxMs: DEFAULT_BACKOFF_MAX_MS, fixedMs: FIRMWARE_RECONNECT_MS };
}

/**
 * The base of the exponential delay after `failures` consecutive failures (1 = the first):
 * minMs × 2^(failures − 1), capped at maxMs / 2 so that 2·base never passes maxMs.
 */
export function backoffBaseMs(policy: BackoffPolicy, failures: number): number {
  const cap = policy.maxMs / 2;
  let base = policy.minMs;
  for (let i = 1; i < failures && base < cap; i++) base *= 2;
  return base > cap ? cap : base;
}

/**
 * Delay before the next attempt after `failures` consecutive failures (1 = the first);
 * `afterDrop`: the failure is an established connection that dropped.
 *
 * Exponential mode uses "equal jitter": with base = backoffBaseMs, the delay is uniform in
 * [base, 2·base], then clamped to [minMs, maxMs]. With the defaults (1 s, 60 s): 1-2 s, 2-4 s,
 * 4-8 s, 8-16 s, 16-32 s, then 30-60 s for good. Half the delay is guaranteed, so the wait still
 * grows, and the random half spreads a fleet of gateways that lost the same broker at once.
 * Fixed mode is the firmware's timing (no jitter): fixedMs after a failed attempt (MQTT.cpp 636);
 * after a drop FIRMWARE_CONNECTED_LOOP_MS, since the next runOnce finds pubSub.loop() false and
 * calls reconnect() at once (625-629). That loop period also keeps a broker that drops every new
 * connection (a second client with our id) from turning the retries into a busy loop.
 */
export function reconnectDelayMs(policy: BackoffPolicy, failures: number, rng: Rng, afterDrop?: boolean): number {
  if (policy.mode === BackoffMode.Fixed) return afterDrop === true ? FIRMWARE_CONNECTED_LOOP_MS : policy.fixedMs;
  const base = Math.floor(backoffBaseMs(policy, failures));
  let delay = base + randomRange(rng, 0, base + 1);
  if (delay < policy.minMs) delay = policy.minMs;
  if (delay > policy.maxMs) delay = policy.maxMs;
  return delay;
}
