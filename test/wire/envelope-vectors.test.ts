import { describe, expect, it } from "vitest";
import {
  DataCodec,
  MeshPacketCodec,
  PortNum,
  ServiceEnvelopeCodec,
  decodeLoraFrame,
  encodeLoraFrame,
} from "../../firmware/wire/index.js";
import { hex, loadVectors, toHexString } from "../support/vectors.js";

const v = loadVectors("envelopes");
const inp = v.synthetic_packet.inputs;
const exp = v.synthetic_packet.expected;

describe("synthetic packet (envelopes.json)", () => {
  it("encodes the Data plaintext byte for byte, bitfield kept", () => {
    const data = { portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode(inp.payload_text), bitfield: inp.bitfield };
    expect(toHexString(DataCodec.encode(data))).toBe(exp.data_plaintext_hex);
  });

  it("writes bitfield 0 as 48 00 (explicit presence)", () => {
    expect(toHexString(DataCodec.encode({ portnum: 1, bitfield: 0 }))).toBe("08014800");
  });

  it("builds the LoRa header and frame", () => {
    const frame = encodeLoraFrame(
      {
        to: inp.to,
        from: inp.from,
        id: inp.id,
        hopLimit: inp.hop_limit,
        wantAck: inp.want_ack,
        viaMqtt: inp.via_mqtt,
        hopStart: inp.hop_start,
        channel: inp.channel_hash,
        nextHop: inp.next_hop,
        relayNode: inp.relay_node,
      },
      hex(exp.ciphertext_hex),
    );
    expect(toHexString(frame.subarray(0, 16))).toBe(exp.lora_header_hex);
    expect(toHexString(frame)).toBe(exp.lora_frame_hex);
    expect(frame.length).toBe(exp.lora_frame_len);
  });

  it("parses the LoRa frame back", () => {
    const r = decodeLoraFrame(hex(exp.lora_frame_hex));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.header).toEqual({
      to: inp.to,
      from: inp.from,
      id: inp.id,
      hopLimit: 3,
      wantAck: false,
      viaMqtt: false,
      hopStart: 3,
      channel: 8,
      nextHop: 0,
      relayNode: 0x78,
    });
    expect(toHexString(r.value.payload)).toBe(exp.ciphertext_hex);
  });

  const encryptedPacket = {
    from: inp.from,
    to: inp.to,
    channel: inp.channel_hash,
    encrypted: hex(exp.ciphertext_hex),
    id: inp.id,
    hopLimit: inp.hop_limit,
    priority: inp.priority,
    hopStart: inp.hop_start,
    relayNode: inp.relay_node,
  };

  it("encodes the encrypted ServiceEnvelope", () => {
    const env = { packet: encryptedPacket, channelId: inp.channel_name, gatewayId: inp.gateway_id };
    expect(toHexString(ServiceEnvelopeCodec.encode(env))).toBe(exp.envelope_encrypted_hex);
  });

  it("encodes the decoded ServiceEnvelope (channel index 0 omitted)", () => {
    const packet = {
      from: inp.from,
      to: inp.to,
      channel: 0,
      decoded: { portnum: 1, payload: new TextEncoder().encode(inp.payload_text), bitfield: 1 },
      id: inp.id,
      hopLimit: 3,
      priority: 100,
      hopStart: 3,
      relayNode: 0x78,
    };
    const env = { packet, channelId: "LongFast", gatewayId: "!12345678" };
    expect(toHexString(ServiceEnvelopeCodec.encode(env))).toBe(exp.envelope_decoded_hex);
  });

  it("decodes both envelopes back to the same fields", () => {
    const r = ServiceEnvelopeCodec.decode(hex(exp.envelope_encrypted_hex));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.channelId).toBe("LongFast");
    expect(r.value.gatewayId).toBe("!12345678");
    expect(r.value.packet).toEqual(encryptedPacket);
    const d = ServiceEnvelopeCodec.decode(hex(exp.envelope_decoded_hex));
    expect(d.ok && new TextDecoder().decode(d.value.packet?.decoded?.payload)).toBe("Hello, mesh!");
    expect(d.ok && d.value.packet?.decoded?.bitfield).toBe(1);
  });

  it("encodes a negative int32 as a 10-byte varint", () => {
    const n = v.negative_int32_varint;
    expect(toHexString(MeshPacketCodec.encode({ rxRssi: n.value }))).toBe(n.encoded_hex);
    const r = MeshPacketCodec.decode(hex(n.encoded_hex));
    expect(r.ok && r.value.rxRssi).toBe(-92);
  });
});
