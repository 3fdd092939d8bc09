// Router.cpp perhapsDecode (424-575) and perhapsEncode (579-715): turning a packet's encrypted bytes
// into Data and back, with PKI for direct messages and the channel keys for everything else.
//
// Decode rules: KNOWN_ONLY refuses senders without user info (even already decoded packets); more
// than 256 bytes is fatal; PKI is tried first for a unicast to us on channel 0 from a sender whose
// key we hold (and only if we have keys ourselves); a PKI payload that decrypts but does not decode
// fails without trying the channels; then every channel whose hash matches, in index order, until
// one gives a Data with a port number; a channel-encrypted TEXT_MESSAGE_APP to us is refused as a
// legacy DM unless we are licensed; want_response is ORed in from the bitfield.
// Encode rules: our own packets get the bitfield (OK-to-MQTT, want_response); 255 bytes with the
// header at most; our unicasts use PKI unless licensed, on a channel named serial/gpio without an
// explicit request, to broadcast, or on TRACEROUTE/NODEINFO/ROUTING/POSITION; a requested PKI that
// cannot be done fails; otherwise the channel's key (the packet's channel becomes the hash).
import type { ChannelCipher } from "../crypto/channel-cipher.js";
import { decryptWithChannels } from "../crypto/channel-decrypt.js";
import { PKI_OVERHEAD, decryptPki, encryptPki } from "../crypto/pki.js";
import type { PkiPrimitives } from "../crypto/pki.js";
import { PortNum, RebroadcastMode, RoutingError } from "../wire/enums.js";
import { LORA_HEADER_LEN, MAX_LORA_FRAME_LEN } from "../wire/lora-header.js";
import { DataCodec } from "../wire/messages.js";
import type { Data } from "../wire/messages.js";
import type { Channels } from "./channels.js";
import type { NodeConfig } from "./node-config.js";
import type { NodeDb } from "./node-db.js";
import { isBroadcast } from "./packet.js";
import type { MeshPacketState } from "./packet.js";
import type { Rng } from "./rng.js";
import { RouterDrop, countDrop } from "./router-drops.js";
import type { RouterDropCounts } from "./router-drops.js";
import { bytesEqual, isAllZero, lowerAscii } from "../bytes/compare.js";

export const DecodeState = { Success: 0, Failure: 1, Fatal: 2 } as const;
export type DecodeState = (typeof DecodeState)[keyof typeof DecodeState];

/** Largest encrypted payload perhapsDecode accepts (its scratch buffer, MAX_LORA_PAYLOAD_LEN + 1). */
export const MAX_DECRYPT_BYTES = 256;

/** Port numbers never sent with PKI (perhapsEncode 655-656). */
const NON_PKI_PORTNUMS: number[] = [PortNum.TRACEROUTE_APP, PortNum.NODEINFO_APP, PortNum.ROUTING_APP, PortNum.POSITION_APP];

/** Channels::serialChannel and gpioChannel: no automatic PKI on them. */
const NO_AUTO_PKI_CHANNELS: string[] = ["serial", "gpio"];

/** BITFIELD_OK_TO_MQTT_SHIFT / BITFIELD_WANT_RESPONSE_SHIFT (MeshTypes.h). */
const BITFIELD_OK_TO_MQTT = 1;
const BITFIELD_WANT_RESPONSE = 2;

export interface CryptDeps {
  config: NodeConfig;
  channels: Channels;
  nodes: NodeDb;
  cipher: ChannelCipher;
  pki: PkiPrimitives | undefined;
  rng: Rng;
  drops: RouterDropCounts;
}

function keyOf(nodes: NodeDb, num: number): Uint8Array | undefined {
  const n = nodes.get(num);
  return n !== undefined && n.user !== undefined && n.user.publicKey !== undefined && n.user.publicKey.length > 0 ? n.user.publicKey : undefined;
}

/** The packet now holds Data instead of bytes (the firmware's payload_variant union switches). */
function setDecoded(p: MeshPacketState, data: Data, channelIndex: number): void {
  if (data.bitfield !== undefined && (data.bitfield & BITFIELD_WANT_RESPONSE) !== 0) data.wantResponse = true;
  p.decoded = data;
  p.encrypted = undefined;
  p.channel = channelIndex;
}

/** perhapsDecode: on success `p.decoded` is set and `p.channel` is the local channel index. */
export function perhapsDecode(d: CryptDeps, p: MeshPacketState): DecodeState {
  if (d.config.rebroadcastMode === RebroadcastMode.KNOWN_ONLY && !d.nodes.hasUser(p.from)) return DecodeState.Failure;
  if (p.decoded !== undefined) return DecodeState.Success;
  const payload = p.encrypted;
  if (payload === undefined) return DecodeState.Failure;
  if (payload.length > MAX_DECRYPT_BYTES) return DecodeState.Fatal;
  const ours = d.config.nodeNum;
  if (p.channel === 0 && p.to === ours && p.to > 0 && !isBroadcast(p.to) && payload.length > PKI_OVERHEAD && d.pki !== undefined && d.config.privateKey !== undefined && d.config.publicKey !== undefined) {
    const theirs = keyOf(d.nodes, p.from);
    if (theirs !== undefined) {
      const plain = decryptPki(d.pki, d.config.privateKey, theirs, p.id, p.from, payload);
      if (plain !== null) {
        const data = DataCodec.decode(plain);
        if (!data.ok || (data.value.portnum || 0) === 0) {
          countDrop(d.drops, RouterDrop.PkiBadData);
          return DecodeState.Failure;
        }
        setDecoded(p, data.value, 0);
        p.pkiEncrypted = true;
        p.publicKey = theirs;
        return DecodeState.Success;
      }
    }
  }
  const r = decryptWithChannels(d.cipher, d.channels.keys, p.channel, p.id, p.from, payload);
  if (r === undefined) return DecodeState.Failure;
  if (!d.config.isLicensed && p.to === ours && (r.data.portnum || 0) === PortNum.TEXT_MESSAGE_APP) {
    countDrop(d.drops, RouterDrop.LegacyDm);
    return DecodeState.Failure;
  }
  setDecoded(p, r.data, r.index);
  return DecodeState.Success;
}




/**
 * perhapsEncode: encrypts `p.decoded` into `p.encrypted` (channel hash, or 0 with pki_encrypted);
 * on success the packet holds only the bytes, as the firmware's union does.
 * `fromUs` is isFromUs(p). Returns RoutingError.NONE or the error the firmware NAKs with.
 */
export function perhapsEncode(d: CryptDeps, p: MeshPacketState, fromUs: boolean): number {
  const dec = p.decoded;
  if (dec === undefined) return RoutingError.NONE;
  let data = dec;
  if (fromUs) {
    data = Object.assign({}, dec, { bitfield: (dec.bitfield || 0) | (d.config.configOkToMqtt ? BITFIELD_OK_TO_MQTT : 0) | (dec.wantResponse === true ? BITFIELD_WANT_RESPONSE : 0) });
    p.decoded = data;
  }
  const plain = DataCodec.tryEncode(data);
  if (!plain.ok || plain.value.length + LORA_HEADER_LEN > MAX_LORA_FRAME_LEN) return RoutingError.TOO_LARGE;
  const chIndex = p.channel;
  const entry = d.channels.get(chIndex);
  const channelName = entry !== undefined ? lowerAscii(entry.name) : "";
  const port = data.portnum || 0;
  const usePki =
    fromUs &&
    !d.config.isLicensed &&
    !(!p.pkiEncrypted && NO_AUTO_PKI_CHANNELS.indexOf(channelName) >= 0) &&
    d.config.privateKey !== undefined &&
    d.config.privateKey.length === 32 &&
    !isBroadcast(p.to) &&
    NON_PKI_PORTNUMS.indexOf(port) < 0;
  if (usePki) {
    if (plain.value.length + LORA_HEADER_LEN + PKI_OVERHEAD > MAX_LORA_FRAME_LEN) return RoutingError.TOO_LARGE;
    const theirs = keyOf(d.nodes, p.to);
    if (theirs === undefined || theirs.length !== 32) return RoutingError.PKI_SEND_FAIL_PUBLIC_KEY;
    if (p.pkiEncrypted && p.publicKey !== undefined && !isAllZero(p.publicKey) && !bytesEqual(p.publicKey, theirs)) return RoutingError.PKI_FAILED;
    if (d.pki === undefined) return RoutingError.PKI_FAILED;
    // CryptoEngine.cpp 92: extraNonce = random(), 31 bits.
    const sealed = encryptPki(d.pki, d.config.privateKey as Uint8Array, theirs, p.id, p.from, d.rng.nextU32() >>> 1, plain.value);
    if (sealed === null) return RoutingError.PKI_FAILED;
    p.encrypted = sealed;
    p.decoded = undefined;
    p.channel = 0;
    p.pkiEncrypted = true;
    return RoutingError.NONE;
  }
  if (p.pkiEncrypted) return RoutingError.PKI_FAILED;
  if (entry === undefined || !d.channels.isUsable(chIndex)) return RoutingError.NO_CHANNEL;
  p.encrypted = entry.key === null ? plain.value : d.cipher.ctr(entry.key, p.id, p.from, plain.value);
  p.decoded = undefined;
  p.channel = entry.hash;
  return RoutingError.NONE;
}
