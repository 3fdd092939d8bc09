// Portable code as a board gets it: bundled by esbuild with the Espruino feature gates (syntax
// Espruino lacks fails the build; shared spec espruino.md section 1.2), minified to ASCII, then run
// in a V8 sandbox with the globals Espruino lacks removed and typed-array slice() returning a plain
// Array as on Espruino.
import { createCipheriv, randomBytes } from "node:crypto";
import nodeNet from "node:net";
import nodeTls from "node:tls";
import { performance } from "node:perf_hooks";
import { runInNewContext } from "node:vm";

import { committedMissing } from "../../boards/bundle/espruino-builtins.js";
import type { EspruinoMissing } from "../../boards/bundle/espruino-builtins.js";

// The bundler lives in boards/bundle/; the tests use the same build the boards get.
export { bundleForEspruino, espruinoSupported, ESPRUINO_UNSUPPORTED } from "../../boards/bundle/build-bundle.js";

/**
 * Removes what Espruino lacks from the sandbox's globals: every global, static and prototype member
 * the real interpreter was probed to lack (boards/bundle/espruino-missing.json), and typed-array
 * slice() returns a plain Array as on Espruino.
 */
export const STRIP_ESPRUINO_GLOBALS = stripProgram(committedMissing());

function stripProgram(m: EspruinoMissing): string {
  const lines = [`for (const name of ${JSON.stringify(m.globals)}) delete globalThis[name];`];
  for (const st of m.statics) {
    const dot = st.indexOf(".");
    lines.push(`delete ${st.substring(0, dot)}[${JSON.stringify(st.substring(dot + 1))}];`);
  }
  for (const p of m.prototype) {
    const [holder, , member] = p.split(".");
    // Typed-array methods live on %TypedArray%.prototype, one level up from Uint8Array.prototype.
    const target = holder === "Uint8Array" ? "Object.getPrototypeOf(Uint8Array.prototype)" : holder + ".prototype";
    lines.push(`delete ${target}[${JSON.stringify(member)}]; delete ${holder}.prototype[${JSON.stringify(member)}];`);
  }
  lines.push("const plainSlice = [].slice;");
  lines.push("for (const T of [Uint8Array, Int8Array, Uint16Array, Int16Array, Uint32Array, Int32Array, Float32Array, Float64Array])");
  lines.push("  T.prototype.slice = function (a, b) { return plainSlice.call(this, a, b); };");
  return "\n" + lines.join("\n") + "\n";
}

export interface SandboxOptions {
  /** More code to run after the standard stripping (e.g. removing toPrecision). */
  extraStrip?: string;
  /** Values the scenario reads as globals. */
  globals?: Record<string, unknown>;
  timeoutMs?: number;
}

/** Runs the bundle and then `scenario` (which sets `result`) in a stripped sandbox; returns `result`. */
export function runInEspruinoSandbox(bundle: string, scenario: string, o: SandboxOptions = {}): unknown {
  const sandbox: Record<string, unknown> = { ...o.globals };
  runInNewContext(STRIP_ESPRUINO_GLOBALS + (o.extraStrip ?? "") + bundle + scenario, sandbox, { timeout: o.timeoutMs ?? 10_000 });
  return sandbox.result;
}

/**
 * Runs a board bundle (which starts itself) in a stripped sandbox with `globals` and returns the
 * context, so the caller can reach the bundle's global (`meshport`) while its timers keep running.
 */
export function bootInEspruinoSandbox(bundle: string, globals: Record<string, unknown>, timeoutMs = 10_000): Record<string, unknown> {
  const context: Record<string, unknown> = { ...globals };
  runInNewContext(STRIP_ESPRUINO_GLOBALS + bundle, context, { timeout: timeoutMs });
  return context;
}

// ------------------------------------------------------------------ a fake Espruino board

/** The SX126x/SX127x fakes of test/boards/radio implement both seams. */
export interface FakeRadioChip {
  send(data: Uint8Array, nss: number): Uint8Array;
  write(pin: number, value: boolean): void;
  read(pin: number): boolean;
  watch(pin: number, rising: boolean, cb: () => void): void;
}

export interface FakeEspruinoOptions {
  /** Storage files as parsed JSON (readJSON answers a copy). */
  storage?: Record<string, unknown>;
  /** require("crypto") has AES (node:crypto aes-*-ecb), as on the ESP32 builds; false: require throws. */
  crypto?: boolean;
  /** The radio chip on SPI1 and the GPIOs; without one, SPI reads 0x00 (no chip answers). */
  chip?: FakeRadioChip;
  /** Wifi.connect answers after this many ms (default 5). */
  wifiDelayMs?: number;
}

export interface FakeEspruino {
  globals: Record<string, unknown>;
  /** console.log lines. */
  lines: string[];
  storage: Record<string, unknown>;
  /** AES.encrypt calls and the modes they asked for. */
  aesModes: string[];
  /** net.connect calls. */
  connects: { host: string; port: number }[];
  /** tls.connect calls (bridged to node:tls without certificate checks, as Espruino's TLS does). */
  tlsConnects: { host: string; port: number }[];
  wifiConnects: string[];
  /** Clears every timer and destroys every socket the bundle made. */
  shutdown(): void;
}

/**
 * Globals that stand in for Espruino's: E, getTime, require("net" | "tls" | "Wifi" | "Storage" | "crypto"),
 * SPI1, setWatch, digitalWrite/Read, pinMode, D0..D48, timers and console. `net` is bridged to real
 * TCP sockets on the host (byte strings in and out, like Espruino's), so a bundle can talk to a real
 * broker on loopback.
 */
export function fakeEspruino(o: FakeEspruinoOptions = {}): FakeEspruino {
  const lines: string[] = [];
  const storage: Record<string, unknown> = { ...o.storage };
  const aesModes: string[] = [];
  const connects: { host: string; port: number }[] = [];
  const tlsConnects: { host: string; port: number }[] = [];
  const wifiConnects: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets: (nodeNet.Socket | nodeTls.TLSSocket)[] = [];
  const t0 = performance.now();
  const chip = o.chip;

  const setTimeoutFake = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
    return t;
  };
  const clearTimeoutFake = (t: NodeJS.Timeout) => {
    timers.delete(t);
    clearTimeout(t);
  };

  const E = {
    toString: (d: ArrayLike<number>) => {
      let s = "";
      for (let i = 0; i < d.length; i++) s += String.fromCharCode(d[i] & 0xff);
      return s;
    },
    toUint8Array: (s: string | ArrayLike<number>) => {
      const out = new Uint8Array(s.length);
      for (let i = 0; i < s.length; i++) out[i] = (typeof s === "string" ? s.charCodeAt(i) : s[i]) & 0xff;
      return out;
    },
    hwRand: () => randomBytes(4).readInt32LE(0),
  };

  // An Espruino socket over a host socket; `secure`: tls.connect, which Espruino runs without
  // certificate checks (libs/network/network.c ssl_newSocketData: MBEDTLS_SSL_VERIFY_NONE).
  const connectSocket = (opts: { host: string; port: number }, cb: (s: unknown) => void, secure: boolean) => {
    const listeners: Record<string, ((x?: unknown) => void)[]> = {};
    const emit = (ev: string, x?: unknown) => {
      for (const f of listeners[ev] ?? []) f(x);
    };
    const host = secure ? nodeTls.connect({ host: opts.host, port: opts.port, rejectUnauthorized: false }) : nodeNet.connect({ host: opts.host, port: opts.port });
    sockets.push(host);
    const sock = {
      on(ev: string, f: (x?: unknown) => void) {
        (listeners[ev] ??= []).push(f);
      },
      write(data: string) {
        if (typeof data !== "string") throw new Error("Espruino sockets take strings; got " + typeof data);
        host.write(Buffer.from(data, "latin1"));
      },
      end() {
        host.end();
      },
    };
    host.on(secure ? "secureConnect" : "connect", () => cb(sock));
    host.on("data", (b: Buffer) => emit("data", b.toString("latin1")));
    host.on("error", (e: NodeJS.ErrnoException) => emit("error", { code: -1, message: e.message }));
    host.on("close", () => emit("close"));
    return sock;
  };
  const net = {
    connect(opts: { host: string; port: number }, cb: (s: unknown) => void) {
      connects.push({ host: opts.host, port: opts.port });
      return connectSocket(opts, cb, false);
    },
  };
  const tls = {
    connect(opts: { host: string; port: number }, cb: (s: unknown) => void) {
      tlsConnects.push({ host: opts.host, port: opts.port });
      return connectSocket(opts, cb, true);
    },
  };

  const wifiListeners: Record<string, ((x: unknown) => void)[]> = {};
  const wifi = {
    connect(ssid: string, _opts: { password: string }, cb: (err: string | null) => void) {
      wifiConnects.push(ssid);
      setTimeoutFake(() => cb(null), o.wifiDelayMs ?? 5);
    },
    disconnect() {},
    on(ev: string, f: (x: unknown) => void) {
      (wifiListeners[ev] ??= []).push(f);
    },
  };

  const Storage = {
    readJSON: (name: string) => (name in storage ? JSON.parse(JSON.stringify(storage[name])) : undefined),
    writeJSON: (name: string, data: unknown) => {
      storage[name] = JSON.parse(JSON.stringify(data));
      return true;
    },
  };

  const crypto = {
    AES: {
      encrypt(data: Uint8Array, key: Uint8Array, opts: { mode: string }) {
        aesModes.push(opts.mode);
        if (opts.mode !== "ECB") throw new Error("the fake only does ECB (Espruino's CTR ignores the IV)");
        const c = createCipheriv(key.length === 32 ? "aes-256-ecb" : "aes-128-ecb", Buffer.from(key), null);
        c.setAutoPadding(false);
        const out = Buffer.concat([c.update(Buffer.from(data)), c.final()]);
        return out.buffer.slice(out.byteOffset, out.byteOffset + out.length);
      },
    },
  };

  const requireFake = (name: string) => {
    if (name === "net") return net;
    if (name === "tls") return tls;
    if (name === "Wifi") return wifi;
    if (name === "Storage") return Storage;
    if (name === "crypto") {
      if (o.crypto === false) throw new Error('Module crypto not found');
      return crypto;
    }
    throw new Error("Module " + name + " not found");
  };

  const globals: Record<string, unknown> = {
    E,
    getTime: () => (performance.now() - t0) / 1000,
    require: requireFake,
    setTimeout: setTimeoutFake,
    clearTimeout: clearTimeoutFake,
    console: { log: (...a: unknown[]) => lines.push(a.map(String).join(" ")) },
    SPI1: {
      setup() {},
      send: (data: Uint8Array, nss: number) => (chip ? chip.send(data, nss) : new Uint8Array(data.length)),
    },
    digitalWrite: (pin: number, v: boolean | number) => chip?.write(pin, !!v),
    digitalRead: (pin: number) => (chip?.read(pin) ? 1 : 0),
    pinMode: () => {},
    setWatch: (cb: (e: { state: boolean; time: number }) => void, pin: number, opts: { edge: string }) => {
      chip?.watch(pin, opts.edge !== "falling", () => cb({ state: opts.edge !== "falling", time: performance.now() / 1000 }));
      return 1;
    },
    clearWatch: () => {},
  };
  for (let i = 0; i <= 48; i++) globals["D" + i] = i;

  return {
    globals,
    lines,
    storage,
    aesModes,
    connects,
    tlsConnects,
    wifiConnects,
    shutdown() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
    },
  };
}
