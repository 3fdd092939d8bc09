// What `meshport board flash` sends to a board's Espruino console, and how: the bundle written to
// Storage as `.bootcde` (the "Save on Send: direct to flash" layout of EspruinoTools, espruino.md
// 2.8: the code stays in flash and runs at every boot, which is the only way a ~120 KB bundle fits;
// from RAM the source is held twice), the configuration written once to Storage, a CRC check of
// what landed, then load().
//
// Call order: uploadSteps() builds the lines, uploadText() is the exact byte stream (what
// --dry-run writes), sendUpload() writes it to a console one line at a time and waits for each
// line's acknowledgement. Every line starts with 0x10 (Espruino: no echo for this line) and ends
// with a print of "meshport upload I" that the sender waits for: the ESP32's console has a 4 KB
// input FIFO and drops what overflows (a stdin console prints "FIFO_FULL"), and a line that prints
// nothing gives no prompt to wait for, so an explicit acknowledgement is what paces the upload on a
// serial port, over telnet and on the Linux interpreter alike.
import { crc32 } from "node:zlib";
import type { StoredConfig } from "../boards/runtime/board-config.js";
import { BOARD_CONFIG_FILE } from "../boards/runtime/board-config.js";

/** Bytes of code per Storage.write line (EspruinoTools' saveOnSend CHUNKSIZE). */
export const UPLOAD_CHUNK_BYTES = 1024;
/** The Storage file Espruino runs at boot (saveOnSend with SAVE_ON_SEND=1). */
export const BOOT_FILE = ".bootcde";
/** How long one line may take to be acknowledged; flash writes and a Storage compaction take seconds at worst. */
export const LINE_TIMEOUT_MS = 15_000;
/** The reset that starts an upload reboots the interpreter; its banner comes within this time. */
export const RESET_SETTLE_MS = 5_000;
const ACK = "meshport upload ";

export interface UploadStep {
  /** The line without its newline. */
  line: string;
  /** What the board prints when the line has run ("" for a line that is not acknowledged). */
  ack: string;
  timeoutMs: number;
  /** Shown with the progress. */
  what: string;
  /**
   * For a line that is not acknowledged: wait until the board has printed something and then been
   * quiet for QUIET_MS, at most this long (reset() reboots the interpreter after the line returns,
   * and a line sent before that would run before the reset).
   */
  settleMs?: number;
}

/** Console silence that ends a settle wait (the reset banner arrives in one burst). */
export const QUIET_MS = 300;

export const UploadErrorCode = {
  NotAscii: "not-ascii",
  Timeout: "timeout",
  BoardError: "board-error",
  CrcMismatch: "crc-mismatch",
  Closed: "closed",
} as const;
export type UploadErrorCode = (typeof UploadErrorCode)[keyof typeof UploadErrorCode];

export class UploadError extends Error {
  readonly code: UploadErrorCode;
  constructor(code: UploadErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

function ackLine(n: number): string {
  return ';print("' + ACK + n + '")';
}

/**
 * The configuration step: keeps the node number the board already chose (re-flashing does not make
 * it a new node) and writes the file only when it differs, so flash is not worn by identical uploads.
 */
export function configStatement(c: StoredConfig): string {
  const f = JSON.stringify(BOARD_CONFIG_FILE);
  return `(function(){var S=require("Storage"),o=S.readJSON(${f},true)||{},c=${JSON.stringify(c)};if(!c.nodeNum&&o.nodeNum)c.nodeNum=o.nodeNum;if(JSON.stringify(o)!==JSON.stringify(c))S.writeJSON(${f},c);})()`;
}

/** A Storage file an upload writes besides the boot code (the tests' fake hardware as `.boot0`). */
export interface ExtraFile {
  name: string;
  content: string;
}

function checkAscii(what: string, code: string): void {
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c > 0x7e || (c < 0x20 && c !== 0x0a && c !== 0x09)) throw new UploadError(UploadErrorCode.NotAscii, what + " has a non-ASCII or control character at offset " + i);
  }
}

/** The lines of an upload of `code` (ASCII, as the bundler makes it) with configuration `config`. */
export function uploadSteps(code: string, config: StoredConfig | undefined, extraFiles: ExtraFile[] = []): UploadStep[] {
  checkAscii("the code to upload", code);
  for (const f of extraFiles) checkAscii(f.name, f.content);
  const steps: UploadStep[] = [];
  let n = 0;
  const step = (stmt: string, what: string): void => {
    steps.push({ line: "\x10" + stmt + ackLine(n), ack: ACK + n, timeoutMs: LINE_TIMEOUT_MS, what });
    n++;
  };
  const writeFile = (name: string, content: string): void => {
    const file = JSON.stringify(name);
    for (let off = 0; off < content.length; off += UPLOAD_CHUNK_BYTES) {
      const chunk = JSON.stringify(content.substring(off, off + UPLOAD_CHUNK_BYTES));
      const size = off === 0 ? "," + content.length : "";
      step(`require("Storage").write(${file},${chunk},${off}${size})`, name + " " + Math.min(off + UPLOAD_CHUNK_BYTES, content.length) + "/" + content.length + " bytes");
    }
  };
  // reset() stops the running program and clears RAM for the upload; the next line waits for the
  // reboot's banner. No Ctrl-C first: twice in a row it exits the Linux interpreter.
  steps.push({ line: "\x10reset()", ack: "", timeoutMs: 0, what: "reset", settleMs: RESET_SETTLE_MS });
  step("0", "reset");
  if (config !== undefined) step(configStatement(config), "configuration " + BOARD_CONFIG_FILE);
  for (const f of extraFiles) writeFile(f.name, f.content);
  writeFile(BOOT_FILE, code);
  // The stored file's CRC-32 (E.CRC32, the zlib polynomial) against ours; the sender checks it.
  steps.push({ line: `\x10print("${ACK}crc "+E.CRC32(require("Storage").read(${JSON.stringify(BOOT_FILE)})))`, ack: ACK + "crc " + crc32(code), timeoutMs: LINE_TIMEOUT_MS, what: "check" });
  steps.push({ line: "\x10load()", ack: "", timeoutMs: 0, what: "boot" });
  return steps;
}

/** Exactly the bytes sendUpload writes (--dry-run writes this). */
export function uploadText(steps: UploadStep[]): string {
  let s = "";
  for (const st of steps) s += st.line + "\n";
  return s;
}

/** A board console: a serial port, a telnet socket, or an interpreter's stdin/stdout. */
export interface ConsolePort {
  write(data: string): void;
  /** Subscribes to console output (latin1 text); returns the unsubscribe. */
  onData(cb: (text: string) => void): () => void;
  /** Subscribes to the port closing; returns the unsubscribe. */
  onClose(cb: () => void): () => void;
}

/** Output worth showing when the board answers with an error instead of an acknowledgement. */
const BOARD_ERROR = /Uncaught [^\r\n]*|OUT OF MEMORY[^\r\n]*/;

/**
 * Writes the steps one line at a time, each after the previous one's acknowledgement; rejects with
 * an UploadError on a timeout, an error printed by the board, a CRC mismatch or a closed port.
 */
export function sendUpload(port: ConsolePort, steps: UploadStep[], progress: (done: number, total: number, what: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let i = 0;
    let seen = "";
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const finish = (e: UploadError | undefined): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      offData();
      offClose();
      if (e === undefined) resolve();
      else reject(e);
    };
    let settling: { until: number; lastOutput: number } | undefined;
    const settle = (): void => {
      const s = settling!;
      const now = Date.now();
      if (now >= s.until || (s.lastOutput > 0 && now - s.lastOutput >= QUIET_MS)) {
        settling = undefined;
        next();
      } else timer = setTimeout(settle, 50);
    };
    const next = (): void => {
      while (i < steps.length && steps[i].ack === "") {
        const st = steps[i];
        port.write(st.line + "\n");
        i++;
        if (st.settleMs !== undefined && st.settleMs > 0) {
          settling = { until: Date.now() + st.settleMs, lastOutput: 0 };
          timer = setTimeout(settle, 50);
          return;
        }
      }
      if (i >= steps.length) return finish(undefined);
      const st = steps[i];
      seen = "";
      port.write(st.line + "\n");
      timer = setTimeout(() => finish(new UploadError(UploadErrorCode.Timeout, "the board did not acknowledge step " + (i + 1) + "/" + steps.length + " (" + st.what + ") within " + st.timeoutMs / 1000 + " s")), st.timeoutMs);
    };
    const offData = port.onData((text) => {
      if (settled) return;
      if (settling !== undefined) {
        settling.lastOutput = Date.now();
        return;
      }
      if (i >= steps.length) return;
      seen += text;
      const st = steps[i];
      const at = seen.indexOf(st.ack + "\r");
      const atLf = seen.indexOf(st.ack + "\n");
      if (at < 0 && atLf < 0) {
        const err = BOARD_ERROR.exec(seen);
        if (err !== null) finish(new UploadError(UploadErrorCode.BoardError, "the board answered step " + (i + 1) + " (" + st.what + ") with: " + err[0]));
        else if (st.what === "check" && /meshport upload crc \d+[\r\n]/.test(seen)) finish(new UploadError(UploadErrorCode.CrcMismatch, "the code stored on the board differs from what was sent (CRC-32 " + /crc (\d+)/.exec(seen)![1] + ", expected " + st.ack.substring((ACK + "crc ").length) + ")"));
        return;
      }
      if (timer !== undefined) clearTimeout(timer);
      i++;
      progress(i, steps.length, st.what);
      next();
    });
    const offClose = port.onClose(() => finish(new UploadError(UploadErrorCode.Closed, "the console closed during the upload (step " + (i + 1) + "/" + steps.length + ")")));
    next();
  });
}
