// The JSON side of the MQTT gateway (json_enabled, firmware 2.7 spec 5.10-5.11), as the one object
// MeshNode takes in its mqttJson option: tools and the simulator pass it; board bundles built
// without JSON leave it out and carry neither the serializer nor the parser.
import { parseJsonDownlink } from "./json-downlink.js";
import type { MqttJson } from "./mqtt-module.js";
import { serializeJsonUplinkBytes } from "./json-uplink.js";

export const MQTT_JSON: MqttJson = { serialize: serializeJsonUplinkBytes, parseDownlink: parseJsonDownlink };
