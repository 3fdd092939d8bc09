// Public API of the portable crypto layer: AES block, CTR and CCM, nonces, PSK expansion, channel hash,
// the channel-cipher seam, the PKI framing, and portable X25519 and SHA-256 for PKI on boards.

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
export { FE_LIMBS, feCarry, feMul, feSquare, x25519, x25519BasePoint, x25519PublicKeyWith, x25519With } from "./x25519.js";
export type { FieldMul } from "./x25519.js";
export { X25519_CACHE_SIZE, cachedX25519, newX25519Cache } from "./x25519-cache.js";
export type { X25519Cache, X25519Fn } from "./x25519-cache.js";
export { SHA256_BYTES, sha256 } from "./sha256.js";
export { CCM_MAX_BYTES, CCM_NONCE_BYTES, CCM_TAG_BYTES, aesCcmOpen, aesCcmSeal, portableAesBlockOps } from "./aes-ccm.js";
export type { AesBlockOps } from "./aes-ccm.js";
export { pkiFromParts, portablePkiParts } from "./portable-pki.js";
export type { PkiParts } from "./portable-pki.js";
