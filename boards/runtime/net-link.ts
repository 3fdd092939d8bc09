// The broker connection on Espruino's `net` module, or `tls` when the MQTT config asks for TLS: the
// core's socket-open/write/close actions in, socket-opened/data/closed events out. Espruino's TLS
// cannot verify the broker's certificate, so an open that asks for verification (tls without
// tlsInsecure) is refused rather than silently downgraded. Espruino specifics (shared spec espruino.md 2.5):
// net.connect blocks during DNS and connect and throws on failure, so it is wrapped in try/catch;
// sockets carry byte strings, so writes go out as E.toString(bytes) and data comes back through
// E.toUint8Array. Each socket gets a generation number: events from a socket the core already
// closed are dropped, as the MQTT client's driver contract asks.
import type { NodeEvent, SocketOpenAction } from "../../firmware/node-events.js";
import type { EspruinoSocket } from "./espruino-globals.js";
import { errorText, netModule, tlsModule } from "./espruino-host.js";

export interface NetLinkOptions {
  /** Queues an event for the node (the driver runs it after the current action batch). */
  post: (e: NodeEvent) => void;
  /** False while Wifi is down: an open waits for networkChanged(true) instead of blocking in DNS. */
  networkUp: () => boolean;
}

/** A literal IPv4 address is the remote address; for a host name Espruino does not tell us. */
function remoteAddressOf(host: string): string {
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c !== 0x2e && (c < 0x30 || c > 0x39)) return "";
  }
  return host;
}

export class EspruinoNetLink {
  private readonly o: NetLinkOptions;
  private socket: EspruinoSocket | undefined;
  private generation = 0;
  /** The open the core asked for while the network was down; run when it comes up. */
  private pending: SocketOpenAction | undefined;
  /** Bytes written since boot, and the sockets opened: for the status line. */
  bytesOut = 0;
  bytesIn = 0;
  opens = 0;

  constructor(o: NetLinkOptions) {
    this.o = o;
  }

  get isOpen(): boolean {
    return this.socket !== undefined;
  }

  open(a: SocketOpenAction): void {
    this.close();
    const gen = ++this.generation;
    const where = a.host + ":" + a.port;
    if (a.tls && !a.tlsInsecure) {
      this.o.post({ type: "socket-closed", reason: "TLS with certificate checks is not available on the board (" + where + ")" });
      return;
    }
    if (!this.o.networkUp()) {
      // The MQTT client's connect timeout still runs: if Wifi takes longer, it closes and retries.
      this.pending = a;
      return;
    }
    let closed = false;
    const closeOnce = (reason: string): void => {
      if (closed || gen !== this.generation) return;
      closed = true;
      this.socket = undefined;
      this.o.post({ type: "socket-closed", reason });
    };
    let s: EspruinoSocket;
    try {
      this.opens++;
      // require("tls") throws on a firmware built without it: reported like a refused connection.
      s = (a.tls ? tlsModule() : netModule()).connect({ host: a.host, port: a.port }, () => {
        if (gen === this.generation && !closed) this.o.post({ type: "socket-opened", remoteAddress: remoteAddressOf(a.host) });
      });
    } catch (e) {
      // "Unable to create socket" (refused) or "Unable to locate host" (DNS): no event follows.
      closeOnce("cannot connect to " + where + ": " + errorText(e));
      return;
    }
    this.socket = s;
    s.on("data", (data: string) => {
      if (gen !== this.generation || closed) return;
      this.bytesIn += data.length;
      this.o.post({ type: "socket-data", bytes: E.toUint8Array(data) });
    });
    s.on("error", (e: { code?: number; message?: string }) => {
      closeOnce("socket error " + (e.code !== undefined ? e.code + " " : "") + (e.message !== undefined ? e.message : "") + " (" + where + ")");
    });
    s.on("close", () => closeOnce("connection closed by " + where));
    s.on("end", () => closeOnce("connection ended by " + where));
  }

  write(bytes: Uint8Array): void {
    const s = this.socket;
    if (s === undefined) return;
    this.bytesOut += bytes.length;
    s.write(E.toString(bytes));
  }

  /** Wifi came up (run a waiting open) or went down (the open socket is gone with it). */
  networkChanged(up: boolean): void {
    if (up) {
      const a = this.pending;
      this.pending = undefined;
      if (a !== undefined) this.open(a);
    } else if (this.socket !== undefined) {
      this.close();
      this.o.post({ type: "socket-closed", reason: "Wifi disconnected" });
    }
  }

  /** The core asked to close: nothing more is reported about this socket. */
  close(): void {
    this.pending = undefined;
    const s = this.socket;
    this.socket = undefined;
    this.generation++;
    if (s !== undefined) {
      try {
        s.end();
      } catch {
        // Already closed by the peer: nothing to do.
      }
    }
  }
}
