// TLS to the broker: the certificate is validated by default (unlike the firmware's setInsecure),
// and only the explicit insecure switch skips validation. aedes behind node:tls on 127.0.0.1 with a
// CA made in the test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PortableChannelCipher } from "../../firmware/crypto/index.js";
import { defaultMqttConfig } from "../../firmware/gateway/mqtt-config.js";
import { defaultNodeConfig } from "../../firmware/mesh/node-config.js";
import { SeededRng } from "../../firmware/mesh/rng.js";
import { MeshNode } from "../../firmware/node.js";
import { NodeDriver } from "../../firmware/platform/node/index.js";
import { type TestBroker, startAedes, waitFor } from "../support/brokers.js";
import { type TestCa, makeTestCa } from "../support/test-ca.js";

let ca: TestCa;
/** Another CA made in the test: it did not sign the broker's certificate. */
let otherCa: TestCa;
let broker: TestBroker;

beforeAll(async () => {
  ca = makeTestCa();
  otherCa = makeTestCa();
  broker = await startAedes({ key: ca.serverKey, cert: ca.serverCert });
});
afterAll(async () => broker?.stop());

function tlsGateway(host: string, opts: { ca?: string; insecure?: boolean }): { driver: NodeDriver; logs: string[] } {
  const config = defaultNodeConfig(0xf1);
  config.sendNodeInfo = false;
  config.sendPosition = false;
  config.channels[0].downlinkEnabled = true;
  const mqtt = defaultMqttConfig();
  mqtt.enabled = true;
  mqtt.address = `${host}:${broker.port}`;
  mqtt.tlsEnabled = true;
  mqtt.tlsInsecure = opts.insecure === true;
  const logs: string[] = [];
  const node = new MeshNode({ config, rng: new SeededRng(1), cipher: new PortableChannelCipher(), pki: undefined, startMs: 0, maxNodes: 0, mqtt });
  const driver = new NodeDriver(node, { ca: opts.ca, onLog: (m) => logs.push(m) });
  driver.start();
  return { driver, logs };
}

describe("TLS to the broker", () => {
  it("a certificate signed by the given CA, for the host name used, connects", async () => {
    const g = tlsGateway("localhost", { ca: ca.caPem });
    try {
      await waitFor("connected", () => !!g.driver.node.mqttClient?.isConnected());
    } finally {
      g.driver.stop();
    }
  });

  it("without that CA the connection is refused with a clear reason", async () => {
    const g = tlsGateway("localhost", {});
    try {
      await waitFor("refusal logged", () => g.logs.some((l) => l.includes("not signed by a trusted CA")));
      expect(g.driver.node.mqttClient?.isConnected()).toBe(false);
    } finally {
      g.driver.stop();
    }
  });

  it("with a wrong CA (one that did not sign the broker's certificate) the connection is refused with a clear reason", async () => {
    const g = tlsGateway("localhost", { ca: otherCa.caPem });
    try {
      await waitFor("refusal logged", () => g.logs.some((l) => l.includes("not signed by a trusted CA")));
      expect(g.logs.find((l) => l.includes("not signed by a trusted CA"))).toMatch(/TLS: the certificate of localhost:\d+ is not signed by a trusted CA \([A-Z_]+\); give its CA, or use the insecure switch/);
      expect(g.driver.node.mqttClient?.isConnected()).toBe(false);
      expect(g.driver.node.mqttClient?.stats.connects).toBe(0);
    } finally {
      g.driver.stop();
    }
  });

  it("a certificate for another name is refused", async () => {
    const g = tlsGateway("127.0.0.1", { ca: ca.caPem });
    try {
      await waitFor("refusal logged", () => g.logs.some((l) => l.includes("is not valid for the name 127.0.0.1")));
      expect(g.driver.node.mqttClient?.isConnected()).toBe(false);
    } finally {
      g.driver.stop();
    }
  });

  it("only the explicit insecure switch skips validation", async () => {
    // The same name and no CA, insecure switch off: refused (name and issuer both wrong).
    const strict = tlsGateway("127.0.0.1", {});
    try {
      await waitFor("refusal logged", () => strict.logs.some((l) => l.includes("mqtt: connect failed: socket-closed (TLS: ")));
      expect(strict.driver.node.mqttClient?.stats.connects).toBe(0);
    } finally {
      strict.driver.stop();
    }
    const g = tlsGateway("127.0.0.1", { insecure: true });
    try {
      await waitFor("connected", () => !!g.driver.node.mqttClient?.isConnected());
    } finally {
      g.driver.stop();
    }
  });
});
