// The MQTT codec and client as a board would get them: bundled by esbuild with the Espruino feature
// gates, run in a V8 sandbox without the globals Espruino lacks (as test/espruino/core-bundle.test.ts
// does for the mesh core): connect, subscribe, a QoS 1 delivery answered by PUBACK, a fragmented
// stream, keepalive, and a typed parse error.
import { describe, expect, it } from "vitest";
import { bundleForEspruino, runInEspruinoSandbox } from "../support/espruino-sandbox.js";

const ENTRY = `
export * from "./firmware/mqtt/index.js";
export { SeededRng } from "./firmware/mesh/rng.js";
`;

const SCENARIO = `
const m = mqtt;
const c = new m.MqttClient({ host: "broker", port: 1883, tls: false, clientId: "!0000abcd", username: "u", password: "p" }, new m.SeededRng(5));
c.subscribe(["msh/US/2/e/LongFast/+"], 0);
c.start(0);
c.onSocketOpened(10);
const written = [];
function drain() {
  const acts = c.takeActions();
  for (let i = 0; i < acts.length; i++) {
    if (acts[i].type === "socket-write") {
      const r = m.decodeMqttPacket(acts[i].bytes);
      written.push(r.ok ? r.value.type : r.error.code);
    }
    if (acts[i].type === "deliver") delivered.push(acts[i].topic + "=" + acts[i].payload.length);
  }
}
const delivered = [];
drain();
const connack = m.encodeMqttPacket({ type: "connack", sessionPresent: false, returnCode: 0 });
const pub = m.encodeMqttPacket({ type: "publish", topic: "msh/US/2/e/LongFast/!1", payload: new Uint8Array(300), qos: 1, retain: false, dup: false, packetId: 9 });
const stream = new Uint8Array(connack.length + pub.length);
stream.set(connack, 0);
stream.set(pub, connack.length);
for (let i = 0; i < stream.length; i += 7) c.onSocketData(stream.subarray(i, i + 7), 20);
drain();
c.tick(15020);
drain();
const p = new m.MqttParser({ accept: m.ANY_MQTT_PACKET });
const bad = p.push(new Uint8Array([0x30, 0x05, 0x00, 0x03, 0x61, 0x2f, 0x2b]));
result = { state: c.state, written: written.join(","), delivered: delivered.join(","), badCode: bad.error.code, topic: m.decodeMqttPacket(m.encodeMqttPacket({ type: "publish", topic: "é/日", payload: new Uint8Array(0), qos: 0, retain: false, dup: false })).value.topic };
`;

describe("MQTT under Espruino constraints", () => {
  it("bundles with the Espruino gates and runs without Map/Set/Symbol/TextEncoder/Math.imul", async () => {
    const code = await bundleForEspruino(ENTRY, "mqtt");
    expect(runInEspruinoSandbox(code, SCENARIO)).toEqual({
      state: "connected",
      written: "connect,subscribe,puback,pingreq",
      delivered: "msh/US/2/e/LongFast/!1=300",
      badCode: "BAD_TOPIC",
      topic: "é/日",
    });
  });
});
