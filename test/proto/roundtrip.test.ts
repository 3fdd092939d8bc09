// Wire-level sanity check: packets encoded with our generated schema decode
// with the official @meshtastic/protobufs schema, and the other way round.
import { create, fromBinary, toBinary, type DescMessage, type Registry } from "@bufbuild/protobuf";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DataSchema,
  MeshPacket_Priority,
  MeshPacket_TransportMechanism,
  MeshPacketSchema,
  PortNum,
  ServiceEnvelopeSchema,
  type MeshPacket,
  type ServiceEnvelope,
} from "../../proto/index.js";
import { loadOfficialRegistry } from "./official-registry.js";

let official: Registry;

/** The official descriptor for a message, typed with our generated shape (same full name). */
function officialSchema<T extends DescMessage>(ourSchema: T): T {
  const desc = official.getMessage(ourSchema.typeName);
  if (!desc) throw new Error(`${ourSchema.typeName} not in @meshtastic/protobufs`);
  return desc as T;
}

const text = new TextEncoder();

function sampleOurPacket(): MeshPacket {
  return create(MeshPacketSchema, {
    from: 0x00000929,
    to: 0xffffffff,
    id: 0x13b2d662,
    channel: 8,
    hopLimit: 2,
    hopStart: 3,
    wantAck: true,
    viaMqtt: true,
    rxRssi: -92,
    rxSnr: 6.25,
    rxTime: 1_750_000_000,
    nextHop: 0x12,
    relayNode: 0x34,
    priority: MeshPacket_Priority.RELIABLE,
    transportMechanism: MeshPacket_TransportMechanism.TRANSPORT_MQTT,
    payloadVariant: {
      case: "decoded",
      value: create(DataSchema, {
        portnum: PortNum.TEXT_MESSAGE_APP,
        payload: text.encode("hello mesh"),
        requestId: 0x01020304,
        bitfield: 0,
      }),
    },
  });
}

beforeAll(async () => {
  official = await loadOfficialRegistry();
});

describe("round trip between our schema and @meshtastic/protobufs", () => {
  it("encodes an originated Data's zero bitfield explicitly (48 00)", () => {
    const bytes = toBinary(DataSchema, create(DataSchema, { portnum: PortNum.TEXT_MESSAGE_APP, bitfield: 0 }));
    expect(Buffer.from(bytes).toString("hex")).toBe("08014800");
  });

  it("decodes our MeshPacket with the official schema and re-encodes it identically", () => {
    const ours = sampleOurPacket();
    const bytes = toBinary(MeshPacketSchema, ours);
    const theirSchema = officialSchema(MeshPacketSchema);
    const theirs = fromBinary(theirSchema, bytes);

    expect(theirs.from).toBe(0x929);
    expect(theirs.to).toBe(0xffffffff);
    expect(theirs.id).toBe(0x13b2d662);
    expect(theirs.channel).toBe(8);
    expect([theirs.hopLimit, theirs.hopStart, theirs.wantAck, theirs.viaMqtt]).toEqual([2, 3, true, true]);
    expect([theirs.rxRssi, theirs.rxSnr, theirs.rxTime]).toEqual([-92, 6.25, 1_750_000_000]);
    expect([theirs.nextHop, theirs.relayNode]).toEqual([0x12, 0x34]);
    expect(theirs.priority).toBe(70);
    expect(theirs.transportMechanism).toBe(5);
    expect(theirs.payloadVariant.case).toBe("decoded");
    if (theirs.payloadVariant.case !== "decoded") return;
    const data = theirs.payloadVariant.value;
    expect(data.portnum).toBe(1);
    expect(new TextDecoder().decode(data.payload)).toBe("hello mesh");
    expect(data.requestId).toBe(0x01020304);
    expect(data.bitfield).toBe(0); // present, not undefined

    expect(toBinary(theirSchema, theirs)).toEqual(bytes);
  });

  it("decodes an official MeshPacket with our schema", () => {
    const theirSchema = officialSchema(MeshPacketSchema);
    const theirs = create(theirSchema, {
      from: 0xdeadbeef,
      to: 0x7a6d648c,
      id: 7,
      channel: 0,
      hopLimit: 3,
      hopStart: 3,
      pkiEncrypted: true,
      publicKey: new Uint8Array(32).fill(0xab),
      priority: 120,
      payloadVariant: { case: "encrypted", value: Uint8Array.of(1, 2, 3, 4, 5) },
    });
    const ours = fromBinary(MeshPacketSchema, toBinary(theirSchema, theirs));

    expect(ours.from).toBe(0xdeadbeef);
    expect(ours.to).toBe(0x7a6d648c);
    expect(ours.id).toBe(7);
    expect(ours.hopLimit).toBe(3);
    expect(ours.pkiEncrypted).toBe(true);
    expect(ours.publicKey).toEqual(new Uint8Array(32).fill(0xab));
    expect(ours.priority).toBe(MeshPacket_Priority.ACK);
    expect(ours.payloadVariant).toEqual({ case: "encrypted", value: Uint8Array.of(1, 2, 3, 4, 5) });
    expect(toBinary(MeshPacketSchema, ours)).toEqual(toBinary(theirSchema, theirs));
  });

  it("carries our develop-only fields through the official schema as unknown fields", () => {
    const ours = sampleOurPacket();
    ours.xeddsaSigned = true;
    if (ours.payloadVariant.case === "decoded") ours.payloadVariant.value.xeddsaSignature = new Uint8Array(64).fill(7);
    const envelope: ServiceEnvelope = create(ServiceEnvelopeSchema, {
      packet: ours,
      channelId: "LongFast",
      gatewayId: "!00000929",
    });
    const bytes = toBinary(ServiceEnvelopeSchema, envelope);

    const theirSchema = officialSchema(ServiceEnvelopeSchema);
    const theirs = fromBinary(theirSchema, bytes);
    expect(theirs.channelId).toBe("LongFast");
    expect(theirs.gatewayId).toBe("!00000929");
    expect(theirs.packet?.id).toBe(0x13b2d662);

    const back = fromBinary(ServiceEnvelopeSchema, toBinary(theirSchema, theirs));
    expect(back.packet?.xeddsaSigned).toBe(true);
    expect(back.packet?.payloadVariant.case).toBe("decoded");
    if (back.packet?.payloadVariant.case === "decoded") {
      expect(back.packet.payloadVariant.value.xeddsaSignature).toEqual(new Uint8Array(64).fill(7));
    }
  });
});
