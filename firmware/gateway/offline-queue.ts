// Envelopes waiting for the broker (MQTT.h MAX_MQTT_QUEUE, spec 5.8): bounded, and when full the
// oldest entry is dropped and counted. Only protobuf envelopes are queued.

export interface QueuedEnvelope {
  topic: string;
  payload: Uint8Array;
}

export class OfflineQueue {
  readonly capacity: number;
  private readonly items: QueuedEnvelope[] = [];
  /** Entries discarded because the queue was full (drop-oldest rule). */
  droppedOldest = 0;

  constructor(capacity: number) {
    this.capacity = capacity > 0 ? capacity : 1;
  }

  get size(): number {
    return this.items.length;
  }

  push(e: QueuedEnvelope): void {
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.droppedOldest++;
    }
    this.items.push(e);
  }

  shift(): QueuedEnvelope | undefined {
    return this.items.shift();
  }
}
