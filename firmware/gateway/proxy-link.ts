// Client-proxy mode (spec 5.9): the device has no TCP connection; every publish becomes an
// MqttClientProxyMessage for the phone, which publishes it and hands back what it receives.
import { utf8Decode } from "../bytes/utf8.js";
import type { MqttClientProxyMessage } from "../wire/messages.js";
import type { MqttLink } from "./mqtt-module.js";

/** MqttClientProxyMessage limits (mesh.options): topic max_size 60, data 435 bytes. */
export const PROXY_TOPIC_MAX = 59;
export const PROXY_DATA_MAX = 435;

export class ProxyLink implements MqttLink {
  private readonly toPhone: (m: MqttClientProxyMessage) => void;
  /** Publishes whose topic or data had to be truncated to fit the proxy message. */
  truncated = 0;
  subscriptions: string[] = [];

  constructor(toPhone: (m: MqttClientProxyMessage) => void) {
    this.toPhone = toPhone;
  }

  isConnected(): boolean {
    return true;
  }

  publish(topic: string, payload: Uint8Array): boolean {
    let t = topic;
    let d = payload;
    if (t.length > PROXY_TOPIC_MAX || d.length > PROXY_DATA_MAX) this.truncated++;
    if (t.length > PROXY_TOPIC_MAX) t = t.substring(0, PROXY_TOPIC_MAX);
    if (d.length > PROXY_DATA_MAX) d = d.subarray(0, PROXY_DATA_MAX);
    this.toPhone({ topic: t, data: d, retained: false });
    return true;
  }

  /**
   * JSON goes to the phone as `text` (MQTT.cpp 489-497, strncpy into a 435-byte field with the last
   * byte a NUL: at most 434 bytes).
   */
  publishJson(topic: string, json: Uint8Array): boolean {
    let t = topic;
    let d = json;
    if (t.length > PROXY_TOPIC_MAX || d.length > PROXY_DATA_MAX - 1) this.truncated++;
    if (t.length > PROXY_TOPIC_MAX) t = t.substring(0, PROXY_TOPIC_MAX);
    if (d.length > PROXY_DATA_MAX - 1) d = d.subarray(0, PROXY_DATA_MAX - 1);
    this.toPhone({ topic: t, text: utf8Decode(d, 0, d.length), retained: false });
    return true;
  }

  /** In proxy mode the phone app owns the subscriptions; they are kept for inspection only. */
  setSubscriptions(filters: string[]): void {
    this.subscriptions = filters;
  }
}
