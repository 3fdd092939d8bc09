// Every reason the gateway refuses something from the broker, in one place. The strings are
// stable: they key MqttModuleStats.downlinkDrops and tests assert them, so never rename one.
//
// Two kinds of rule live here:
// - FIRMWARE rules reproduce MQTT::onReceive / onReceiveProto / onReceiveJson of firmware 2.7
//   (src/mqtt/MQTT.cpp; shared spec meshtastic-wire.md 5.7, 5.11, 5.13). The firmware drops these
//   silently; meshport counts them.
// - MESHPORT policies go beyond the firmware (spec section 9 "meshport decisions"): the firmware 2.7
//   would accept the input. Each says what the firmware does instead and why we refuse.
//
// Order of the checks (downlink.ts): firmware rules first, in the firmware's order, so that an
// input the firmware refuses is counted under the firmware's reason; meshport policies after them.

export const DownlinkDrop = {
  // ---- envelope ----
  /** FIRMWARE: zero-length MQTT payload (MQTT::onReceive returns on length 0). */
  Empty: "empty",
  /**
   * FIRMWARE in effect, counted by meshport: the MQTT PUBLISH that carried it is longer than
   * PubSubClient's 1024-byte buffer (MQTT.cpp 324 setBufferSize(1024, 1024); mqttPacketFits).
   * PubSubClient's readPacket ignores such a packet before MQTT::onReceive runs, whatever its topic,
   * so JSON topics count here too. Our MqttClient takes packets up to maxPacketBytes (2048 by
   * default, more for `meshport listen`), so the gateway applies the firmware's bound itself; a
   * delivery whose QoS the caller does not pass is measured as QoS 0 (MqttModule.onMessage). Also a
   * payload alone over DOWNLINK_MAX_ENVELOPE_BYTES. Proxy mode carries at most 435 bytes (spec 5.9).
   */
  TooLarge: "too-large",
  /** FIRMWARE: a client proxy message while proxy_to_client_enabled is off (PhoneAPI.cpp 207-213). */
  ProxyDisabled: "proxy-disabled",
  /**
   * FIRMWARE in effect: a client proxy message with the `text` variant. Firmware 2.7 reads the
   * union as `data` (MQTT.cpp 379-382), its length from the text's first two characters, so
   * nothing usable arrives; MqttGatewayConfig.jsonDownlinkExtended reads it as UTF-8 (develop).
   */
  ProxyText: "proxy-text",
  /** FIRMWARE: not a ServiceEnvelope (pb_decode fails, a channel_id or gateway_id that is not UTF-8 included). */
  BadEnvelope: "bad-envelope",
  /** FIRMWARE: ServiceEnvelope without `packet` (MQTT.cpp 64-68). */
  NoPacket: "no-packet",
  /**
   * FIRMWARE: ServiceEnvelope without `channel_id` (MQTT.cpp 64-68), or with an empty one: that one
   * passes the decoder, but no channel's effective name is "", so MQTT.cpp 70-75 refuse it.
   */
  NoChannelId: "no-channel-id",
  /**
   * FIRMWARE: ServiceEnvelope without `gateway_id` (MQTT.cpp 64-68). An empty `gateway_id` on the
   * wire is not refused: nanopb allocates "" for the POINTER field (mqtt.pb.h 95-96), which passes
   * the NULL check and differs from our id, so the envelope is processed like any other.
   */
  NoGatewayId: "no-gateway-id",

  // ---- channel ----
  /**
   * FIRMWARE: `channel_id` is not exactly (strcmp, case-sensitive) the effective name of the channel
   * getByName finds (case-insensitive, primary fallback), or that channel has no downlink_enabled.
   * "LONGFAST" in the envelope therefore never matches a channel named "LongFast".
   */
  ChannelNotDownlink: "channel-not-downlink",
  /** FIRMWARE: `channel_id` "PKI" while no channel has downlink_enabled. */
  PkiWithoutDownlink: "pki-without-downlink",

  // ---- origin ----
  /** FIRMWARE: `gateway_id` is our own id and the packet is not ours: our uplink of someone else's packet came back. */
  OwnGatewayEcho: "own-gateway-echo",
  /** FIRMWARE: `packet.from` is our node number or 0 (isFromUs) but another gateway uplinked it. */
  FromUs: "from-us",

  // ---- hops ----
  /** FIRMWARE: hop_limit > 7 or hop_start > 7 (HOP_MAX). */
  HopLimits: "hop-limits",
  /**
   * MESHPORT: hop_start < hop_limit (including hop_start 0 with hop_limit > 0, the pre-2.3 form).
   * Firmware 2.7 accepts it; develop drops it in the router (MESHTASTIC_PREHOP_DROP, spec 5.7
   * step 7 and section 7). Such a packet claims more hops left than it started with, so its hop
   * count is a lie; refusing it also keeps a producer from inflating the relay radius.
   * Only with MqttGatewayConfig.strictDownlink (off by default).
   */
  HopStartBelowLimit: "hop-start-below-limit",

  // ---- topic ----
  /**
   * MESHPORT: the topic is ROOT/2/e/CHANNEL/GATEWAY but CHANNEL or GATEWAY differs (case-sensitive)
   * from the envelope's channel_id or gateway_id. The firmware does not parse the topic of a
   * protobuf downlink at all (spec 5.7 step 2), so it accepts "msh/2/e/LONGFAST/!x" carrying a
   * LongFast envelope. A compliant broker only delivers topics we subscribed to, so a mismatch means
   * a broker bridge or phone (proxy mode) that rewrites topics, or a forged envelope.
   * Only with MqttGatewayConfig.strictDownlink (off by default).
   */
  TopicMismatch: "topic-mismatch",

  // ---- rate limit ----
  /**
   * MESHPORT (option downlinkRateLimit, off by default): the sending node (`packet.from`) has used
   * its token bucket. The firmware has no downlink rate limit; a broker flood becomes a LoRa flood.
   * JSON downlinks (sendtext/sendposition) are charged to the gateway's own node number, their `from`.
   */
  RateLimited: "rate-limited",

  // ---- payload ----
  /** FIRMWARE: a decoded (plaintext) packet while encryption_enabled is on. */
  PlaintextWithEncryption: "plaintext-with-encryption",
  /** FIRMWARE: a decoded (plaintext) ADMIN_APP packet (remote administration must be encrypted). */
  DecodedAdmin: "decoded-admin",
  /** FIRMWARE: an encrypted "PKI" packet neither to us nor between two nodes we know with user info. */
  PkiNotForUs: "pki-not-for-us",
  /**
   * FIRMWARE: perhapsDecode fails (MQTT.cpp 149-151): no local channel with the packet's hash decrypts
   * it, a channel-encrypted text DM to us (legacy DM), or, in KNOWN_ONLY mode, a sender without user
   * info (decoded packets included).
   */
  NoLocalChannel: "no-local-channel",
  /** FIRMWARE: the packet has neither `decoded` nor `encrypted`. */
  NoPayload: "no-payload",
  /**
   * MESHPORT (option publicPortAllowList, empty = all by default): on a channel whose key is public
   * (no encryption, or a one-byte "simple" psk derived from the published default key), the portnum
   * is not in the allow list. Mirrors the public broker's rule for default-key topics (spec 5.12),
   * which the firmware does not enforce.
   */
  PortNotAllowed: "port-not-allowed",

  // ---- 2.7 JSON downlink (onReceiveJson, json-downlink.ts) ----
  /**
   * MESHPORT: a message on a ROOT/2/json/ topic while json_enabled is off (we do not subscribe to
   * those, but a phone in proxy mode can send one). The firmware would read it as a protobuf
   * envelope, which JSON text never is, so it is refused there too (as a decode failure).
   */
  JsonDisabled: "json-disabled",
  /** MESHPORT: json_enabled is set but the build carries no JSON support (MqttJson not injected). */
  JsonNotBuiltIn: "json-not-built-in",
  /** FIRMWARE: the JSON topic's channel is not a downlink channel whose name starts with "mqtt". */
  JsonChannelNotAllowed: "json-channel-not-allowed",
  /** FIRMWARE: zero-length JSON payload. */
  JsonEmpty: "json-EMPTY",
  /**
   * FIRMWARE: longer than PubSubClient's 1024-byte buffer (JSON_DOWNLINK_MAX_BYTES). The gateway
   * counts a JSON downlink whose whole MQTT packet is too long as too-large first, so this only
   * comes from parseJsonDownlink used on a payload alone.
   */
  JsonTooLong: "json-TOO_LONG",
  /** FIRMWARE: not JSON by the firmware's reader. */
  JsonBadJson: "json-BAD_JSON",
  /** MESHPORT: nested deeper than JSON_DOWNLINK_MAX_DEPTH (the firmware's reader recurses without bound). */
  JsonTooDeep: "json-TOO_DEEP",
  /** FIRMWARE: valid JSON but not an object. */
  JsonNotObject: "json-NOT_OBJECT",
  /** FIRMWARE: `sender` present but not a string. */
  JsonBadSender: "json-BAD_SENDER",
  /** FIRMWARE: `sender` is our own id (our own uplink came back). */
  JsonSenderIsUs: "json-SENDER_IS_US",
  /** FIRMWARE (non-number) / MESHPORT (out of range): bad `hopLimit`. */
  JsonBadHopLimit: "json-BAD_HOP_LIMIT",
  /** FIRMWARE: `from` missing or not the gateway's own node number. */
  JsonNotFromUs: "json-NOT_FROM_US",
  /** FIRMWARE: `type` missing or not a string. */
  JsonBadType: "json-BAD_TYPE",
  /** FIRMWARE: `payload` missing. */
  JsonNoPayload: "json-NO_PAYLOAD",
  /** MESHPORT: `channel` not one of our indexes (the firmware falls back to channel 0). */
  JsonBadChannel: "json-BAD_CHANNEL",
  /** MESHPORT: `to` not a node number (undefined behaviour in the firmware's cast). */
  JsonBadTo: "json-BAD_TO",
  /** MESHPORT: a sendposition field outside its protobuf type. */
  JsonBadPosition: "json-BAD_POSITION",
  /** FIRMWARE: sendtext payload over 233 bytes (Data.payload max_size). */
  JsonPayloadTooLong: "json-PAYLOAD_TOO_LONG",
  /** FIRMWARE: a type other than sendtext/sendposition, or a payload of the wrong kind. */
  JsonUnsupportedType: "json-UNSUPPORTED_TYPE",
} as const;
export type DownlinkDrop = (typeof DownlinkDrop)[keyof typeof DownlinkDrop];

/**
 * Largest downlink payload meshport reads: PubSubClient's buffer in the firmware (1024 bytes,
 * spec 5.3). The largest envelope the firmware itself publishes (256-byte encrypted payload, a
 * 32-byte public key, header fields, channel_id ≤ 11 and gateway_id 9 bytes) is under 400 bytes.
 * The gateway checks the whole MQTT packet first (mqttPacketFits), which is the tighter bound.
 */
export const DOWNLINK_MAX_ENVELOPE_BYTES = 1024;

/** PubSubClient's receive buffer in the firmware: MQTT.cpp 324 setBufferSize(1024, 1024). */
export const PUBSUB_BUFFER_BYTES = 1024;

/**
 * Whether PubSubClient would deliver a PUBLISH of `payloadBytes` on a topic of `topicBytes` (UTF-8)
 * at `qos`: its readPacket counts every byte of the packet (type byte, 1-4 remaining-length bytes,
 * the 2-byte topic length, the topic, QoS 1's 2-byte packet id, the payload) and ignores the
 * packet when that is over its buffer. On msh/2/e/LongFast/!xxxxxxxx that leaves 993 payload bytes.
 */
export function mqttPacketFits(topicBytes: number, payloadBytes: number, qos: 0 | 1): boolean {
  const remaining = 2 + topicBytes + (qos === 1 ? 2 : 0) + payloadBytes;
  // One length byte below 128; from 128 at least two, and a third only past 16383, far over the buffer anyway.
  return 1 + (remaining < 0x80 ? 1 : 2) + remaining <= PUBSUB_BUFFER_BYTES;
}

/** The counter key for a JSON downlink refusal code (JsonDownlinkErrorCode): "json-" + code. */
export function jsonDropReason(code: string): string {
  return "json-" + code;
}
