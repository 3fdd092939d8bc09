// Public API of the portable crypto layer: AES block and CTR, nonces, PSK expansion, channel hash,
// the channel-cipher seam and the PKI framing.

export { AES_BLOCK_BYTES, AES_ROUND_KEY_WORDS, aesEncryptBlock, aesExpandKey } from "./aes.js";
export { aesCtrXor } from "./aes-ctr.js";
export { PACKET_NONCE_BYTES, PKI_NONCE_BYTES, packetNonce, pkiNonce } from "./nonce.js";
export { DEFAULT_PSK, MAX_PSK_BYTES, channelKey, expandPsk, expandedKeyBytes } from "./psk.js";
export type { ExpandedPsk } from "./psk.js";
export { channelHash, xorBytes } from "./channel-hash.js";
export { BAD_KEY_LENGTH_MESSAGE, CHANNEL_CIPHER_KEY_CACHE_SIZE, PortableChannelCipher } from "./channel-cipher.js";
export type { ChannelCipher } from "./channel-cipher.js";
export {
  PKI_KEY_BYTES,
  PKI_OVERHEAD,
  PKI_TAG_BYTES,
  decryptPki,
  decryptPkiWithKey,
  encryptPki,
  encryptPkiWithKey,
  pkiSharedKey,
} from "./pki.js";
export type { PkiPrimitives } from "./pki.js";
export { decryptWithChannels, tryChannelKey } from "./channel-decrypt.js";
export type { ChannelDecryptResult, ChannelKey } from "./channel-decrypt.js";
