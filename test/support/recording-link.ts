// An MqttLink that records what the MQTT module publishes and subscribes to, for MeshNode-level
// gateway tests: connected unless a test says otherwise, and refusing topics a test names (what a
// real client does with an invalid topic).
import type { MqttLink } from "../../firmware/gateway/mqtt-module.js";
import { decodeEnvelope } from "../../firmware/gateway/index.js";

export class RecordingLink implements MqttLink {
  connected = true;
  published: { topic: string; payload: Uint8Array; at: number }[] = [];
  subscriptions: string[] = [];
  /** Publishes to topics containing this are refused while connected ("" refuses none). */
  refuse = "";

  isConnected(): boolean {
    return this.connected;
  }

  publish(topic: string, payload: Uint8Array, now: number): boolean {
    if (!this.connected || (this.refuse !== "" && topic.includes(this.refuse))) return false;
    this.published.push({ topic, payload, at: now });
    return true;
  }

  setSubscriptions(filters: string[]): void {
    this.subscriptions = filters;
  }

  /** The published ServiceEnvelopes (JSON topics skipped), decoded, with their topics. */
  envelopes() {
    const out = [];
    for (const p of this.published) {
      if (p.topic.includes("/2/json/")) continue;
      const e = decodeEnvelope(p.payload);
      if (!e.ok) throw new Error(e.error.message);
      out.push({ topic: p.topic, ...e.value });
    }
    return out;
  }

  /** The published JSON documents, parsed, with their topics. */
  json(): { topic: string; doc: Record<string, unknown> }[] {
    return this.published.filter((p) => p.topic.includes("/2/json/")).map((p) => ({ topic: p.topic, doc: JSON.parse(new TextDecoder().decode(p.payload)) as Record<string, unknown> }));
  }
}
