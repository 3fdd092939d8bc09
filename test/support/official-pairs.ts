// Our compact codecs paired with the same message in the official @meshtastic/protobufs package.
import { Channel, Config, Mesh, ModuleConfig, Mqtt, Telemetry } from "@meshtastic/protobufs";
import type { DescMessage } from "@bufbuild/protobuf";
import * as W from "../../firmware/wire/index.js";
import type { MessageSchema } from "../../firmware/wire/index.js";

export interface Pair {
  name: string;
  ours: MessageSchema;
  official: DescMessage;
}

export const officialPairs: Pair[] = [
  { name: "Data", ours: W.DataSchema, official: Mesh.DataSchema },
  { name: "MeshPacket", ours: W.MeshPacketSchema, official: Mesh.MeshPacketSchema },
  { name: "ServiceEnvelope", ours: W.ServiceEnvelopeSchema, official: Mqtt.ServiceEnvelopeSchema },
  { name: "MapReport", ours: W.MapReportSchema, official: Mqtt.MapReportSchema },
  { name: "MqttClientProxyMessage", ours: W.MqttClientProxyMessageSchema, official: Mesh.MqttClientProxyMessageSchema },
  { name: "ToRadio", ours: W.ToRadioSchema, official: Mesh.ToRadioSchema },
  { name: "FromRadio", ours: W.FromRadioSchema, official: Mesh.FromRadioSchema },
  { name: "Position", ours: W.PositionSchema, official: Mesh.PositionSchema },
  { name: "User", ours: W.UserSchema, official: Mesh.UserSchema },
  { name: "RouteDiscovery", ours: W.RouteDiscoverySchema, official: Mesh.RouteDiscoverySchema },
  { name: "Routing", ours: W.RoutingSchema, official: Mesh.RoutingSchema },
  { name: "Waypoint", ours: W.WaypointSchema, official: Mesh.WaypointSchema },
  { name: "NeighborInfo", ours: W.NeighborInfoSchema, official: Mesh.NeighborInfoSchema },
  { name: "Telemetry", ours: W.TelemetrySchema, official: Telemetry.TelemetrySchema },
  { name: "ChannelSettings", ours: W.ChannelSettingsSchema, official: Channel.ChannelSettingsSchema },
  { name: "Channel", ours: W.ChannelSchema, official: Channel.ChannelSchema },
  { name: "DeviceConfig", ours: W.DeviceConfigSchema, official: Config.Config_DeviceConfigSchema },
  { name: "LoRaConfig", ours: W.LoRaConfigSchema, official: Config.Config_LoRaConfigSchema },
  { name: "SecurityConfig", ours: W.SecurityConfigSchema, official: Config.Config_SecurityConfigSchema },
  { name: "MQTTConfig", ours: W.MqttConfigSchema, official: ModuleConfig.ModuleConfig_MQTTConfigSchema },
];

/**
 * Our schema cut down to the fields the official package also defines (recursively). The 2.7
 * package lacks develop-era fields we carry (Data.xeddsa_signature, MeshPacket.xeddsa_signed,
 * EnvironmentMetrics.one_wire_temperature, LoRaConfig.fem_lna_mode and serial_hal_only).
 */
export function sharedFields(ours: MessageSchema, official: DescMessage): MessageSchema {
  const fields = [];
  for (const f of ours.fields) {
    const theirs = official.fields.find((x) => x.number === f.no);
    if (theirs === undefined) continue;
    if (f.msg !== undefined && theirs.message !== undefined) fields.push({ ...f, msg: sharedFields(f.msg, theirs.message) });
    else fields.push(f);
  }
  return W.defineMessage(ours.name, fields);
}
