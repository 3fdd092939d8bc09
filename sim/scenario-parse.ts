// parseScenario: a hand-written validator for scenario JSON (sim/SCENARIOS.md). Every problem is
// reported, not only the first, each with the path of the field (`nodes[3].role`) and the reason:
// wrong type, out of range (with the range), unknown name (with the allowed ones), unknown field
// (with the allowed ones), or a rule between fields. Defaults are filled in on the way.
import { fromBase64 } from "../firmware/bytes/base64.js";
import { utf8Length } from "../firmware/bytes/utf8.js";
import { expandPsk } from "../firmware/crypto/psk.js";
import { frequencySlotForPreset } from "../firmware/mesh/frequency.js";
import { effectiveChannelName, modemPresetParams } from "../firmware/mesh/modem-preset.js";
import { regionInfo } from "../firmware/mesh/regions.js";
import { Role } from "../firmware/wire/enums.js";
import type { LogDistanceParams } from "./path-loss.js";
import {
  PATH_LOSS_NAMES,
  PRESET_NAMES,
  REBROADCAST_NAMES,
  REGION_NAMES,
  ROLE_NAMES,
  SCENARIO_DEFAULTS,
  SCENARIO_LIMITS,
} from "./scenario-schema.js";
import type {
  GeneratedText,
  MessageTarget,
  Named,
  NodeSettings,
  Rect,
  Scenario,
  ScenarioChannel,
  ScenarioMessage,
  ScenarioMqtt,
  ScenarioNodeEntry,
  ScenarioTraffic,
} from "./scenario-schema.js";

export interface ScenarioError {
  /** Field path: `nodes[3].role`, `traffic.text.meanIntervalS`; "(root)" for the document itself. */
  path: string;
  message: string;
}

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioError[] };

type Obj = Record<string, unknown>;

const L = SCENARIO_LIMITS;

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return "a string";
  if (typeof v === "number") return Number.isFinite(v) ? "a number" : "a non-finite number";
  if (typeof v === "boolean") return "a boolean";
  return typeof v;
}

function join(path: string, key: string): string {
  return path === "" ? key : path + "." + key;
}

function fmt(n: number): string {
  return String(n);
}

/** Collects errors; every reader returns a usable value (its default) even after an error. */
class Checker {
  readonly errors: ScenarioError[] = [];

  fail(path: string, message: string): void {
    this.errors.push({ path: path === "" ? "(root)" : path, message });
  }

  /** An object with only the allowed keys; undefined (and an error) when it is not an object. */
  object(v: unknown, path: string, allowed: readonly string[]): Obj | undefined {
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      this.fail(path, "expected an object, got " + typeName(v));
      return undefined;
    }
    const o = v as Obj;
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.fail(join(path, k), "unknown field (allowed: " + allowed.join(", ") + ")");
    }
    return o;
  }

  array(v: unknown, path: string, maxItems: number): unknown[] | undefined {
    if (!Array.isArray(v)) {
      this.fail(path, "expected an array, got " + typeName(v));
      return undefined;
    }
    if (v.length > maxItems) {
      this.fail(path, "too many items: " + v.length + " (at most " + maxItems + ")");
      return v.slice(0, maxItems);
    }
    return v;
  }

  number(o: Obj | undefined, key: string, path: string, def: number, min: number, max: number, integer?: boolean): number {
    const v = o !== undefined ? o[key] : undefined;
    if (v === undefined) return def;
    return this.numberValue(v, join(path, key), def, min, max, integer);
  }

  numberValue(v: unknown, p: string, def: number, min: number, max: number, integer?: boolean): number {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      this.fail(p, "expected " + (integer === true ? "an integer" : "a number") + ", got " + typeName(v));
      return def;
    }
    if (integer === true && !Number.isInteger(v)) {
      this.fail(p, "expected an integer, got " + v);
      return def;
    }
    if (v < min || v > max) {
      this.fail(p, "out of range: " + v + " (allowed " + fmt(min) + " .. " + fmt(max) + ")");
      return def;
    }
    return v;
  }

  /** Like number, but undefined when absent. */
  optNumber(o: Obj | undefined, key: string, path: string, min: number, max: number, integer?: boolean): number | undefined {
    const v = o !== undefined ? o[key] : undefined;
    if (v === undefined) return undefined;
    const r = this.numberValue(v, join(path, key), NaN, min, max, integer);
    return Number.isNaN(r) ? undefined : r;
  }

  boolean(o: Obj | undefined, key: string, path: string, def: boolean): boolean {
    const v = o !== undefined ? o[key] : undefined;
    if (v === undefined) return def;
    if (typeof v !== "boolean") {
      this.fail(join(path, key), "expected true or false, got " + typeName(v));
      return def;
    }
    return v;
  }

  string(o: Obj | undefined, key: string, path: string, def: string, maxChars: number, minChars?: number): string {
    const v = o !== undefined ? o[key] : undefined;
    if (v === undefined) return def;
    const p = join(path, key);
    if (typeof v !== "string") {
      this.fail(p, "expected a string, got " + typeName(v));
      return def;
    }
    const min = minChars !== undefined ? minChars : 0;
    if (v.length < min || v.length > maxChars) {
      this.fail(p, "length out of range: " + v.length + " characters (allowed " + min + " .. " + maxChars + ")");
      return def;
    }
    return v;
  }

  /** A name from `table`; the error lists the allowed names. */
  enumName(o: Obj | undefined, key: string, path: string, table: Record<string, number>, def: string, what: string): Named {
    const v = o !== undefined ? o[key] : undefined;
    if (v === undefined) return { code: table[def], name: def };
    const p = join(path, key);
    if (typeof v !== "string") {
      this.fail(p, "expected a " + what + " name (string), got " + typeName(v) + " (allowed: " + Object.keys(table).join(", ") + ")");
      return { code: table[def], name: def };
    }
    const k = v.toUpperCase();
    if (!Object.prototype.hasOwnProperty.call(table, k)) {
      this.fail(p, "unknown " + what + ' "' + v + '" (allowed: ' + Object.keys(table).join(", ") + ")");
      return { code: table[def], name: def };
    }
    return { code: table[k], name: k };
  }
}

const TOP_KEYS = [
  "name",
  "description",
  "seed",
  "durationS",
  "area",
  "origin",
  "region",
  "preset",
  "pathLoss",
  "medium",
  "bootSpreadS",
  "startTime",
  "pki",
  "defaults",
  "channels",
  "mqtt",
  "nodes",
  "traffic",
  "messages",
] as const;
const SETTINGS_KEYS = ["role", "rebroadcastMode", "ignoreMqtt", "hopLimit", "heightM", "txPowerDbm", "antennaGainDbi", "gateway", "okToMqtt", "generate", "channels"];
const FIXED_KEYS = ["name", "x", "y", "nodeNum", ...SETTINGS_KEYS];
const GROUP_KEYS = ["count", "namePrefix", "placement", ...SETTINGS_KEYS];
const PLACEMENT_KEYS = ["area", "minDistanceM", "mustHear", "maxTries", "seed"];
const CHANNEL_KEYS = ["name", "psk", "uplink", "downlink", "positionPrecision"];
const MQTT_KEYS = ["address", "root", "encryptionEnabled", "jsonEnabled", "latencyMs"];
const MEDIUM_KEYS = ["linkOffsetSigmaDb", "sumInterference", "logDistance"];
const LOG_DISTANCE_KEYS = ["gamma", "d0M", "lossAtD0Db"];
const TRAFFIC_KEYS = ["text", "direct", "positionIntervalS", "smartPosition", "telemetryIntervalS", "nodeInfoIntervalS", "startS", "stopS"];
const GENERATED_KEYS = ["meanIntervalS", "payloadBytes", "wantAck", "channel"];
const MESSAGE_KEYS = ["atS", "kind", "from", "to", "text", "wantAck", "channel"];

function parseChannels(c: Checker, v: unknown, path: string): ScenarioChannel[] {
  const arr = c.array(v, path, L.maxChannels);
  if (arr === undefined) return [defaultChannel()];
  if (arr.length === 0) {
    c.fail(path, "at least one channel is needed (the primary)");
    return [defaultChannel()];
  }
  const out: ScenarioChannel[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < arr.length; i++) {
    const p = path + "[" + i + "]";
    const o = c.object(arr[i], p, CHANNEL_KEYS);
    const name = c.string(o, "name", p, "", 64);
    if (utf8Length(name) > L.maxChannelNameBytes) c.fail(join(p, "name"), "too long: " + utf8Length(name) + " bytes (at most " + L.maxChannelNameBytes + ")");
    const pskText = c.string(o, "psk", p, "AQ==", 64);
    let psk: Uint8Array = new Uint8Array([1]);
    const bytes = fromBase64(pskText);
    if (bytes === undefined) c.fail(join(p, "psk"), 'not valid base64: "' + pskText + '"');
    else if (expandPsk(bytes).kind === "invalid") c.fail(join(p, "psk"), "key is " + bytes.length + " bytes (allowed 0 .. 32: 0 or AA== for none, 1 byte for a default key, 16 or 32 for AES)");
    else psk = bytes;
    const ch: ScenarioChannel = {
      name,
      psk,
      pskBase64: pskText,
      uplink: c.boolean(o, "uplink", p, false),
      downlink: c.boolean(o, "downlink", p, false),
      positionPrecision: c.number(o, "positionPrecision", p, 13, 0, 32, true),
    };
    const prev = seen.get(name.toLowerCase());
    if (prev !== undefined && name !== "") c.fail(join(p, "name"), 'duplicate channel name "' + name + '" (also channels[' + prev + "])");
    seen.set(name.toLowerCase(), i);
    out.push(ch);
  }
  return out;
}

function defaultChannel(): ScenarioChannel {
  return { name: "", psk: new Uint8Array([1]), pskBase64: "AQ==", uplink: false, downlink: false, positionPrecision: 13 };
}

function defaultSettings(): NodeSettings {
  return {
    role: { code: ROLE_NAMES[SCENARIO_DEFAULTS.role], name: SCENARIO_DEFAULTS.role },
    rebroadcastMode: undefined,
    ignoreMqtt: undefined,
    hopLimit: SCENARIO_DEFAULTS.hopLimit,
    heightM: SCENARIO_DEFAULTS.heightM,
    txPowerDbm: undefined,
    antennaGainDbi: SCENARIO_DEFAULTS.antennaGainDbi,
    gateway: false,
    okToMqtt: false,
    generate: true,
    channels: undefined,
  };
}

/** Reads the settings fields of `o` over `base`; `generate` defaults by role unless set somewhere. */
function parseSettings(c: Checker, o: Obj | undefined, path: string, base: NodeSettings, baseGenerateSet: boolean): { s: NodeSettings; generateSet: boolean } {
  const s: NodeSettings = { ...base };
  if (o === undefined) return { s, generateSet: baseGenerateSet };
  if (o.role !== undefined) s.role = c.enumName(o, "role", path, ROLE_NAMES, base.role.name, "role");
  if (o.rebroadcastMode !== undefined) s.rebroadcastMode = c.enumName(o, "rebroadcastMode", path, REBROADCAST_NAMES, "ALL", "rebroadcast mode");
  if (o.ignoreMqtt !== undefined) s.ignoreMqtt = c.boolean(o, "ignoreMqtt", path, false);
  s.hopLimit = c.number(o, "hopLimit", path, base.hopLimit, 0, L.maxHopLimit, true);
  s.heightM = c.number(o, "heightM", path, base.heightM, L.minHeightM, L.maxHeightM);
  const p = c.optNumber(o, "txPowerDbm", path, L.minTxPowerDbm, L.maxTxPowerDbm);
  if (p !== undefined) s.txPowerDbm = p;
  s.antennaGainDbi = c.number(o, "antennaGainDbi", path, base.antennaGainDbi, L.minAntennaGainDbi, L.maxAntennaGainDbi);
  s.gateway = c.boolean(o, "gateway", path, base.gateway);
  s.okToMqtt = c.boolean(o, "okToMqtt", path, base.okToMqtt);
  let generateSet = baseGenerateSet;
  if (o.generate !== undefined) {
    s.generate = c.boolean(o, "generate", path, base.generate);
    generateSet = true;
  }
  if (o.channels !== undefined) s.channels = parseChannels(c, o.channels, join(path, "channels"));
  return { s, generateSet };
}

/** Generated traffic defaults by role: REPEATERs only relay (Meshtasticator). */
function finishSettings(s: NodeSettings, generateSet: boolean): NodeSettings {
  if (!generateSet) s.generate = s.role.code !== Role.REPEATER;
  return s;
}

function parseRect(c: Checker, v: unknown, path: string, def: Rect, withOrigin: boolean): Rect {
  const o = c.object(v, path, withOrigin ? ["x", "y", "widthM", "depthM"] : ["widthM", "depthM"]);
  if (o === undefined) return def;
  return {
    x: withOrigin ? c.number(o, "x", path, def.x, -L.maxCoordinateM, L.maxCoordinateM) : 0,
    y: withOrigin ? c.number(o, "y", path, def.y, -L.maxCoordinateM, L.maxCoordinateM) : 0,
    widthM: c.number(o, "widthM", path, def.widthM, 1, L.maxAreaSideM),
    depthM: c.number(o, "depthM", path, def.depthM, 1, L.maxAreaSideM),
  };
}

function parseGenerated(c: Checker, o: Obj | undefined, key: string, path: string, def: GeneratedText | null, channels: number): GeneratedText | null {
  const v = o !== undefined ? o[key] : undefined;
  if (v === undefined) return def;
  const p = join(path, key);
  if (v === null || v === false) return null;
  const g = c.object(v, p, GENERATED_KEYS);
  const base: GeneratedText = def !== null ? def : { meanIntervalMs: SCENARIO_DEFAULTS.textMeanIntervalS * 1000, payloadBytes: SCENARIO_DEFAULTS.payloadBytes, wantAck: false, channel: 0 };
  return {
    meanIntervalMs: c.number(g, "meanIntervalS", p, base.meanIntervalMs / 1000, L.minMeanIntervalS, L.maxMeanIntervalS) * 1000,
    payloadBytes: c.number(g, "payloadBytes", p, base.payloadBytes, 1, L.maxPayloadBytes, true),
    wantAck: c.boolean(g, "wantAck", p, base.wantAck),
    channel: c.number(g, "channel", p, base.channel, 0, Math.max(0, channels - 1), true),
  };
}

/** A periodic interval: undefined (the firmware's default), 0 (off) or a number of seconds in bounds. */
function periodic(c: Checker, o: Obj | undefined, key: string, path: string): number | undefined {
  const v = o !== undefined ? o[key] : undefined;
  if (v === undefined) return undefined;
  if (v === 0) return 0;
  return c.numberValue(v, join(path, key), 0, L.minPeriodicIntervalS, L.maxPeriodicIntervalS, true);
}

/** Default end of generated traffic: leave the last minute (at most a tenth of the run) for floods to finish. */
export function defaultTrafficStopS(durationS: number): number {
  return durationS - Math.min(60, durationS / 10);
}

/** Validates scenario JSON (already parsed with JSON.parse) and fills in the defaults. */
export function parseScenario(json: unknown): ParseResult {
  const c = new Checker();
  const top = c.object(json, "", TOP_KEYS);
  const d = SCENARIO_DEFAULTS;

  const name = c.string(top, "name", "", "scenario", 100, 1);
  const description = c.string(top, "description", "", "", L.maxDescriptionChars);
  const seed = c.number(top, "seed", "", d.seed, 0, 4294967295, true);
  const durationS = c.number(top, "durationS", "", d.durationS, L.minDurationS, L.maxDurationS);
  const areaRect = top !== undefined && top.area !== undefined ? parseRect(c, top.area, "area", { x: 0, y: 0, widthM: d.areaSideM, depthM: d.areaSideM }, false) : { x: 0, y: 0, widthM: d.areaSideM, depthM: d.areaSideM };
  let origin: { lat: number; lon: number } = { lat: d.origin.lat, lon: d.origin.lon };
  if (top !== undefined && top.origin !== undefined) {
    const o = c.object(top.origin, "origin", ["lat", "lon"]);
    origin = { lat: c.number(o, "lat", "origin", d.origin.lat, -85, 85), lon: c.number(o, "lon", "origin", d.origin.lon, -180, 180) };
  }
  const region = c.enumName(top, "region", "", REGION_NAMES, d.region, "region");
  const preset = c.enumName(top, "preset", "", PRESET_NAMES, d.preset, "modem preset");
  const pathLoss = c.enumName(top, "pathLoss", "", PATH_LOSS_NAMES, d.pathLoss, "path-loss model");

  let linkOffsetSigmaDb: number = d.linkOffsetSigmaDb;
  let sumInterference = false;
  let logDistance: LogDistanceParams | undefined;
  if (top !== undefined && top.medium !== undefined) {
    const m = c.object(top.medium, "medium", MEDIUM_KEYS);
    linkOffsetSigmaDb = c.number(m, "linkOffsetSigmaDb", "medium", d.linkOffsetSigmaDb, 0, L.maxLinkOffsetSigmaDb);
    sumInterference = c.boolean(m, "sumInterference", "medium", false);
    if (m !== undefined && m.logDistance !== undefined) {
      const ld = c.object(m.logDistance, "medium.logDistance", LOG_DISTANCE_KEYS);
      logDistance = {
        gamma: c.number(ld, "gamma", "medium.logDistance", 2.08, 1, 8),
        d0M: c.number(ld, "d0M", "medium.logDistance", 40, 1, 10_000),
        lossAtD0Db: c.number(ld, "lossAtD0Db", "medium.logDistance", 127.41, 0, 250),
      };
    }
  }
  const bootSpreadMs = c.number(top, "bootSpreadS", "", d.bootSpreadS, 0, L.maxBootSpreadS) * 1000;
  const startTimeText = c.string(top, "startTime", "", d.startTime, 40);
  let startEpochMs = Date.parse(startTimeText);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/.test(startTimeText) || !Number.isFinite(startEpochMs) || startEpochMs < 0) {
    c.fail("startTime", "not a UTC time like 2026-01-01T00:00:00Z: " + JSON.stringify(startTimeText));
    startEpochMs = Date.parse(d.startTime);
  }
  const pki = c.boolean(top, "pki", "", true);

  const channels = top !== undefined && top.channels !== undefined ? parseChannels(c, top.channels, "channels") : [defaultChannel()];

  let mqtt: ScenarioMqtt = { address: d.mqttAddress, root: d.mqttRoot, encryptionEnabled: true, jsonEnabled: false, latencyMs: d.mqttLatencyMs };
  if (top !== undefined && top.mqtt !== undefined) {
    const m = c.object(top.mqtt, "mqtt", MQTT_KEYS);
    const root = c.string(m, "root", "mqtt", d.mqttRoot, L.maxMqttRootChars, 1);
    if (root.indexOf("+") >= 0 || root.indexOf("#") >= 0 || root.endsWith("/")) c.fail("mqtt.root", 'not a topic prefix: "' + root + '" (no "+", "#" or trailing "/")');
    mqtt = {
      address: c.string(m, "address", "mqtt", d.mqttAddress, 255),
      root,
      encryptionEnabled: c.boolean(m, "encryptionEnabled", "mqtt", true),
      jsonEnabled: c.boolean(m, "jsonEnabled", "mqtt", false),
      latencyMs: c.number(m, "latencyMs", "mqtt", d.mqttLatencyMs, 0, L.maxMqttLatencyMs),
    };
  }

  // Defaults block, then nodes.
  let defaults = defaultSettings();
  let defaultsGenerateSet = false;
  if (top !== undefined && top.defaults !== undefined) {
    const o = c.object(top.defaults, "defaults", SETTINGS_KEYS);
    const r = parseSettings(c, o, "defaults", defaults, false);
    defaults = r.s;
    defaultsGenerateSet = r.generateSet;
  }

  const entries: ScenarioNodeEntry[] = [];
  const nodeNames: string[] = [];
  const nameIndex = new Map<string, number>();
  /** Explicit node number → node index and the path of its field. */
  const nodeNums = new Map<number, { index: number; path: string }>();
  let nodeCount = 0;
  let nodesOverLimit = false;
  const addName = (n: string, p: string): void => {
    if (nameIndex.has(n)) c.fail(p, 'duplicate node name "' + n + '" (also node ' + nameIndex.get(n) + ")");
    else nameIndex.set(n, nodeNames.length);
    nodeNames.push(n);
  };
  const nodesRaw = top !== undefined ? top.nodes : undefined;
  if (nodesRaw === undefined) c.fail("nodes", "missing: a scenario needs at least one node");
  const nodeList = nodesRaw !== undefined ? c.array(nodesRaw, "nodes", L.maxNodes) : undefined;
  if (nodeList !== undefined && nodeList.length === 0) c.fail("nodes", "at least one node is needed");
  if (nodeList !== undefined) {
    for (let i = 0; i < nodeList.length && !nodesOverLimit; i++) {
      const p = "nodes[" + i + "]";
      const raw = nodeList[i];
      const isGroup = raw !== null && typeof raw === "object" && !Array.isArray(raw) && (raw as Obj).count !== undefined;
      const o = c.object(raw, p, isGroup ? GROUP_KEYS : FIXED_KEYS);
      const r = parseSettings(c, o, p, defaults, defaultsGenerateSet);
      const settings = finishSettings(r.s, r.generateSet);
      if (isGroup) {
        const count = c.number(o, "count", p, 1, 1, L.maxNodes, true);
        if (nodeCount + count > L.maxNodes) {
          c.fail(join(p, "count"), "too many nodes: " + (nodeCount + count) + " in total (at most " + L.maxNodes + ")");
          nodesOverLimit = true;
          break;
        }
        const prefix = c.string(o, "namePrefix", p, "n" + nodeCount + "-", 30);
        const pl = o !== undefined && o.placement !== undefined ? c.object(o.placement, join(p, "placement"), PLACEMENT_KEYS) : undefined;
        const pp = join(p, "placement");
        const rect = pl !== undefined && pl.area !== undefined ? parseRect(c, pl.area, join(pp, "area"), areaRect, true) : areaRect;
        entries.push({
          kind: "random",
          namePrefix: prefix,
          count,
          rect,
          minDistanceM: c.number(pl, "minDistanceM", pp, d.minDistanceM, 0, L.maxMinDistanceM),
          mustHear: c.boolean(pl, "mustHear", pp, true),
          maxTries: c.number(pl, "maxTries", pp, d.maxTries, 1, L.maxPlacementTries, true),
          seed: c.optNumber(pl, "seed", pp, 0, 4294967295, true),
          settings,
        });
        for (let k = 0; k < count; k++) addName(prefix + k, join(p, "namePrefix"));
        nodeCount += count;
      } else {
        if (nodeCount + 1 > L.maxNodes) {
          c.fail(p, "too many nodes (at most " + L.maxNodes + ")");
          nodesOverLimit = true;
          break;
        }
        if (o !== undefined && (o.x === undefined || o.y === undefined))
          c.fail(p, 'a node needs "x" and "y" (metres), or "count" for a group placed at random');
        const nm = c.string(o, "name", p, "n" + nodeCount, 64, 1);
        if (utf8Length(nm) > L.maxNodeNameBytes) c.fail(join(p, "name"), "too long: " + utf8Length(nm) + " bytes (at most " + L.maxNodeNameBytes + ")");
        const nodeNum = c.optNumber(o, "nodeNum", p, 1, 0xfffffffe, true);
        if (nodeNum !== undefined) {
          const prev = nodeNums.get(nodeNum);
          if (prev !== undefined) c.fail(join(p, "nodeNum"), "duplicate node number " + nodeNum + " (also " + prev.path + ")");
          else nodeNums.set(nodeNum, { index: nodeCount, path: join(p, "nodeNum") });
        }
        addName(nm, join(p, "name"));
        entries.push({
          kind: "fixed",
          name: nm,
          x: c.number(o, "x", p, 0, -L.maxCoordinateM, L.maxCoordinateM),
          y: c.number(o, "y", p, 0, -L.maxCoordinateM, L.maxCoordinateM),
          nodeNum,
          settings,
        });
        nodeCount++;
      }
    }
  }
  // Node numbers given explicitly must not clash with the defaults (0x10000000 + index) of other nodes.
  const explicitAt = new Set<number>();
  for (const v of nodeNums.values()) explicitAt.add(v.index);
  for (const [num, at] of nodeNums) {
    const k = num - 0x10000000;
    if (k >= 0 && k < nodeCount && k !== at.index && !explicitAt.has(k)) c.fail(at.path, "node number " + num + " is the default number of node " + k + " (0x10000000 + index)");
  }

  // Gateways need a channel that crosses the broker.
  let anyGateway = false;
  let anyCrossing = false;
  for (const en of entries) {
    if (!en.settings.gateway) continue;
    anyGateway = true;
    const chs = en.settings.channels !== undefined ? en.settings.channels : channels;
    for (const ch of chs) if (ch.uplink || ch.downlink) anyCrossing = true;
  }
  if (anyGateway && !anyCrossing) c.fail("channels", "gateway nodes are present but no channel has uplink or downlink enabled, so nothing would cross the broker");

  // The preset must fit the region's band.
  const params = modemPresetParams(preset.code);
  const primaryName = effectiveChannelName(channels[0].name, true, preset.code);
  if (frequencySlotForPreset(region.code, preset.code, 0, primaryName) === null) {
    const r = regionInfo(region.code);
    c.fail("preset", preset.name + " (" + params.bandwidthKhz + " kHz) does not fit region " + region.name + " (" + r.freqStartMhz + " .. " + r.freqEndMhz + " MHz)");
  }

  // Traffic.
  const durationMs = durationS * 1000;
  const tr = top !== undefined && top.traffic !== undefined ? c.object(top.traffic, "traffic", TRAFFIC_KEYS) : undefined;
  const defText: GeneratedText = { meanIntervalMs: d.textMeanIntervalS * 1000, payloadBytes: d.payloadBytes, wantAck: false, channel: 0 };
  const defDirect: GeneratedText = { meanIntervalMs: d.textMeanIntervalS * 1000, payloadBytes: d.payloadBytes, wantAck: true, channel: 0 };
  const direct = tr !== undefined && tr.direct !== undefined ? parseGenerated(c, tr, "direct", "traffic", defDirect, channels.length) : null;
  const startS = c.number(tr, "startS", "traffic", 0, 0, durationS);
  const stopS = c.number(tr, "stopS", "traffic", Math.max(startS, defaultTrafficStopS(durationS)), 0, durationS);
  if (stopS < startS) c.fail("traffic.stopS", "before traffic.startS (" + startS + ")");
  const traffic: ScenarioTraffic = {
    text: parseGenerated(c, tr, "text", "traffic", defText, channels.length),
    direct,
    positionIntervalS: periodic(c, tr, "positionIntervalS", "traffic"),
    smartPosition: tr !== undefined && tr.smartPosition !== undefined ? c.boolean(tr, "smartPosition", "traffic", true) : undefined,
    telemetryIntervalS: periodic(c, tr, "telemetryIntervalS", "traffic"),
    nodeInfoIntervalS: periodic(c, tr, "nodeInfoIntervalS", "traffic"),
    startMs: startS * 1000,
    stopMs: stopS * 1000,
    stopSet: tr !== undefined && tr.stopS !== undefined,
  };

  // Explicit messages.
  const messages: ScenarioMessage[] = [];
  const msgRaw = top !== undefined ? top.messages : undefined;
  const msgList = msgRaw !== undefined ? c.array(msgRaw, "messages", L.maxMessages) : undefined;
  const resolveNode = (v: unknown, p: string, allowBroadcast: boolean): MessageTarget | undefined => {
    if (typeof v === "number") {
      if (!Number.isInteger(v) || v < 0 || v >= nodeCount) {
        c.fail(p, "node index out of range: " + v + " (allowed 0 .. " + (nodeCount - 1) + ")");
        return undefined;
      }
      return { kind: "node", index: v };
    }
    if (typeof v === "string") {
      if (allowBroadcast && v.toLowerCase() === "broadcast") return { kind: "broadcast" };
      const i = nameIndex.get(v);
      if (i === undefined) {
        const some = nodeNames.slice(0, 12).join(", ") + (nodeNames.length > 12 ? ", ..." : "");
        c.fail(p, 'unknown node "' + v + '" (a node name' + (allowBroadcast ? ', "broadcast"' : "") + " or an index; names: " + some + ")");
        return undefined;
      }
      return { kind: "node", index: i };
    }
    c.fail(p, "expected a node name or index" + (allowBroadcast ? ' or "broadcast"' : "") + ", got " + typeName(v));
    return undefined;
  };
  if (msgList !== undefined) {
    for (let i = 0; i < msgList.length; i++) {
      const p = "messages[" + i + "]";
      const o = c.object(msgList[i], p, MESSAGE_KEYS);
      if (o === undefined) continue;
      const kindName = c.string(o, "kind", p, "text", 20);
      const kind = kindName === "nodeinfo" ? ("nodeinfo" as const) : ("text" as const);
      if (kindName !== "text" && kindName !== "nodeinfo") c.fail(join(p, "kind"), 'expected "text" or "nodeinfo", got ' + JSON.stringify(kindName));
      for (const k of kind === "text" ? ["atS", "from", "text"] : ["atS", "from", "to"]) if (o[k] === undefined) c.fail(join(p, k), "missing (required)");
      const atS = c.number(o, "atS", p, 0, 0, durationS);
      const from = o.from !== undefined ? resolveNode(o.from, join(p, "from"), false) : undefined;
      const to = o.to !== undefined ? resolveNode(o.to, join(p, "to"), kind === "text") : { kind: "broadcast" as const };
      const text = kind === "text" ? c.string(o, "text", p, "", 1000, 1) : "(exchange user info)";
      if (utf8Length(text) > L.maxPayloadBytes) c.fail(join(p, "text"), "too long: " + utf8Length(text) + " bytes (at most " + L.maxPayloadBytes + ")");
      const fromIdx = from !== undefined && from.kind === "node" ? from.index : -1;
      const chCount = fromIdx >= 0 ? channelsOfNode(entries, fromIdx, channels).length : channels.length;
      const channel = c.number(o, "channel", p, 0, 0, chCount - 1, true);
      if (to !== undefined && to.kind === "node" && to.index === fromIdx) c.fail(join(p, "to"), "a node cannot send a message to itself");
      if (from !== undefined && to !== undefined && from.kind === "node")
        messages.push({ kind, atMs: atS * 1000, from: from.index, to, text, wantAck: c.boolean(o, "wantAck", p, to.kind === "node" && kind === "text"), channel });
    }
  }

  if (c.errors.length > 0) {
    const errs = c.errors.slice(0, L.maxErrors);
    if (c.errors.length > L.maxErrors) errs.push({ path: "(root)", message: c.errors.length - L.maxErrors + " more errors not shown" });
    return { ok: false, errors: errs };
  }
  return {
    ok: true,
    scenario: {
      name,
      description,
      seed,
      durationMs,
      area: { widthM: areaRect.widthM, depthM: areaRect.depthM },
      origin,
      region,
      preset,
      medium: { pathLoss, logDistance, linkOffsetSigmaDb, sumInterference },
      bootSpreadMs,
      startEpochMs,
      pki,
      channels,
      mqtt,
      nodes: entries,
      nodeCount,
      traffic,
      messages,
    },
  };
}

/** The channel table node `index` uses. */
export function channelsOfNode(entries: ScenarioNodeEntry[], index: number, scenarioChannels: ScenarioChannel[]): ScenarioChannel[] {
  let i = 0;
  for (const e of entries) {
    const n = e.kind === "random" ? e.count : 1;
    if (index < i + n) return e.settings.channels !== undefined ? e.settings.channels : scenarioChannels;
    i += n;
  }
  return scenarioChannels;
}

/** One line per error, `path: message`, for printing. */
export function formatScenarioErrors(errors: ScenarioError[]): string {
  return errors.map((e) => e.path + ": " + e.message).join("\n");
}
