// The real Espruino interpreter for tests: `espruino-esp32like` (Espruino 2v29 built for Linux like
// the ESP32 firmware: 16383 variables of 14 bytes, 32-bit, no Unicode, a 25,000-byte C stack,
// Storage memory-mapped from ./espruino.flash). Found on PATH or through MESHPORT_ESPRUINO; tests
// skip with ESPRUINO_MISSING when it is absent. Each RealEspruino runs in its own temporary
// directory (its own flash file), and code reaches it the way `meshport board flash --port tcp://`
// sends it (cli/board-upload.ts): over the telnet console.
//
// Why telnet and not stdin: the Linux build reads stdin on a second thread and its
// jshInterruptOff() is empty, so that thread appends to the input event the interpreter is
// popping; a 1 KB upload line then overflows the interpreter's stack (seen as SIGSEGV with the
// line's text in the registers, about one upload in three). The telnet console is read on the
// interpreter's own thread, as a UART is read under a real interrupt lock on the ESP32. Its port is
// fixed (2323 on Linux, libs/network/telnet/jswrap_telnet.c), so one interpreter at a time holds
// TELNET_LOCK across vitest's worker processes.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ESPRUINO_HOWTO, findEspruino } from "../../boards/bundle/run-espruino.js";
import type { ConsolePort, UploadStep } from "../../cli/board-upload.js";
import { sendUpload } from "../../cli/board-upload.js";

export const ESPRUINO_MISSING = "espruino-esp32like not found: " + ESPRUINO_HOWTO;
/** The interpreter binary (MESHPORT_ESPRUINO, else espruino-esp32like on PATH), or undefined. */
export const espruinoBinary = findEspruino;

/** The telnet console's port on Linux builds. */
export const TELNET_PORT = 2323;
const TELNET_LOCK = join(tmpdir(), "meshport-espruino-telnet.lock");
/** How long a test waits for another process's interpreter to finish. */
const LOCK_WAIT_MS = 600_000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Takes the telnet port for this process (a lock file holding our pid; a dead holder's lock is taken over). */
async function lockTelnet(): Promise<void> {
  const until = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(TELNET_LOCK, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch {
      let holder = NaN;
      try {
        holder = Number(readFileSync(TELNET_LOCK, "utf8"));
      } catch {
        continue;
      }
      if (!(holder > 0) || !pidAlive(holder)) rmSync(TELNET_LOCK, { force: true });
      else if (Date.now() > until) throw new Error("the Espruino telnet port is held by process " + holder + " for too long");
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function unlockTelnet(): void {
  try {
    if (Number(readFileSync(TELNET_LOCK, "utf8")) === process.pid) rmSync(TELNET_LOCK, { force: true });
  } catch {
    // already gone
  }
}

export class RealEspruino {
  readonly dir: string;
  private readonly proc: ChildProcess;
  private socket: net.Socket | undefined;
  /** Everything the interpreter printed on stdout and the telnet console (latin1), bounded. */
  output = "";
  private readonly dataListeners: ((s: string) => void)[] = [];
  private readonly closeListeners: (() => void)[] = [];
  exited = false;
  static readonly MAX_OUTPUT = 1 << 20;

  private constructor(binary: string, dir: string) {
    this.dir = dir;
    this.proc = spawn(binary, ["--telnet"], { cwd: this.dir, stdio: ["pipe", "pipe", "pipe"] });
    this.proc.stdout!.on("data", (b: Buffer) => this.onText(b));
    this.proc.stderr!.on("data", (b: Buffer) => this.onText(b));
    this.proc.on("exit", (code, signal) => {
      this.exited = true;
      this.output += "\n[espruino exited: " + (signal ?? "code " + code) + "]\n";
      for (const l of this.closeListeners.slice()) l();
    });
    this.proc.stdin!.on("error", () => {});
  }

  /**
   * Starts an interpreter in a new directory (optionally with a flash file copied in) and connects
   * to its telnet console.
   */
  static async start(binary: string): Promise<RealEspruino> {
    await lockTelnet();
    const e = new RealEspruino(binary, mkdtempSync(join(tmpdir(), "meshport-espruino-")));
    try {
      await e.waitFor(/espruino\.com/, 10_000, 0);
      await e.attach();
      // The console moves to telnet on connect; a line that prints proves it answers there.
      await e.evaluate("1");
      return e;
    } catch (err) {
      e.stop();
      throw err;
    }
  }

  /** Connects (again) to the telnet console; the console follows the newest connection. */
  async attach(): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        this.socket = await connectTelnet();
        break;
      } catch (err) {
        if (i >= 20) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    this.socket.on("data", (b: Buffer) => this.onText(b));
    this.socket.on("close", () => {
      for (const l of this.closeListeners.slice()) l();
    });
  }

  /** Lets another client (the `meshport board flash` command) have the telnet console. */
  detach(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      s.removeAllListeners("close");
      s.once("close", () => resolve());
      s.end();
    });
  }

  /** Writes a Storage file in acknowledged chunks. */
  async writeStorage(name: string, content: string): Promise<void> {
    const CHUNK = 512;
    for (let off = 0; off < content.length; off += CHUNK) {
      const size = off === 0 ? "," + content.length : "";
      const ok = await this.evaluate(`require("Storage").write(${JSON.stringify(name)},${JSON.stringify(content.substring(off, off + CHUNK))},${off}${size})`);
      if (ok !== true) throw new Error("Storage.write of " + name + " at " + off + " answered " + JSON.stringify(ok));
    }
  }

  private onText(b: Buffer): void {
    const s = b.toString("latin1");
    this.output += s;
    if (this.output.length > RealEspruino.MAX_OUTPUT) this.output = this.output.substring(this.output.length - RealEspruino.MAX_OUTPUT / 2);
    for (const l of this.dataListeners.slice()) l(s);
  }

  /** The console as cli/board-upload.ts talks to it. */
  get port(): ConsolePort {
    return {
      write: (s) => {
        if (this.socket !== undefined && !this.socket.destroyed) this.socket.write(Buffer.from(s, "latin1"));
      },
      onData: (cb) => {
        this.dataListeners.push(cb);
        return () => this.dataListeners.splice(this.dataListeners.indexOf(cb), 1);
      },
      onClose: (cb) => {
        this.closeListeners.push(cb);
        return () => this.closeListeners.splice(this.closeListeners.indexOf(cb), 1);
      },
    };
  }

  /** Sends an upload (uploadSteps) paced by its acknowledgements. */
  async upload(steps: UploadStep[]): Promise<void> {
    await sendUpload(this.port, steps, () => {});
  }

  /** Waits until the output from offset `from` on matches `re`; returns the match. */
  waitFor(re: RegExp, timeoutMs: number, from = this.output.length): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      let off = (): void => {};
      const timer = setTimeout(() => {
        off();
        reject(new Error("espruino: no " + re + " within " + timeoutMs + " ms; console tail:\n" + this.output.substring(Math.max(from, this.output.length - 3000))));
      }, timeoutMs);
      const check = (): void => {
        const m = re.exec(this.output.substring(from));
        if (m !== null) {
          off();
          clearTimeout(timer);
          resolve(m);
        } else if (this.exited) {
          off();
          clearTimeout(timer);
          reject(new Error("espruino exited; console tail:\n" + this.output.slice(-3000)));
        }
      };
      off = this.port.onData(check);
      check();
    });
  }

  private seq = 0;

  /**
   * Evaluates `expr` at the console and returns JSON.parse of its JSON.stringify. The line is sent
   * with echo off and the answer framed by markers, so console noise around it does not matter.
   */
  async evaluate(expr: string, timeoutMs = 10_000): Promise<unknown> {
    const n = ++this.seq;
    const from = this.output.length;
    this.send('print("<<E' + n + '"+JSON.stringify(' + expr + ')+"E' + n + '>>")');
    const m = await this.waitFor(new RegExp("<<E" + n + "([\\s\\S]*?)E" + n + ">>"), timeoutMs, from);
    return m[1] === "undefined" || m[1] === "" ? undefined : JSON.parse(m[1]);
  }

  /** Sends a statement (echo off) without waiting for anything. */
  send(stmt: string): void {
    this.port.write("\x10" + stmt + "\n");
  }

  stop(): void {
    this.socket?.destroy();
    if (!this.exited) this.proc.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
    unlockTelnet();
  }
}

function connectTelnet(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port: TELNET_PORT });
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });
}
