// MQTT topic names (spec section 5.2): ROOT/2/e/CHANNEL/!gw for protobuf envelopes, the literal
// channel "PKI" for direct messages, ROOT/2/map/ for map reports, ROOT/2/json/CHANNEL/!gw for the
// 2.7 JSON uplink, and ROOT/2/c/CHANNEL/!gw from firmware before 2.3. ROOT may have several levels
// (msh/US/CA), so parsing looks for the "/2/" marker instead of counting levels.
import { parseNodeId } from "./node-id.js";

/** Root used when moduleConfig.mqtt.root is empty (MQTT.cpp). */
export const DEFAULT_ROOT = "msh";
/** channel_id of PKI-encrypted direct messages. */
export const PKI_CHANNEL_ID = "PKI";

export const TopicKind = {
  Encrypted: "e",
  Json: "json",
  Legacy: "c",
  Map: "map",
} as const;
export type TopicKind = (typeof TopicKind)[keyof typeof TopicKind];

export interface ParsedTopic {
  root: string;
  kind: TopicKind;
  /** Channel name, "PKI", or "" for map reports. */
  channelId: string;
  /** Publishing gateway id ("!xxxxxxxx"), or "" for map reports. */
  gatewayId: string;
  /** Gateway node number when gatewayId is a well-formed node id. */
  gatewayNum: number | undefined;
}

export function rootOrDefault(root: string): string {
  return root === "" ? DEFAULT_ROOT : root;
}

/** ROOT/2/e/CHANNEL/!gateway */
export function envelopeTopic(root: string, channelId: string, gatewayId: string): string {
  return rootOrDefault(root) + "/2/e/" + channelId + "/" + gatewayId;
}

/** ROOT/2/json/CHANNEL/!gateway (firmware 2.7 JSON uplink). */
export function jsonTopic(root: string, channelId: string, gatewayId: string): string {
  return rootOrDefault(root) + "/2/json/" + channelId + "/" + gatewayId;
}

/** ROOT/2/map/ (trailing slash, nothing after it). */
export function mapTopic(root: string): string {
  return rootOrDefault(root) + "/2/map/";
}

/** Subscription filter for one downlink channel: ROOT/2/e/CHANNEL/+ (or the json form). */
export function downlinkFilter(root: string, kind: TopicKind, channelId: string): string {
  return rootOrDefault(root) + "/2/" + kind + "/" + channelId + "/+";
}

function kindOf(s: string): TopicKind | undefined {
  if (s === TopicKind.Encrypted || s === TopicKind.Json || s === TopicKind.Legacy || s === TopicKind.Map) return s;
  return undefined;
}

/**
 * Parses a Meshtastic topic. The last "/2/" followed by a known kind separates the root from the
 * rest. Returns undefined for topics that are not Meshtastic's.
 */
export function parseTopic(topic: string): ParsedTopic | undefined {
  let at = topic.lastIndexOf("/2/");
  while (at > 0) {
    const rest = topic.substring(at + 3).split("/");
    const kind = kindOf(rest[0]);
    if (kind !== undefined) {
      const root = topic.substring(0, at);
      if (kind === TopicKind.Map) {
        if (rest.length === 2 && rest[1] === "") return { root, kind, channelId: "", gatewayId: "", gatewayNum: undefined };
        return undefined;
      }
      if (rest.length !== 3 || rest[1] === "" || rest[2] === "") return undefined;
      return { root, kind, channelId: rest[1], gatewayId: rest[2], gatewayNum: parseNodeId(rest[2]) };
    }
    at = topic.lastIndexOf("/2/", at - 1);
  }
  return undefined;
}

/**
 * The gateway's JSON downlink rule (MQTT.cpp 391-398): a topic is JSON when it starts with exactly
 * ROOT/2/json/ for our configured root (strncmp, case-sensitive). Its channel is the first
 * non-empty '/'-separated segment after that prefix (strtok), or, when there is none, the rest
 * itself ("" or only slashes), which no channel is named. Returns undefined for any other topic,
 * which then goes to the protobuf path (onReceiveProto). parseTopic is the looser reader for tools.
 */
export function jsonDownlinkChannel(topic: string, root: string): string | undefined {
  const prefix = rootOrDefault(root) + "/2/json/";
  if (topic.indexOf(prefix) !== 0) return undefined;
  const rest = topic.substring(prefix.length);
  const parts = rest.split("/");
  for (let i = 0; i < parts.length; i++) if (parts[i] !== "") return parts[i];
  return rest;
}
