// Golden values the board checks itself against, copied from test/vectors/crypto.json and
// envelopes.json (a board cannot read the JSON files). test/boards/runtime/selftest-vectors.test.ts
// asserts that every value here still equals its source, so the copies cannot drift.

export interface AesEcbVector {
  keyHex: string;
  plaintextHex: string;
  ciphertextHex: string;
}

export interface AesCtrVector {
  keyHex: string;
  counterBlockHex: string;
  plaintextHex: string;
  ciphertextHex: string;
}

/** crypto.json aes_ecb (NIST SP800-38A F.1.5). */
export const AES_ECB_VECTORS: AesEcbVector[] = [
  { keyHex: "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", plaintextHex: "6bc1bee22e409f96e93d7e117393172a", ciphertextHex: "f3eed1bdb5d2a03c064b5a7e3db181f8" },
  { keyHex: "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", plaintextHex: "ae2d8a571e03ac9c9eb76fac45af8e51", ciphertextHex: "591ccb10d410ed26dc5ba74a31362870" },
  { keyHex: "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", plaintextHex: "30c81c46a35ce411e5fbc1191a0a52ef", ciphertextHex: "b6ed21b99ca6f4f9f153e7b1beafed1d" },
];

/** crypto.json aes_ctr (RFC 3686 test vectors #7 and #1). */
export const AES_CTR_VECTORS: AesCtrVector[] = [
  { keyHex: "776beff2851db06f4c8a0542c8696f6c6a81af1eec96b4d37fc1d689e6c1c104", counterBlockHex: "00000060db5672c97aa8f0b200000001", plaintextHex: "53696e676c6520626c6f636b206d7367", ciphertextHex: "145ad01dbf824ec7560863dc71e3e0c0" },
  { keyHex: "ae6852f8121067cc4bf7a5765577f39e", counterBlockHex: "00000030000000000000000000000001", plaintextHex: "53696e676c6520626c6f636b206d7367", ciphertextHex: "e4095d4fb7a7b3792d6175a3261311b8" },
];

/** crypto.json psk_expansion: the default PSK {0x01}. */
export const DEFAULT_PSK_HEX = "01";
export const DEFAULT_KEY_HEX = "d4f1bb3a20290759f0bcffabcf4e6901";

/** crypto.json channel_hash: LongFast with the default PSK. */
export const LONGFAST_HASH = 8;

/** envelopes.json synthetic_packet: a broadcast text from !12345678 on LongFast, US. */
export const SYNTHETIC = {
  from: 305419896,
  to: 4294967295,
  id: 168496141,
  channelName: "LongFast",
  hopLimit: 3,
  hopStart: 3,
  relayNode: 120,
  payloadText: "Hello, mesh!",
  gatewayId: "!12345678",
  mqttRoot: "msh/US",
  dataPlaintextHex: "0801120c48656c6c6f2c206d657368214801",
  ivHex: "0d0c0b0a000000007856341200000000",
  ciphertextHex: "90ee2a308d13277faa1e86aaf7cc71ef3514",
  loraFrameHex: "ffffffff785634120d0c0b0a6308007890ee2a308d13277faa1e86aaf7cc71ef3514",
  envelopeEncryptedHex: "0a2e0d7856341215ffffffff18082a1290ee2a308d13277faa1e86aaf7cc71ef3514350d0c0b0a48035864780398017812084c6f6e67466173741a09213132333435363738",
  envelopeDecodedHex: "0a2c0d7856341215ffffffff22120801120c48656c6c6f2c206d657368214801350d0c0b0a48035864780398017812084c6f6e67466173741a09213132333435363738",
  topic: "msh/US/2/e/LongFast/!12345678",
};

/** envelopes.json aes256_variant: the same Data under a 32-byte key. */
export const AES256_VARIANT = {
  keyHex: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
  ivHex: "0d0c0b0a000000007856341200000000",
  plaintextHex: "0801120c48656c6c6f2c206d657368214801",
  ciphertextHex: "bb32d1ae19c0707e41c0736b90eb72b590e2",
};
