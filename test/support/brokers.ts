// Real MQTT brokers on loopback for the integration tests: aedes in-process, and Debian's
// mosquitto as a child process on a free port (stopped by its PID). Both bind 127.0.0.1 only.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import net from "node:net";
import tls from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Aedes } from "aedes";

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

export async function startMosquitto(): Promise<TestBroker> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "meshport-mosquitto-"));
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
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
