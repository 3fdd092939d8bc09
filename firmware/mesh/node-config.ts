// What a node is configured with: owner, role, LoRa settings, up to 8 channels and the module
// settings that shape traffic (the subset of Config/ModuleConfig/ChannelFile the router and modules
// read; spec sections 1.7-1.9, 4, 6). Intervals keep the firmware's meaning: 0 is "the default".
//
// Three steps, as in the firmware:
//   defaultNodeConfig: NodeDB::installDefaultConfig / installDefaultModuleConfig, then the region
//     chosen in the app (AdminModule 817-842: a key pair, and ignore_mqtt in duty-cycle regions);
//   setRole: AdminModule's set-config of a new role (656-680) with NodeDB::installRoleDefaults;
//   normalizeConfig: what NodeDB::loadFromDisk enforces at every boot (the default-channel floors
//     of 330-364, MAX_INTERVAL, hop limit), applied when a MeshNode is built.
import { ChannelRole, RebroadcastMode, Role } from "../wire/enums.js";
import type { Position } from "../wire/messages.js";
import { configuredOrMinimum } from "./congestion.js";
import { effectiveChannelName, modemPresetParams } from "./modem-preset.js";
import { HOP_MAX, HOP_RELIABLE } from "./packet.js";
import { RegionCode, regionInfo } from "./regions.js";

/** MAX_NUM_CHANNELS (deviceonly.options ChannelFile.channels max_count). */
export const MAX_CHANNELS = 8;

/** MAX_INTERVAL in seconds, as NodeDB clamps configured intervals (INT32_MAX). */
export const MAX_INTERVAL_SECS = 0x7fffffff;

/** HardwareModel.HELTEC_V3, the board meshport's defaults describe (owner.hw_model = HW_VENDOR). */
export const HW_MODEL_HELTEC_V3 = 43;

/**
 * MAX_NUM_NODES for a hardware model (mesh-pb-constants.h 44-66): 100 on ESP32, and on ESP32-S3
 * by flash size: 200 with 8 MB (the Heltec V3), 250 with 16 MB. Other models here get 100.
 */
export function maxNumNodesFor(hwModel: number): number {
  return hwModel === HW_MODEL_HELTEC_V3 ? 200 : 100;
}

/** min_node_info_broadcast_secs (Default.h 30). */
export const MIN_NODE_INFO_BROADCAST_SECS = 60 * 60;

/** ModemPreset.LONG_FAST. */
const LONG_FAST_PRESET = 0;

/** One day in seconds (Default.h ONE_DAY). */
const ONE_DAY = 24 * 60 * 60;

export interface ChannelConfig {
  role: number;
  /** Configured name; "" means the preset's display name (spec section 4). */
  name: string;
  /** Raw PSK as in ChannelSettings.psk (0, 1, 16 or 32 bytes, or padded lengths). */
  psk: Uint8Array;
  uplinkEnabled: boolean;
  downlinkEnabled: boolean;
  /** ModuleSettings.position_precision: 0 = no position on this channel (also: no module settings), 32 = exact. */
  positionPrecision: number;
}

export interface NodeConfig {
  nodeNum: number;
  longName: string;
  shortName: string;
  hwModel: number;
  /** Owner MAC address (6 bytes; the firmware sends it in its User), or undefined. */
  macaddr: Uint8Array | undefined;
  isLicensed: boolean;
  /**
   * owner.is_unmessagable: false and sent from the factory (installDefaultDeviceState, NodeDB.cpp
   * 1140-1141), true for good once a role that sets it is installed; later roles never clear it
   * (installRoleDefaults 949-987). Undefined: not sent (has_is_unmessagable false).
   */
  isUnmessagable: boolean | undefined;
  role: number;
  rebroadcastMode: number;
  region: number;
  modemPreset: number;
  usePreset: boolean;
  /** LoRaConfig.channel_num: 1-based frequency slot, 0 = from the primary channel name. */
  channelNum: number;
  /** LoRaConfig.override_frequency in MHz (0 = none). */
  overrideFrequencyMhz: number;
  hopLimit: number;
  txEnabled: boolean;
  overrideDutyCycle: boolean;
  configOkToMqtt: boolean;
  ignoreMqtt: boolean;
  /** LoRaConfig.ignore_incoming: node numbers whose packets are dropped. */
  ignoreIncoming: number[];
  channels: ChannelConfig[];
  /** X25519 key pair for PKI direct messages; absent = PKI off (MeshNode generates one when it can). */
  privateKey: Uint8Array | undefined;
  publicKey: Uint8Array | undefined;
  /** Favourite nodes (NodeInfoLite.is_favorite), marked in the NodeDB at boot. */
  favorites: number[];
  /** Our position (fixed, or the latest GPS fix), or undefined when we have none. */
  position: Position | undefined;
  /** PositionConfig.fixed_position: the position was set by hand (LOC_MANUAL). */
  fixedPosition: boolean;
  /** PositionConfig.position_flags (which optional fields our positions carry). */
  positionFlags: number;
  /** DeviceConfig.node_info_broadcast_secs (0 = 3 h). */
  nodeInfoBroadcastSecs: number;
  /** PositionConfig.position_broadcast_secs (0 = 1 h, 12 h for routers). */
  positionBroadcastSecs: number;
  positionSmartEnabled: boolean;
  /** broadcast_smart_minimum_interval_secs (0 = 300) and broadcast_smart_minimum_distance (0 = 100 m). */
  positionSmartMinimumIntervalSecs: number;
  positionSmartMinimumDistance: number;
  /** TelemetryConfig.device_telemetry_enabled (off since 2.7.13) and device_update_interval. */
  deviceTelemetryEnabled: boolean;
  telemetryIntervalSecs: number;
  /**
   * The node was just flashed or factory reset (radioGeneration 1): its first NodeInfo and position
   * ask for replies. False models a node that booted before with its config stored.
   */
  freshInstall: boolean;
  /**
   * meshport switches with no firmware equivalent, for simulations without NodeInfo or position
   * traffic (Meshtasticator's model has none): false silences the module (no periodic broadcast,
   * no first-sight NodeInfo, no replies, no NO_RESPONSE for it). True = as the firmware.
   */
  sendNodeInfo: boolean;
  sendPosition: boolean;
}

/** Channel 0 as Channels::initDefaultChannel makes it: PRIMARY, psk {0x01}, empty name, precision 13 (2.7). */
export function defaultChannel(): ChannelConfig {
  return { role: ChannelRole.PRIMARY, name: "", psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: false, positionPrecision: 13 };
}

/** The factory position_flags: altitude (MSL), speed, heading, DOP and satellites (NodeDB.cpp 743-746). */
export const DEFAULT_POSITION_FLAGS = 1 | 2 | 512 | 256 | 8 | 32;
/** position_flags for TAK and TAK_TRACKER: altitude (HAE), speed, heading, DOP. */
const TAK_POSITION_FLAGS = 1 | 512 | 256 | 8;

/**
 * Factory defaults of firmware 2.7.26 (NodeDB installDefaultConfig / installDefaultModuleConfig) for
 * `nodeNum`, after the owner chose `region` (default US) in the app: a duty-cycle region turns on
 * ignore_mqtt. The key pair is made by MeshNode from its Rng (NodeDB.cpp 281-299). A factory node
 * has region UNSET and cannot transmit; pass RegionCode.UNSET to get exactly that.
 */
export function defaultNodeConfig(nodeNum: number, region?: number): NodeConfig {
  const hex = (nodeNum >>> 0).toString(16);
  const last4 = ("0000" + hex).substring(hex.length);
  const r = region === undefined ? RegionCode.US : region;
  return {
    nodeNum: nodeNum >>> 0,
    longName: "Meshtastic " + last4,
    shortName: last4,
    hwModel: HW_MODEL_HELTEC_V3,
    // NodeDB::pickNewNodeNum takes the node number from the MAC's last 4 bytes; the first two here
    // mark a locally administered address.
    macaddr: new Uint8Array([0x02, 0x00, (nodeNum >>> 24) & 0xff, (nodeNum >>> 16) & 0xff, (nodeNum >>> 8) & 0xff, nodeNum & 0xff]),
    isLicensed: false,
    isUnmessagable: false,
    role: Role.CLIENT,
    rebroadcastMode: RebroadcastMode.ALL,
    region: r,
    modemPreset: 0,
    usePreset: true,
    channelNum: 0,
    overrideFrequencyMhz: 0,
    hopLimit: HOP_RELIABLE,
    txEnabled: true,
    overrideDutyCycle: false,
    configOkToMqtt: false,
    ignoreMqtt: r !== RegionCode.UNSET && regionInfo(r).dutyCyclePercent < 100,
    ignoreIncoming: [],
    channels: [defaultChannel()],
    privateKey: undefined,
    publicKey: undefined,
    favorites: [],
    position: undefined,
    fixedPosition: false,
    positionFlags: DEFAULT_POSITION_FLAGS,
    nodeInfoBroadcastSecs: 3 * 60 * 60,
    positionBroadcastSecs: 60 * 60,
    positionSmartEnabled: true,
    positionSmartMinimumIntervalSecs: 5 * 60,
    positionSmartMinimumDistance: 100,
    deviceTelemetryEnabled: false,
    telemetryIntervalSecs: MAX_INTERVAL_SECS,
    freshInstall: false,
    sendNodeInfo: true,
    sendPosition: true,
  };
}

/**
 * Setting a new role in the app (AdminModule.cpp 656-680): ROUTER_CLIENT and REPEATER become
 * CLIENT, routers cannot be rebroadcast mode NONE, and NodeDB::installRoleDefaults (949-1008) sets
 * the role's intervals and rebroadcast mode. Nothing happens when the role does not change, so a
 * later rebroadcast mode (a ROUTER with ALL) stays as set.
 */
export function setRole(c: NodeConfig, role: number): void {
  let r = role;
  if (r === Role.ROUTER_CLIENT || r === Role.REPEATER) r = Role.CLIENT;
  if (c.rebroadcastMode === RebroadcastMode.NONE && (r === Role.ROUTER || r === Role.ROUTER_LATE)) c.rebroadcastMode = RebroadcastMode.ALL;
  if (r === c.role) return;
  c.role = r;
  // installRoleDefaults (949-987): these roles mark the owner unmessagable; nothing clears it.
  if (r === Role.ROUTER || r === Role.ROUTER_LATE || r === Role.SENSOR || r === Role.TRACKER || r === Role.TAK_TRACKER) c.isUnmessagable = true;
  if (r === Role.ROUTER) {
    c.positionBroadcastSecs = 12 * 60 * 60;
    c.telemetryIntervalSecs = 12 * 60 * 60;
    c.rebroadcastMode = RebroadcastMode.CORE_PORTNUMS_ONLY;
  } else if (r === Role.ROUTER_LATE) c.telemetryIntervalSecs = ONE_DAY;
  else if (r === Role.SENSOR || r === Role.TRACKER) c.telemetryIntervalSecs = 60 * 60;
  else if (r === Role.LOST_AND_FOUND) {
    c.positionSmartEnabled = false;
    c.positionBroadcastSecs = 300;
  } else if (r === Role.TAK) {
    c.nodeInfoBroadcastSecs = ONE_DAY;
    c.positionSmartEnabled = false;
    c.positionBroadcastSecs = ONE_DAY;
    c.positionFlags = TAK_POSITION_FLAGS;
    c.telemetryIntervalSecs = ONE_DAY;
  } else if (r === Role.TAK_TRACKER) {
    c.nodeInfoBroadcastSecs = ONE_DAY;
    c.positionSmartEnabled = true;
    c.positionBroadcastSecs = 3 * 60;
    c.positionSmartMinimumDistance = 20;
    c.positionSmartMinimumIntervalSecs = 15;
    c.positionFlags = TAK_POSITION_FLAGS;
    c.telemetryIntervalSecs = ONE_DAY;
  } else if (r === Role.CLIENT_HIDDEN) {
    c.rebroadcastMode = RebroadcastMode.LOCAL_ONLY;
    c.nodeInfoBroadcastSecs = MAX_INTERVAL_SECS;
    c.positionSmartEnabled = false;
    c.positionBroadcastSecs = MAX_INTERVAL_SECS;
    c.telemetryIntervalSecs = MAX_INTERVAL_SECS;
  }
}

/** Channels::isDefaultChannel: the default PSK {1} and the preset's own name. */
export function isDefaultChannel(c: NodeConfig, index: number): boolean {
  const ch = c.channels[index];
  if (ch === undefined || ch.psk.length !== 1 || ch.psk[0] !== 1) return false;
  return effectiveChannelName(ch.name, c.usePreset, c.modemPreset) === effectiveChannelName("", c.usePreset, c.modemPreset);
}

/** Channels::hasDefaultChannel: presets on their default frequency slot, no override, a default channel. */
export function hasDefaultChannel(c: NodeConfig, usesDefaultFrequencySlot: boolean): boolean {
  if (!c.usePreset || !usesDefaultFrequencySlot || c.overrideFrequencyMhz !== 0) return false;
  for (let i = 0; i < c.channels.length; i++) if (isDefaultChannel(c, i)) return true;
  return false;
}

/** Channels::anyMqttEnabled: an enabled channel with uplink or downlink. */
export function anyMqttEnabled(c: NodeConfig): boolean {
  for (let i = 0; i < c.channels.length; i++) {
    const ch = c.channels[i];
    if (ch.role !== ChannelRole.DISABLED && (ch.uplinkEnabled || ch.downlinkEnabled)) return true;
  }
  return false;
}

function isRouterRole(role: number): boolean {
  return role === Role.ROUTER || role === Role.ROUTER_LATE;
}

/**
 * What the firmware enforces at boot (NodeDB.cpp 330-378), and the NodeInfo floor the app's
 * set-config applies (AdminModule.cpp 673-676): the "Default" channel name, licensed channels in
 * the clear, a preset that fits the region's band, telemetry intervals of at least 30 min
 * (12 h for routers) when a default channel is in use, position intervals of at least 1 h (12 h for
 * routers) and a smart minimum of 5 min when positions go on a default channel, intervals clamped to
 * MAX_INTERVAL, hop limit at most 7, licensed owners in LOCAL_ONLY, at most 8 channels. Returns a copy.
 */
export function normalizeConfig(c: NodeConfig): NodeConfig {
  const out: NodeConfig = Object.assign({}, c);
  if (out.channels.length > MAX_CHANNELS) out.channels = out.channels.slice(0, MAX_CHANNELS);
  out.channels = out.channels.slice();
  for (let i = 0; i < out.channels.length; i++) {
    const ch = out.channels[i];
    // Channels::fixupChannel (Channels.cpp 71-73): the old name "Default" means the preset's name.
    if (ch.name === "Default") out.channels[i] = Object.assign({}, ch, { name: "" });
    // Channels::ensureLicensedOperation (98-125): a licensed owner sends in the clear; "admin" is off.
    if (out.isLicensed) {
      const cur = out.channels[i];
      const admin = cur.name.toLowerCase() === "admin";
      if (admin || cur.psk.length > 0) out.channels[i] = Object.assign({}, cur, { psk: new Uint8Array(0), role: admin ? ChannelRole.DISABLED : cur.role });
    }
  }
  // NodeDB::NodeDB (336-367) applies the default-channel floors before the radio is set up: the
  // frequency slot is not known yet (RadioInterface::uses_default_frequency_slot keeps its initial
  // true) and the preset is the configured one, before applyModemConfig's fallback below.
  const router = isRouterRole(out.role);
  if (hasDefaultChannel(out, true)) out.telemetryIntervalSecs = configuredOrMinimum(out.telemetryIntervalSecs, router ? ONE_DAY / 2 : 30 * 60);
  for (let i = 0; i < out.channels.length; i++) {
    if (out.channels[i].positionPrecision === 0) continue;
    if (isDefaultChannel(out, i)) {
      out.positionBroadcastSecs = configuredOrMinimum(out.positionBroadcastSecs, router ? ONE_DAY / 2 : 60 * 60);
      out.positionSmartMinimumIntervalSecs = configuredOrMinimum(out.positionSmartMinimumIntervalSecs, 5 * 60);
    }
    break;
  }
  // RadioInterface::applyModemConfig (801-826): a preset wider than the region's band is LONG_FAST.
  if (out.usePreset && out.region !== RegionCode.UNSET) {
    const r = regionInfo(out.region);
    const p = modemPresetParams(out.modemPreset);
    const bw = r.wideLora ? p.wideBandwidthKhz : p.bandwidthKhz;
    if (r.freqEndMhz - r.freqStartMhz < bw / 1000) out.modemPreset = LONG_FAST_PRESET;
  }
  // AdminModule.cpp 673-676: no regular NodeInfo more than once an hour (ham mode sets 600 s itself).
  if (!out.isLicensed && out.nodeInfoBroadcastSecs > 0 && out.nodeInfoBroadcastSecs < MIN_NODE_INFO_BROADCAST_SECS) out.nodeInfoBroadcastSecs = MIN_NODE_INFO_BROADCAST_SECS;
  if (out.nodeInfoBroadcastSecs > MAX_INTERVAL_SECS) out.nodeInfoBroadcastSecs = MAX_INTERVAL_SECS;
  if (out.positionBroadcastSecs > MAX_INTERVAL_SECS) out.positionBroadcastSecs = MAX_INTERVAL_SECS;
  if (out.hopLimit > HOP_MAX) out.hopLimit = HOP_MAX;
  if (out.isLicensed) out.rebroadcastMode = RebroadcastMode.LOCAL_ONLY;
  return out;
}
