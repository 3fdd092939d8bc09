// Scenario files: validation (every error names its field path and reason), defaults, the example
// files, and what buildSimulation makes of a scenario (placement, node settings, gateways, traffic).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ChannelRole, RebroadcastMode, Role } from "../../firmware/wire/enums.js";
import { EmbeddedBrokerNetwork } from "../../sim/ip-network.js";
import { maxRangeM } from "../../sim/path-loss.js";
import { ROLE_NAMES, SCENARIO_LIMITS, buildSimulation, formatScenarioErrors, layoutNodes, parseScenario } from "../../sim/scenario.js";
import type { Scenario, ScenarioError } from "../../sim/scenario.js";

const DIR = join(import.meta.dirname, "../../sim/scenarios");

function ok(json: unknown): Scenario {
  const r = parseScenario(json);
  if (!r.ok) throw new Error(formatScenarioErrors(r.errors));
  return r.scenario;
}

function errors(json: unknown): ScenarioError[] {
  const r = parseScenario(json);
  if (r.ok) throw new Error("expected errors");
  return r.errors;
}

function errorAt(json: unknown, path: string): string {
  const es = errors(json);
  const e = es.find((x) => x.path === path);
  if (e === undefined) throw new Error("no error at " + path + "; got:\n" + formatScenarioErrors(es));
  return e.message;
}

const ONE = { nodes: [{ x: 0, y: 0 }] };

describe("scenario files in sim/scenarios", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".json"));

  it("include the required examples", () => {
    expect(files).toEqual(expect.arrayContaining(["two-meshes.json", "meshtasticator-reference.json"]));
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it.each(files)("%s parses", (f) => {
    const s = ok(JSON.parse(readFileSync(join(DIR, f), "utf8")));
    expect(s.name).toBe(f.replace(/\.json$/, ""));
    expect(s.description.length).toBeGreaterThan(20);
  });

  it("two-meshes: two islands 40-50 km apart, 4-6 nodes each, one gateway each, texts from non-gateways on both", () => {
    const s = ok(JSON.parse(readFileSync(join(DIR, "two-meshes.json"), "utf8")));
    const nodes = layoutNodes(s, s.seed);
    const a = nodes.filter((n) => n.name.startsWith("A"));
    const b = nodes.filter((n) => n.name.startsWith("B"));
    expect(a.length).toBeGreaterThanOrEqual(4);
    expect(a.length).toBeLessThanOrEqual(6);
    expect(b.length).toBe(a.length);
    expect(a.filter((n) => n.settings.gateway)).toHaveLength(1);
    expect(b.filter((n) => n.settings.gateway)).toHaveLength(1);
    const cx = (l: typeof a) => l.reduce((t, n) => t + n.x, 0) / l.length;
    expect(cx(b) - cx(a)).toBeGreaterThanOrEqual(40_000);
    expect(cx(b) - cx(a)).toBeLessThanOrEqual(50_000);
    expect(s.durationMs).toBe(960_000);
    const senders = s.messages.map((m) => nodes[m.from]);
    expect(senders.some((n) => n.name.startsWith("A") && !n.settings.gateway)).toBe(true);
    expect(senders.some((n) => n.name.startsWith("B") && !n.settings.gateway)).toBe(true);
  });

  it("meshtasticator-reference: the spec's reference run", () => {
    const s = ok(JSON.parse(readFileSync(join(DIR, "meshtasticator-reference.json"), "utf8")));
    expect(s.nodeCount).toBe(100);
    expect(s.preset.name).toBe("LONG_FAST");
    expect(s.durationMs).toBe(30 * 60_000);
    expect(s.area).toEqual({ widthM: 15_000, depthM: 15_000 });
    expect(s.traffic.text).toEqual({ meanIntervalMs: 100_000, payloadBytes: 40, wantAck: true, channel: 0 });
    expect(s.seed).toBe(44);
    expect(s.nodes[0].kind === "random" && s.nodes[0].minDistanceM).toBe(10);
  });
});

describe("defaults (Meshtasticator's, shared spec 1.3)", () => {
  it("fill in everything a one-node scenario leaves out", () => {
    const s = ok(ONE);
    expect(s.seed).toBe(44);
    expect(s.durationMs).toBe(1_800_000);
    expect(s.area).toEqual({ widthM: 15_000, depthM: 15_000 });
    expect(s.region.name).toBe("US");
    expect(s.preset.name).toBe("LONG_FAST");
    expect(s.medium.pathLoss.name).toBe("THREE_GPP_SUBURBAN");
    expect(s.medium.linkOffsetSigmaDb).toBe(3);
    expect(s.pki).toBe(true);
    const n = s.nodes[0];
    expect(n.kind).toBe("fixed");
    expect(n.settings.role.name).toBe("CLIENT");
    expect(n.settings.hopLimit).toBe(3);
    expect(n.settings.heightM).toBe(1);
    expect(n.settings.txPowerDbm).toBeUndefined();
    expect(s.channels).toHaveLength(1);
    expect(s.channels[0].pskBase64).toBe("AQ==");
    expect(s.traffic.text).toEqual({ meanIntervalMs: 100_000, payloadBytes: 40, wantAck: false, channel: 0 });
    expect(s.traffic.direct).toBeNull();
    // The last minute is left for floods to finish.
    expect(s.traffic.stopMs).toBe(1_740_000);
  });

  it("defaults block applies to every node, a node's own fields win, REPEATERs do not generate traffic", () => {
    const s = ok({
      defaults: { role: "router", hopLimit: 5 },
      nodes: [{ x: 0, y: 0 }, { x: 1, y: 1, hopLimit: 2, role: "REPEATER" }, { count: 3, placement: { mustHear: false } }],
    });
    expect(s.nodes[0].settings.role).toEqual({ code: Role.ROUTER, name: "ROUTER" });
    expect(s.nodes[0].settings.hopLimit).toBe(5);
    expect(s.nodes[1].settings.hopLimit).toBe(2);
    expect(s.nodes[1].settings.generate).toBe(false);
    expect(s.nodes[0].settings.generate).toBe(true);
    expect(s.nodes[2].kind).toBe("random");
    expect(s.nodeCount).toBe(5);
  });
});

describe("validation errors name the field and the reason", () => {
  it("wrong type", () => {
    expect(errorAt({ nodes: [{ x: 0, y: 0 }, { x: "east", y: 0 }] }, "nodes[1].x")).toBe("expected a number, got a string");
    expect(errorAt({ ...ONE, seed: 1.5 }, "seed")).toBe("expected an integer, got 1.5");
    expect(errorAt({ ...ONE, mqtt: { encryptionEnabled: "yes" } }, "mqtt.encryptionEnabled")).toBe("expected true or false, got a string");
    expect(errorAt({ ...ONE, channels: {} }, "channels")).toBe("expected an array, got an object");
    expect(errorAt([], "(root)")).toBe("expected an object, got an array");
  });

  it("out of range, with the range", () => {
    expect(errorAt({ nodes: [{ x: 0, y: 0, hopLimit: 9 }] }, "nodes[0].hopLimit")).toBe("out of range: 9 (allowed 0 .. 7)");
    expect(errorAt({ ...ONE, durationS: 8 * 86400 }, "durationS")).toBe("out of range: 691200 (allowed 1 .. 604800)");
    expect(errorAt({ ...ONE, traffic: { text: { payloadBytes: 500 } } }, "traffic.text.payloadBytes")).toBe("out of range: 500 (allowed 1 .. 200)");
    expect(errorAt({ nodes: [{ count: 20_001 }] }, "nodes[0].count")).toBe("out of range: 20001 (allowed 1 .. 20000)");
  });

  it("too many nodes in total", () => {
    const m = errorAt({ nodes: [{ count: 15_000, placement: { mustHear: false } }, { count: 6_000, placement: { mustHear: false } }] }, "nodes[1].count");
    expect(m).toBe("too many nodes: 21000 in total (at most " + SCENARIO_LIMITS.maxNodes + ")");
  });

  it("unknown enum names list the allowed ones", () => {
    const m = errorAt({ nodes: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 2, y: 0 }, { x: 3, y: 0, role: "BOSS" }] }, "nodes[3].role");
    expect(m).toBe('unknown role "BOSS" (allowed: ' + Object.keys(ROLE_NAMES).join(", ") + ")");
    expect(m).toContain("CLIENT_MUTE");
    expect(errorAt({ ...ONE, preset: "LONG_FASTEST" }, "preset")).toMatch(/^unknown modem preset "LONG_FASTEST" \(allowed: LONG_FAST, LONG_SLOW, MEDIUM_SLOW/);
    expect(errorAt({ ...ONE, region: "MARS" }, "region")).toMatch(/^unknown region "MARS" \(allowed: US, EU_433, EU_868/);
    expect(errorAt({ ...ONE, pathLoss: "FREE_SPACE" }, "pathLoss")).toMatch(/^unknown path-loss model "FREE_SPACE" \(allowed: LOG_DISTANCE, /);
  });

  it("unknown fields list the allowed ones", () => {
    expect(errorAt({ ...ONE, traffic: { textt: {} } }, "traffic.textt")).toMatch(/^unknown field \(allowed: text, direct, positionIntervalS,/);
    expect(errorAt({ nodes: [{ x: 0, y: 0, colour: "red" }] }, "nodes[0].colour")).toMatch(/^unknown field \(allowed: name, x, y, nodeNum, role,/);
    expect(errorAt({ ...ONE, sede: 4 }, "sede")).toMatch(/^unknown field/);
  });

  it("channel keys: base64, and a length the firmware can store", () => {
    expect(errorAt({ ...ONE, channels: [{ psk: "not base64!" }] }, "channels[0].psk")).toBe('not valid base64: "not base64!"');
    const long = Buffer.alloc(33, 7).toString("base64");
    expect(errorAt({ ...ONE, channels: [{ psk: long }] }, "channels[0].psk")).toMatch(/^key is 33 bytes \(allowed 0 \.\. 32/);
    expect(errorAt({ ...ONE, channels: [{ name: "a-very-long-name" }] }, "channels[0].name")).toBe("too long: 16 bytes (at most 11)");
    expect(errorAt({ ...ONE, channels: [{ name: "x" }, { name: "X" }] }, "channels[1].name")).toBe('duplicate channel name "X" (also channels[0])');
  });

  it("messages refer to nodes that exist", () => {
    const nodes = [
      { name: "a", x: 0, y: 0 },
      { name: "b", x: 1, y: 0 },
    ];
    expect(errorAt({ nodes, messages: [{ atS: 1, from: "zed", text: "hi" }] }, "messages[0].from")).toBe('unknown node "zed" (a node name or an index; names: a, b)');
    expect(errorAt({ nodes, messages: [{ atS: 1, from: "a", to: 7, text: "hi" }] }, "messages[0].to")).toBe("node index out of range: 7 (allowed 0 .. 1)");
    expect(errorAt({ nodes, messages: [{ atS: 1, from: "a", to: "a", text: "hi" }] }, "messages[0].to")).toBe("a node cannot send a message to itself");
    expect(errorAt({ nodes, messages: [{ from: "a", text: "hi" }] }, "messages[0].atS")).toBe("missing (required)");
    expect(errorAt({ nodes, durationS: 60, messages: [{ atS: 61, from: "a", text: "hi" }] }, "messages[0].atS")).toBe("out of range: 61 (allowed 0 .. 60)");
    expect(errorAt({ nodes, messages: [{ atS: 1, from: "a", text: "hi", channel: 1 }] }, "messages[0].channel")).toBe("out of range: 1 (allowed 0 .. 0)");
  });

  it("rules between fields", () => {
    expect(errorAt({ nodes: [{ name: "a", x: 0, y: 0 }, { name: "a", x: 1, y: 0 }] }, "nodes[1].name")).toBe('duplicate node name "a" (also node 0)');
    expect(errorAt({ ...ONE, region: "EU_868", preset: "SHORT_TURBO" }, "preset")).toBe("SHORT_TURBO (500 kHz) does not fit region EU_868 (869.4 .. 869.65 MHz)");
    expect(errorAt({ nodes: [{ x: 0, y: 0, gateway: true }] }, "channels")).toMatch(/^gateway nodes are present but no channel has uplink or downlink enabled/);
    expect(errorAt({ nodes: [{ y: 0 }] }, "nodes[0]")).toMatch(/a node needs "x" and "y"/);
    expect(errorAt({ ...ONE, traffic: { startS: 100, stopS: 50 } }, "traffic.stopS")).toBe("before traffic.startS (100)");
    expect(errorAt({ nodes: [] }, "nodes")).toBe("at least one node is needed");
    expect(errorAt({}, "nodes")).toBe("missing: a scenario needs at least one node");
  });

  it("reports every problem at once, each as `path: reason`", () => {
    const es = errors({ seed: -1, nodes: [{ x: 0, y: 0, role: "BOSS", hopLimit: 8 }], traffic: { text: { meanIntervalS: 0 } } });
    expect(es.map((e) => e.path)).toEqual(["seed", "nodes[0].role", "nodes[0].hopLimit", "traffic.text.meanIntervalS"]);
    expect(formatScenarioErrors(es).split("\n")[0]).toBe("seed: out of range: -1 (allowed 0 .. 4294967295)");
  });

  it("bounds the error list", () => {
    const nodes = Array.from({ length: 300 }, () => ({ x: 0, y: 0, role: "BOSS" }));
    const es = errors({ nodes });
    expect(es).toHaveLength(SCENARIO_LIMITS.maxErrors + 1);
    expect(es[es.length - 1]).toEqual({ path: "(root)", message: "100 more errors not shown" });
  });
});

describe("buildSimulation", () => {
  it("places random groups like Meshtasticator: in the rectangle, apart, each heard by an earlier one", () => {
    const s = ok({ nodes: [{ count: 40, namePrefix: "r", placement: { area: { x: 1000, y: 2000, widthM: 6000, depthM: 5000 }, minDistanceM: 50 } }] });
    const nodes = layoutNodes(s, 3);
    expect(nodes.map((n) => n.name).slice(0, 3)).toEqual(["r0", "r1", "r2"]);
    const range = maxRangeM(5, 30 + 131.52, 906.875, 1, 1);
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      expect(n.x).toBeGreaterThanOrEqual(1000);
      expect(n.x).toBeLessThanOrEqual(7000);
      expect(n.y).toBeGreaterThanOrEqual(2000);
      expect(n.y).toBeLessThanOrEqual(7000);
      let nearest = Infinity;
      for (let k = 0; k < i; k++) nearest = Math.min(nearest, Math.hypot(nodes[k].x - n.x, nodes[k].y - n.y));
      if (i > 0) {
        expect(nearest).toBeGreaterThanOrEqual(50);
        expect(nearest).toBeLessThanOrEqual(range + 1);
      }
    }
    // The run seed moves the layout; a fixed placement seed keeps it.
    expect(layoutNodes(s, 4)[5]).not.toEqual(nodes[5]);
    const fixed = ok({ nodes: [{ count: 10, placement: { seed: 99 } }] });
    expect(layoutNodes(fixed, 1)).toEqual(layoutNodes(fixed, 2));
  });

  it("configures each node from its settings and the scenario", () => {
    const s = ok({
      region: "EU_868",
      preset: "LONG_MODERATE",
      channels: [
        { name: "", psk: "AQ==", uplink: true },
        { name: "ops", psk: Buffer.alloc(16, 3).toString("base64"), downlink: true },
      ],
      traffic: { positionIntervalS: 0, nodeInfoIntervalS: 600 },
      nodes: [
        { name: "gw", x: 0, y: 0, role: "ROUTER", hopLimit: 5, gateway: true, heightM: 12, txPowerDbm: 14, okToMqtt: true },
        { name: "c", x: 500, y: 0, nodeNum: 0x1234 },
      ],
    });
    const h = buildSimulation(s, { seed: 5, durationS: 60 });
    expect(h.seed).toBe(5);
    expect(h.durationMs).toBe(60_000);
    expect(h.gateways).toEqual([0]);
    expect(h.indexOf("c")).toBe(1);
    const [gw, c] = h.sim.nodes;
    expect(gw.config.role).toBe(Role.ROUTER);
    expect(gw.config.hopLimit).toBe(5);
    expect(gw.config.region).toBe(3);
    expect(gw.config.modemPreset).toBe(7);
    expect(gw.config.configOkToMqtt).toBe(true);
    expect(gw.config.longName).toBe("gw");
    // positionIntervalS 0 silences the position module; the ROUTER keeps its role's 12 h interval.
    expect(gw.config.sendPosition).toBe(false);
    expect(gw.config.positionBroadcastSecs).toBe(12 * 3600);
    // The app raises a NodeInfo interval below 1 h to 1 h (AdminModule.cpp 673-676).
    expect(gw.config.nodeInfoBroadcastSecs).toBe(3600);
    expect(gw.config.rebroadcastMode).toBe(RebroadcastMode.CORE_PORTNUMS_ONLY);
    // EU_868 has a 10 % duty cycle: the app turns ignore_mqtt on when the region is set.
    expect(gw.config.ignoreMqtt).toBe(true);
    expect(c.config.ignoreMqtt).toBe(true);
    expect(gw.config.channels.map((ch) => [ch.role, ch.name, ch.uplinkEnabled, ch.downlinkEnabled])).toEqual([
      [ChannelRole.PRIMARY, "", true, false],
      [ChannelRole.SECONDARY, "ops", false, true],
    ]);
    expect(gw.config.privateKey).toHaveLength(32);
    expect(gw.config.position?.latitudeI).toBe(440_000_000);
    expect(c.nodeNum).toBe(0x1234);
    expect(h.sim.medium.spec(0).heightM).toBe(12);
    expect(h.sim.medium.spec(0).txPowerDbm).toBe(14);
    expect(h.sim.medium.spec(1).txPowerDbm).toBe(27); // EU_868's limit
    // Gateway settings reach the node spec and the simulator options.
    expect(h.specs[0].mqtt?.enabled).toBe(true);
    expect(h.specs[0].mqtt?.root).toBe("msh/sim");
    expect(h.specs[1].mqtt).toBeUndefined();
    expect(h.options.ip).toBeInstanceOf(EmbeddedBrokerNetwork);
    expect(gw.mqtt).toBeDefined();
    expect(c.mqtt).toBeUndefined();
  });

  it("schedules generated traffic at about the mean rate, from each node's own stream", async () => {
    const s = ok({
      durationS: 3600,
      medium: { linkOffsetSigmaDb: 0 },
      traffic: { text: { meanIntervalS: 60, payloadBytes: 10 }, positionIntervalS: 0, telemetryIntervalS: 0, nodeInfoIntervalS: 0, stopS: 3600 },
      nodes: [
        { x: 0, y: 0 },
        { x: 30_000, y: 0 },
        { x: 60_000, y: 0, role: "REPEATER" },
      ],
    });
    const h = buildSimulation(s);
    await h.run();
    const m = h.sim.metrics();
    // Two senders × 60 messages expected; the REPEATER sends none.
    expect(m.nodes[0].originated).toBeGreaterThan(35);
    expect(m.nodes[0].originated).toBeLessThan(90);
    expect(m.nodes[1].originated).toBeGreaterThan(35);
    expect(m.nodes[2].originated).toBe(0);
    expect(h.sim.now).toBe(3_600_000);
  });
});

describe("sim/SCENARIOS.md", () => {
  it("its example parses", () => {
    const md = readFileSync(join(import.meta.dirname, "../../sim/SCENARIOS.md"), "utf8");
    const m = /## Example\s+```json\n([\s\S]*?)```/.exec(md);
    expect(m).not.toBeNull();
    const s = ok(JSON.parse(m![1]));
    expect(s.nodeCount).toBe(25);
    expect(s.messages[1].to).toEqual({ kind: "node", index: 4 });
  });
});
