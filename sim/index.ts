// The meshport simulator: MeshNodes on a simulated LoRa medium under one virtual clock.
export { DEFAULT_EVENT_QUEUE_CAPACITY, DeadlineHeap, EventQueue, SimEvent } from "./event-queue.js";
export { StreamPurpose, exponential, gaussian, hashWords, linkOffsetDb, rngStream, streamSeed, uniform01 } from "./rng-streams.js";
export { MESHTASTICATOR_LOG_DISTANCE, PathLossModel, maxRangeM, pathLossDb } from "./path-loss.js";
export type { LogDistanceParams } from "./path-loss.js";
export {
  CAD_MARGIN_DB,
  CAPTURE_THRESHOLD_DB,
  Capture,
  DEFAULT_NOISE_FIGURE_DB,
  cadThresholdDbm,
  capture,
  noiseFloorDbm,
  radioThresholds,
  requiredSnrDb,
  rssiDbm,
  sensitivityDbm,
  survivesInterference,
} from "./phy.js";
export type { RadioThresholds } from "./phy.js";
export { SpatialGrid } from "./spatial-index.js";
export { Medium, MediumEventKind, defaultMediumOptions } from "./medium.js";
export type { MediumOptions, MediumSink, RadioCounters, RadioSpec } from "./medium.js";
export { Simulator, disablePeriodicBroadcasts } from "./simulator.js";
export type {
  DeliveryRecord,
  GatewayMetrics,
  IpMetrics,
  LatencySummary,
  MessageSummary,
  NodeMetrics,
  NodeSpec,
  SimMetrics,
  SimulatorOptions,
  TrafficOptions,
} from "./simulator.js";
export {
  DEFAULT_IP_LATENCY_MS,
  DEFAULT_MAX_DRAIN_ROUNDS,
  DEFAULT_SETTLE_MAX_MS,
  DEFAULT_SETTLE_QUIET_MS,
  DRAIN_SILENT_ROUNDS,
  EmbeddedBrokerNetwork,
  ExternalBrokerNetwork,
  createIpNetwork,
  parseBrokerUrl,
} from "./ip-network.js";
export type {
  BrokerUrl,
  EmbeddedBrokerOptions,
  ExternalBrokerOptions,
  IpHost,
  IpNetwork,
  IpNetworkChoice,
  IpNetworkMetrics,
  IpNodeCounters,
  IpNodeEvent,
} from "./ip-network.js";
export { SIM_BROKER_ADDRESS, SIM_MQTT_ROOT, enableChannelMqtt, simGatewayConfig } from "./ip-gateway.js";
export type { SimGatewayOptions } from "./ip-gateway.js";
export { randomPlacement } from "./placement.js";
export type { PlacementOptions, Point } from "./placement.js";
