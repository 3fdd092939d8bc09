// A small seeded fuzz engine for the decoders (issue 8): a fast PRNG, byte mutators over valid seed
// inputs, and a loop that runs one target N times, timing every call, classifying every outcome
// (a value, the decoder's typed error, or a failure) and sampling the heap after GC.
//
// A failure is any exception out of a target (an untyped exception from the decoder, or a target's
// own contract check), or a call slower than the time bound whose re-runs are all slower too (a
// hang candidate; the re-runs keep one descheduling or GC pause on this shared machine from
// counting). Each failure carries the input as hex, so it can be replayed.
import { performance } from "node:perf_hooks";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";

/** sfc32: 128-bit state, 32-bit output, no multiplications; plenty for input generation. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = 0x9e3779b9;
    this.b = seed >>> 0;
    this.c = stream >>> 0;
    this.d = 1;
    for (let i = 0; i < 16; i++) this.u32();
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return n <= 1 ? 0 : Math.floor((this.u32() / 4294967296) * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)];
  }

  /** A length biased towards small values: uniform in [0, 2^k) for a random k <= log2(max). */
  length(max: number): number {
    const bits = Math.max(1, Math.ceil(Math.log2(max + 1)));
    return Math.min(max, this.below(1 << (1 + this.below(bits))));
  }
}

/** FNV-1a of a string: per-target PRNG streams derived from the run's seed and the target's name. */
export function hashName(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}

export function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(i * 2, i * 2 + 2), 16);
  return out;
}

// ---- byte mutators ----

/** Values that sit on boundaries: varint continuation, sign bits, ASCII structure. */
const INTERESTING = [0x00, 0x01, 0x02, 0x07, 0x08, 0x0a, 0x10, 0x12, 0x1a, 0x22, 0x30, 0x7e, 0x7f, 0x80, 0x81, 0xc0, 0xfe, 0xff];

export interface ByteInputOptions {
  /** Valid encodings the mutations start from (at least one). */
  seeds: Uint8Array[];
  /** Longest input produced (longer results are truncated); pick it above the decoder's own limit. */
  maxLen: number;
  /** Longest purely random input. Default min(maxLen, 300). */
  maxRandomLen?: number;
  /** Tokens inserted or overwritten whole (JSON keywords, protobuf tags...). */
  dictionary?: Uint8Array[];
  /** Probability of a purely random input. Default 0.1. */
  randomShare?: number;
}

export type ByteGenerator = (rng: Rng) => Uint8Array;

/** Mutation kinds, counted by name in the report so a silent generator bug shows. */
export const MUTATIONS = ["flip", "set", "insert", "delete", "truncate", "splice", "overwrite", "duplicate", "length", "token"] as const;

/**
 * Inputs from seeds: a share of purely random bytes, a few seeds as they are, and the rest a seed
 * with 1..8 stacked mutations (bit flips, byte sets, inserts, deletes, truncations, splices of two
 * seeds, chunk copies, length-field tweaks, dictionary tokens).
 */
export function byteInputs(o: ByteInputOptions): ByteGenerator {
  if (o.seeds.length === 0) throw new Error("byteInputs needs at least one seed");
  const maxLen = o.maxLen;
  const maxRandom = o.maxRandomLen ?? Math.min(maxLen, 300);
  const dict = o.dictionary ?? [];
  const randomShare = o.randomShare ?? 0.1;
  const cap = 2 * maxLen + 64;
  const buf = new Uint8Array(cap);

  return (rng: Rng): Uint8Array => {
    if (rng.chance(randomShare)) {
      const n = rng.length(maxRandom);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = rng.u32() & 0xff;
      return out;
    }
    const seed = rng.pick(o.seeds);
    let len = Math.min(seed.length, cap);
    buf.set(seed.subarray(0, len), 0);
    if (rng.chance(0.03)) return buf.slice(0, Math.min(len, maxLen));
    const count = 1 + rng.length(7);
    for (let m = 0; m < count; m++) {
      const kind = rng.below(MUTATIONS.length);
      const at = rng.below(len + 1);
      switch (kind) {
        case 0: // flip
          if (len > 0) buf[rng.below(len)] ^= 1 << rng.below(8);
          break;
        case 1: // set
          if (len > 0) buf[rng.below(len)] = rng.chance(0.5) ? rng.pick(INTERESTING) : rng.u32() & 0xff;
          break;
        case 2: {
          // insert 1..16 bytes
          const n = Math.min(1 + rng.length(15), cap - len);
          buf.copyWithin(at + n, at, len);
          for (let i = 0; i < n; i++) buf[at + i] = rng.chance(0.5) ? rng.pick(INTERESTING) : rng.u32() & 0xff;
          len += n;
          break;
        }
        case 3: {
          // delete 1..16 bytes
          const n = Math.min(1 + rng.length(15), len - at);
          buf.copyWithin(at, at + n, len);
          len -= n;
          break;
        }
        case 4: // truncate
          len = at;
          break;
        case 5: {
          // splice: our prefix, another seed's suffix
          const other = rng.pick(o.seeds);
          const from = rng.below(other.length + 1);
          const n = Math.min(other.length - from, cap - at);
          buf.set(other.subarray(from, from + n), at);
          len = at + n;
          break;
        }
        case 6: {
          // overwrite a chunk with one from another seed
          const other = rng.pick(o.seeds);
          if (other.length === 0) break;
          const from = rng.below(other.length);
          const n = Math.min(1 + rng.length(31), other.length - from, cap - at);
          buf.set(other.subarray(from, from + n), at);
          len = Math.max(len, at + n);
          break;
        }
        case 7: {
          // duplicate a chunk in place (repeated fields, packets back to back)
          if (len === 0) break;
          const from = rng.below(len);
          const n = Math.min(1 + rng.length(63), len - from, cap - len);
          buf.copyWithin(from + n, from, len);
          len += n;
          break;
        }
        case 8: {
          // length-field tweak: the byte after a protobuf length-delimited tag, else any byte, moved
          // by a small delta or set to a varint edge; sometimes a long varint is inserted there
          if (len === 0) break;
          let p = -1;
          for (let t = 0; t < 8 && p < 0; t++) {
            const q = rng.below(len);
            if ((buf[q] & 7) === 2 && q + 1 < len) p = q + 1;
          }
          if (p < 0) p = rng.below(len);
          const r = rng.below(4);
          if (r === 0) buf[p] = (buf[p] + rng.pick([-2, -1, 1, 2, 16, 64, 127])) & 0xff;
          else if (r === 1) buf[p] = rng.pick([0x00, 0x7f, 0x80, 0xff]);
          else if (r === 2) {
            // near the true remaining length, so a truncation or overrun by a few bytes
            const v = len - p - 1 + rng.below(5) - 2;
            buf[p] = v < 0 ? 0 : v & 0x7f;
          }
          else {
            const varint = [0xff, 0xff, 0xff, 0xff, 0x0f];
            const n = Math.min(1 + rng.below(varint.length), cap - len);
            buf.copyWithin(p + n, p, len);
            for (let i = 0; i < n; i++) buf[p + i] = i === n - 1 ? rng.below(0x80) : 0x80 | rng.below(0x80);
            len += n;
          }
          break;
        }
        default: {
          // token from the dictionary, inserted or overwriting
          if (dict.length === 0) break;
          const tok = rng.pick(dict);
          const n = Math.min(tok.length, cap - len);
          if (rng.chance(0.5)) {
            buf.copyWithin(at + n, at, len);
            len += n;
          } else len = Math.max(len, at + n);
          buf.set(tok.subarray(0, n), at);
        }
      }
    }
    return buf.slice(0, Math.min(len, maxLen));
  };
}

// ---- the run loop ----

/** How one input ended: a decoded value, or the decoder's typed error. */
export type Outcome = "value" | "typed";

export interface FuzzTarget<T = Uint8Array> {
  /** Decoder name as printed (e.g. "codecFor(Position)", "MqttParser (chunked)"). */
  name: string;
  /** The next input; must draw only from `rng` so a seed reproduces the run. */
  next(rng: Rng): T;
  /** Calls the decoder; returns how it ended, throws for anything else (untyped exception, broken contract). */
  run(input: T): Outcome;
  /** The input as text for a failure message (hex for bytes). */
  show(input: T): string;
}

export interface FuzzFailure {
  index: number;
  kind: "exception" | "slow";
  message: string;
  input: string;
}

export interface HeapSample {
  /** Input index the sample was taken after. */
  at: number;
  bytes: number;
}

export interface FuzzReport {
  name: string;
  inputs: number;
  values: number;
  typed: number;
  failures: FuzzFailure[];
  /** Largest single-call time seen, ms (before any re-run). */
  maxMs: number;
  /** Mean call time, microseconds. */
  meanUs: number;
  /** Calls over the bound whose re-runs were fast (machine noise, not the input). */
  slowNoise: number;
  wallMs: number;
  /** heapUsed + arrayBuffers after GC at the end of the first tenth and at the end of the run; undefined without GC. */
  heapFirst: number | undefined;
  heapLast: number | undefined;
  /** Why the memory check passed, failed or was skipped. */
  memory: string;
  memoryOk: boolean;
}

export interface FuzzOptions {
  inputs: number;
  seed: number;
  /** Per-call bound in ms; a call over it (on every re-run) is a hang candidate. Default 50. */
  maxMsPerInput?: number;
  /** Allowed growth of heapUsed + arrayBuffers (after GC) from the first tenth to the end, bytes. Default 8 MiB. */
  heapToleranceBytes?: number;
  /** A full GC; when missing the memory check is skipped (with a message). */
  gc?: () => void;
  /** Stop after this many failures. Default 5. */
  maxFailures?: number;
}

export const DEFAULT_MAX_MS_PER_INPUT = 50;
export const DEFAULT_HEAP_TOLERANCE_BYTES = 8 * 1024 * 1024;
const RERUNS = 3;

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.name + ": " + e.message + (e.stack === undefined ? "" : "\n" + e.stack.split("\n").slice(1, 4).join("\n"));
  try {
    return "non-Error thrown: " + JSON.stringify(e);
  } catch {
    return "non-Error thrown: " + String(e);
  }
}

/**
 * Live memory after a full GC: heapUsed plus arrayBuffers, because a Uint8Array's bytes live outside
 * the JS heap (a decoder leaking buffers would not show in heapUsed alone).
 */
function heapAfterGc(gc: () => void): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * The function behind `global.gc`: the global when node ran with --expose-gc, else one obtained by
 * turning the flag on at run time (V8 honours --expose-gc for contexts created afterwards), else
 * undefined.
 */
export function findGc(): (() => void) | undefined {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === "function") return g;
  try {
    setFlagsFromString("--expose-gc");
    const fromContext = runInNewContext("gc") as unknown;
    if (typeof fromContext === "function") return fromContext as () => void;
  } catch {
    // fall through: no GC available
  }
  return undefined;
}

/** Runs `target` on `o.inputs` inputs drawn from a PRNG seeded by `o.seed` and the target's name. */
export function runFuzz<T>(target: FuzzTarget<T>, o: FuzzOptions): FuzzReport {
  const bound = o.maxMsPerInput ?? DEFAULT_MAX_MS_PER_INPUT;
  const tolerance = o.heapToleranceBytes ?? DEFAULT_HEAP_TOLERANCE_BYTES;
  const maxFailures = o.maxFailures ?? 5;
  const rng = new Rng(o.seed, hashName(target.name));
  const failures: FuzzFailure[] = [];
  const tenth = Math.max(1, Math.floor(o.inputs / 10));
  let values = 0;
  let typed = 0;
  let maxMs = 0;
  let totalMs = 0;
  let slowNoise = 0;
  let heapFirst: number | undefined;
  let heapLast: number | undefined;
  let done = 0;
  const t0 = performance.now();

  for (let i = 0; i < o.inputs && failures.length < maxFailures; i++) {
    const input = target.next(rng);
    let outcome: Outcome | undefined;
    let error: unknown;
    let threw = false;
    const start = performance.now();
    try {
      outcome = target.run(input);
    } catch (e) {
      threw = true;
      error = e;
    }
    const ms = performance.now() - start;
    totalMs += ms;
    if (ms > maxMs) maxMs = ms;
    done = i + 1;
    if (threw) {
      failures.push({ index: i, kind: "exception", message: messageOf(error), input: target.show(input) });
      continue;
    }
    if (outcome === "value") values++;
    else typed++;
    if (ms > bound) {
      let fastest = ms;
      for (let r = 0; r < RERUNS && fastest > bound; r++) {
        const s = performance.now();
        try {
          target.run(input);
        } catch {
          // the first call did not throw; a re-run throwing is reported by its time alone
        }
        fastest = Math.min(fastest, performance.now() - s);
      }
      if (fastest > bound)
        failures.push({ index: i, kind: "slow", message: "hang candidate: " + ms.toFixed(1) + " ms, fastest of " + RERUNS + " re-runs " + fastest.toFixed(1) + " ms (bound " + bound + " ms)", input: target.show(input) });
      else slowNoise++;
    }
    if (o.gc !== undefined && done === tenth) heapFirst = heapAfterGc(o.gc);
  }
  if (o.gc !== undefined && done >= 2 * tenth) heapLast = heapAfterGc(o.gc);
  const wallMs = performance.now() - t0;

  let memory: string;
  let memoryOk = true;
  if (o.gc === undefined) memory = "memory check skipped: no GC function (run node with --expose-gc)";
  else if (heapFirst === undefined || heapLast === undefined) memory = "memory check skipped: run stopped early";
  else {
    const growth = heapLast - heapFirst;
    memoryOk = growth <= tolerance;
    memory =
      "heapUsed+arrayBuffers after GC: " + mib(heapFirst) + " after the first tenth, " + mib(heapLast) + " at the end (" + (growth >= 0 ? "+" : "") + mib(growth) + ", tolerance +" + mib(tolerance) + ")";
  }
  return {
    name: target.name,
    inputs: done,
    values,
    typed,
    failures,
    maxMs,
    meanUs: done === 0 ? 0 : (totalMs * 1000) / done,
    slowNoise,
    wallMs,
    heapFirst,
    heapLast,
    memory,
    memoryOk,
  };
}

export function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(2) + " MiB";
}

/** True when the run saw every input, no failure and a flat heap. */
export function passed(r: FuzzReport, inputs: number): boolean {
  return r.failures.length === 0 && r.inputs === inputs && r.memoryOk;
}

/** Failures as a message: index, kind, reason and the input to replay. */
export function formatFailures(r: FuzzReport): string {
  return r.failures.map((f) => r.name + " input #" + f.index + " (" + f.kind + "): " + f.message + "\n  input: " + f.input).join("\n");
}

/** One line per target for the console. */
export function formatReportLine(r: FuzzReport): string {
  return (
    r.name.padEnd(34) +
    String(r.inputs).padStart(9) +
    " in " +
    (r.wallMs / 1000).toFixed(1).padStart(5) +
    " s  values " +
    String(r.values).padStart(8) +
    "  typed " +
    String(r.typed).padStart(8) +
    "  max " +
    r.maxMs.toFixed(2).padStart(6) +
    " ms  mean " +
    r.meanUs.toFixed(1).padStart(6) +
    " us  heap " +
    (r.heapFirst === undefined || r.heapLast === undefined ? "n/a" : mib(r.heapFirst) + " -> " + mib(r.heapLast)) +
    (r.slowNoise > 0 ? "  (" + r.slowNoise + " over the bound, fast on re-run)" : "") +
    (r.failures.length > 0 ? "  FAILURES " + r.failures.length : "")
  );
}
