// `meshport listen`: the translator of the seed documents. Subscribes to a broker, decodes and
// decrypts every envelope, optionally de-duplicates copies uplinked by several gateways, prints
// one NDJSON line per packet, and can republish the firmware-2.7 JSON under a prefix.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fromBase64 } from "../firmware/bytes/base64.js";
import { expandPsk } from "../firmware/crypto/index.js";
import { TopicKind, parseTopic } from "../firmware/gateway/topics.js";
import { SeededRng } from "../firmware/mesh/rng.js";
import { MqttClient, connAckRefusalText } from "../firmware/mqtt/client.js";
import { BrokerSocket } from "../firmware/platform/node/broker-socket.js";
import { useBytePool } from "../firmware/platform/node/index.js";
import { createChannelCipher } from "../wasm/loader.js";
import type { NodeEvent } from "../firmware/node-events.js";
import { decodeItem } from "./decode-item.js";
import type { DecodeKey, DecodeOptions } from "./decode-item.js";
import { DEDUP_HOLD_MS, ListenDeduper } from "./listen-dedup.js";
import { jsonForRepublish } from "./listen-json.js";
import { UsageError } from "./usage-error.js";

export const LISTEN_USAGE = `usage: meshport listen --broker mqtt://HOST:PORT [--topic FILTER]... [--psk BASE64]...
                      [--dedup] [--dedup-window MS] [--republish PREFIX]
                      [--username U --password P] [--tls] [--ca FILE] [--insecure]

Subscribes (default topic msh/#), decodes and decrypts every ServiceEnvelope with the default key
and every --psk, and prints one JSON line per packet with the gateways that uplinked it. --dedup
prints a packet once, with every gateway that uplinked a copy within the window (default ${DEDUP_HOLD_MS} ms);
map reports (id 0) are matched by content. --republish PREFIX publishes the firmware 2.7 JSON of
each decoded packet under PREFIX/2/json/CHANNEL/!gateway. mqtts:// or --tls connects with TLS and
validates the certificate (--ca adds a CA, --insecure skips validation). Reconnects by itself.`;

export interface ListenArgs {
  host: string;
  port: number;
  tls: boolean;
  insecure: boolean;
  ca: string | undefined;
  topics: string[];
  keys: DecodeKey[];
  dedup: boolean;
  dedupWindowMs: number;
  republish: string | undefined;
  username: string | undefined;
  password: string | undefined;
}

function parseBroker(url: string): { host: string; port: number; tls: boolean } {
  const m = /^(mqtts?):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(url);
  if (m === null) throw new UsageError(`--broker ${url}: expected mqtt://HOST:PORT or mqtts://HOST:PORT`);
  const tls = m[1] === "mqtts";
  const port = m[3] === undefined ? (tls ? 8883 : 1883) : Number(m[3]);
  if (port < 1 || port > 65535) throw new UsageError(`--broker ${url}: port out of range`);
  return { host: m[2].replace(/^\[|\]$/g, ""), port, tls };
}

export function parseListenArgs(argv: string[]): ListenArgs {
  const a: ListenArgs = { host: "", port: 0, tls: false, insecure: false, ca: undefined, topics: [], keys: [], dedup: false, dedupWindowMs: DEDUP_HOLD_MS, republish: undefined, username: undefined, password: undefined };
  const addKey = (label: string) => {
    const raw = fromBase64(label);
    if (raw === undefined) throw new UsageError(`--psk ${label}: not base64`);
    const e = expandPsk(raw);
    if (e.kind === "invalid") throw new UsageError(`--psk ${label}: a key is 0 to 32 bytes, this one is ${raw.length}`);
    a.keys.push({ label, key: e.kind === "key" ? e.key : null });
  };
  addKey("AQ==");
  let broker: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === "--broker") broker = value();
    else if (arg === "--topic") a.topics.push(value());
    else if (arg === "--psk") addKey(value());
    else if (arg === "--dedup") a.dedup = true;
    else if (arg === "--dedup-window") {
      a.dedupWindowMs = Number(value());
      if (!(a.dedupWindowMs >= 0 && a.dedupWindowMs <= 600_000)) throw new UsageError("--dedup-window is 0 to 600000 ms");
    } else if (arg === "--republish") a.republish = value().replace(/\/+$/, "");
    else if (arg === "--username") a.username = value();
    else if (arg === "--password") a.password = value();
    else if (arg === "--tls") a.tls = true;
    else if (arg === "--insecure") a.insecure = true;
    else if (arg === "--ca") a.ca = value();
    else throw new UsageError(`unknown option ${arg}`);
  }
  if (broker === undefined) throw new UsageError("--broker is required");
  const b = parseBroker(broker);
  a.host = b.host;
  a.port = b.port;
  a.tls = a.tls || b.tls;
  if (a.password !== undefined && a.username === undefined) throw new UsageError("--password needs --username");
  if (a.topics.length === 0) a.topics.push("msh/#");
  return a;
}

interface Line {
  topic: string;
  json: Record<string, unknown>;
}

/** Runs until SIGINT/SIGTERM (or `signal` aborts); returns the exit status. */
export async function runListen(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream, signal?: AbortSignal): Promise<number> {
  useBytePool();
  const args = parseListenArgs(argv);
  const ca = args.ca === undefined ? undefined : readFileSync(args.ca);
  const options: DecodeOptions = { frame: false, keys: args.keys, cipher: createChannelCipher() };
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const seed = (Math.random() * 0xffffffff) >>> 0;
  const client = new MqttClient(
    { host: args.host, port: args.port, tls: args.tls, clientId: "meshport-listen-" + seed.toString(16), username: args.username, password: args.password, maxPacketBytes: 65536 },
    new SeededRng(seed),
  );
  const dedup = new ListenDeduper<Line>(args.dedupWindowMs);
  let timer: NodeJS.Timeout | undefined;
  let dedupTimer: NodeJS.Timeout | undefined;
  let subAcksSeen = 0;

  const print = (line: Line, gateways: string[]) => out.write(JSON.stringify({ topic: line.topic, gateways, ...line.json }) + "\n");

  const onMessage = (topic: string, payload: Uint8Array) => {
    const t = parseTopic(topic);
    if (t === undefined || (t.kind !== TopicKind.Encrypted && t.kind !== TopicKind.Map && t.kind !== TopicKind.Legacy)) return;
    const r = decodeItem(payload, options);
    if (!r.ok) {
      out.write(JSON.stringify({ topic, error: r.message, code: r.code }) + "\n");
      return;
    }
    const json = r.json as Record<string, any>;
    const gatewayId: string = json.envelope?.gatewayId ?? t.gatewayId;
    const line: Line = { topic, json };
    if (args.republish !== undefined) {
      const j = jsonForRepublish(payload, options, gatewayId);
      if (j !== undefined) client.publish(`${args.republish}/2/json/${j.channelId}/${gatewayId}`, j.text, 0, false, now());
    }
    if (!args.dedup) {
      print(line, [gatewayId]);
      return;
    }
    dedup.see(ListenDeduper.keyOf(json.packet?.from ?? 0, json.packet?.id ?? 0, String(json.data?.payload ?? "")), gatewayId, line, now());
  };

  const socket = new BrokerSocket({ ca, onEvent: (e) => handle(e) });
  const handle = (e: NodeEvent | { type: "tick" }) => {
    const t = now();
    if (e.type === "socket-opened") client.onSocketOpened(t);
    else if (e.type === "socket-data") client.onSocketData(e.bytes, t);
    else if (e.type === "socket-closed") client.onSocketClosed(e.reason, t);
    client.tick(t);
    // Handling a delivery may publish (--republish), which queues more actions: drain until empty.
    for (let acts = client.takeActions(); acts.length > 0; acts = client.takeActions()) {
      for (const a of acts) {
        if (a.type === "socket-open") socket.open({ type: "socket-open", host: a.host, port: a.port, tls: a.tls, tlsInsecure: args.insecure });
        else if (a.type === "socket-write") socket.write(a.bytes);
        else if (a.type === "socket-close") socket.close();
        else if (a.type === "deliver") onMessage(a.topic, a.payload);
        else if (a.type === "connected") err.write(`meshport listen: connected to ${args.host}:${args.port}\n`);
        else if (a.type === "connect-failed")
          err.write(`meshport listen: ${a.returnCode !== undefined ? "broker refused the connection: " + connAckRefusalText(a.returnCode) : a.detail}; retrying in ${Math.round((a.retryAtMs - t) / 1000)} s\n`);
        else if (a.type === "disconnected") err.write(`meshport listen: disconnected (${a.detail})\n`);
      }
    }
    if (client.stats.subAcks > subAcksSeen) {
      subAcksSeen = client.stats.subAcks;
      err.write(`meshport listen: subscribed to ${args.topics.join(" ")}\n`);
    }
    if (timer !== undefined) clearTimeout(timer);
    const d = client.nextDeadline();
    timer = d === undefined ? undefined : setTimeout(() => handle({ type: "tick" }), Math.max(0, d - now()));
  };

  client.setSubscriptions(args.topics, 0);
  client.start(now());
  handle({ type: "tick" });
  if (args.dedup)
    dedupTimer = setInterval(() => {
      for (const e of dedup.takeReady(now())) print(e.item, e.gateways);
    }, Math.max(50, Math.min(500, args.dedupWindowMs / 4)));

  await new Promise<void>((resolve) => {
    const finish = () => resolve();
    process.once("SIGINT", finish);
    process.once("SIGTERM", finish);
    signal?.addEventListener("abort", finish);
  });
  for (const e of dedup.flush()) print(e.item, e.gateways);
  client.stop(now());
  for (const a of client.takeActions()) if (a.type === "socket-write") socket.write(a.bytes);
  if (timer !== undefined) clearTimeout(timer);
  if (dedupTimer !== undefined) clearInterval(dedupTimer);
  socket.close();
  return 0;
}
