// What the envelope pipeline must answer, computed the slow way: the compact codec decodes the
// ServiceEnvelope (firmware/wire), decodeEnvelope's presence rules apply, and
// decryptWithChannels (firmware/crypto/channel-decrypt.ts) picks the key. Used as the differential
// oracle for both pipelines, next to the TS-vs-WASM word-for-word comparison.

import { expect } from "vitest";
import { utf8Decode } from "../../firmware/bytes/utf8.js";
import { PortableChannelCipher, decryptWithChannels } from "../../firmware/crypto/index.js";
import type { ChannelKey } from "../../firmware/crypto/index.js";
import { SCAN_MAX_ENVELOPE_BYTES } from "../../firmware/gateway/envelope-scan.js";
import { ServiceEnvelopeCodec } from "../../firmware/wire/messages.js";
import type { Data, MeshPacket } from "../../firmware/wire/messages.js";
import type { EnvelopeKey, EnvelopeScanCode, EnvelopeScanResult } from "../../wasm/loader.js";

export interface OracleResult {
  code: EnvelopeScanCode;
  packet?: MeshPacket;
  channelId?: string;
  gatewayId?: string;
  data?: Data;
  keySlot?: number;
}

const cipher = new PortableChannelCipher();

function codeOf(wireCode: string): EnvelopeScanCode {
  if (wireCode === "OVER_LIMIT") return "TOO_LONG";
  return wireCode as EnvelopeScanCode;
}

export function oracle(bytes: Uint8Array, keys: readonly EnvelopeKey[]): OracleResult {
  if (bytes.length > SCAN_MAX_ENVELOPE_BYTES) return { code: "TOO_LONG" };
  const r = ServiceEnvelopeCodec.decode(bytes);
  if (!r.ok) return { code: codeOf(r.error.code) };
  const e = r.value;
  if (e.packet === undefined) return { code: "NO_PACKET" };
  if (e.channelId === undefined || e.channelId === "") return { code: "NO_CHANNEL_ID" };
  if (e.gatewayId === undefined || e.gatewayId === "") return { code: "NO_GATEWAY_ID" };
  const base = { packet: e.packet, channelId: e.channelId, gatewayId: e.gatewayId };
  const p = e.packet;
  if (p.decoded !== undefined) return { code: "NOT_ENCRYPTED", ...base, data: p.decoded };
  if (p.encrypted === undefined) return { code: "NO_PAYLOAD", ...base };
  // nanopb leaves absent fields 0, so an absent channel is hash 0.
  const hash = p.channel ?? 0;
  const channels: ChannelKey[] = keys.map((k, i) => ({ index: i, hash: k.hash, key: k.key.length === 0 ? null : k.key }));
  const d = decryptWithChannels(cipher, channels, hash, p.id ?? 0, p.from ?? 0, p.encrypted);
  if (d !== undefined) return { code: "OK", ...base, data: d.data, keySlot: d.index };
  return { code: channels.some((c) => c.hash === hash) ? "BAD_DATA" : "NO_KEY", ...base };
}

const PACKET_FIELD_NAMES: (keyof MeshPacket | "")[] = [
  "",
  "from",
  "to",
  "channel",
  "decoded",
  "encrypted",
  "id",
  "rxTime",
  "rxSnr",
  "hopLimit",
  "wantAck",
  "priority",
  "rxRssi",
  "delayed",
  "viaMqtt",
  "hopStart",
  "publicKey",
  "pkiEncrypted",
  "nextHop",
  "relayNode",
  "txAfter",
  "transportMechanism",
  "xeddsaSigned",
];
const DATA_FIELD_NAMES: (keyof Data | "")[] = [
  "",
  "portnum",
  "payload",
  "wantResponse",
  "dest",
  "source",
  "requestId",
  "replyId",
  "emoji",
  "bitfield",
  "xeddsaSignature",
];

function bytesAt(b: Uint8Array, off: number, len: number): Uint8Array {
  return b.slice(off, off + len);
}

/** Asserts that a pipeline's result says what the oracle says, field by field. */
export function expectMatchesOracle(input: Uint8Array, r: EnvelopeScanResult, o: OracleResult): void {
  expect(r.code).toBe(o.code);
  const p = o.packet;
  if (p === undefined) return;
  expect(utf8Decode(input, r.channelIdOff, r.channelIdOff + r.channelIdLen)).toBe(o.channelId);
  expect(utf8Decode(input, r.gatewayIdOff, r.gatewayIdOff + r.gatewayIdLen)).toBe(o.gatewayId);
  for (let n = 1; n < PACKET_FIELD_NAMES.length; n++)
    expect([n, (r.packetFields >>> n) & 1]).toEqual([n, p[PACKET_FIELD_NAMES[n] as keyof MeshPacket] === undefined ? 0 : 1]);
  expect(r.from).toBe(p.from ?? 0);
  expect(r.to).toBe(p.to ?? 0);
  expect(r.channel).toBe(p.channel ?? 0);
  expect(r.id).toBe(p.id ?? 0);
  expect(r.rxTime).toBe(p.rxTime ?? 0);
  expect(Object.is(r.rxSnr, p.rxSnr ?? 0)).toBe(true);
  expect(r.hopLimit).toBe(p.hopLimit ?? 0);
  expect(r.wantAck).toBe(p.wantAck ?? false);
  expect(r.priority).toBe(p.priority ?? 0);
  expect(r.rxRssi).toBe(p.rxRssi ?? 0);
  expect(r.delayed).toBe(p.delayed ?? 0);
  expect(r.viaMqtt).toBe(p.viaMqtt ?? false);
  expect(r.hopStart).toBe(p.hopStart ?? 0);
  expect(bytesAt(input, r.publicKeyOff, r.publicKeyLen)).toEqual(p.publicKey ?? new Uint8Array(0));
  expect(r.pkiEncrypted).toBe(p.pkiEncrypted ?? false);
  expect(r.nextHop).toBe(p.nextHop ?? 0);
  expect(r.relayNode).toBe(p.relayNode ?? 0);
  expect(r.txAfter).toBe(p.txAfter ?? 0);
  expect(r.transportMechanism).toBe(p.transportMechanism ?? 0);
  expect(r.xeddsaSigned).toBe(p.xeddsaSigned ?? false);
  if (p.encrypted !== undefined) expect(bytesAt(input, r.encryptedOff, r.encryptedLen)).toEqual(p.encrypted);
  else expect(r.encryptedLen).toBe(0);
  if (o.code === "OK") {
    expect(r.keySlot).toBe(o.keySlot);
    expect(r.plaintext).not.toBeNull();
  } else {
    expect(r.keySlot).toBe(-1);
    expect(r.plaintext).toBeNull();
  }
  const d = o.data;
  if (d === undefined) {
    expect(r.dataFields).toBe(0);
    return;
  }
  const src = o.code === "OK" ? (r.plaintext as Uint8Array) : input;
  for (let n = 1; n < DATA_FIELD_NAMES.length; n++)
    expect([n, (r.dataFields >>> n) & 1]).toEqual([n, d[DATA_FIELD_NAMES[n] as keyof Data] === undefined ? 0 : 1]);
  expect(r.portnum).toBe(d.portnum ?? 0);
  expect(bytesAt(src, r.payloadOff, r.payloadLen)).toEqual(d.payload ?? new Uint8Array(0));
  expect(r.wantResponse).toBe(d.wantResponse ?? false);
  expect(r.dest).toBe(d.dest ?? 0);
  expect(r.source).toBe(d.source ?? 0);
  expect(r.requestId).toBe(d.requestId ?? 0);
  expect(r.replyId).toBe(d.replyId ?? 0);
  expect(r.emoji).toBe(d.emoji ?? 0);
  expect(r.bitfield).toBe(d.bitfield ?? 0);
  expect(bytesAt(src, r.signatureOff, r.signatureLen)).toEqual(d.xeddsaSignature ?? new Uint8Array(0));
}
