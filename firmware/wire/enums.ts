// Enum numbers from the Meshtastic protobufs (shared spec meshtastic-wire.md section 1),
// as plain objects because the portable core has no TypeScript `enum` emit on Espruino worth its cost.

/** portnums.proto PortNum (section 1.6). */
export const PortNum = {
  UNKNOWN_APP: 0,
  TEXT_MESSAGE_APP: 1,
  REMOTE_HARDWARE_APP: 2,
  POSITION_APP: 3,
  NODEINFO_APP: 4,
  ROUTING_APP: 5,
  ADMIN_APP: 6,
  TEXT_MESSAGE_COMPRESSED_APP: 7,
  WAYPOINT_APP: 8,
  AUDIO_APP: 9,
  DETECTION_SENSOR_APP: 10,
  ALERT_APP: 11,
  KEY_VERIFICATION_APP: 12,
  REMOTE_SHELL_APP: 13,
  REPLY_APP: 32,
  IP_TUNNEL_APP: 33,
  PAXCOUNTER_APP: 34,
  STORE_FORWARD_PLUSPLUS_APP: 35,
  NODE_STATUS_APP: 36,
  SERIAL_APP: 64,
  STORE_FORWARD_APP: 65,
  RANGE_TEST_APP: 66,
  TELEMETRY_APP: 67,
  ZPS_APP: 68,
  SIMULATOR_APP: 69,
  TRACEROUTE_APP: 70,
  NEIGHBORINFO_APP: 71,
  ATAK_PLUGIN: 72,
  MAP_REPORT_APP: 73,
  POWERSTRESS_APP: 74,
  LORAWAN_BRIDGE: 75,
  RETICULUM_TUNNEL_APP: 76,
  CAYENNE_APP: 77,
  ATAK_PLUGIN_V2: 78,
  GROUPALARM_APP: 112,
  PRIVATE_APP: 256,
  ATAK_FORWARDER: 257,
  MAX: 511,
} as const;

/** MeshPacket.Priority (section 1.1). */
export const Priority = {
  UNSET: 0,
  MIN: 1,
  BACKGROUND: 10,
  DEFAULT: 64,
  RELIABLE: 70,
  RESPONSE: 80,
  HIGH: 100,
  ALERT: 110,
  ACK: 120,
  MAX: 127,
} as const;

/** MeshPacket.TransportMechanism (section 1.1). */
export const TransportMechanism = {
  INTERNAL: 0,
  LORA: 1,
  LORA_ALT1: 2,
  LORA_ALT2: 3,
  LORA_ALT3: 4,
  MQTT: 5,
  MULTICAST_UDP: 6,
  API: 7,
  UNICAST_UDP: 8,
} as const;

/** Position.LocSource (mesh.proto). */
export const LocSource = {
  LOC_UNSET: 0,
  LOC_MANUAL: 1,
  LOC_INTERNAL: 2,
  LOC_EXTERNAL: 3,
} as const;

/** Routing.Error (section 1.4). */
export const RoutingError = {
  NONE: 0,
  NO_ROUTE: 1,
  GOT_NAK: 2,
  TIMEOUT: 3,
  NO_INTERFACE: 4,
  MAX_RETRANSMIT: 5,
  NO_CHANNEL: 6,
  TOO_LARGE: 7,
  NO_RESPONSE: 8,
  DUTY_CYCLE_LIMIT: 9,
  BAD_REQUEST: 32,
  NOT_AUTHORIZED: 33,
  PKI_FAILED: 34,
  PKI_UNKNOWN_PUBKEY: 35,
  ADMIN_BAD_SESSION_KEY: 36,
  ADMIN_PUBLIC_KEY_UNAUTHORIZED: 37,
  RATE_LIMIT_EXCEEDED: 38,
  PKI_SEND_FAIL_PUBLIC_KEY: 39,
} as const;

/** Config.DeviceConfig.Role (section 1.7). */
export const Role = {
  CLIENT: 0,
  CLIENT_MUTE: 1,
  ROUTER: 2,
  ROUTER_CLIENT: 3,
  REPEATER: 4,
  TRACKER: 5,
  SENSOR: 6,
  TAK: 7,
  CLIENT_HIDDEN: 8,
  LOST_AND_FOUND: 9,
  TAK_TRACKER: 10,
  ROUTER_LATE: 11,
  CLIENT_BASE: 12,
} as const;

/** Config.DeviceConfig.RebroadcastMode (section 1.7). */
export const RebroadcastMode = {
  ALL: 0,
  ALL_SKIP_DECODING: 1,
  LOCAL_ONLY: 2,
  KNOWN_ONLY: 3,
  NONE: 4,
  CORE_PORTNUMS_ONLY: 5,
} as const;

/** Channel.Role (section 1.9). */
export const ChannelRole = { DISABLED: 0, PRIMARY: 1, SECONDARY: 2 } as const;
