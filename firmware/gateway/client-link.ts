// Direct mode: the MQTT module reaches the broker through our own MQTT client.
import type { MqttClient } from "../mqtt/client.js";
import type { MqttLink } from "./mqtt-module.js";

export class ClientLink implements MqttLink {
  private readonly client: MqttClient;
  /** Publishes the client refused (not connected, too large, ...), by result. */
  readonly refused: Record<string, number> = {};

  constructor(client: MqttClient) {
    this.client = client;
  }

  isConnected(): boolean {
    return this.client.isConnected();
  }

  publish(topic: string, payload: Uint8Array, now: number): boolean {
    const r = this.client.publish(topic, payload, 0, false, now);
    if (r === "sent") return true;
    this.refused[r] = (this.refused[r] || 0) + 1;
    return false;
  }

  /**
   * Remembered by the client and sent (QoS 1) after every connect. The module calls this once,
   * before the client starts, so no SUBSCRIBE goes out here and the time argument is unused.
   */
  setSubscriptions(filters: string[]): void {
    this.client.setSubscriptions(filters, 0);
  }
}
