// The firmware-2.7 JSON of a decoded envelope, for `meshport listen --republish`.
import { tryChannelKey } from "../firmware/crypto/index.js";
import { decodeEnvelope } from "../firmware/gateway/envelope.js";
import { serializeJsonUplinkBytes } from "../firmware/gateway/json-uplink.js";
import { parseNodeId } from "../firmware/gateway/node-id.js";
import { fromWirePacket } from "../firmware/mesh/packet-wire.js";
import type { DecodeOptions } from "./decode-item.js";

/**
 * Decrypts the envelope's packet with the listener's keys and serializes it as the publishing
 * gateway would have (sender = that gateway, channel = 0: the listener has no channel table).
 */
export function jsonForRepublish(envelope: Uint8Array, o: DecodeOptions, gatewayId: string): { channelId: string; text: Uint8Array } | undefined {
  const e = decodeEnvelope(envelope);
  if (!e.ok) return undefined;
  const p = fromWirePacket(e.value.packet);
  if (p.decoded === undefined) {
    if (p.encrypted === undefined) return undefined;
    let data;
    for (const k of o.keys) {
      const r = tryChannelKey(o.cipher, k.key, p.id, p.from, p.encrypted);
      if (r !== undefined) {
        data = r.data;
        break;
      }
    }
    if (data === undefined) return undefined;
    p.decoded = data;
  }
  p.channel = 0;
  const text = serializeJsonUplinkBytes(p, parseNodeId(gatewayId) ?? 0, undefined);
  return text === undefined ? undefined : { channelId: e.value.channelId, text };
}

