// The gateway bundle as a board runs it, in the Espruino sandbox: Storage holds the configuration,
// Wifi is faked, `net` is bridged to real TCP, and SPI1/GPIO talk to the fake SX1262 of
// test/boards/radio, so the real SX1262 driver initialises the "chip" and reads a received frame
// from it. The bundle connects to an aedes broker on 127.0.0.1, subscribes, and uplinks the frame;
// a separate MQTT subscriber (mqtt-packet over a node socket) sees the ServiceEnvelope arrive. The
// console's status() and sendText() work in the property-renamed bundle, and an envelope the
// subscriber publishes comes out of the chip as a LoRa frame.
import { afterEach, describe, expect, it } from "vitest";
import { buildBoardBundle } from "../../../boards/bundle/build-bundle.js";
import { boardById } from "../../../boards/defs/index.js";
import { BOARD_CONFIG_FILE } from "../../../boards/runtime/board-config.js";
import { utf8Encode } from "../../../firmware/bytes/utf8.js";
import { PortableChannelCipher, tryChannelKey } from "../../../firmware/crypto/index.js";
import { decodeEnvelope, encodeEnvelope } from "../../../firmware/gateway/envelope.js";
import { PortNum, decodeLoraFrame } from "../../../firmware/wire/index.js";
import { FakeSx1262, Mode } from "../radio/fake-sx1262.js";
import { type TestBroker, startAedes, waitFor } from "../../support/brokers.js";
import { type Subscriber, subscribe } from "../../support/mqtt-subscriber.js";
import { bootInEspruinoSandbox, fakeEspruino } from "../../support/espruino-sandbox.js";
import type { FakeEspruino } from "../../support/espruino-sandbox.js";
import { DEFAULT_KEY, frameOf, header } from "../../support/node-bench.js";

const GATEWAY_NUM = 0x1234abcd;
const TOPIC = "msh/US/2/e/LongFast/!1234abcd";

/** The text of a TEXT_MESSAGE_APP envelope from the gateway itself on the default channel, else undefined. */
function ownText(payload: Buffer): string | undefined {
  const env = decodeEnvelope(new Uint8Array(payload));
  if (!env.ok || env.value.packet.from !== GATEWAY_NUM || env.value.packet.encrypted === undefined) return undefined;
  const p = env.value.packet;
  const d = tryChannelKey(new PortableChannelCipher(), DEFAULT_KEY, p.id ?? 0, p.from ?? 0, p.encrypted!);
  if (d === undefined || d.data.portnum !== PortNum.TEXT_MESSAGE_APP) return undefined;
  return Buffer.from(d.data.payload ?? new Uint8Array(0)).toString("utf8");
}

describe("gateway bundle in the Espruino sandbox", () => {
  let broker: TestBroker | undefined;
  let board: FakeEspruino | undefined;
  let sub: Subscriber | undefined;
  let air: ReturnType<typeof setInterval> | undefined;
  afterEach(async () => {
    if (air !== undefined) clearInterval(air);
    board?.shutdown();
    sub?.socket.destroy();
    await broker?.stop();
  });

  it("heltec-v3: connects over fake Wifi + real TCP, uplinks a received frame, answers the console, downlinks to the air", async () => {
    broker = await startAedes();
    const def = boardById("heltec-v3")!;
    const chip = new FakeSx1262(def.radio);
    // The air: every frame the chip starts sending ends 50 ms later (TX_DONE), so the node can send the next.
    air = setInterval(() => {
      if (chip.mode === Mode.TX) chip.finishTx();
    }, 50);
    board = fakeEspruino({
      chip,
      storage: {
        [BOARD_CONFIG_FILE]: {
          v: 1,
          nodeNum: GATEWAY_NUM,
          longName: "Sandbox gateway",
          shortName: "SBX",
          region: "US",
          wifi: { ssid: "lab", password: "password123" },
          mqtt: { host: "127.0.0.1", port: broker.port },
        },
      },
    });
    sub = subscribe(broker.port, "msh/US/2/e/#");
    const bundle = await buildBoardBundle("heltec-v3", "gateway");
    const ctx = bootInEspruinoSandbox(bundle.code, board.globals);
    const b = board;
    // The bundle boots from a timeout, after its top-level function returned (build-bundle.ts boardEntry).
    await waitFor("the boot", () => (ctx.meshport as { booted: boolean }).booted);
    const runtime = (ctx.meshport as { runtime: any }).runtime;
    expect(b.lines.join("\n")).not.toMatch(/radio: /);
    expect(runtime.radio).toBeDefined();

    // The console surface keeps its names in the minified, property-renamed bundle.
    await waitFor("the gateway's MQTT subscription", () => {
      const s = runtime.status();
      return s.mqttConnected === true && s.mqtt.subAcks > 0;
    });
    expect(runtime.status()).toMatchObject({ nodeId: "!1234abcd", radio: true, wifiUp: true, wifiAttempts: 1, net: { opens: 1 } });
    await waitFor("the test subscriber", () => sub!.subscribed);
    expect(b.wifiConnects).toEqual(["lab"]);
    expect(b.connects).toEqual([{ host: "127.0.0.1", port: broker.port }]);

    const h = header({ from: 0x99, id: 0x5a5a0001 });
    const frame = frameOf(h, { portnum: PortNum.TEXT_MESSAGE_APP, payload: utf8Encode("hello from the air"), bitfield: 1 });
    // RssiPkt 160 = -80 dBm, SnrPkt 24 = 6 dB (SX1261/2 datasheet 13.5.3).
    chip.receive([...frame], 160, 24);

    // The packet's uplink follows our first-sight NodeInfo to 0x99, which the modules send (and
    // Router::send uplinks) before Router::handleReceived publishes what it heard.
    const fromAir = (x: { topic: string; payload: Buffer | Uint8Array }) => {
      const e = decodeEnvelope(new Uint8Array(x.payload));
      return x.topic === TOPIC && e.ok && e.value.packet.from === 0x99;
    };
    await waitFor("the uplinked envelope", () => sub!.messages.some(fromAir));
    const m = sub.messages.find(fromAir)!;
    const env = decodeEnvelope(new Uint8Array(m.payload));
    expect(env.ok).toBe(true);
    if (!env.ok) return;
    expect(env.value.gatewayId).toBe("!1234abcd");
    expect(env.value.channelId).toBe("LongFast");
    expect(env.value.packet.from).toBe(0x99);
    expect(env.value.packet.id).toBe(0x5a5a0001);
    // Encrypted uplink (encryption_enabled is the default): the ciphertext is the frame's payload.
    expect(Buffer.from(env.value.packet.encrypted!).toString("hex")).toBe(Buffer.from(frame.subarray(16)).toString("hex"));
    const st = runtime.status();
    expect(st.driver.radioRx).toBe(1);
    expect(st.gateway.uplinked).toBeGreaterThanOrEqual(1);
    expect(st.history.recorded).toBeGreaterThanOrEqual(1);

    // sendText from the console: on the air (the fake chip's TX FIFO) and uplinked as our own packet.
    const before = chip.transmitted.length;
    runtime.sendText("typed at the console");
    await waitFor("the console text on the air", () => chip.transmitted.length > before);
    await waitFor("the console text uplinked", () => sub!.messages.some((x) => x.topic === TOPIC && ownText(x.payload) === "typed at the console"));
    expect(runtime.status().driver.radioTx).toBeGreaterThanOrEqual(1);

    // Downlink: another gateway's envelope from the broker goes on the air (decoded, checked by the
    // downlink policy and re-encoded by the renamed bundle, then written to the chip's FIFO).
    const dh = header({ from: 0x77, id: 0x0bad0001 });
    const downFrame = frameOf(dh, { portnum: PortNum.TEXT_MESSAGE_APP, payload: utf8Encode("from the broker"), bitfield: 0 });
    const envelope = encodeEnvelope({ from: 0x77, to: 0xffffffff, id: 0x0bad0001, channel: 8, hopLimit: 3, hopStart: 3, encrypted: downFrame.subarray(16) }, "LongFast", 0x99999999);
    const onAir = chip.transmitted.length;
    sub.publish("msh/US/2/e/LongFast/!99999999", envelope);
    await waitFor("the downlink on the air", () =>
      chip.transmitted.slice(onAir).some((f) => {
        const d = decodeLoraFrame(new Uint8Array(f));
        return d.ok && d.value.header.from === 0x77 && d.value.header.id === 0x0bad0001 && d.value.header.viaMqtt;
      }),
    );
    expect(runtime.status().gateway.downlinked).toBe(1);
  }, 30_000);
});
