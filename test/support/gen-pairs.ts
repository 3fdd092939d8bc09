// Our compact codecs paired with the same message in our own generated proto/gen (protoc-gen-es).
import type { DescMessage } from "@bufbuild/protobuf";
import * as W from "../../firmware/wire/index.js";
import * as P from "../../proto/index.js";
import type { Pair } from "./official-pairs.js";

export const genPairs: Pair[] = [
  { name: "Data", ours: W.DataSchema, official: P.DataSchema },
  { name: "MeshPacket", ours: W.MeshPacketSchema, official: P.MeshPacketSchema },
  { name: "ServiceEnvelope", ours: W.ServiceEnvelopeSchema, official: P.ServiceEnvelopeSchema },
  { name: "MapReport", ours: W.MapReportSchema, official: P.MapReportSchema },
  { name: "MqttClientProxyMessage", ours: W.MqttClientProxyMessageSchema, official: P.MqttClientProxyMessageSchema },
  { name: "ToRadio", ours: W.ToRadioSchema, official: P.ToRadioSchema },
  { name: "FromRadio", ours: W.FromRadioSchema, official: P.FromRadioSchema },
  { name: "Position", ours: W.PositionSchema, official: P.PositionSchema },
  { name: "User", ours: W.UserSchema, official: P.UserSchema },
  { name: "RouteDiscovery", ours: W.RouteDiscoverySchema, official: P.RouteDiscoverySchema },
  { name: "Routing", ours: W.RoutingSchema, official: P.RoutingSchema },
  { name: "Waypoint", ours: W.WaypointSchema, official: P.WaypointSchema },
  { name: "NeighborInfo", ours: W.NeighborInfoSchema, official: P.NeighborInfoSchema },
  { name: "Telemetry", ours: W.TelemetrySchema, official: P.TelemetrySchema },
  { name: "ChannelSettings", ours: W.ChannelSettingsSchema, official: P.ChannelSettingsSchema },
  { name: "Channel", ours: W.ChannelSchema, official: P.ChannelSchema },
  { name: "DeviceConfig", ours: W.DeviceConfigSchema, official: P.Config_DeviceConfigSchema as DescMessage },
  { name: "LoRaConfig", ours: W.LoRaConfigSchema, official: P.Config_LoRaConfigSchema as DescMessage },
  { name: "SecurityConfig", ours: W.SecurityConfigSchema, official: P.Config_SecurityConfigSchema as DescMessage },
  { name: "MQTTConfig", ours: W.MqttConfigSchema, official: P.ModuleConfig_MQTTConfigSchema as DescMessage },
];
