// The board runtime's listen-before-talk: a valid LoRa header (SX126x HEADER_VALID, reported as
// rxStarted) makes the channel busy for the node until the frame ends (rx or rxError), or until
// the longest frame's time on air has passed if the end-of-frame IRQ is lost. Driven at fake time.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BUSY_GUARD_MARGIN_MS, EspruinoDriver } from "../../../boards/runtime/espruino-driver.js";
import type { LoraRadio, RadioConfig, RadioListener } from "../../../boards/radio/lora-radio.js";
import { PortableChannelCipher } from "../../../firmware/crypto/index.js";
import { BROADCAST } from "../../../firmware/mesh/packet.js";
import { defaultNodeConfig } from "../../../firmware/mesh/node-config.js";
import { SeededRng } from "../../../firmware/mesh/rng.js";
import { MeshNode } from "../../../firmware/node.js";
import { sendRequest } from "../../../firmware/node-events.js";
import { frameOf, header } from "../../support/node-bench.js";
import { PortNum } from "../../../firmware/wire/index.js";

class FakeRadio implements LoraRadio {
  readonly chip = "sx1262" as const;
  listener: RadioListener | undefined;
  sent: Uint8Array[] = [];
  init(_cfg: RadioConfig): void {}
  transmit(frame: Uint8Array): void {
    this.sent.push(frame);
  }
  startReceive(): void {}
  startCad(): void {}
  onIrq(): void {}
  setListener(l: RadioListener): void {
    this.listener = l;
  }
}

let consoleLog: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  vi.useFakeTimers();
  (globalThis as unknown as { getTime: () => number }).getTime = () => Date.now() / 1000;
  consoleLog = vi.spyOn(console, "log").mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  consoleLog.mockRestore();
  delete (globalThis as unknown as { getTime?: unknown }).getTime;
});

function setup() {
  const c = defaultNodeConfig(0x42);
  c.sendNodeInfo = false;
  c.sendPosition = false;
  const node = new MeshNode({ config: c, rng: new SeededRng(1), cipher: new PortableChannelCipher(), pki: undefined, startMs: 0, maxNodes: 0 });
  const radio = new FakeRadio();
  const driver = new EspruinoDriver(node, radio, undefined);
  driver.start();
  const listener = radio.listener as RadioListener;
  return { node, radio, driver, listener };
}

const text = { portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode("x"), bitfield: 0 };

describe("board runtime listen-before-talk", () => {
  it("holds our frame while another is being received, and sends it after that frame ends", () => {
    const { node, radio, driver, listener } = setup();
    listener.rxStarted();
    driver.post({ type: "app-send", request: sendRequest(BROADCAST, PortNum.TEXT_MESSAGE_APP, new Uint8Array([104, 105]), 0) });
    vi.advanceTimersByTime(800);
    expect(radio.sent).toHaveLength(0);
    // The other frame ends (decoded; hop limit 0 so we do not relay it): ours goes out.
    listener.rx(frameOf(header({ hopLimit: 0, hopStart: 3 }), text), -90, 5);
    vi.advanceTimersByTime(10_000);
    expect(radio.sent.map((f) => f[4] | (f[5] << 8) | (f[6] << 16))).toEqual([0x42]);
    driver.stop();
    expect(node.router.stats.txGood).toBe(1);
  });

  it("a frame that ends in a CRC error frees the channel too", () => {
    const { radio, driver, listener } = setup();
    listener.rxStarted();
    driver.post({ type: "app-send", request: sendRequest(BROADCAST, PortNum.TEXT_MESSAGE_APP, new Uint8Array([1]), 0) });
    vi.advanceTimersByTime(800);
    expect(radio.sent).toHaveLength(0);
    listener.rxError("crc");
    vi.advanceTimersByTime(10_000);
    expect(radio.sent).toHaveLength(1);
    driver.stop();
  });

  it("a lost end-of-frame IRQ does not silence the node: the channel is quiet again after the longest frame", () => {
    const { node, radio, driver, listener } = setup();
    const guardMs = node.timing.airtimeMs(255) + BUSY_GUARD_MARGIN_MS;
    listener.rxStarted();
    driver.post({ type: "app-send", request: sendRequest(BROADCAST, PortNum.TEXT_MESSAGE_APP, new Uint8Array([1]), 0) });
    vi.advanceTimersByTime(guardMs - 50);
    expect(radio.sent).toHaveLength(0);
    vi.advanceTimersByTime(10_000);
    expect(radio.sent).toHaveLength(1);
    driver.stop();
  });
});

describe("board runtime: a lost TX_DONE", () => {
  /** Advances fake time in 10 ms steps until the radio has `n` frames; returns the time that took. */
  function until(radio: FakeRadio, n: number): number {
    let t = 0;
    while (radio.sent.length < n && t < 60_000) {
      vi.advanceTimersByTime(10);
      t += 10;
    }
    expect(radio.sent).toHaveLength(n);
    return t;
  }

  it("takes the frame as sent after its time on air plus the margin, counts it, and the node sends again", () => {
    const { node, radio, driver } = setup();
    const send = (b: number) => driver.post({ type: "app-send", request: sendRequest(BROADCAST, PortNum.TEXT_MESSAGE_APP, new Uint8Array([b]), 0) });
    send(1);
    until(radio, 1);
    send(2);
    // No txDone from the radio: the second frame waits for the guard (airtime + margin)...
    const airtime = node.timing.airtimeMs(radio.sent[0].length);
    vi.advanceTimersByTime(airtime + BUSY_GUARD_MARGIN_MS - 50);
    expect(radio.sent).toHaveLength(1);
    expect(driver.stats.txDoneLost).toBe(0);
    // ...which then declares the first one sent, and the second goes out.
    until(radio, 2);
    expect(driver.stats.txDoneLost).toBe(1);
    expect(consoleLog).toHaveBeenCalledWith("radio: no TX_DONE; taking the frame as sent");
    driver.stop();
  });

  it("a TX_DONE that does come clears the guard", () => {
    const { radio, driver, listener } = setup();
    driver.post({ type: "app-send", request: sendRequest(BROADCAST, PortNum.TEXT_MESSAGE_APP, new Uint8Array([1]), 0) });
    until(radio, 1);
    listener.txDone();
    vi.advanceTimersByTime(60_000);
    expect(driver.stats.txDoneLost).toBe(0);
    driver.stop();
  });
});
