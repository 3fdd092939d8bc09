// The one place the board runtime touches Espruino's module loader, timers and console. The lint
// keeps these globals out of portable code (the core is sans-IO); the runtime is the platform
// adapter that owns the I/O, so each use below is a deliberate, named exception. The modules are
// Espruino built-ins: the bundler marks them external, so they stay `require("...")` calls.
import type { EspruinoConsole, EspruinoCryptoModule, EspruinoNet, EspruinoStorage, EspruinoTls, EspruinoWifi } from "./espruino-globals.js";

/** require("net"): TCP sockets. */
export function netModule(): EspruinoNet {
  // eslint-disable-next-line no-restricted-globals, @typescript-eslint/no-require-imports -- Espruino built-in module
  return require("net") as EspruinoNet;
}

/** require("tls"): TLS sockets; throws "Module tls not found" on a build without TLS (ESP32_IDF4). */
export function tlsModule(): EspruinoTls {
  // eslint-disable-next-line no-restricted-globals, @typescript-eslint/no-require-imports -- Espruino built-in module
  return require("tls") as EspruinoTls;
}

/** require("Wifi"): the station interface. */
export function wifiModule(): EspruinoWifi {
  // eslint-disable-next-line no-restricted-globals, @typescript-eslint/no-require-imports -- Espruino built-in module
  return require("Wifi") as EspruinoWifi;
}

/** require("Storage"): the flash file system holding the configuration. */
export function storageModule(): EspruinoStorage {
  // eslint-disable-next-line no-restricted-globals, @typescript-eslint/no-require-imports -- Espruino built-in module
  return require("Storage") as EspruinoStorage;
}

/** require("crypto"), or undefined when the firmware was built without it (require throws). */
export function cryptoModule(): EspruinoCryptoModule | undefined {
  try {
    // eslint-disable-next-line no-restricted-globals, @typescript-eslint/no-require-imports -- Espruino built-in module
    return require("crypto") as EspruinoCryptoModule;
  } catch {
    return undefined;
  }
}

/** setTimeout; Espruino returns a numeric id. */
export function startTimer(fn: () => void, ms: number): unknown {
  // eslint-disable-next-line no-restricted-globals -- the runtime owns the board's one timer
  return setTimeout(fn, ms);
}

export function stopTimer(id: unknown): void {
  clearTimeout(id as number);
}

/** One line on the console (Serial1 or USB on the board). */
export function printLine(line: string): void {
  // eslint-disable-next-line no-restricted-globals -- the board's console
  (console as EspruinoConsole).log(line);
}

/** A 32-bit unsigned number from the hardware RNG (E.hwRand, esp_random()). */
export function hardwareRandomU32(): number {
  return E.hwRand() >>> 0;
}

/** Milliseconds since boot, from Espruino's getTime() (seconds, microsecond resolution). */
export function nowMs(): number {
  return getTime() * 1000;
}

/** Text of a thrown value; Espruino errors have `message` but no `name`. */
export function errorText(e: unknown): string {
  if (e !== null && typeof e === "object" && typeof (e as { message?: unknown }).message === "string") return (e as { message: string }).message;
  return String(e);
}
