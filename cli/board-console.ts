// A board's Espruino console for `meshport board flash`: the telnet console over TCP
// (tcp://HOST[:PORT], Espruino's ESP32 build listens on port 23) or a serial port at 115200 baud
// (through the `serialport` package, loaded only when a serial port is used).
import net from "node:net";
import type { ConsolePort } from "./board-upload.js";

/** Serial speed of the ESP32 console (boards/ESP32.py default_console_baudrate). */
export const ESPRUINO_BAUD = 115200;
/** How long connecting to a telnet console or opening a serial port may take. */
export const OPEN_TIMEOUT_MS = 10_000;

export interface OpenConsole extends ConsolePort {
  close(): void;
}

function listeners<T>(): { add(cb: T): () => void; all(): T[] } {
  const list: T[] = [];
  return {
    add: (cb) => {
      list.push(cb);
      return () => {
        const i = list.indexOf(cb);
        if (i >= 0) list.splice(i, 1);
      };
    },
    all: () => list.slice(),
  };
}

/** Connects to tcp://HOST[:PORT] (default port 23). */
export function openTelnet(host: string, port: number): Promise<OpenConsole> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const data = listeners<(s: string) => void>();
    const closed = listeners<() => void>();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer from ${host}:${port} within ${OPEN_TIMEOUT_MS / 1000} s`));
    }, OPEN_TIMEOUT_MS);
    socket.on("data", (b: Buffer) => {
      for (const cb of data.all()) cb(b.toString("latin1"));
    });
    socket.on("close", () => {
      for (const cb of closed.all()) cb();
    });
    socket.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot connect to ${host}:${port}: ${e.message}`));
    });
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.on("error", () => {});
      // end(), not destroy(): the last line (load()) must still go out.
      resolve({ write: (s) => socket.write(Buffer.from(s, "latin1")), onData: data.add, onClose: closed.add, close: () => socket.end() });
    });
  });
}

interface SerialPortLike {
  write(data: Buffer): boolean;
  on(event: "data", cb: (b: Buffer) => void): void;
  on(event: "close", cb: () => void): void;
  on(event: "error", cb: (e: Error) => void): void;
  open(cb: (e: Error | null) => void): void;
  close(): void;
}

/** Opens a serial device (/dev/ttyUSB0, COM3) at ESPRUINO_BAUD. */
export async function openSerial(path: string): Promise<OpenConsole> {
  let mod: { SerialPort: new (o: { path: string; baudRate: number; autoOpen: boolean }) => SerialPortLike };
  try {
    mod = (await import("serialport")) as unknown as typeof mod;
  } catch {
    throw new Error("uploading over a serial port needs the serialport package (npm install serialport), or use --port tcp://IP for the board's telnet console");
  }
  const port = new mod.SerialPort({ path, baudRate: ESPRUINO_BAUD, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e === null ? resolve() : reject(new Error(`cannot open ${path}: ${e.message}`)))));
  const data = listeners<(s: string) => void>();
  const closed = listeners<() => void>();
  port.on("data", (b) => {
    for (const cb of data.all()) cb(b.toString("latin1"));
  });
  port.on("close", () => {
    for (const cb of closed.all()) cb();
  });
  port.on("error", () => {});
  return { write: (s) => port.write(Buffer.from(s, "latin1")), onData: data.add, onClose: closed.add, close: () => port.close() };
}

/** The console behind a --port value (checked by checkPort). */
export function openConsole(port: string): Promise<OpenConsole> {
  const m = /^tcp:\/\/([^:/]+)(?::(\d+))?$/.exec(port);
  if (m !== null) return openTelnet(m[1], m[2] === undefined ? 23 : Number(m[2]));
  return openSerial(port);
}
