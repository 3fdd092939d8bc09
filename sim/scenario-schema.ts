// The parsed form of a scenario file (sim/SCENARIOS.md documents the JSON it comes from), its bounds
// and the name tables the parser accepts. Everything here is plain data: parseScenario
// (scenario-parse.ts) fills it in with the defaults resolved, buildSimulation (scenario-build.ts)
// turns it into a running Simulator.
import { ModemPreset } from "../firmware/mesh/modem-preset.js";
import { RegionCode, regionInfo } from "../firmware/mesh/regions.js";
import { RebroadcastMode, Role } from "../firmware/wire/enums.js";
import type { LogDistanceParams } from "./path-loss.js";
import { PathLossModel } from "./path-loss.js";

/** Bounds every scenario is checked against; the messages of out-of-range errors quote them. */
export const SCENARIO_LIMITS = {
  /** Nodes in one scenario, fixed and placed at random together. */
  maxNodes: 20_000,
  /** Simulated time: 1 s .. 7 days. */
  minDurationS: 1,
  maxDurationS: 7 * 24 * 3600,
  /** Side of the area and of a placement rectangle (m). */
  maxAreaSideM: 1_000_000,
  /** |x| and |y| of a fixed node (m). */
  maxCoordinateM: 1_000_000,
  minHeightM: 0.1,
  maxHeightM: 5000,
  minTxPowerDbm: -20,
  maxTxPowerDbm: 37,
  minAntennaGainDbi: -20,
  maxAntennaGainDbi: 30,
  /** HOP_MAX. */
  maxHopLimit: 7,
  /** MAX_NUM_CHANNELS. */
  maxChannels: 8,
  /** ChannelSettings.name max_size 12 including the terminator. */
  maxChannelNameBytes: 11,
  /** User.long_name max_size 40 including the terminator. */
  maxNodeNameBytes: 39,
  /** Generated and scheduled payloads: below the 233-byte Data payload limit with room for the Data fields. */
  maxPayloadBytes: 200,
  minMeanIntervalS: 1,
  maxMeanIntervalS: 30 * 24 * 3600,
  /** Periodic firmware broadcasts: 0 = off, else this range (s). */
  minPeriodicIntervalS: 10,
  maxPeriodicIntervalS: 30 * 24 * 3600,
  /** Explicit messages in the `messages` list. */
  maxMessages: 10_000,
  maxMqttRootChars: 64,
  maxMqttLatencyMs: 60_000,
  maxMinDistanceM: 100_000,
  maxPlacementTries: 100_000,
  maxBootSpreadS: 24 * 3600,
  maxLinkOffsetSigmaDb: 20,
  maxDescriptionChars: 2000,
  /** Errors reported at most; a last entry counts the rest. */
  maxErrors: 200,
} as const;

/** A value with both its firmware number and the name the scenario used for it. */
export interface Named {
  code: number;
  name: string;
}

export interface ScenarioChannel {
  /** Configured name; "" = the preset's name (LongFast, ...). */
  name: string;
  /** Raw PSK bytes (0, 1, 2..32), as ChannelSettings.psk. */
  psk: Uint8Array;
  /** The base64 text it came from (for the report). */
  pskBase64: string;
  uplink: boolean;
  downlink: boolean;
  /** ModuleSettings.position_precision, 0..32. */
  positionPrecision: number;
}

/** Per-node settings after `defaults` and the node's own fields are merged. */
export interface NodeSettings {
  role: Named;
  /** undefined = the role's default (ALL; CORE_PORTNUMS_ONLY for ROUTER, LOCAL_ONLY for CLIENT_HIDDEN). */
  rebroadcastMode: Named | undefined;
  /** lora.ignore_mqtt; undefined = as the app sets it with the region (on in duty-cycle regions). */
  ignoreMqtt: boolean | undefined;
  hopLimit: number;
  heightM: number;
  /** undefined = the region's power limit. */
  txPowerDbm: number | undefined;
  antennaGainDbi: number;
  /** MQTT gateway (uses the scenario's `mqtt` block). */
  gateway: boolean;
  /** LoRaConfig.config_ok_to_mqtt: others' gateways may uplink this node's packets to a public broker. */
  okToMqtt: boolean;
  /** Takes part in generated traffic (default: every role but REPEATER). */
  generate: boolean;
  /** This node's channel table; undefined = the scenario's. */
  channels: ScenarioChannel[] | undefined;
}

export interface FixedNode {
  kind: "fixed";
  name: string;
  x: number;
  y: number;
  /** undefined = 0x10000000 + index. */
  nodeNum: number | undefined;
  settings: NodeSettings;
}

/** A rectangle [x, x + widthM] × [y, y + depthM]. */
export interface Rect {
  x: number;
  y: number;
  widthM: number;
  depthM: number;
}

/** `count` nodes placed like Meshtasticator's find_random_position (sim/placement.ts). */
export interface RandomGroup {
  kind: "random";
  /** Nodes are named namePrefix + 0, 1, ... */
  namePrefix: string;
  count: number;
  rect: Rect;
  minDistanceM: number;
  /** Each node after the group's first must be heard (nominal range, no link offset) by an earlier one. */
  mustHear: boolean;
  maxTries: number;
  /** Placement seed; undefined = the run's seed (a fixed value keeps the layout across seeds). */
  seed: number | undefined;
  settings: NodeSettings;
}

export type ScenarioNodeEntry = FixedNode | RandomGroup;

export interface GeneratedText {
  meanIntervalMs: number;
  payloadBytes: number;
  wantAck: boolean;
  /** Channel index on the sender. */
  channel: number;
}

export interface ScenarioTraffic {
  /** Broadcast texts, exponential inter-arrival per node; null = none. */
  text: GeneratedText | null;
  /** Direct messages to a uniformly drawn other node; null = none. */
  direct: GeneratedText | null;
  /**
   * The firmware's own traffic: undefined = the firmware's (role-aware) default; 0 = the module
   * sends nothing (meshport switch; device telemetry is off by default, as in the firmware).
   */
  positionIntervalS: number | undefined;
  smartPosition: boolean | undefined;
  telemetryIntervalS: number | undefined;
  nodeInfoIntervalS: number | undefined;
  /** Generated messages are created in [startMs, stopMs). */
  startMs: number;
  stopMs: number;
  /** stopS was given; otherwise the stop follows the duration (also an overridden one). */
  stopSet: boolean;
}

/** Where a message goes: BROADCAST or a node index. */
export type MessageTarget = { kind: "broadcast" } | { kind: "node"; index: number };

export interface ScenarioMessage {
  /** "text": a text message; "nodeinfo": the apps' "exchange user info" (our NodeInfo with want_response). */
  kind: "text" | "nodeinfo";
  atMs: number;
  /** Index of the sending node. */
  from: number;
  to: MessageTarget;
  text: string;
  wantAck: boolean;
  channel: number;
}

export interface ScenarioMqtt {
  /** Broker address the gateways are configured with (host or host:port). */
  address: string;
  root: string;
  encryptionEnabled: boolean;
  jsonEnabled: boolean;
  /** One-way delay between a gateway and the broker (ms). */
  latencyMs: number;
}

export interface ScenarioMedium {
  pathLoss: Named;
  logDistance: LogDistanceParams | undefined;
  linkOffsetSigmaDb: number;
  sumInterference: boolean;
}

export interface Scenario {
  name: string;
  description: string;
  seed: number;
  durationMs: number;
  area: { widthM: number; depthM: number };
  /** Latitude/longitude of (0, 0), for the positions the nodes broadcast. */
  origin: { lat: number; lon: number };
  region: Named;
  preset: Named;
  medium: ScenarioMedium;
  bootSpreadMs: number;
  /** Unix ms of virtual time 0: every node's clock is set (as from the phone or GPS). */
  startEpochMs: number;
  /** Nodes have X25519 key pairs and PKI-encrypt text DMs (firmware 2.5+); receivers reject channel-encrypted text DMs. */
  pki: boolean;
  channels: ScenarioChannel[];
  mqtt: ScenarioMqtt;
  nodes: ScenarioNodeEntry[];
  /** Nodes after expanding the random groups. */
  nodeCount: number;
  traffic: ScenarioTraffic;
  messages: ScenarioMessage[];
}

function names(o: Record<string, number>, skip: (name: string, code: number) => boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(o)) if (!skip(k, o[k])) out[k] = o[k];
  return out;
}

/** Role names (Config.DeviceConfig.Role). */
export const ROLE_NAMES: Record<string, number> = names(Role, () => false);
/** Rebroadcast modes (Config.DeviceConfig.RebroadcastMode). */
export const REBROADCAST_NAMES: Record<string, number> = names(RebroadcastMode, () => false);
/** Regions with a row in the firmware table (UNSET and develop-only codes excluded). */
export const REGION_NAMES: Record<string, number> = names(RegionCode, (_n, c) => c === RegionCode.UNSET || regionInfo(c).code !== c);
/** Presets the firmware runs (VERY_LONG_SLOW is dropped by the firmware and excluded). */
export const PRESET_NAMES: Record<string, number> = names(ModemPreset, (n) => n === "VERY_LONG_SLOW");
/** Path-loss models by name (sim/path-loss.ts; Meshtasticator MODEL 0..6). */
export const PATH_LOSS_NAMES: Record<string, number> = names(PathLossModel, () => false);

/** The name of `code` in a table, or its number as a string. */
export function nameOf(table: Record<string, number>, code: number): string {
  for (const k of Object.keys(table)) if (table[k] === code) return k;
  return String(code);
}

/** Meshtasticator's defaults (shared spec simulation-model.md 1.3) where a scenario leaves a field out. */
export const SCENARIO_DEFAULTS = {
  seed: 44,
  /** The nodes' clocks at virtual time 0 (rx_time, last heard, online counts). */
  startTime: "2026-01-01T00:00:00Z",
  durationS: 30 * 60,
  areaSideM: 15_000,
  region: "US",
  preset: "LONG_FAST",
  pathLoss: "THREE_GPP_SUBURBAN",
  linkOffsetSigmaDb: 3,
  hopLimit: 3,
  role: "CLIENT",
  heightM: 1,
  antennaGainDbi: 0,
  minDistanceM: 10,
  maxTries: 1000,
  textMeanIntervalS: 100,
  payloadBytes: 40,
  /** Meshtasticator's interactive mode puts its fake positions near here. */
  origin: { lat: 44, lon: -105 },
  /** ip-gateway.ts SIM_MQTT_ROOT. */
  mqttRoot: "msh/sim",
  /** ip-gateway.ts SIM_BROKER_ADDRESS: the IP network decides where the socket goes. */
  mqttAddress: "mqtt.sim:1883",
  mqttLatencyMs: 50,
  bootSpreadS: 60,
} as const;

const TWO_POW_32 = 4294967296;

/** The key the simulator and the report use for a message: from · 2^32 + id. */
export function messageKey(from: number, id: number): number {
  return (from >>> 0) * TWO_POW_32 + (id >>> 0);
}
