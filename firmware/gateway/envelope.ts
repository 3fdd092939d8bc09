// ServiceEnvelope as the gateway publishes and accepts it (spec sections 5.6 and 5.7).
import { WireError, WireErrorCode } from "../bytes/wire-error.js";
import type { DecodeResult } from "../bytes/wire-error.js";
import { ServiceEnvelopeCodec } from "../wire/messages.js";
import type { MeshPacket, ServiceEnvelope } from "../wire/messages.js";
import { nodeIdOf } from "./node-id.js";

/**
 * A ServiceEnvelope with the three fields MQTT.cpp 64-68 insist on. `gatewayId` may be "": the
 * field was on the wire but empty, which the firmware accepts (nanopb allocates "" for it).
 */
export interface CompleteEnvelope {
  packet: MeshPacket;
  channelId: string;
  gatewayId: string;
}

/** Encodes the envelope the firmware's MQTT::onSend publishes: gateway_id = "!%08x" of the gateway. */
export function encodeEnvelope(packet: MeshPacket, channelId: string, gatewayNum: number): Uint8Array {
  return ServiceEnvelopeCodec.encode({ packet, channelId, gatewayId: nodeIdOf(gatewayNum) });
}

function missing(what: string): DecodeResult<CompleteEnvelope> {
  return { ok: false, error: new WireError(WireErrorCode.MissingField, "envelope has no " + what, 0) };
}

/**
 * Decodes an envelope and requires what the firmware requires before any routing (MQTT.cpp 64-75):
 * packet, gateway_id present (its NULL check, so "" passes), and a non-empty channel_id (no channel
 * is named "", so 70-75 refuse an empty one).
 */
export function decodeEnvelope(bytes: Uint8Array): DecodeResult<CompleteEnvelope> {
  const r = ServiceEnvelopeCodec.decode(bytes);
  if (!r.ok) return r;
  const e: ServiceEnvelope = r.value;
  if (e.packet === undefined) return missing("packet");
  if (e.channelId === undefined || e.channelId === "") return missing("channel_id");
  if (e.gatewayId === undefined) return missing("gateway_id");
  return { ok: true, value: { packet: e.packet, channelId: e.channelId, gatewayId: e.gatewayId } };
}
