// A plain MQTT 3.1.1 subscriber over a node socket (mqtt-packet): CONNECT, SUBSCRIBE one filter,
// collect every PUBLISH. Tests use it to watch what a gateway publishes and to publish to it.
import net from "node:net";
import mqttPacket from "mqtt-packet";

export interface Subscriber {
  messages: { topic: string; payload: Buffer }[];
  subscribed: boolean;
  socket: net.Socket;
  publish(topic: string, payload: Uint8Array): void;
}

export function subscribe(port: number, filter: string, clientId = "test-sub"): Subscriber {
  const socket = net.connect({ host: "127.0.0.1", port });
  const parser = mqttPacket.parser();
  const sub: Subscriber = {
    messages: [],
    subscribed: false,
    socket,
    publish: (topic, payload) => socket.write(mqttPacket.generate({ cmd: "publish", topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false })),
  };
  parser.on("packet", (p: mqttPacket.Packet) => {
    if (p.cmd === "connack") socket.write(mqttPacket.generate({ cmd: "subscribe", messageId: 1, subscriptions: [{ topic: filter, qos: 0 }] }));
    else if (p.cmd === "suback") sub.subscribed = true;
    else if (p.cmd === "publish") sub.messages.push({ topic: p.topic, payload: Buffer.from(p.payload as Buffer) });
  });
  socket.on("data", (b) => parser.parse(b));
  socket.on("error", () => {});
  socket.on("connect", () => socket.write(mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clientId, clean: true, keepalive: 60 })));
  return sub;
}
