// Client-proxy mode (spec 5.9): the device has no TCP connection; every publish becomes an
// MqttClientProxyMessage for the phone, which publishes it and hands back what it receives.
//
// Deviation (MQTT.cpp 487-529): the firmware strncpy's the topic into char[60] and JSON text into
// char[435], so both are cut at a byte count (59 and 434) blindly, possibly inside a UTF-8
// character, and the text keeps whatever bytes the JSON serializer wrote, valid UTF-8 or not.
// MqttClientProxyMessage.topic and .text are strings in our codec, encoded as UTF-8, so neither half
// a character nor a lone byte such as 0xE9 (from a 2.7 sendtext "\u00e9") can be carried: it would
// become U+FFFD, three bytes, and the field could pass its limit. So meshport cuts at the same byte
// limits but before a character that would be cut in two (the firmware's message then has 1-3 more
// bytes, the broken character), and invalid UTF-8 in the JSON reaches the phone as U+FFFD. Valid
// UTF-8 that fits, which is what JSON of text messages normally is, is carried byte for byte.
import { utf8Decode, utf8Prefix } from "../bytes/utf8.js";
import type { MqttClientProxyMessage } from "../wire/messages.js";
import type { MqttLink } from "./mqtt-module.js";

/** MqttClientProxyMessage limits (mesh.options): topic max_size 60, data 435 bytes. */
export const PROXY_TOPIC_MAX = 59;
export const PROXY_DATA_MAX = 435;
/** JSON goes in `text`, a char[435] whose last byte strncpy leaves for the NUL (MQTT.cpp 494-495). */
export const PROXY_TEXT_MAX = PROXY_DATA_MAX - 1;

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

  /** The topic is cut to PROXY_TOPIC_MAX UTF-8 bytes (MQTT.cpp 513-514), whole characters. */
  publish(topic: string, payload: Uint8Array): boolean {
    const t = utf8Prefix(topic, PROXY_TOPIC_MAX);
    let d = payload;
    if (t !== topic || d.length > PROXY_DATA_MAX) this.truncated++;
    if (d.length > PROXY_DATA_MAX) d = d.subarray(0, PROXY_DATA_MAX);
    this.toPhone({ topic: t, data: d, retained: false });
    return true;
  }

  /** JSON goes to the phone as `text` (MQTT.cpp 487-497): topic as above, at most PROXY_TEXT_MAX UTF-8 bytes. */
  publishJson(topic: string, json: Uint8Array): boolean {
    const t = utf8Prefix(topic, PROXY_TOPIC_MAX);
    // Cut after decoding: invalid bytes become U+FFFD first, so the text as sent is what fits.
    const full = utf8Decode(json, 0, json.length);
    const text = utf8Prefix(full, PROXY_TEXT_MAX);
    if (t !== topic || text !== full) this.truncated++;
    this.toPhone({ topic: t, text, retained: false });
    return true;
  }

  /** In proxy mode the phone app owns the subscriptions; they are kept for inspection only. */
  setSubscriptions(filters: string[]): void {
    this.subscriptions = filters;
  }
}
