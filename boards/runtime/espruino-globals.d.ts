// The Espruino 2v29 API the board runtime uses, as far as it uses it (shared spec espruino.md
// sections 2.4-2.7). `require`, `setTimeout`, `clearTimeout` and `console` exist on Espruino too;
// their types come from the compile environment's standard declarations and the runtime reaches
// them only through espruino-host.ts, which narrows them to what Espruino provides.
//
// A module, so these names do not leak into the rest of the project: the globals below come into
// scope for any program that imports one of the exported types (espruino-host.ts does).

/** The `E` object: byte-string helpers and the hardware random source. */
export interface EspruinoE {
  /** A binary-safe byte string from bytes (sockets and MQTT take strings). */
  toString(data: Uint8Array | number[]): string;
  /** Bytes from a byte string (or array, or typed array). */
  toUint8Array(data: string | Uint8Array | number[]): Uint8Array;
  /** A 32-bit random number from the ESP32 hardware RNG (sign is unspecified). */
  hwRand(): number;
  /**
   * sum over i of a[i] * b[(i + offset) % b.length], computed in C with doubles
   * (src/jswrap_espruino.c jswrap_espruino_convolve). Absent from SAVE_ON_FLASH builds.
   */
  convolve?(a: Float64Array, b: Float64Array, offset: number): number;
}

/** The console as the runtime uses it (printLine). Declared here so its member names are on record for the bundler. */
export interface EspruinoConsole {
  log(line: string): void;
}

/** A hardware SPI host (SPI1 on ESP32 maps to HSPI/SPI2 through the GPIO matrix). */
export interface EspruinoSpi {
  setup(options: { sck: number; miso: number; mosi: number; baud?: number; mode?: number }): void;
  /** Clocks `data` out with `nss` held low and returns what came in (same length). */
  send(data: Uint8Array, nss: number): Uint8Array | string;
}

export interface EspruinoWatchEvent {
  state: boolean;
  time: number;
}

declare global {
  const E: EspruinoE;
  const SPI1: EspruinoSpi;
  function setWatch(callback: (e: EspruinoWatchEvent) => void, pin: number, options: { repeat: boolean; edge: "rising" | "falling" | "both"; debounce?: number }): number;
  function clearWatch(id: number): void;
  function digitalWrite(pin: number, value: boolean | number): void;
  function digitalRead(pin: number): number;
  function pinMode(pin: number, mode: "input" | "output" | "input_pullup" | "input_pulldown"): void;
  /** Seconds since boot (a float with microsecond resolution on ESP32). */
  function getTime(): number;
}

// ------------------------------------------------------------------ built-in modules (require)

/** A TCP socket from require("net").connect: data arrives as byte strings. */
export interface EspruinoSocket {
  on(event: "data", cb: (data: string) => void): void;
  on(event: "close" | "end", cb: () => void): void;
  on(event: "error", cb: (e: { code?: number; message?: string }) => void): void;
  write(data: string): unknown;
  end(): void;
}

export interface EspruinoNet {
  /** Blocks while resolving and connecting; throws on "Unable to create socket" / "Unable to locate host". */
  connect(options: { host: string; port: number }, onConnect: (socket: EspruinoSocket) => void): EspruinoSocket;
}

/**
 * require("tls"): net.connect with mbedTLS on top (libs/network/jswrap_net.c, ST_TLS). The same
 * sockets and events; the handshake runs after connect, and a failed one is an `error` event (code
 * -13). It never verifies the server's certificate and sends the fixed SNI "mbed TLS Server 1"
 * (network.c ssl_newSocketData); each connection needs about 32 KB of heap for its buffers.
 */
export type EspruinoTls = EspruinoNet;

export interface EspruinoWifi {
  connect(ssid: string, options: { password: string }, cb: (err: string | null | undefined) => void): void;
  disconnect(cb?: () => void): void;
  on(event: "connected" | "disconnected", cb: (details: unknown) => void): void;
}

export interface EspruinoStorage {
  readJSON(name: string, noExceptions: boolean): unknown;
  writeJSON(name: string, data: unknown): boolean;
}

export interface EspruinoAes {
  /** Returns an ArrayBuffer; ECB mode processes whole 16-byte blocks only. */
  encrypt(data: Uint8Array, key: Uint8Array, options: { mode: string; iv?: Uint8Array }): ArrayBuffer | Uint8Array;
}

export interface EspruinoCryptoModule {
  AES?: EspruinoAes;
  /** SHA-256 of a string, array or typed array; returns an ArrayBuffer of 32 bytes (libs/crypto/jswrap_crypto.c). */
  SHA256?(data: Uint8Array): ArrayBuffer;
}
