// Checks every message and enum of our proto/ schema against the official
// @meshtastic/protobufs package: same full names, field numbers, names, kinds,
// types, repeated/packed-ness, presence and oneof membership, same enum values.
import type { DescEnum, DescField, DescFile, DescMessage, Registry } from "@bufbuild/protobuf";
import { beforeAll, describe, expect, it } from "vitest";
import {
  file_meshtastic_channel,
  file_meshtastic_config,
  file_meshtastic_mesh,
  file_meshtastic_module_config,
  file_meshtastic_mqtt,
  file_meshtastic_portnums,
  file_meshtastic_telemetry,
} from "../../proto/index.js";
import { loadOfficialRegistry } from "./official-registry.js";

const OUR_FILES: DescFile[] = [
  file_meshtastic_channel,
  file_meshtastic_config,
  file_meshtastic_mesh,
  file_meshtastic_module_config,
  file_meshtastic_mqtt,
  file_meshtastic_portnums,
  file_meshtastic_telemetry,
];

// The installed official package is protobufs 2.7.18, older than the protos of
// firmware v2.7.26 and develop that the wire spec (section 1) was read from.
// Everything below is in our schema because the spec lists it, and is absent
// from that package. Each entry is asserted to really be absent, so the list
// has to shrink when the package catches up.

/** Whole types the package does not have. */
const TYPES_ABSENT_FROM_OFFICIAL = new Set<string>([
  "meshtastic.TrafficManagementStats", // Telemetry variant 9 (spec 1.5)
  "meshtastic.Config.LoRaConfig.FEM_LNA_Mode", // type of LoRaConfig.fem_lna_mode (spec 1.7)
]);

/** Field numbers the package's version of the message does not have. */
const FIELDS_ABSENT_FROM_OFFICIAL: Record<string, readonly number[]> = {
  "meshtastic.MeshPacket": [22], // xeddsa_signed: develop only, harmless on the wire
  "meshtastic.Data": [10], // xeddsa_signature: develop only, harmless on the wire
  "meshtastic.Telemetry": [9], // traffic_management_stats
  "meshtastic.EnvironmentMetrics": [23], // one_wire_temperature
  "meshtastic.Config.LoRaConfig": [106, 107], // fem_lna_mode, serial_hal_only
};

/** Enum numbers the package's version of the enum does not have. */
const ENUM_VALUES_ABSENT_FROM_OFFICIAL: Record<string, readonly number[]> = {
  // REMOTE_SHELL_APP, LORAWAN_BRIDGE, ATAK_PLUGIN_V2, GROUPALARM_APP
  "meshtastic.PortNum": [13, 75, 78, 112],
  // TRANSPORT_UNICAST_UDP
  "meshtastic.MeshPacket.TransportMechanism": [8],
  // ITU1_2M .. ITU2_125CM (EU_866, EU_874, EU_917, EU_N_868 and the ham bands)
  "meshtastic.Config.LoRaConfig.RegionCode": [27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37],
  // LITE_FAST, LITE_SLOW, NARROW_FAST, NARROW_SLOW
  "meshtastic.Config.LoRaConfig.ModemPreset": [10, 11, 12, 13],
};

// Messages that deliberately declare only part of the official fields (the
// variants and sections meshport uses). Every other message must be complete.
const PARTIAL_BY_DESIGN = new Set<string>([
  "meshtastic.Config",
  "meshtastic.ModuleConfig",
  "meshtastic.ToRadio",
  "meshtastic.FromRadio",
]);

// Official fields our complete messages may lack. Empty: none is missing.
const OFFICIAL_FIELDS_WE_OMIT: Record<string, readonly number[]> = {};

// Messages whose complete field list the spec gives; these must be declared
// by us and must not be on the partial list.
const SPEC_COMPLETE_MESSAGES = [
  "meshtastic.MeshPacket",
  "meshtastic.Data",
  "meshtastic.ServiceEnvelope",
  "meshtastic.MapReport",
  "meshtastic.Position",
  "meshtastic.User",
  "meshtastic.RouteDiscovery",
  "meshtastic.Routing",
  "meshtastic.NeighborInfo",
  "meshtastic.Neighbor",
  "meshtastic.DeviceMetrics",
];

function collect(files: DescFile[]): { messages: DescMessage[]; enums: DescEnum[] } {
  const messages: DescMessage[] = [];
  const enums: DescEnum[] = [];
  const visit = (message: DescMessage): void => {
    messages.push(message);
    enums.push(...message.nestedEnums);
    message.nestedMessages.forEach(visit);
  };
  for (const file of files) {
    enums.push(...file.enums);
    file.messages.forEach(visit);
  }
  return { messages, enums };
}

/** Everything about a field that shapes its wire encoding and generated API. */
function fieldShape(field: DescField): Record<string, unknown> {
  const shape: Record<string, unknown> = {
    number: field.number,
    name: field.name,
    jsonName: field.jsonName,
    fieldKind: field.fieldKind,
    presence: field.presence,
    proto3Optional: field.proto.proto3Optional === true,
    oneof: field.oneof?.name ?? null,
  };
  switch (field.fieldKind) {
    case "scalar":
      return { ...shape, scalar: field.scalar };
    case "enum":
      return { ...shape, enum: field.enum.typeName };
    case "message":
      return { ...shape, message: field.message.typeName, delimited: field.delimitedEncoding };
    case "list":
      return {
        ...shape,
        packed: field.packed,
        listKind: field.listKind,
        scalar: field.scalar ?? null,
        enum: field.enum?.typeName ?? null,
        message: field.message?.typeName ?? null,
      };
    case "map":
      return {
        ...shape,
        mapKey: field.mapKey,
        mapKind: field.mapKind,
        scalar: field.scalar ?? null,
        enum: field.enum?.typeName ?? null,
        message: field.message?.typeName ?? null,
      };
  }
}

const ours = collect(OUR_FILES);
let official: Registry;

beforeAll(async () => {
  official = await loadOfficialRegistry();
});

describe("our schema against @meshtastic/protobufs", () => {
  it("declares the messages whose full field list the spec gives", () => {
    const declared = new Set(ours.messages.map((m) => m.typeName));
    expect(SPEC_COMPLETE_MESSAGES.filter((name) => !declared.has(name))).toEqual([]);
    expect(SPEC_COMPLETE_MESSAGES.filter((name) => PARTIAL_BY_DESIGN.has(name))).toEqual([]);
  });

  it("allow-lists only types, fields and values we actually declare", () => {
    const declared = new Set([...ours.messages, ...ours.enums].map((d) => d.typeName));
    const lists = [
      ...TYPES_ABSENT_FROM_OFFICIAL,
      ...Object.keys(FIELDS_ABSENT_FROM_OFFICIAL),
      ...Object.keys(ENUM_VALUES_ABSENT_FROM_OFFICIAL),
      ...Object.keys(OFFICIAL_FIELDS_WE_OMIT),
      ...PARTIAL_BY_DESIGN,
    ];
    expect(lists.filter((name) => !declared.has(name))).toEqual([]);

    const undeclared: string[] = [];
    for (const [name, numbers] of Object.entries(FIELDS_ABSENT_FROM_OFFICIAL)) {
      const message = ours.messages.find((m) => m.typeName === name);
      for (const n of numbers) if (!message?.fields.some((f) => f.number === n)) undeclared.push(`${name} field ${n}`);
    }
    for (const [name, numbers] of Object.entries(ENUM_VALUES_ABSENT_FROM_OFFICIAL)) {
      const desc = ours.enums.find((e) => e.typeName === name);
      for (const n of numbers) if (!desc?.values.some((v) => v.number === n)) undeclared.push(`${name} value ${n}`);
    }
    expect(undeclared).toEqual([]);
  });

  describe.each(ours.messages.map((m) => [m.typeName, m] as const))("message %s", (typeName, message) => {
    it("exists in the official package unless allow-listed as absent", () => {
      const exists = official.getMessage(typeName) !== undefined;
      expect(exists, `${typeName}: allow-list entry and package disagree`).toBe(
        !TYPES_ABSENT_FROM_OFFICIAL.has(typeName),
      );
    });

    it("has fields identical to the official ones", () => {
      const theirs = official.getMessage(typeName);
      if (!theirs) return; // allow-listed absent type, checked above
      const absent = new Set(FIELDS_ABSENT_FROM_OFFICIAL[typeName] ?? []);
      for (const field of message.fields) {
        const match = theirs.fields.find((f) => f.number === field.number);
        if (absent.has(field.number)) {
          expect(match, `${typeName} field ${field.number} is allow-listed as absent but exists`).toBeUndefined();
          continue;
        }
        expect(match, `${typeName} field ${field.number} (${field.name}) missing from official`).toBeDefined();
        if (match) expect(fieldShape(field), `${typeName} field ${field.number}`).toEqual(fieldShape(match));
      }
    });

    it("does not miss an official field", () => {
      const theirs = official.getMessage(typeName);
      if (!theirs || PARTIAL_BY_DESIGN.has(typeName)) return;
      const numbers = new Set(message.fields.map((f) => f.number));
      const missing = theirs.fields.filter((f) => !numbers.has(f.number)).map((f) => f.number);
      expect(missing, `${typeName}: official fields not declared by us`).toEqual([
        ...(OFFICIAL_FIELDS_WE_OMIT[typeName] ?? []),
      ]);
    });
  });

  describe.each(ours.enums.map((e) => [e.typeName, e] as const))("enum %s", (typeName, desc) => {
    it("has values identical to the official ones", () => {
      const theirs = official.getEnum(typeName);
      expect(theirs !== undefined, `${typeName}: allow-list entry and package disagree`).toBe(
        !TYPES_ABSENT_FROM_OFFICIAL.has(typeName),
      );
      if (!theirs) return;
      const absent = new Set(ENUM_VALUES_ABSENT_FROM_OFFICIAL[typeName] ?? []);
      for (const value of desc.values) {
        const match = theirs.values.find((v) => v.number === value.number);
        if (absent.has(value.number)) {
          expect(match, `${typeName} ${value.name}=${value.number} is allow-listed as absent but exists`).toBeUndefined();
          continue;
        }
        expect(value.name, `${typeName} value ${value.number}`).toBe(match?.name);
      }
      const numbers = new Set(desc.values.map((v) => v.number));
      const missing = theirs.values.filter((v) => !numbers.has(v.number)).map((v) => `${v.name}=${v.number}`);
      expect(missing, `${typeName}: official values not declared by us`).toEqual([]);
    });
  });
});
