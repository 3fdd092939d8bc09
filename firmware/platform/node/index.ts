// Node implementations of the core's capability seams.
export { NodeChannelCipher } from "./node-channel-cipher.js";
export { nodePki } from "./node-pki.js";
export { BrokerSocket, describeSocketError } from "./broker-socket.js";
export { NodeDriver } from "./node-driver.js";
export type { NodeDriverOptions } from "./node-driver.js";
export { useBytePool } from "./byte-pool.js";
