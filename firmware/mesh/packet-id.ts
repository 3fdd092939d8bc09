// Packet ids (Router.cpp generatePacketId): the low 10 bits are a rolling counter seeded at
// random at boot, the upper 22 bits random, so ids stay unique across reboots and senders.
import { randomRange } from "./rng.js";
import type { Rng } from "./rng.js";

/** ID_COUNTER_MASK */
const ID_COUNTER_MASK = 0x3ff;

export class PacketIdGenerator {
  private rolling: number;
  private readonly rng: Rng;

  constructor(rng: Rng) {
    this.rng = rng;
    this.rolling = randomRange(rng, 0, 0x7fffffff);
  }

  next(): number {
    for (;;) {
      this.rolling = (this.rolling + 1) >>> 0;
      const id = ((this.rolling & ID_COUNTER_MASK) | (randomRange(this.rng, 0, 0x7fffffff) << 10)) >>> 0;
      // 0 means "not floodable" (never deduplicated or relayed), so it is never handed out.
      if (id !== 0) return id;
    }
  }
}
