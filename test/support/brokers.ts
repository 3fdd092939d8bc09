// Real MQTT brokers on loopback for the integration tests: aedes in-process, and Debian's
// mosquitto as a child process on a free port (stopped by its PID). Both bind 127.0.0.1 only.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aedes } from "aedes";
import mqttPacket from "mqtt-packet";

export interface TestBroker {
  name: string;
  port: number;
  /** aedes only: collects every message published under `filter`. */
  collect?: (filter: string) => { topic: string; payload: Buffer }[];
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  restart(): Promise<void>;
}

export const MOSQUITTO = "/usr/sbin/mosquitto";
export const MOSQUITTO_PUB = "/usr/bin/mosquitto_pub";

/** Why mosquitto tests cannot run here, or undefined when they can. */
export function mosquittoUnavailable(): string | undefined {
  if (!existsSync(MOSQUITTO)) return "mosquitto is not installed (make test installs it with apt-get when run as root)";
  return undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error("timed out waiting for " + what);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on("error", () => resolve(false));
  });
}

/** aedes in-process; with `tls` it listens with that key and certificate instead of plain TCP. */
export async function startAedes(tlsOptions?: { key: string; cert: string }): Promise<TestBroker> {
  const port = await freePort();
  let server: net.Server | undefined;
  let broker: Aedes | undefined;
  const up = async () => {
    broker = await Aedes.createBroker();
    const b = broker;
    server = tlsOptions ? tls.createServer(tlsOptions, (socket) => b.handle(socket)) : net.createServer((socket) => b.handle(socket));
    await new Promise<void>((resolve) => (server as net.Server).listen(port, "127.0.0.1", () => resolve()));
  };
  const down = async () => {
    await new Promise<void>((resolve) => (broker ? broker.close(() => resolve()) : resolve()));
    // Closing the listener does not drop established connections: end them like a broker crash would.
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  };
  await up();
  const collect = (filter: string) => {
    const got: { topic: string; payload: Buffer }[] = [];
    broker?.subscribe(
      filter,
      (packet, cb) => {
        got.push({ topic: packet.topic, payload: Buffer.from(packet.payload as Buffer) });
        cb();
      },
      () => {},
    );
    return got;
  };
  return { name: "aedes", port, stop: down, restart: up, collect };
}

export interface MosquittoOptions {
  /**
   * Keep persistent (clean session 0) client sessions across a SIGKILL: persistence on, the
   * database saved after every change, and QoS 0 messages queued for an offline persistent client.
   * A subscriber that must see every message across broker crashes needs this: without it, what a
   * publisher sends between the restart and the subscriber's new SUBSCRIBE reaches nobody.
   */
  persistentSessions?: boolean;
}

export async function startMosquitto(options: MosquittoOptions = {}): Promise<TestBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "meshport-mosquitto-"));
  const conf = join(dir, "mosquitto.conf");
  const persistence = options.persistentSessions
    ? `persistence true\npersistence_location ${dir}/\nautosave_interval 1\nautosave_on_changes true\nqueue_qos0_messages true\nmax_queued_messages 0\n`
    : "persistence false\n";
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\n${persistence}`);
  let child: ChildProcess | undefined;
  const up = async () => {
    child = spawn(MOSQUITTO, ["-c", conf], { stdio: "ignore" });
    const deadline = Date.now() + 10_000;
    while (!(await portAccepts(port))) {
      if (Date.now() > deadline) throw new Error("mosquitto did not start on port " + port);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const down = async () => {
    const c = child;
    child = undefined;
    if (c === undefined || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
  };
  await up();
  return { name: "mosquitto", port, stop: down, restart: up };
}

/** Publishes a binary payload with Debian's mosquitto_pub. */
export function mosquittoPub(port: number, topic: string, payload: Uint8Array): void {
  const dir = mkdtempSync(join(tmpdir(), "meshport-pub-"));
  const file = join(dir, "payload.bin");
  writeFileSync(file, payload);
  const r = spawnSync(MOSQUITTO_PUB, ["-h", "127.0.0.1", "-p", String(port), "-t", topic, "-f", file], { timeout: 10_000 });
  if (r.status !== 0) throw new Error("mosquitto_pub failed: " + r.stderr?.toString());
}

/**
 * An MQTT 3.1.1 subscriber written with mqtt-packet (independent of the client under test) that
 * reconnects every `retryMs` while its broker is away and subscribes again after every CONNACK.
 */
export class ReconnectingSubscriber {
  readonly messages: { topic: string; payload: Buffer }[] = [];
  /** CONNACKs received. */
  connects = 0;
  /** SUBACKs received. */
  subAcks = 0;
  private socket: net.Socket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private connected = false;
  private nextId = 1;

  constructor(
    readonly port: number,
    readonly filter: string,
    readonly clientId: string,
    readonly cleanSession: boolean,
    readonly retryMs = 100,
  ) {
    this.open();
  }

  /** Connected, and the SUBSCRIBE sent after the latest CONNACK is acknowledged. */
  get ready(): boolean {
    return this.connected && this.subAcks >= this.connects;
  }

  /** QoS 0 publish; false when not connected. */
  publish(topic: string, payload: Uint8Array): boolean {
    if (!this.connected || this.socket === undefined) return false;
    this.socket.write(mqttPacket.generate({ cmd: "publish", topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false }));
    return true;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.socket?.destroy();
  }

  private open(): void {
    if (this.stopped) return;
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const s = net.connect({ host: "127.0.0.1", port: this.port });
    this.socket = s;
    parser.on("packet", (p: mqttPacket.Packet) => {
      if (p.cmd === "connack") {
        if (p.returnCode !== 0) return s.destroy();
        this.connects++;
        this.connected = true;
        s.write(mqttPacket.generate({ cmd: "subscribe", messageId: this.nextId++, subscriptions: [{ topic: this.filter, qos: 1 }] }));
      } else if (p.cmd === "suback") this.subAcks++;
      else if (p.cmd === "publish") {
        this.messages.push({ topic: p.topic, payload: Buffer.from(p.payload as Buffer) });
        if (p.qos === 1 && p.messageId !== undefined) s.write(mqttPacket.generate({ cmd: "puback", messageId: p.messageId }));
      }
    });
    parser.on("error", () => s.destroy());
    s.on("connect", () => s.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clientId: this.clientId, clean: this.cleanSession, keepalive: 0 })));
    s.on("data", (b: Buffer) => parser.parse(b));
    s.on("error", () => {});
    s.on("close", () => {
      this.connected = false;
      if (this.socket !== s || this.stopped) return;
      this.socket = undefined;
      // The SUBACK count is compared with the CONNACK count: forget an unanswered SUBSCRIBE.
      this.subAcks = this.connects;
      this.timer = setTimeout(() => this.open(), this.retryMs);
    });
  }
}
