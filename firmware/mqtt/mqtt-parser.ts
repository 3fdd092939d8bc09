// Incremental MQTT 3.1.1 parser over explicit states (the mqtt-packet habit): fixed-header byte ->
// remaining-length bytes -> body. It is fed arbitrary chunks, so TCP fragmentation and several
// packets per chunk need no special case. The body goes into one receive buffer allocated at
// construction (maxPacketBytes); it never grows. The first bad byte moves the parser to Failed: it
// returns the typed error and refuses all further input until reset() (the client disconnects).
import { MqttError, MqttErrorCode } from "./mqtt-error.js";
import type { MqttResult } from "./mqtt-error.js";
import { ANY_MQTT_PACKET, checkFirstByte, checkRemainingLength, decodeMqttBody } from "./mqtt-decode.js";
import type { AcceptedPackets } from "./mqtt-decode.js";
import { MQTT_MAX_PACKET_BYTES, MQTT_SPEC_MAX_PACKET_BYTES } from "./packets.js";
import type { MqttPacket } from "./packets.js";

/** The parser's one state variable. */
export const MqttParserState = {
  /** Waiting for the first fixed-header byte (type and flags). */
  FixedHeader: "fixed-header",
  /** Reading the 1-4 remaining-length bytes. */
  RemainingLength: "remaining-length",
  /** Copying the body into the receive buffer. */
  Body: "body",
  /** A bad packet was seen; input is refused until reset(). */
  Failed: "failed",
} as const;
export type MqttParserState = (typeof MqttParserState)[keyof typeof MqttParserState];

export interface MqttParserOptions {
  /**
   * The packet types this side receives: SERVER_TO_CLIENT_PACKETS for a client, ANY_MQTT_PACKET
   * for tools (mqtt-decode.ts). Required, so a client bundle does not carry the server-side decoders.
   */
  accept: AcceptedPackets;
  /** Largest packet accepted, fixed header included; also the receive buffer's size. Default MQTT_MAX_PACKET_BYTES. */
  maxPacketBytes?: number;
}

/** What one push() produced: the packets completed by this chunk, then the error that stopped it, if any. */
export interface MqttPushResult {
  packets: MqttPacket[];
  /** Set when the parser is (now or already) Failed; packets before the bad one are still returned. */
  error: MqttError | undefined;
}

export interface MqttParserStats {
  /** Complete packets returned. */
  packets: number;
  /** Bytes accepted (pushed while not Failed). */
  bytes: number;
  /** Transitions to Failed. */
  errors: number;
  /** Bytes pushed while Failed, refused unread. */
  refusedBytes: number;
}

function resolveMax(maxPacketBytes: number | undefined): number {
  if (maxPacketBytes === undefined) return MQTT_MAX_PACKET_BYTES;
  // The smallest packet is 2 bytes (PINGREQ); the largest is the standard's limit.
  if (maxPacketBytes !== Math.floor(maxPacketBytes) || maxPacketBytes < 2 || maxPacketBytes > MQTT_SPEC_MAX_PACKET_BYTES) {
    throw new MqttError(MqttErrorCode.BadValue, "maxPacketBytes must be an integer from 2 to " + MQTT_SPEC_MAX_PACKET_BYTES, "2.2.3");
  }
  return maxPacketBytes;
}

/**
 * Total size of the packet starting at chunk[at] when its fixed header is well-formed and the
 * whole packet lies within the chunk, else 0 (the byte-at-a-time path then reads, and reports, it).
 */
function wholePacketLength(chunk: Uint8Array, at: number): number {
  let remaining = 0;
  let multiplier = 1;
  let pos = at + 1;
  for (let k = 0; k < 4; k++) {
    if (pos >= chunk.length) return 0;
    const b = chunk[pos++];
    remaining += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) return chunk.length - pos >= remaining ? pos - at + remaining : 0;
    multiplier *= 128;
  }
  return 0; // a fifth length byte: malformed, left to the state machine's error
}

export class MqttParser {
  readonly maxPacketBytes: number;
  readonly stats: MqttParserStats = { packets: 0, bytes: 0, errors: 0, refusedBytes: 0 };

  private st: MqttParserState = MqttParserState.FixedHeader;
  /** First fixed-header byte of the packet being read. */
  private header = 0;
  private remaining = 0;
  private lengthBytes = 0;
  private multiplier = 1;
  /** Body bytes copied so far. */
  private filled = 0;
  /** Receive buffer: the body of the packet being read (memory: maxPacketBytes, allocated once). */
  private readonly body: Uint8Array;
  private readonly accept: AcceptedPackets;
  private failure: MqttError | undefined;

  /** Throws MqttError (BAD_VALUE) for a maxPacketBytes that is not an integer in [2, MQTT_SPEC_MAX_PACKET_BYTES]. */
  constructor(options: MqttParserOptions) {
    this.maxPacketBytes = resolveMax(options.maxPacketBytes);
    this.accept = options.accept;
    // The body is at most maxPacketBytes - 2 (one type byte, at least one length byte).
    this.body = new Uint8Array(this.maxPacketBytes - 2);
  }

  get state(): MqttParserState {
    return this.st;
  }

  /** The error that stopped the parser, until reset(). */
  get error(): MqttError | undefined {
    return this.failure;
  }

  /** True between packets (no partial packet buffered). */
  get idle(): boolean {
    return this.st === MqttParserState.FixedHeader;
  }

  /** Forgets any partial packet and a failure: the state for a new connection. */
  reset(): void {
    this.st = MqttParserState.FixedHeader;
    this.failure = undefined;
    this.filled = 0;
  }

  /** Feeds a chunk of the stream; never throws on bad input (see MqttPushResult). */
  push(chunk: Uint8Array): MqttPushResult {
    const packets: MqttPacket[] = [];
    if (this.st === MqttParserState.Failed) {
      this.stats.refusedBytes += chunk.length;
      return { packets, error: this.failure };
    }
    this.stats.bytes += chunk.length;
    let i = 0;
    try {
      while (i < chunk.length) {
        if (this.st === MqttParserState.FixedHeader) {
          const whole = wholePacketLength(chunk, i);
          if (whole > 0) {
            // Fast path: the whole packet is in this chunk, so it is decoded where it lies instead
            // of being copied into the receive buffer first (decodeMqttBody copies what it keeps).
            // The checks run in the state machine's order, with `i` where it would be at each,
            // so errors and stats are the same either way.
            const h = chunk[i++];
            checkFirstByte(h);
            const lengthBytes = chunk[i] < 0x80 ? 1 : chunk[i + 1] < 0x80 ? 2 : chunk[i + 2] < 0x80 ? 3 : 4;
            const remaining = whole - 1 - lengthBytes;
            i += lengthBytes;
            checkRemainingLength(h, remaining, whole, this.maxPacketBytes);
            i += remaining;
            packets.push(decodeMqttBody(h, chunk, i - remaining, i, this.accept));
            this.stats.packets++;
            continue;
          }
          const h = chunk[i++];
          checkFirstByte(h);
          this.header = h;
          this.remaining = 0;
          this.lengthBytes = 0;
          this.multiplier = 1;
          this.st = MqttParserState.RemainingLength;
        } else if (this.st === MqttParserState.RemainingLength) {
          const b = chunk[i++];
          this.remaining += (b & 0x7f) * this.multiplier;
          this.multiplier *= 128;
          this.lengthBytes++;
          if ((b & 0x80) !== 0) {
            // Section 2.2.3: at most four bytes; a fourth with the continuation bit is malformed.
            if (this.lengthBytes === 4) throw new MqttError(MqttErrorCode.BadRemainingLength, "remaining length longer than 4 bytes", "2.2.3");
            continue;
          }
          checkRemainingLength(this.header, this.remaining, 1 + this.lengthBytes + this.remaining, this.maxPacketBytes);
          this.filled = 0;
          if (this.remaining === 0) this.complete(packets);
          else this.st = MqttParserState.Body;
        } else {
          const n = Math.min(this.remaining - this.filled, chunk.length - i);
          this.body.set(chunk.subarray(i, i + n), this.filled);
          this.filled += n;
          i += n;
          if (this.filled === this.remaining) this.complete(packets);
        }
      }
    } catch (e) {
      if (!(e instanceof MqttError)) throw e;
      this.st = MqttParserState.Failed;
      this.failure = e;
      this.stats.errors++;
      this.stats.refusedBytes += chunk.length - i;
    }
    return { packets, error: this.failure };
  }

  private complete(packets: MqttPacket[]): void {
    const p = decodeMqttBody(this.header, this.body, 0, this.remaining, this.accept);
    packets.push(p);
    this.stats.packets++;
    this.st = MqttParserState.FixedHeader;
  }
}

/**
 * Decodes exactly one complete packet of any type from `bytes` (no parser state, no copy into a
 * receive buffer). Input ending early is TRUNCATED; bytes after the packet are MALFORMED.
 * `maxPacketBytes` defaults to the standard's limit.
 */
export function decodeMqttPacket(bytes: Uint8Array, maxPacketBytes?: number): MqttResult<MqttPacket> {
  const limit = maxPacketBytes === undefined ? MQTT_SPEC_MAX_PACKET_BYTES : maxPacketBytes;
  try {
    if (bytes.length === 0) throw new MqttError(MqttErrorCode.Truncated, "no fixed header", "2.2");
    const h = bytes[0];
    checkFirstByte(h);
    let remaining = 0;
    let multiplier = 1;
    let pos = 1;
    for (;;) {
      if (pos >= bytes.length) throw new MqttError(MqttErrorCode.Truncated, "remaining length runs past the input", "2.2.3");
      const b = bytes[pos++];
      remaining += (b & 0x7f) * multiplier;
      multiplier *= 128;
      if ((b & 0x80) === 0) break;
      if (pos === 5) throw new MqttError(MqttErrorCode.BadRemainingLength, "remaining length longer than 4 bytes", "2.2.3");
    }
    checkRemainingLength(h, remaining, pos + remaining, limit);
    if (bytes.length - pos < remaining) throw new MqttError(MqttErrorCode.Truncated, "body runs past the input", "2.2.3");
    if (bytes.length - pos > remaining) throw new MqttError(MqttErrorCode.Malformed, "bytes after the packet", "2.2.3");
    return { ok: true, value: decodeMqttBody(h, bytes, pos, pos + remaining, ANY_MQTT_PACKET) };
  } catch (e) {
    if (e instanceof MqttError) return { ok: false, error: e };
    throw e;
  }
}
