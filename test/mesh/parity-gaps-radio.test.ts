// Radio, airtime, defaults and channels of firmware 2.7.26 (src/mesh/RadioInterface.cpp,
// RadioLibInterface.cpp, Default.cpp, airtime.cpp, Channels.cpp) that docs/firmware-parity.md marks
// "same" and no other test pins at MeshNode level: frames in, frames and deliveries out.
import { describe, expect, it } from "vitest";
import { radioConfigFor } from "../../boards/radio/lora-radio.js";
import { channelHash } from "../../firmware/crypto/channel-hash.js";
import { PortableChannelCipher } from "../../firmware/crypto/index.js";
import { MAX_INTERVAL_MS, configuredOrDefaultMsScaled, presetCongestionCoefficient } from "../../firmware/mesh/congestion.js";
import { defaultNodeConfig, normalizeConfig, setRole } from "../../firmware/mesh/node-config.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import { ModemPreset } from "../../firmware/mesh/modem-preset.js";
import { RegionCode } from "../../firmware/mesh/regions.js";
import { sendRequest } from "../../firmware/node-events.js";
import { ChannelRole, DataCodec, PortNum, Role, RoutingError, TelemetryCodec } from "../../firmware/wire/index.js";
import { LONGFAST_HASH, NodeBench, frameOf, header } from "../support/node-bench.js";
import { US, routing, text } from "../support/factory-bench.js";

const SLOT = 28; // LongFast slot time (RadioInterface::computeSlotTimeMsec)
const CW_MAX_SLOTS = 2 * 8; // 2·CWmax slots before a non-router's relay window
const f32 = Math.fround;

describe("RadioInterface.cpp", () => {
  it("a preset wider than the region's band is LONG_FAST at boot: LongFast hash and airtime, default channel (RadioInterface.cpp 508-534, 801-830)", () => {
    const b = new NodeBench((c) => {
      c.region = RegionCode.EU_868;
      c.modemPreset = ModemPreset.SHORT_TURBO;
    });
    b.act((n, now) => n.sendText(BROADCAST, "eu", 0, false, now));
    b.advance(10_000);
    expect(b.sent[0].header.channel).toBe(LONGFAST_HASH);
    const longFast = new NodeBench();
    expect(b.sent[0].airtimeMs).toBe(longFast.node.timing.airtimeMs(16 + b.sent[0].payload.length));
    // The map report's has_default_channel, computed once the radio is set up (Channels.cpp 390-401).
    expect(b.node.hasDefaultChannel).toBe(true);
  });

  it("the boot-time telemetry floor ignores the frequency slot: uses_default_frequency_slot is still true (NodeDB.cpp 336-348; RadioInterface.cpp 222, 853-856)", () => {
    const minutes = (channelNum: number) => {
      const b = new NodeBench((c) => {
        c.channelNum = channelNum;
        c.deviceTelemetryEnabled = true;
        c.telemetryIntervalSecs = 600;
      });
      b.advance(32 * 60_000);
      return [b.sent.filter((s) => s.data?.portnum === PortNum.TELEMETRY_APP).map((s) => Math.round(s.at / 60_000)), b.node.hasDefaultChannel];
    };
    // Slot 5 is not LongFast's default slot: the map report says so, the floor applies all the same.
    expect(minutes(5)).toEqual([[1, 31], false]);
    expect(minutes(0)).toEqual([[1, 31], true]);
  });

  it("a primary channel named Default is fixed up to the preset name before the slot is hashed (Channels.cpp 71-73; RadioInterface.cpp 845-856)", () => {
    const c = defaultNodeConfig(US);
    c.channels[0].name = "Default";
    const b = new NodeBench((cfg) => (cfg.channels[0].name = "Default"));
    expect(b.node.hasDefaultChannel).toBe(true);
    // The board tunes the normalised config (unit): US LongFast slot 19, 906.875 MHz.
    expect(radioConfigFor(normalizeConfig(c)).freqMhz).toBe(906.875);
  });
});

describe("RadioLibInterface.cpp", () => {
  it("a received frame replaces a pending transmit delay with a fresh draw (RadioLibInterface.cpp 64-85, 372-375)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const b = new NodeBench(undefined, US, undefined, seed);
      b.rx(frameOf(header({ id: 0x100 }), text("a")));
      b.advance(100);
      b.rx(frameOf(header({ from: 0x98, relayNode: 0x98, id: 0x101, hopLimit: 0 }), text("b")));
      b.advance(10_000);
      const at = b.sentOf(0x99, 0x100)[0].at;
      expect((at - 100) % SLOT, `seed ${seed}`).toBe(0);
      expect(at, `seed ${seed}`).toBeGreaterThanOrEqual(100 + CW_MAX_SLOTS * SLOT);
    }
  });

  it("a packet to NODENUM_BROADCAST_NO_LORA is not queued for the radio (RadioLibInterface.cpp 178-181)", () => {
    const b = new NodeBench();
    b.act((n, now) => n.send(sendRequest(1, PortNum.TEXT_MESSAGE_APP, new TextEncoder().encode("local"), 0), now));
    b.advance(60_000);
    expect(b.sent).toEqual([]);
    expect(b.node.router.stats.drops).toEqual({});
  });

  it("our own packet waits random(0, 2^CW)·slot, CW 3 on an idle channel (RadioLibInterface.cpp 430-435, 443-450; RadioInterface.cpp 576-585)", () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 60; seed++) {
      const b = new NodeBench(undefined, US, undefined, seed);
      b.act((n, now) => n.sendText(BROADCAST, "x", 0, false, now));
      b.advance(1_000);
      seen.add(b.sent[0].at);
    }
    expect([...seen].sort((a, c) => a - c)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((k) => k * SLOT));
  });

  it("a late packet's tx_after moves on by a fresh weighted delay when a frame is received (RadioLibInterface.cpp 425-429)", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const b = new NodeBench((c) => setRole(c, Role.ROUTER_LATE), US, undefined, seed);
      b.rx(frameOf(header({ id: 0x200 }), text("a")));
      b.rx(frameOf(header({ id: 0x200, relayNode: 0x42, hopLimit: 2 }), text("a")));
      const late = b.node.router.queue.find(0x99, 0x200)?.txAfter ?? 0;
      // worst(SNR 6) = (16 + 2^7)·28 ms from now (RadioInterface.cpp 600-605).
      expect(late).toBe((CW_MAX_SLOTS + 128) * SLOT);
      b.advance(100);
      b.rx(frameOf(header({ from: 0x98, relayNode: 0x98, id: 0x201, hopLimit: 0 }), text("b")));
      b.advance(20_000);
      const at = b.sentOf(0x99, 0x200)[0].at;
      expect(at - late, `seed ${seed}`).toBeGreaterThanOrEqual(CW_MAX_SLOTS * SLOT);
      expect((at - late) % SLOT, `seed ${seed}`).toBe(0);
    }
  });

  it("a finished transmission books its airtime in the hour's TX and counts in LocalStats (RadioLibInterface.cpp 506-529)", () => {
    const b = new NodeBench();
    b.act((n, now) => n.sendText(BROADCAST, "x".repeat(200), 0, false, now));
    b.advance(300);
    expect(b.sent).toHaveLength(1);
    expect(b.node.airUtilTx(b.now)).toBe(0);
    b.advance(5_000);
    const ms = b.sent[0].airtimeMs;
    expect(b.node.airUtilTx(b.now)).toBe(f32(f32(f32(ms) / 3_600_000) * 100));
    b.rx(frameOf(header({ to: US, id: 0x300 }), { portnum: PortNum.TELEMETRY_APP, payload: TelemetryCodec.encode({ localStats: {} }), wantResponse: true, bitfield: 2 }));
    b.advance(10_000);
    const reply = TelemetryCodec.decode(b.sent.find((s) => s.data?.portnum === PortNum.TELEMETRY_APP)?.data?.payload ?? new Uint8Array());
    expect(reply.ok && [reply.value.localStats?.numPacketsTx, reply.value.localStats?.numTxRelay ?? 0]).toEqual([1, 0]);
  });

  it("a frame shorter than the header is a bad frame whose airtime is booked (RadioLibInterface.cpp 572-579)", () => {
    const b = new NodeBench();
    b.rx(new Uint8Array(10));
    expect(b.node.router.stats.drops["bad-frame"]).toBe(1);
    expect(b.node.localStats().rxBad).toBe(1);
    expect(b.node.channelUtilization(b.now)).toBe(f32(f32(f32(b.node.timing.airtimeMs(10)) / 60_000) * 100));
    expect(b.heard()).toEqual([]);
  });

  it("a good frame's airtime counts toward channel utilisation, in float (RadioLibInterface.cpp 609-623; airtime.cpp 103-111)", () => {
    const b = new NodeBench();
    const f = frameOf(header({ hopLimit: 0 }), text("x".repeat(232)));
    expect(f.length).toBe(255);
    b.rx(f);
    expect(b.node.timing.airtimeMs(255)).toBe(2156);
    expect(b.node.channelUtilization(b.now)).toBe(f32(f32(2156 / 60_000) * 100));
  });
});

describe("Default.cpp and airtime.cpp", () => {
  it("the scaled interval saturates when the double product reaches INT32_MAX, else truncates the float product (Default.cpp 53-60) (unit)", () => {
    const coef = presetCongestionCoefficient(41, ModemPreset.LONG_FAST);
    // 1,984,882 s × 1.08192: the double product is just below INT32_MAX, the float one rounds up to 2^31.
    const secs = 1_984_882;
    expect(secs * 1000 * coef).toBeLessThan(MAX_INTERVAL_MS);
    expect(configuredOrDefaultMsScaled(secs, 3600, 41, Role.CLIENT, ModemPreset.LONG_FAST)).toBe(2 ** 31);
    expect(configuredOrDefaultMsScaled(secs + 1, 3600, 41, Role.CLIENT, ModemPreset.LONG_FAST)).toBe(MAX_INTERVAL_MS);
  });

  it("over half the duty cycle in the hour our periodic NodeInfo is skipped, unless the duty cycle is overridden (airtime.cpp 134-145; NodeInfoModule.cpp 221)", () => {
    const nodeInfoAt = (override: boolean) => {
      const b = new NodeBench((c) => {
        c.region = RegionCode.EU_868;
        c.sendNodeInfo = true;
        c.nodeInfoBroadcastSecs = 3600;
        c.overrideDutyCycle = override;
      });
      b.advance(3000_000);
      // 200 s of our own TX in the hour (5.6 % ≥ 10 %·50/100), out of the channel's minute by the next run.
      b.node.timing.recordTx(200_000, b.now);
      b.advance(4300_000);
      return b.sent.filter((s) => s.data?.portnum === PortNum.NODEINFO_APP).map((s) => Math.floor(s.at / 1000));
    };
    expect([nodeInfoAt(false), nodeInfoAt(true)]).toEqual([
      [30, 7230],
      [30, 3630, 7230],
    ]);
  });
});

describe("Channels.cpp", () => {
  const onChannel = (channel: number, configure?: (c: NodeConfig) => void) => {
    const b = new NodeBench(configure);
    let id = -1;
    b.act((n, now) => (id = n.send(sendRequest(BROADCAST, PortNum.TEXT_MESSAGE_APP, new TextEncoder().encode("x"), channel), now)));
    b.advance(10_000);
    return { b, id };
  };

  it("a DISABLED channel, or one past the table, has no key: our packet on it is NAKed NO_CHANNEL (Channels.cpp 216-217, 306-316; Router.cpp 685-687)", () => {
    for (const r of [
      onChannel(1, (c) => c.channels.push({ role: ChannelRole.DISABLED, name: "off", psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: false, positionPrecision: 0 })),
      onChannel(5),
    ]) {
      expect(r.id).toBe(0);
      expect(r.b.sent).toEqual([]);
      expect(r.b.delivered.filter((p) => p.decoded?.portnum === PortNum.ROUTING_APP).map((p) => routing(p.decoded))).toEqual([RoutingError.NO_CHANNEL]);
    }
  });

  it("a SECONDARY channel with an empty psk uses the primary's key (Channels.cpp 218-227)", () => {
    const key = new Uint8Array(16).fill(3);
    const { b } = onChannel(1, (c) => {
      c.channels[0].psk = key;
      c.channels.push({ role: ChannelRole.SECONDARY, name: "b", psk: new Uint8Array(0), uplinkEnabled: false, downlinkEnabled: false, positionPrecision: 0 });
    });
    const s = b.sent[0];
    expect(s.header.channel).toBe(channelHash("b", key));
    const d = DataCodec.decode(new PortableChannelCipher().ctr(key, s.header.id, s.header.from, s.payload));
    expect(d.ok && new TextDecoder().decode(d.value.payload)).toBe("x");
  });
});
