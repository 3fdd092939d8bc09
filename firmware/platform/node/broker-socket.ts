// One TCP or TLS connection to an MQTT broker for a sans-IO core: it turns the core's
// socket-open/write/close actions into node:net / node:tls calls and the socket's callbacks into
// socket-opened/data/closed events. TLS validates the broker certificate unless told otherwise.
import net from "node:net";
import tls from "node:tls";
import type { NodeEvent, SocketOpenAction } from "../../node-events.js";

export interface BrokerSocketOptions {
  /** Extra CA certificates (PEM) to trust, e.g. a private broker's CA. */
  ca?: string | Buffer;
  /** Called with each event for the core, in order. */
  onEvent: (e: NodeEvent) => void;
}

export class BrokerSocket {
  private socket: net.Socket | undefined;
  private readonly o: BrokerSocketOptions;

  constructor(o: BrokerSocketOptions) {
    this.o = o;
  }

  get isOpen(): boolean {
    return this.socket !== undefined;
  }

  open(a: SocketOpenAction): void {
    this.close();
    let closed = false;
    const fail = (reason: string): void => {
      if (closed) return;
      closed = true;
      if (this.socket === s) this.socket = undefined;
      s.destroy();
      this.o.onEvent({ type: "socket-closed", reason });
    };
    const s: net.Socket = a.tls
      ? tls.connect({ host: a.host, port: a.port, servername: net.isIP(a.host) ? undefined : a.host, rejectUnauthorized: !a.tlsInsecure, ca: this.o.ca })
      : net.connect({ host: a.host, port: a.port });
    this.socket = s;
    s.setNoDelay(true);
    s.once(a.tls ? "secureConnect" : "connect", () => this.o.onEvent({ type: "socket-opened", remoteAddress: s.remoteAddress ?? "" }));
    s.on("data", (b: Buffer) => this.o.onEvent({ type: "socket-data", bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) }));
    s.on("error", (e: NodeJS.ErrnoException) => fail(describeSocketError(e, a)));
    s.on("close", () => fail("connection closed by " + a.host + ":" + a.port));
  }

  write(bytes: Uint8Array): void {
    this.socket?.write(bytes);
  }

  close(): void {
    const s = this.socket;
    this.socket = undefined;
    if (s !== undefined) {
      s.removeAllListeners();
      s.on("error", () => {});
      s.end();
      s.destroy();
    }
  }
}

/** A one-line reason a person can act on. */
export function describeSocketError(e: NodeJS.ErrnoException, a: SocketOpenAction): string {
  const where = a.host + ":" + a.port;
  switch (e.code) {
    case "ECONNREFUSED":
      return "connection refused by " + where + " (is the broker running?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "cannot resolve " + a.host;
    case "ETIMEDOUT":
      return "timed out connecting to " + where;
    case "ECONNRESET":
      return "connection reset by " + where;
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
      return "TLS: the certificate of " + where + " is not signed by a trusted CA (" + e.code + "); give its CA, or use the insecure switch";
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return "TLS: the certificate of " + where + " is not valid for the name " + a.host;
    case "CERT_HAS_EXPIRED":
      return "TLS: the certificate of " + where + " has expired";
    default:
      return (e.code ? e.code + ": " : "") + e.message;
  }
}
