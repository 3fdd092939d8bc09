// A gateway operator's configuration as the property-renamed gateway bundle reads it from Storage, in
// the Espruino sandbox: its own primary channel (name and AES-128 key), a role, a topic root and TLS
// (what the role does to the node is checked on nodeConfigOf, board-config.test.ts).
// The broker is aedes behind TLS with a certificate from a throwaway CA; the sandbox's require("tls")
// connects without checking it, as Espruino's does. A frame heard on the operator's channel must come
// out under <root>/2/e/<channel>/<gateway id>, over tls.connect and never net.connect.
import { afterEach, describe, expect, it } from "vitest";
import { buildBoardBundle } from "../../../boards/bundle/build-bundle.js";
import { boardById } from "../../../boards/defs/index.js";
import { BOARD_CONFIG_FILE } from "../../../boards/runtime/board-config.js";
import { utf8Encode } from "../../../firmware/bytes/utf8.js";
import { channelHash } from "../../../firmware/crypto/index.js";
import { decodeEnvelope } from "../../../firmware/gateway/envelope.js";
import { PortNum } from "../../../firmware/wire/index.js";
import { FakeSx1262 } from "../radio/fake-sx1262.js";
import { type TestBroker, startAedes, waitFor } from "../../support/brokers.js";
import { bootInEspruinoSandbox, fakeEspruino } from "../../support/espruino-sandbox.js";
import type { FakeEspruino } from "../../support/espruino-sandbox.js";
import { frameOf, header } from "../../support/node-bench.js";
import { makeTestCa } from "../../support/test-ca.js";

const GATEWAY_NUM = 0x1234abcd;
const KEY = new Uint8Array(16).fill(7);

describe("gateway bundle with an operator's channel, role, root and TLS", () => {
  let broker: TestBroker | undefined;
  let board: FakeEspruino | undefined;
  afterEach(async () => {
    board?.shutdown();
    await broker?.stop();
  });

  it("uplinks a frame on its own channel under its root, over tls.connect", async () => {
    const ca = makeTestCa();
    broker = await startAedes({ key: ca.serverKey, cert: ca.serverCert });
    const got = broker.collect!("test/roof/#");
    const def = boardById("heltec-v3")!;
    const chip = new FakeSx1262(def.radio);
    board = fakeEspruino({
      chip,
      storage: {
        [BOARD_CONFIG_FILE]: {
          v: 1,
          nodeNum: GATEWAY_NUM,
          region: "US",
          deviceRole: "CLIENT_MUTE",
          primaryChannel: { name: "Roof", pskBase64: Buffer.from(KEY).toString("base64") },
          wifi: { ssid: "lab", password: "password123" },
          mqtt: { host: "127.0.0.1", port: broker.port, username: "gw", password: "s3cret", root: "test/roof", useTls: true },
        },
      },
    });
    const bundle = await buildBoardBundle("heltec-v3", "gateway");
    const ctx = bootInEspruinoSandbox(bundle.code, board.globals);
    // The bundle boots from a timeout, after its top-level function returned (build-bundle.ts boardEntry).
    await waitFor("the boot", () => (ctx.meshport as { booted: boolean }).booted);
    const runtime = (ctx.meshport as { runtime: any }).runtime;
    expect(board.lines.join("\n")).toContain("mqtt: 127.0.0.1:" + broker.port + " root test/roof");
    await waitFor("the gateway's MQTT subscription over TLS", () => {
      const s = runtime.status();
      return s.mqttConnected === true && s.mqtt.subAcks > 0;
    });
    expect(board.tlsConnects).toEqual([{ host: "127.0.0.1", port: broker.port }]);
    expect(board.connects).toEqual([]);
    expect(runtime.config).toMatchObject({ deviceRole: "CLIENT_MUTE", primaryChannel: { name: "Roof" }, mqtt: { useTls: true } });

    const h = header({ from: 0x99, id: 0x5a5a0002, channel: channelHash("Roof", KEY) });
    const frame = frameOf(h, { portnum: PortNum.TEXT_MESSAGE_APP, payload: utf8Encode("on the roof channel"), bitfield: 1 }, KEY);
    chip.receive([...frame], 160, 24);
    const topic = "test/roof/2/e/Roof/!1234abcd";
    const fromAir = (m: { topic: string; payload: Buffer }) => {
      const e = decodeEnvelope(new Uint8Array(m.payload));
      return m.topic === topic && e.ok && e.value.packet.from === 0x99 && e.value.packet.id === 0x5a5a0002;
    };
    await waitFor("the uplink on the operator's channel", () => got.some(fromAir));
    const env = decodeEnvelope(new Uint8Array(got.find(fromAir)!.payload));
    expect(env.ok && env.value.channelId).toBe("Roof");
  }, 30_000);
});
