// Measures the board PKI (boards/runtime/espruino-pki.ts) on the real Espruino interpreter and
// prints JSON: the time of one publicKeyFor, one X25519 key agreement (and a cached one), one
// SHA-256, one AES-256-CCM seal and open of 200 bytes, with the natives (E.convolve, crypto.SHA256,
// crypto.AES) and all portable; free JsVars before, after and at the lowest point; the C stack
// X25519 needs at the interpreter's 25,000-byte budget; the bytes the PKI code adds to a board's
// gateway bundle; and a Linux-to-ESP32 conversion of the timings. Issue 14 decides from these
// whether boards get a key pair and PKI DMs.
//
// Usage: npx tsx scripts/measure-board-pki.ts [--host-coremark N] [--runs N] [--board ID] [--skip-stack]
//   MESHPORT_ESPRUINO=path  the interpreter (default espruino-esp32like on PATH)
//   --runs N                timing runs, the fastest of each figure is kept (default 3)
//   --host-coremark N       CoreMark 1.0 score of one core of this machine, built like the
//                           interpreter (-m32; EEMBC coremark, `make PORT_DIR=linux
//                           XCFLAGS="-O3 -m32" LFLAGS_END=-m32`). With it the ESP32 estimate
//                           is Linux time * N / (the chip's CoreMark); without it no estimate is printed.
//
// Conversion: no speed figure for Espruino itself on an ESP32 is documented (espruino.com/
// Performance gives only the original STM32F1 board: ~4000 iterations/s of a pin-toggle loop), so
// the estimate scales by the CPU ratio: one core at 240 MHz of the ESP32 (T-Beam, T3: 494.6,
// github.com/ochrin/coremark README, -O3) and of the ESP32-S3 (Heltec V3, T3-S3: 613.8,
// github.com/SoCXin/doc docs/espressif/ESP32-S3.rst). Espruino on an ESP32 runs from flash through a
// 32 KB cache (the maintainer on espruino/Espruino#1915 blames that for its slow JS), and CoreMark
// fits in that cache, so the estimate is a lower bound of the real time. The script also prints a
// fixed loop benchmark (Espruino's benchmark/simple_loop.js and mandelbrot.js); timing the same on
// a board gives the true factor: ESP32 ms = Linux ms * (board loop ms / Linux loop ms).
import { resolve } from "node:path";
import { randomBytes } from "node:crypto";
import { boardEntry, buildBoardBundle, bundleEntryForEspruino, GATEWAY_BUNDLE_BUDGET_BYTES, PROJECT_ROOT } from "../boards/bundle/build-bundle.js";
import { ESPRUINO_HOWTO, findEspruino, markedJson, runOnEspruino } from "../boards/bundle/run-espruino.js";
import { boardById, BOARDS } from "../boards/defs/index.js";
import { nodePki } from "../firmware/platform/node/node-pki.js";

/** CoreMark of one core at 240 MHz: ESP32 (github.com/ochrin/coremark README, -O3) and ESP32-S3 (github.com/SoCXin/doc ESP32-S3.rst). */
export const CHIP_COREMARK: Record<string, number> = { esp32: 494.6, esp32s3: 613.8 };

const MARK = "PKIBENCH ";
const PAYLOAD_BYTES = 200;

function hexOf(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
}

/** Inputs with the answers node:crypto gives, checked on the interpreter. */
function benchInputs(): Record<string, string> {
  const priv = new Uint8Array(randomBytes(32));
  const peerPriv = new Uint8Array(randomBytes(32));
  const peerPub = nodePki.publicKeyFor(peerPriv);
  const key = new Uint8Array(randomBytes(32));
  const nonce = new Uint8Array(randomBytes(13));
  const pt = new Uint8Array(randomBytes(PAYLOAD_BYTES));
  return {
    priv: hexOf(priv),
    pub: hexOf(nodePki.publicKeyFor(priv)),
    peerPub: hexOf(peerPub),
    shared: hexOf(nodePki.x25519(priv, peerPub) as Uint8Array),
    key: hexOf(key),
    nonce: hexOf(nonce),
    pt: hexOf(pt),
    sealed: hexOf(nodePki.aesCcmEncrypt(key, nonce, pt)),
    sha32: hexOf(nodePki.sha256(key)),
  };
}

const rt = (f: string) => JSON.stringify(resolve(PROJECT_ROOT, f));

/** The program run on the interpreter: times, correctness flags and memory, as one marked JSON line. */
function timingEntry(inputs: Record<string, string>): string {
  return `
import { createBoardPki, boardPkiFrom } from ${rt("boards/runtime/espruino-pki.ts")};
import type { BoardPki } from ${rt("boards/runtime/espruino-pki.ts")};
import { espruinoPkiNatives } from ${rt("boards/runtime/espruino-pki.ts")};
import { pkiFromParts, portablePkiParts } from ${rt("firmware/crypto/portable-pki.ts")};
import { feMul } from ${rt("firmware/crypto/x25519.ts")};
declare const print: (s: string) => void;
declare const getTime: () => number;
declare const process: { memory: (gc?: boolean) => { free: number; total: number; usage: number } };
const IN = ${JSON.stringify(inputs)};
function hex(s: string): Uint8Array {
  const b = new Uint8Array(s.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(s.substr(2 * i, 2), 16);
  return b;
}
function hx(b: Uint8Array | null): string {
  if (b === null) return "null";
  let s = "";
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
function ms(t0: number): number { return Math.round((getTime() - t0) * 100000) / 100; }
const priv = hex(IN.priv), peerPub = hex(IN.peerPub), key = hex(IN.key), nonce = hex(IN.nonce), pt = hex(IN.pt);
const memBefore = process.memory(true).free;
function variant(pki: BoardPki): Record<string, unknown> {
  const r: Record<string, unknown> = { name: pki.name };
  let t = getTime();
  const pub = pki.publicKeyFor(priv);
  r.publicKeyForMs = ms(t);
  t = getTime();
  const shared = pki.x25519(priv, peerPub);
  r.x25519Ms = ms(t);
  t = getTime();
  pki.x25519(priv, peerPub);
  r.x25519CachedMs = ms(t);
  t = getTime();
  let h = pki.sha256(key);
  for (let i = 1; i < 20; i++) h = pki.sha256(key);
  r.sha256Of32BytesMs = ms(t) / 20;
  t = getTime();
  let sealed = pki.aesCcmEncrypt(key, nonce, pt);
  for (let i = 1; i < 5; i++) sealed = pki.aesCcmEncrypt(key, nonce, pt);
  r.ccmSeal200Ms = ms(t) / 5;
  t = getTime();
  let opened = pki.aesCcmDecrypt(key, nonce, sealed);
  for (let i = 1; i < 5; i++) opened = pki.aesCcmDecrypt(key, nonce, sealed);
  r.ccmOpen200Ms = ms(t) / 5;
  r.ok = hx(pub) === IN.pub && hx(shared) === IN.shared && hx(h) === IN.sha32 && hx(sealed) === IN.sealed && hx(opened) === IN.pt;
  return r;
}
const natives = espruinoPkiNatives();
const out: Record<string, unknown> = {
  natives: { sha256: natives.sha256 !== undefined, aes: natives.aes !== undefined, convolve: natives.convolve !== undefined },
  memory: { total: process.memory(true).total, freeBefore: memBefore },
};
out.native = variant(createBoardPki(false));
out.portable = variant(createBoardPki(true));
// Lowest free count while a key agreement runs: sampled (without GC) every 64 multiplications.
let lowest = process.memory(true).free;
let calls = 0;
function sample(): void {
  if ((calls++ & 63) === 0) {
    const f = process.memory(false).free;
    if (f < lowest) lowest = f;
  }
}
const conv = natives.convolve;
if (conv !== undefined) {
  const sampled = boardPkiFrom({ sha256: natives.sha256, aes: natives.aes, convolve: (a: Float64Array, b: Float64Array, o: number): number => { sample(); return conv(a, b, o); } });
  sampled.x25519(priv, peerPub);
}
const parts = portablePkiParts();
parts.fieldMul = (o: Float64Array, a: Float64Array, b: Float64Array): void => { sample(); feMul(o, a, b); };
pkiFromParts(parts).x25519(priv, peerPub);
(out.memory as Record<string, number>).freeLowest = lowest;
(out.memory as Record<string, number>).freeAfter = process.memory(true).free;
print(${JSON.stringify(MARK)} + JSON.stringify(out));
`;
}

/** Recursion `depth` deep, then (optionally) one X25519 at the bottom; prints a marker when it returns. */
function stackEntry(depth: number, withX25519: boolean, inputs: Record<string, string>): string {
  return `
import { createBoardPki } from ${rt("boards/runtime/espruino-pki.ts")};
declare const print: (s: string) => void;
const IN = ${JSON.stringify({ priv: inputs.priv, peerPub: inputs.peerPub })};
function hex(s: string): Uint8Array {
  const b = new Uint8Array(s.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(s.substr(2 * i, 2), 16);
  return b;
}
const pki = createBoardPki(false);
function bottom(): number {
  return ${withX25519 ? "pki.x25519(hex(IN.priv), hex(IN.peerPub)) === null ? 0 : 1" : "1"};
}
function nest(n: number): number { return n === 0 ? bottom() : nest(n - 1) + 0; }
print(${JSON.stringify(MARK)} + JSON.stringify({ r: nest(${depth}) }));
`;
}

/** Largest recursion depth (binary search, one interpreter run per probe) at which the program still returns. */
async function maxDepth(espruino: string, withX25519: boolean, inputs: Record<string, string>, hi: number): Promise<number> {
  let lo = 0;
  let top = hi;
  while (lo < top) {
    const mid = (lo + top + 1) >> 1;
    const code = await bundleEntryForEspruino(stackEntry(mid, withX25519, inputs), { globalName: "", compact: false });
    const run = runOnEspruino(espruino, code, 60_000);
    if (markedJson(run.output, MARK) !== undefined) lo = mid;
    else top = mid - 1;
  }
  return lo;
}

const LOOP_BENCH = `
var t0 = getTime();
for (i=0;i<10000;i++);
var loopMs = (getTime() - t0) * 1000;
t0 = getTime();
for (y=0;y<32;y++) {
  line="";
  for (x=0;x<32;x++) {
    var Xr=0; var Xi=0; var Cr=(4.0*x/32)-2.0; var Ci=(4.0*y/32)-2.0; var i=0;
    while ((i<8) && ((Xr*Xr+Xi*Xi)<4)) { var t=Xr*Xr - Xi*Xi + Cr; Xi=2*Xr*Xi+Ci; Xr=t; i++; }
    if (i&1) line += "*"; else line += " ";
  }
}
var mandelMs = (getTime() - t0) * 1000;
print("${MARK}" + JSON.stringify({ simpleLoop10000Ms: loopMs, mandelbrotMs: mandelMs }));
`;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const espruino = findEspruino();
  if (espruino === undefined) {
    console.error("no Espruino interpreter: " + ESPRUINO_HOWTO);
    process.exit(2);
  }
  const inputs = benchInputs();
  const timingCode = await bundleEntryForEspruino(timingEntry(inputs), { globalName: "", compact: false });
  // The machine may be shared: each time is the fastest of `runs` runs, `ok` must hold in all.
  const runs = Math.max(1, Number(argValue("--runs") ?? 3));
  let timing: Record<string, any> | undefined;
  for (let i = 0; i < runs; i++) {
    const t = markedJson(runOnEspruino(espruino, timingCode, 300_000).output, MARK) as Record<string, any> | undefined;
    if (t === undefined) throw new Error("the timing program printed no result");
    if (timing === undefined) timing = t;
    else {
      for (const v of ["native", "portable"]) {
        for (const k of Object.keys(t[v])) {
          if (k === "ok") timing[v].ok = timing[v].ok && t[v].ok;
          else if (typeof t[v][k] === "number") timing[v][k] = Math.min(timing[v][k], t[v][k]);
        }
      }
    }
  }
  if (timing === undefined) throw new Error("no timing run");

  // Three runs of the loop benchmark; the fastest counts (the first may pay for page faults).
  let loop: Record<string, number> | undefined;
  for (let i = 0; i < 3; i++) {
    const l = markedJson(runOnEspruino(espruino, LOOP_BENCH, 60_000).output, MARK) as Record<string, number>;
    if (loop === undefined || l.simpleLoop10000Ms < loop.simpleLoop10000Ms) loop = l;
  }

  let stack: Record<string, unknown> | undefined;
  if (process.argv.indexOf("--skip-stack") < 0) {
    const trivial = await maxDepth(espruino, false, inputs, 400);
    const withX = await maxDepth(espruino, true, inputs, trivial);
    stack = {
      budgetBytes: 25000,
      maxDepthTrivial: trivial,
      maxDepthWithX25519AtBottom: withX,
      // The trivial depth uses the whole budget; what X25519 takes away is its share of it.
      x25519StackBytesApprox: Math.round((25000 * (trivial - withX)) / trivial),
    };
  }

  // Bytes the PKI adds to a board build: the gateway bundle with createBoardPki referenced, minus without.
  const boardId = argValue("--board") ?? BOARDS[0].id;
  const board = boardById(boardId);
  if (board === undefined) throw new Error("unknown board " + boardId);
  const base = await buildBoardBundle(boardId, "gateway");
  const withPki = await bundleEntryForEspruino(
    boardEntry(board, "gateway") + `import { createBoardPki } from ${rt("boards/runtime/espruino-pki.ts")};\n(globalThis as unknown as Record<string, unknown>).meshportPki = createBoardPki;\n`,
    { globalName: "", compact: true },
  );
  const withPkiBytes = Buffer.byteLength(withPki, "utf8");

  const hostCoremark = Number(argValue("--host-coremark") ?? process.env.MESHPORT_HOST_COREMARK ?? NaN);
  const n = timing.native as Record<string, number>;
  const p = timing.portable as Record<string, number>;
  const estimates: Record<string, unknown> = {};
  if (Number.isFinite(hostCoremark) && hostCoremark > 0) {
    for (const chip of Object.keys(CHIP_COREMARK)) {
      const factor = hostCoremark / CHIP_COREMARK[chip];
      const est = (linuxMs: number): number => Math.round(linuxMs * factor);
      estimates[chip] = {
        factor: Math.round(factor * 10) / 10,
        native: { publicKeyFor: est(n.publicKeyForMs), x25519: est(n.x25519Ms), sha256: est(n.sha256Of32BytesMs), ccmSeal200: est(n.ccmSeal200Ms), ccmOpen200: est(n.ccmOpen200Ms) },
        portable: { publicKeyFor: est(p.publicKeyForMs), x25519: est(p.x25519Ms), sha256: est(p.sha256Of32BytesMs), ccmSeal200: est(p.ccmSeal200Ms), ccmOpen200: est(p.ccmOpen200Ms) },
      };
    }
    estimates.basis = "Linux ms * host CoreMark " + hostCoremark + " / chip CoreMark (one core, 240 MHz); a lower bound, Espruino runs from flash on the chip";
  } else estimates.basis = "pass --host-coremark to estimate";
  const report = {
    interpreter: espruino,
    natives: timing.natives,
    linuxMs: { native: n, portable: p },
    chipEstimateMs: estimates,
    loopBenchmarkLinuxMs: loop,
    memory: timing.memory,
    stack,
    bundle: {
      board: boardId,
      gatewayBytes: base.bytes,
      gatewayWithPkiBytes: withPkiBytes,
      pkiAddsBytes: withPkiBytes - base.bytes,
      budgetBytes: GATEWAY_BUNDLE_BUDGET_BYTES,
      fitsBudget: withPkiBytes <= GATEWAY_BUNDLE_BUDGET_BYTES,
    },
  };
  console.log(JSON.stringify(report, null, 2));
}

await main();
