// Gateways over real sockets on 127.0.0.1, against the embedded aedes broker and Debian's mosquitto.
import { afterEach, describe, expect, it } from "vitest";
import { PortableChannelCipher } from "../../firmware/crypto/index.js";
import { encodeEnvelope } from "../../firmware/gateway/index.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { loopbackGatewayNode } from "../support/loopback-gateway.js";
import { NodeDriver } from "../../firmware/platform/node/index.js";
import { DataCodec, PortNum } from "../../firmware/wire/index.js";
import { DEFAULT_KEY } from "../support/node-bench.js";
import { type TestBroker, mosquittoPub, mosquittoUnavailable, startAedes, startMosquitto, waitFor } from "../support/brokers.js";

const ROOT = "msh/test";

interface Gateway {
  driver: NodeDriver;
  texts: string[];
}

function gateway(num: number, port: number, seed: number): Gateway {
  const node = loopbackGatewayNode(num, port, ROOT, seed);
  const texts: string[] = [];
  const driver = new NodeDriver(node, {
    onDeliver: (p) => {
      if (p.decoded?.portnum === PortNum.TEXT_MESSAGE_APP && p.from !== num) texts.push(new TextDecoder().decode(p.decoded.payload));
    },
  });
  driver.start();
  return { driver, texts };
}

/** Connected, and the broker has confirmed our subscriptions. */
function ready(g: Gateway): boolean {
  const c = g.driver.node.mqttClient;
  return c !== undefined && c.isConnected() && c.stats.subAcks > 0;
}

const brokers: [string, () => Promise<TestBroker>, string | undefined][] = [
  ["aedes (embedded)", startAedes, undefined],
  ["mosquitto", startMosquitto, mosquittoUnavailable()],
];

for (const [name, start, unavailable] of brokers) {
  describe.skipIf(unavailable !== undefined)(`gateways through ${name}${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
    let broker: TestBroker | undefined;
    const gateways: Gateway[] = [];
    afterEach(async () => {
      for (const g of gateways.splice(0)) g.driver.stop();
      await broker?.stop();
    });

    it("two gateway nodes exchange a text message both ways", async () => {
      broker = await start();
      const a = gateway(0xa1, broker.port, 1);
      const b = gateway(0xa2, broker.port, 2);
      gateways.push(a, b);
      await waitFor("both gateways subscribed", () => ready(a) && ready(b));
      a.driver.node.sendText(BROADCAST, "ping from a1", 0, false, a.driver.now());
      a.driver.handle({ type: "tick" });
      await waitFor("b hears a", () => b.texts.length > 0);
      b.driver.node.sendText(BROADCAST, "pong from a2", 0, false, b.driver.now());
      b.driver.handle({ type: "tick" });
      await waitFor("a hears b", () => a.texts.length > 0);
      expect(b.texts).toEqual(["ping from a1"]);
      expect(a.texts).toEqual(["pong from a2"]);
    });

    it("restarting the broker mid-run is survived: reconnect, resubscribe, queued envelopes delivered", async () => {
      broker = await start();
      const a = gateway(0xb1, broker.port, 3);
      const b = gateway(0xb2, broker.port, 4);
      gateways.push(a, b);
      await waitFor("both gateways subscribed", () => ready(a) && ready(b));
      await broker.stop();
      await waitFor("a notices", () => !a.driver.node.mqttClient?.isConnected());
      a.driver.node.sendText(BROADCAST, "sent while the broker was down", 0, false, a.driver.now());
      a.driver.handle({ type: "tick" });
      expect(a.driver.node.mqtt?.queue.size).toBe(1);
      await broker.restart();
      await waitFor("both reconnected and resubscribed", () => ready(a) && ready(b) && (a.driver.node.mqttClient?.stats.connects ?? 0) >= 2, 20_000);
      await waitFor("queue drained", () => a.driver.node.mqtt?.queue.size === 0, 10_000);
      // The queued envelope may reach b only if b resubscribed first; either way nothing is lost silently.
      a.driver.node.sendText(BROADCAST, "after the restart", 0, false, a.driver.now());
      a.driver.handle({ type: "tick" });
      await waitFor("b hears a after the restart", () => b.texts.includes("after the restart"));
      expect(a.driver.node.mqtt?.stats.queueDropped).toBe(0);
      expect(b.driver.node.mqttClient?.stats.connects).toBeGreaterThanOrEqual(2);
    }, 40_000);
  });
}

describe.skipIf(mosquittoUnavailable() !== undefined)("mosquitto_pub into a gateway", () => {
  it("an envelope published with mosquitto_pub is downlinked into the node", async () => {
    const broker = await startMosquitto();
    const g = gateway(0xc1, broker.port, 5);
    try {
      await waitFor("subscribed", () => ready(g));
      const data = DataCodec.encode({ portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode("from mosquitto_pub"), bitfield: 1 });
      const envelope = encodeEnvelope({ from: 0x4242, to: BROADCAST, id: 0x777, channel: 8, encrypted: new PortableChannelCipher().ctr(DEFAULT_KEY, 0x777, 0x4242, data), hopLimit: 2, hopStart: 3 }, "LongFast", 0xabcd);
      mosquittoPub(broker.port, ROOT + "/2/e/LongFast/!0000abcd", envelope);
      await waitFor("delivered", () => g.texts.length > 0);
      expect(g.texts).toEqual(["from mosquitto_pub"]);
    } finally {
      g.driver.stop();
      await broker.stop();
    }
  });
});
