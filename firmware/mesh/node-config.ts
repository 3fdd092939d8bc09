// What a node is configured with: owner, role, LoRa settings and up to 8 channels (the subset of
// Config/ModuleConfig/ChannelFile the router and modules read; spec sections 1.7-1.9, 4, 6).
import { ChannelRole, RebroadcastMode, Role } from "../wire/enums.js";
import type { Position } from "../wire/messages.js";
import { HOP_MAX, HOP_RELIABLE } from "./packet.js";

/** MAX_NUM_CHANNELS (deviceonly.options ChannelFile.channels max_count). */
export const MAX_CHANNELS = 8;

export interface ChannelConfig {
  role: number;
  /** Configured name; "" means the preset's display name (spec section 4). */
  name: string;
  /** Raw PSK as in ChannelSettings.psk (0, 1, 16 or 32 bytes, or padded lengths). */
  psk: Uint8Array;
  uplinkEnabled: boolean;
  downlinkEnabled: boolean;
  /** ModuleSettings.position_precision: 0 = no position on this channel, 32 = exact. */
  positionPrecision: number;
}

export interface NodeConfig {
  nodeNum: number;
  longName: string;
  shortName: string;
  hwModel: number;
  isLicensed: boolean;
  role: number;
  rebroadcastMode: number;
  region: number;
  modemPreset: number;
  usePreset: boolean;
  /** LoRaConfig.channel_num: 1-based frequency slot, 0 = from the primary channel name. */
  channelNum: number;
  hopLimit: number;
  txEnabled: boolean;
  overrideDutyCycle: boolean;
  configOkToMqtt: boolean;
  ignoreMqtt: boolean;
  /** LoRaConfig.ignore_incoming: node numbers whose packets are dropped. */
  ignoreIncoming: number[];
  channels: ChannelConfig[];
  /** X25519 key pair for PKI direct messages; absent = PKI off. */
  privateKey: Uint8Array | undefined;
  publicKey: Uint8Array | undefined;
  /** Favourite nodes (NodeInfoLite.is_favorite), used by the router hop-limit rule. */
  favorites: number[];
  /** Our position (fixed, or the latest GPS fix), or undefined when we have none. */
  position: Position | undefined;
  /** Periodic broadcasts in seconds; 0 = off. */
  nodeInfoBroadcastSecs: number;
  positionBroadcastSecs: number;
  positionSmartEnabled: boolean;
  telemetryIntervalSecs: number;
}

/** Channel 0 as Channels::initDefaultChannel makes it: PRIMARY, psk {0x01}, empty name, precision 13 (2.7). */
export function defaultChannel(): ChannelConfig {
  return { role: ChannelRole.PRIMARY, name: "", psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: false, positionPrecision: 13 };
}

/** Factory defaults of firmware 2.7 (Default.h, NodeDB installDefault*), for the given node number. */
export function defaultNodeConfig(nodeNum: number): NodeConfig {
  const hex = (nodeNum >>> 0).toString(16);
  const last4 = ("0000" + hex).substring(hex.length);
  return {
    nodeNum: nodeNum >>> 0,
    longName: "Meshtastic " + last4,
    shortName: last4,
    hwModel: 0,
    isLicensed: false,
    role: Role.CLIENT,
    rebroadcastMode: RebroadcastMode.ALL,
    region: 1,
    modemPreset: 0,
    usePreset: true,
    channelNum: 0,
    hopLimit: HOP_RELIABLE,
    txEnabled: true,
    overrideDutyCycle: false,
    configOkToMqtt: false,
    ignoreMqtt: false,
    ignoreIncoming: [],
    channels: [defaultChannel()],
    privateKey: undefined,
    publicKey: undefined,
    favorites: [],
    position: undefined,
    nodeInfoBroadcastSecs: 3 * 60 * 60,
    positionBroadcastSecs: 15 * 60,
    positionSmartEnabled: true,
    telemetryIntervalSecs: 30 * 60,
  };
}

/** Roles that mark the owner unmessagable by default (NodeDB::installRoleDefaults). */
export function isUnmessagableRole(role: number): boolean {
  return role === Role.ROUTER || role === Role.ROUTER_LATE || role === Role.TRACKER || role === Role.SENSOR || role === Role.TAK_TRACKER;
}

/**
 * The role the firmware actually runs: ROUTER_CLIENT and REPEATER are rewritten to CLIENT
 * (AdminModule set-config), and role defaults (NodeDB::installRoleDefaults) force ROUTER to
 * CORE_PORTNUMS_ONLY, CLIENT_HIDDEN to LOCAL_ONLY without broadcasts, and licensed owners to
 * LOCAL_ONLY.
 */
export function normalizeConfig(c: NodeConfig): NodeConfig {
  const out: NodeConfig = Object.assign({}, c);
  if (out.role === Role.ROUTER_CLIENT || out.role === Role.REPEATER) out.role = Role.CLIENT;
  if (out.role === Role.ROUTER) out.rebroadcastMode = RebroadcastMode.CORE_PORTNUMS_ONLY;
  if (out.role === Role.CLIENT_HIDDEN || out.isLicensed) out.rebroadcastMode = RebroadcastMode.LOCAL_ONLY;
  if (out.role === Role.CLIENT_HIDDEN) {
    // CLIENT_HIDDEN sends no periodic broadcasts at all.
    out.nodeInfoBroadcastSecs = 0;
    out.positionBroadcastSecs = 0;
    out.telemetryIntervalSecs = 0;
  }
  if (out.hopLimit > HOP_MAX) out.hopLimit = HOP_MAX;
  if (out.channels.length > MAX_CHANNELS) out.channels = out.channels.slice(0, MAX_CHANNELS);
  return out;
}
