// Node implementations of the core's capability seams.
export { NodeChannelCipher } from "./node-channel-cipher.js";
export { nodePki } from "./node-pki.js";
