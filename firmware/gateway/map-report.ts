// MQTT::perhapsReportToMap (spec 5.10): a MapReport on ROOT/2/map/ at most hourly, first as soon
// as possible, with the position coarsened to 12-15 bits.
import { utf8Prefix } from "../bytes/utf8.js";
import { PortNum } from "../wire/enums.js";
import { MapReportCodec } from "../wire/messages.js";
import type { MapReport } from "../wire/messages.js";
import type { Channels } from "../mesh/channels.js";
import type { NodeConfig } from "../mesh/node-config.js";
import type { NodeDb } from "../mesh/node-db.js";
import { BROADCAST } from "../mesh/packet.js";
import { encodeEnvelope } from "./envelope.js";
import { DEFAULT_MAP_INTERVAL_SECS, DEFAULT_MAP_PRECISION } from "./mqtt-config.js";
import type { MapReportSettings } from "./mqtt-config.js";
import { mapTopic } from "./topics.js";

/** The firmware version string we report (firmware_version holds at most 17 characters). */
export const MESHPORT_FIRMWARE_VERSION = "2.7.26.meshport";

/**
 * At least hourly (NodeDB.cpp 398-401), in ms capped at INT32_MAX (about 24.8 days) as
 * Default::getConfiguredOrDefaultMs does (MQTT.cpp 448-449, Default.cpp 6-15 secondsToMsClamped).
 */
export function mapIntervalMs(s: MapReportSettings): number {
  const secs = s.publishIntervalSecs < DEFAULT_MAP_INTERVAL_SECS ? DEFAULT_MAP_INTERVAL_SECS : s.publishIntervalSecs;
  return Math.min(secs * 1000, 0x7fffffff);
}

export function mapPrecision(s: MapReportSettings): number {
  const p = s.positionPrecision;
  return p >= 12 && p <= 15 ? p : DEFAULT_MAP_PRECISION;
}

/** Truncate to `bits` and centre in the cell, as the firmware does for map reports. */
function coarsen(v: number, bits: number): number {
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return (((v & mask) >>> 0) + ((1 << (31 - bits)) >>> 0)) | 0;
}

/** The map report envelope and its topic, or undefined when we have no position. */
export function buildMapReport(
  node: NodeConfig,
  channels: Channels,
  nodes: NodeDb,
  settings: MapReportSettings,
  hasDefaultChannel: boolean,
  root: string,
  nowSecs: number,
): { topic: string; envelope: Uint8Array } | undefined {
  const pos = node.position;
  const lat = pos === undefined ? 0 : pos.latitudeI || 0;
  const lon = pos === undefined ? 0 : pos.longitudeI || 0;
  if (lat === 0 && lon === 0) return undefined;
  const bits = mapPrecision(settings);
  const report: MapReport = {
    // MapReport.long_name is a char[40] in 2.7.26 (mqtt.pb.h 30): the owner's name whole, 39 bytes at most.
    longName: utf8Prefix(node.longName, 39),
    shortName: node.shortName,
    role: node.role,
    hwModel: node.hwModel,
    firmwareVersion: MESHPORT_FIRMWARE_VERSION,
    region: node.region,
    modemPreset: node.modemPreset,
    hasDefaultChannel,
    latitudeI: coarsen(lat, bits),
    longitudeI: coarsen(lon, bits),
    altitude: pos === undefined ? 0 : pos.altitude || 0,
    positionPrecision: bits,
    numOnlineLocalNodes: nodes.numOnline(nowSecs, true),
    hasOptedReportLocation: true,
  };
  const packet = { from: node.nodeNum, to: BROADCAST, decoded: { portnum: PortNum.MAP_REPORT_APP, payload: MapReportCodec.encode(report) } };
  return { topic: mapTopic(root), envelope: encodeEnvelope(packet, channels.get(channels.primaryIndex)?.name || "", node.nodeNum) };
}
