// A MeshNode configured as a direct-mode MQTT gateway on a loopback broker: uplink and downlink on
// the primary channel, no periodic broadcasts (so the tests see only the traffic they make).
import { PortableChannelCipher } from "../../firmware/crypto/index.js";
import { defaultMqttConfig } from "../../firmware/gateway/mqtt-config.js";
import { defaultNodeConfig } from "../../firmware/mesh/node-config.js";
import { SeededRng } from "../../firmware/mesh/rng.js";
import { MeshNode } from "../../firmware/node.js";

export function loopbackGatewayNode(num: number, port: number, root: string, seed: number): MeshNode {
  const config = defaultNodeConfig(num);
  config.sendNodeInfo = false;
  config.sendPosition = false;
  config.channels[0].uplinkEnabled = true;
  config.channels[0].downlinkEnabled = true;
  const mqtt = defaultMqttConfig();
  mqtt.enabled = true;
  mqtt.address = "127.0.0.1:" + port;
  mqtt.root = root;
  return new MeshNode({ config, rng: new SeededRng(seed), cipher: new PortableChannelCipher(), pki: undefined, startMs: 0, maxNodes: 0, mqtt });
}
