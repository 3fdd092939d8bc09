// The gateway against firmware 2.7.26 at MeshNode level (frames and envelopes in, frames, deliveries
// and publishes out, at virtual time): the MQTT rules docs/firmware-parity.md marks "same" for
// src/mqtt/MQTT.cpp, Router.cpp's MQTT block and NodeDB::updateFrom, each against the lines it follows.
import { describe, expect, it } from "vitest";
import { PortableChannelCipher } from "../../firmware/crypto/index.js";
import { channelHash } from "../../firmware/crypto/channel-hash.js";
import { encryptPki } from "../../firmware/crypto/pki.js";
import type { MqttGatewayConfig } from "../../firmware/gateway/mqtt-config.js";
import { defaultMqttConfig } from "../../firmware/gateway/mqtt-config.js";
import { BROADCAST } from "../../firmware/mesh/packet.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { nodePki } from "../../firmware/platform/node/index.js";
import { ChannelRole, DataCodec, PortNum, RebroadcastMode, RouteDiscoveryCodec, UserCodec } from "../../firmware/wire/index.js";
import type { Data } from "../../firmware/wire/index.js";
import { DEFAULT_KEY, NodeBench, frameOf, header } from "../support/node-bench.js";
import { GW as US, GW_EPOCH as EPOCH, downlink as down, gatewayBench as gateway, x25519 } from "../support/gateway-bench.js";

const cipher = new PortableChannelCipher();
const enc = new TextEncoder();
const text = (s: string, bitfield = 1): Data => ({ portnum: PortNum.TEXT_MESSAGE_APP, payload: enc.encode(s), bitfield });

describe("uplink (MQTT::onSend, Router.cpp 788-830)", () => {
  it("envelopes carry rx_time from the node's clock: our send time, and the time a frame was heard", () => {
    const { b, link } = gateway();
    b.advance(60_000);
    b.act((n, now) => n.sendText(BROADCAST, "mine", 0, false, now));
    b.advance(5_000);
    b.rx(frameOf(header({ from: 0x77, id: 0x4321 }), text("theirs")));
    const times = link.envelopes().map((e) => [e.packet.from, e.packet.rxTime]);
    expect(times).toEqual([
      [US, EPOCH / 1000 + 60],
      [0x77, EPOCH / 1000 + 65],
    ]);
  });

  it("each transmission of our want_ack DM goes through Router::send and is uplinked again (3 times)", () => {
    const { b, link } = gateway();
    let id = 0;
    b.act((n, now) => (id = n.sendText(0x99, "anyone?", 0, true, now)));
    b.advance(120_000);
    expect(b.sentOf(US, id)).toHaveLength(3);
    expect(link.envelopes().filter((e) => e.packet.id === id)).toHaveLength(3);
  });

  it("our broadcast asked with want_ack is uplinked without it (Router::send clears it first)", () => {
    const { b, link } = gateway();
    b.act((n, now) => n.sendText(BROADCAST, "all", 0, true, now));
    const [e] = link.envelopes();
    expect(e.packet.wantAck ?? false).toBe(false);
  });

  it("a NodeInfo claiming another user id is published in JSON with id !<from> (NodeInfoModule.cpp 78-85)", () => {
    const { b, link } = gateway((m) => (m.jsonEnabled = true));
    b.rx(frameOf(header({ from: 0x99 }), { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ id: "!12345678", longName: "Spoof" }), bitfield: 1 }));
    const docs = link.json().map((j) => j.doc.payload as Record<string, unknown>);
    expect(docs.map((d) => [d.id, d.longname])).toEqual([["!00000099", "Spoof"]]);
  });

  it("an undecodable DM between others is published on PKI, in JSON too as its header (MQTT.cpp 830-840)", () => {
    const { b, link } = gateway((m) => (m.jsonEnabled = true));
    b.rx(frameOf(header({ from: 0x77, to: 0x55, channel: 0 }), text("x"), new Uint8Array(32).fill(5)));
    expect(link.published.map((p) => p.topic)).toEqual(["msh/US/2/e/PKI/!00000010", "msh/US/2/json/PKI/!00000010"]);
    expect(link.json()[0].doc).toMatchObject({ from: 0x77, to: 0x55, type: "" });
  });

  it("an entry queued offline is followed by its JSON on reconnect, made from the encrypted envelope (MQTT.cpp 725-762)", () => {
    const { b, link } = gateway((m) => (m.jsonEnabled = true));
    link.connected = false;
    let id = 0;
    b.act((n, now) => (id = n.sendText(BROADCAST, "later", 0, false, now)));
    expect(link.published).toEqual([]);
    link.connected = true;
    b.act((n, now) => n.handle({ type: "tick" }, now));
    expect(link.published.map((p) => p.topic)).toEqual(["msh/US/2/e/LongFast/!00000010", "msh/US/2/json/LongFast/!00000010"]);
    // The JSON of a drained entry is the encrypted packet's header: type "", channel = the hash.
    expect(link.json()[0].doc).toMatchObject({ id, from: US, type: "", channel: 8 });
  });

  it("our unicast without a channel goes out, and up, on the channel the destination's NodeInfo came on (Router.cpp 262-268)", () => {
    const key = new Uint8Array(16).fill(3);
    const { b, link } = gateway(undefined, (c) =>
      c.channels.push({ role: ChannelRole.SECONDARY, name: "Second", psk: key, uplinkEnabled: true, downlinkEnabled: false, positionPrecision: 0 }),
    );
    const info: Data = { portnum: PortNum.NODEINFO_APP, payload: UserCodec.encode({ longName: "Two" }), bitfield: 1 };
    b.rx(frameOf(header({ from: 0x55, relayNode: 0x55, channel: channelHash("Second", key) }), info, key));
    b.act((n, now) => n.sendText(0x55, "back to you", 0, false, now));
    expect(link.envelopes().map((e) => [e.packet.from, e.topic])).toEqual([
      [0x55, "msh/US/2/e/Second/!00000010"],
      [US, "msh/US/2/e/Second/!00000010"],
    ]);
  });

  it("a relayed traceroute on an unencrypted channel is uplinked with our hop added (Router.cpp 803-821)", () => {
    const { b, link } = gateway(undefined, (c) => (c.channels[0].psk = new Uint8Array([0])));
    const request: Data = { portnum: PortNum.TRACEROUTE_APP, payload: RouteDiscoveryCodec.encode({}), wantResponse: true, bitfield: 1 };
    b.rx(frameOf(header({ from: 0x99, to: 0x77, hopLimit: 2, hopStart: 3, channel: channelHash("LongFast", null) }), request, null));
    const [e] = link.envelopes();
    const d = DataCodec.decode(e.packet.encrypted ?? new Uint8Array());
    if (!d.ok) throw new Error(d.error.message);
    const r = RouteDiscoveryCodec.decode(d.value.payload ?? new Uint8Array());
    // One relay before us (hop_start 3, hop_limit 2) that is not in the route: an unknown hop first (insertUnknownHops).
    expect(r.ok && r.value.route).toEqual([BROADCAST, US]);
  });

  it("traceroute JSON names the gateway itself (it is in its own NodeDB, MeshPacketSerializer.cpp 320-327)", () => {
    const { b, link } = gateway(
      (m) => (m.jsonEnabled = true),
      (c) => (c.longName = "GW"),
    );
    const reply: Data = { portnum: PortNum.TRACEROUTE_APP, payload: RouteDiscoveryCodec.encode({ routeBack: [] }), requestId: 0x55, bitfield: 1 };
    b.rx(frameOf(header({ from: 0x99, to: US, hopLimit: 3, hopStart: 3 }), reply));
    const tr = link.json().find((j) => j.doc.type === "traceroute");
    expect(tr?.doc.payload).toMatchObject({ route: ["GW", "Unknown"], route_back: ["Unknown", "GW"] });
  });
});

describe("NodeDB from MQTT (NodeDB::updateFrom 1935-1947)", () => {
  it("a downlinked packet (rx_snr 0) keeps the SNR learned on LoRa and marks the node via MQTT", () => {
    const { b } = gateway();
    b.rx(frameOf(header({ from: 0x77, id: 1 }), text("on air")), 6);
    down(b, { from: 0x77, to: BROADCAST, id: 2, channel: 8, encrypted: cipher.ctr(DEFAULT_KEY, 2, 0x77, DataCodec.encode(text("via broker"))), hopLimit: 3, hopStart: 3 });
    expect(b.delivered.map((p) => p.id)).toEqual([1, 2]);
    expect(b.node.nodes.get(0x77)).toMatchObject({ snr: 6, viaMqtt: true });
  });
});

describe("downlink acceptance (MQTT.cpp 120-160: perhapsDecode)", () => {
  it("a packet from node 0 is ours (isFromUs) and refused as from-us", () => {
    const { b } = gateway();
    down(b, { from: 0, to: BROADCAST, id: 3, channel: 8, encrypted: cipher.ctr(DEFAULT_KEY, 3, 0, DataCodec.encode(text("zero"))), hopLimit: 3, hopStart: 3 });
    expect(b.delivered).toEqual([]);
    expect(b.node.mqtt?.stats.downlinkDrops).toEqual({ "from-us": 1 });
  });

  it("KNOWN_ONLY: a plaintext packet from a sender without user info is refused, though already decoded (Router.cpp 428-435)", () => {
    const { b } = gateway(
      (m) => (m.encryptionEnabled = false),
      (c) => (c.rebroadcastMode = RebroadcastMode.KNOWN_ONLY),
    );
    down(b, { from: 0x77, to: BROADCAST, id: 4, decoded: text("stranger"), hopLimit: 3, hopStart: 3 });
    b.advance(30_000);
    expect(b.delivered).toEqual([]);
    expect(b.sent).toEqual([]);
    b.node.nodes.getOrCreate(0x77).user = { longName: "Known" };
    down(b, { from: 0x77, to: BROADCAST, id: 5, decoded: text("friend"), hopLimit: 3, hopStart: 3 });
    expect(b.delivered.map((p) => p.id)).toEqual([5]);
  });

  it("a PKI DM to us published under a channel topic is decrypted and delivered (perhapsDecode tries PKI first)", () => {
    const { b } = gateway(undefined, undefined, true);
    const peer = x25519();
    b.node.nodes.getOrCreate(0x99).user = { longName: "Peer", publicKey: peer.pub };
    const id = 0x777;
    const encrypted = encryptPki(nodePki, peer.priv, b.node.config.publicKey as Uint8Array, id, 0x99, 0x1234, DataCodec.encode(text("secret", 0)));
    down(b, { from: 0x99, to: US, id, channel: 0, encrypted: encrypted as Uint8Array, hopLimit: 3, hopStart: 3 });
    expect(b.delivered.map((p) => [p.id, p.pkiEncrypted, new TextDecoder().decode(p.decoded?.payload)])).toEqual([[id, true, "secret"]]);
  });

  it("a channel-encrypted text DM to us is refused at the MQTT layer: no delivery and no NAK on LoRa (Router.cpp 499-501)", () => {
    const { b } = gateway();
    down(b, { from: 0x77, to: US, id: 6, channel: 8, wantAck: true, encrypted: cipher.ctr(DEFAULT_KEY, 6, 0x77, DataCodec.encode(text("legacy DM"))), hopLimit: 3, hopStart: 3 });
    b.advance(30_000);
    expect(b.delivered).toEqual([]);
    expect(b.sent).toEqual([]);
    expect(b.node.mqtt?.stats.downlinkDrops).toEqual({ "no-local-channel": 1 });
  });
});

describe("the MQTT module's life (MQTT.cpp 584-614, NodeDB.cpp 901-913)", () => {
  function direct(mqtt: (m: MqttGatewayConfig) => void, node: (c: NodeConfig) => void): NodeBench {
    const m = defaultMqttConfig();
    m.enabled = true;
    mqtt(m);
    return new NodeBench(node, US, undefined, 7, { mqtt: m });
  }

  it("enabled but with no MQTT channel and no map reports it never connects; one downlink channel is enough", () => {
    const idle = direct(() => {}, () => {});
    idle.act((n, now) => n.handle({ type: "tick" }, now));
    idle.advance(60_000);
    expect(idle.node.mqtt).toBeUndefined();
    expect(idle.io).toEqual([]);
    const live = direct(() => {}, (c) => (c.channels[0].downlinkEnabled = true));
    live.act((n, now) => n.handle({ type: "tick" }, now));
    expect(live.io.map((a) => a.type)).toEqual(["socket-open"]);
  });

  it("the factory credentials are the default server's, kept when only the address changes", () => {
    const b = direct((m) => (m.address = "10.0.0.1"), (c) => (c.channels[0].uplinkEnabled = true));
    b.act((n, now) => n.handle({ type: "socket-opened", remoteAddress: "10.0.0.1" }, now));
    const connect = b.io.find((a) => a.type === "socket-write");
    const bytes = connect !== undefined && connect.type === "socket-write" ? connect.bytes : new Uint8Array();
    const ascii = new TextDecoder("latin1").decode(bytes);
    expect(ascii).toContain("meshdev");
    expect(ascii).toContain("large4cats");
  });

  it("a DISABLED slot with downlink_enabled left set is still subscribed (sendSubscriptions reads downlink_enabled only)", () => {
    const { link } = gateway(undefined, (c) =>
      c.channels.push({ role: ChannelRole.DISABLED, name: "Old", psk: new Uint8Array([1]), uplinkEnabled: false, downlinkEnabled: true, positionPrecision: 0 }),
    );
    expect(link.subscriptions).toEqual(["msh/US/2/e/LongFast/+", "msh/US/2/e/Old/+", "msh/US/2/e/PKI/+"]);
  });
});
