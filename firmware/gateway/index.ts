export { decodeEnvelope, encodeEnvelope } from "./envelope.js";
export type { CompleteEnvelope } from "./envelope.js";
export { BROADCAST_NUM, nodeIdOf, parseNodeId } from "./node-id.js";
export {
  DEFAULT_ROOT,
  PKI_CHANNEL_ID,
  TopicKind,
  downlinkFilter,
  envelopeTopic,
  jsonTopic,
  mapTopic,
  parseTopic,
  rootOrDefault,
} from "./topics.js";
export type { ParsedTopic } from "./topics.js";
