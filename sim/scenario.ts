// Scenarios: a JSON description of a mesh (area, radio settings, nodes, channels, gateways,
// traffic, duration, seed) that is validated, then turned into a running Simulator.
//
//   const r = parseScenario(JSON.parse(text));
//   if (!r.ok) print(formatScenarioErrors(r.errors));
//   const h = buildSimulation(r.scenario, { seed: 7 });
//   await h.run();
//   await h.close();
//   const report = buildReport(h.sim, h.scenario, runInfo(h));   // sim/report.ts
//
// The schema is documented in sim/SCENARIOS.md; examples live in sim/scenarios/.
export { parseScenario, formatScenarioErrors, channelsOfNode, defaultTrafficStopS } from "./scenario-parse.js";
export type { ParseResult, ScenarioError } from "./scenario-parse.js";
export {
  SCENARIO_DEFAULTS,
  SCENARIO_LIMITS,
  PATH_LOSS_NAMES,
  PRESET_NAMES,
  REBROADCAST_NAMES,
  REGION_NAMES,
  ROLE_NAMES,
  nameOf,
} from "./scenario-schema.js";
export type {
  FixedNode,
  GeneratedText,
  MessageTarget,
  Named,
  NodeSettings,
  RandomGroup,
  Rect,
  Scenario,
  ScenarioChannel,
  ScenarioMedium,
  ScenarioMessage,
  ScenarioMqtt,
  ScenarioNodeEntry,
  ScenarioTraffic,
} from "./scenario-schema.js";
export {
  RunObserver,
  applyGatewaySettings,
  buildSimulation,
  gatewayMqttConfig,
  gatewayPlan,
  layoutNodes,
  messageKey,
} from "./scenario-build.js";
export type {
  BuildOverrides,
  GatewayPlan,
  IpPlan,
  ObservedMessage,
  PlacedNode,
  ScheduledMessage,
  SimulationHandles,
} from "./scenario-build.js";
export { ScenarioInputError, readScenarioFile, runScenario, runScenarioFile } from "./scenario-run.js";
export type { ScenarioRunOptions, ScenarioRunResult } from "./scenario-run.js";
