// `meshport listen` as a user runs it (the real command in a child process) against aedes on
// 127.0.0.1, with two gateways uplinking the same LoRa packet.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { PortableChannelCipher } from "../../firmware/crypto/index.js";
import { defaultMqttConfig } from "../../firmware/gateway/mqtt-config.js";
import { defaultNodeConfig } from "../../firmware/mesh/node-config.js";
import { SeededRng } from "../../firmware/mesh/rng.js";
import { MeshNode } from "../../firmware/node.js";
import { NodeDriver } from "../../firmware/platform/node/index.js";
import { PortNum } from "../../firmware/wire/index.js";
import { type TestBroker, mosquittoUnavailable, startAedes, startMosquitto, waitFor } from "../support/brokers.js";
import { frameOf, header } from "../support/node-bench.js";

const BIN = fileURLToPath(new URL("../../bin/meshport", import.meta.url));

function gateway(num: number, port: number): NodeDriver {
  const config = defaultNodeConfig(num);
  config.sendNodeInfo = false;
  config.sendPosition = false;
  config.channels[0].uplinkEnabled = true;
  const mqtt = defaultMqttConfig();
  mqtt.enabled = true;
  mqtt.address = "127.0.0.1:" + port;
  const d = new NodeDriver(new MeshNode({ config, rng: new SeededRng(num), cipher: new PortableChannelCipher(), pki: undefined, startMs: 0, maxNodes: 0, mqtt }));
  d.start();
  return d;
}

class Listener {
  readonly proc: ChildProcess;
  stdout = "";
  stderr = "";
  constructor(args: string[]) {
    this.proc = spawn(process.execPath, [BIN, "listen", ...args], { stdio: ["ignore", "pipe", "pipe"] });
    this.proc.stdout?.on("data", (b) => (this.stdout += b));
    this.proc.stderr?.on("data", (b) => (this.stderr += b));
  }
  lines(): any[] {
    return this.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  }
  async stop(): Promise<number | null> {
    if (this.proc.exitCode !== null) return this.proc.exitCode;
    return new Promise((resolve) => {
      this.proc.once("exit", (code) => resolve(code));
      this.proc.kill("SIGINT");
    });
  }
}

describe("meshport listen", () => {
  let broker: TestBroker | undefined;
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
    await broker?.stop();
  });

  for (const [name, start, unavailable] of [
    ["aedes", startAedes, undefined],
    ["mosquitto", startMosquitto, mosquittoUnavailable()],
  ] as const) {
    it.skipIf(unavailable !== undefined)(`--dedup prints one line with both gateways when two gateways uplink the same packet (${name}${unavailable ? ", skipped: " + unavailable : ""})`, async () => {
      broker = await start();
      const listener = new Listener(["--broker", `mqtt://127.0.0.1:${broker.port}`, "--dedup", "--dedup-window", "1500"]);
      cleanup.push(() => listener.stop());
      const g1 = gateway(0xd1, broker.port);
      const g2 = gateway(0xd2, broker.port);
      cleanup.push(() => g1.stop(), () => g2.stop());
      await waitFor("listener subscribed", () => listener.stderr.includes("subscribed"), 15_000);
      await waitFor("gateways connected", () => !!g1.node.mqttClient?.isConnected() && !!g2.node.mqttClient?.isConnected());
      // One LoRa frame from node 0x77, heard by both gateways.
      const frame = frameOf(header({ from: 0x77, id: 0x5151 }), { portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode("heard twice"), bitfield: 1 });
      g1.handle({ type: "radio-rx", frame, rssi: -90, snr: 7 });
      g2.handle({ type: "radio-rx", frame, rssi: -101, snr: -3 });
      await waitFor("one line printed", () => listener.stdout.includes("\n"), 10_000);
      await new Promise((r) => setTimeout(r, 300));
      const lines = listener.lines();
      expect(lines).toHaveLength(1);
      expect(lines[0].payload).toEqual({ text: "heard twice" });
      expect(lines[0].packet).toMatchObject({ from: 0x77, id: 0x5151, fromId: "!00000077" });
      expect([...lines[0].gateways].sort()).toEqual(["!000000d1", "!000000d2"]);
      expect(await listener.stop()).toBe(0);
    }, 40_000);
  }

  it("--republish publishes the firmware 2.7 JSON of each packet under the prefix", async () => {
    broker = await startAedes();
    const out = broker.collect?.("out/#") ?? [];
    const listener = new Listener(["--broker", `mqtt://127.0.0.1:${broker.port}`, "--republish", "out"]);
    cleanup.push(() => listener.stop());
    const g = gateway(0xe1, broker.port);
    cleanup.push(() => g.stop());
    await waitFor("listener subscribed", () => listener.stderr.includes("subscribed"), 15_000);
    await waitFor("gateway connected", () => !!g.node.mqttClient?.isConnected());
    const frame = frameOf(header({ from: 0x77, id: 0x6161 }), { portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode("json me"), bitfield: 1 });
    g.handle({ type: "radio-rx", frame, rssi: -90, snr: 7 });
    await waitFor("republished", () => out.length > 0, 10_000);
    expect(out[0].topic).toBe("out/2/json/LongFast/!000000e1");
    expect(out[0].payload.toString()).toBe(
      '{"channel":0,"from":119,"hop_start":3,"hops_away":0,"id":24929,"payload":{"text":"json me"},"rssi":-90,"sender":"!000000e1","snr":7,"timestamp":0,"to":4294967295,"type":"text"}',
    );
  }, 40_000);

  it("without --dedup each uplinked copy is printed, and a refused connection is one line of reason", async () => {
    broker = await startAedes();
    const port = broker.port;
    await broker.stop();
    broker = undefined;
    const listener = new Listener(["--broker", `mqtt://127.0.0.1:${port}`]);
    cleanup.push(() => listener.stop());
    await waitFor("reason printed", () => listener.stderr.includes("connection refused"), 15_000);
    expect(listener.stderr).toMatch(/^meshport listen: connection refused by 127\.0\.0\.1:\d+ \(is the broker running\?\); retrying in \d+ s$/m);
    expect(listener.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);

  it("bad arguments print the usage and exit 2", async () => {
    const l = new Listener(["--broker", "http://x"]);
    const code = await new Promise((resolve) => l.proc.once("exit", resolve));
    expect(code).toBe(2);
    expect(l.stderr).toMatch(/expected mqtt:\/\/HOST:PORT/);
  });
});
