// Public entry point for meshport's generated Meshtastic schema (proto/gen,
// produced by `buf generate` from proto/meshtastic/*.proto).
export * from "./gen/meshtastic/channel_pb.js";
export * from "./gen/meshtastic/config_pb.js";
export * from "./gen/meshtastic/mesh_pb.js";
export * from "./gen/meshtastic/module_config_pb.js";
export * from "./gen/meshtastic/mqtt_pb.js";
export * from "./gen/meshtastic/portnums_pb.js";
export * from "./gen/meshtastic/telemetry_pb.js";
