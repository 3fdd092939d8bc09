// The board PKI (boards/runtime/espruino-pki.ts) bundled as boards are and run on the real
// Espruino 2v29 interpreter (espruino-esp32like, or MESHPORT_ESPRUINO): the crypto.json x25519,
// sha256 and pki_frame vectors with the natives (E.convolve, crypto.SHA256, crypto.AES) and all
// portable. The interpreter prints what it computed; the checks are made here. Skipped, with how
// to get the interpreter, when it is absent. scripts/measure-board-pki.ts times the same code.
import { describe, expect, it } from "vitest";
import { bundleEntryForEspruino, PROJECT_ROOT } from "../../../boards/bundle/build-bundle.js";
import { ESPRUINO_HOWTO, findEspruino, markedJson, runOnEspruino } from "../../../boards/bundle/run-espruino.js";
import { cryptoVectors as V } from "../../crypto/vectors.js";

const MARK = "PKIREAL ";
const espruino = findEspruino();

interface RealResults {
  natives: { sha256: boolean; aes: boolean; convolve: boolean };
  names: string[];
  x25519: string[];
  sha256: string[][];
  frame: { publicKey: string; sharedKey: string; plaintext: string; reencrypted: string }[];
  portablePlaintext: string;
}

function entry(): string {
  const at = (f: string) => JSON.stringify(PROJECT_ROOT + "/" + f);
  const input = {
    x25519: V.x25519.map((v) => [v.private_hex, v.public_hex]),
    sha256: V.sha256.map((v) => v.input_hex),
    frame: V.pki_frame,
  };
  return `
import { createBoardPki } from ${at("boards/runtime/espruino-pki.ts")};
import type { BoardPki } from ${at("boards/runtime/espruino-pki.ts")};
import { espruinoPkiNatives } from ${at("boards/runtime/espruino-pki.ts")};
import { decryptPki, encryptPki, pkiSharedKey } from ${at("firmware/crypto/pki.ts")};
import { sha256 } from ${at("firmware/crypto/sha256.ts")};
declare const print: (s: string) => void;
const IN = ${JSON.stringify(input)};
function hex(s: string): Uint8Array {
  const b = new Uint8Array(s.length / 2);
  for (let i = 0; i < b.length; i++) b[i] = parseInt(s.substr(2 * i, 2), 16);
  return b;
}
function hx(b: Uint8Array | null): string {
  if (b === null) return "null";
  let s = "";
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? "0" : "") + b[i].toString(16);
  return s;
}
const n = espruinoPkiNatives();
const natived = createBoardPki(false);
const portable = createBoardPki(true);
const f = IN.frame;
const payload = hex(f.frame_hex).subarray(16);
function frame(pki: BoardPki): Record<string, string> {
  const priv = hex(f.our_private_hex);
  const pub = hex(f.sender_public_hex);
  return {
    publicKey: hx(pki.publicKeyFor(priv)),
    sharedKey: hx(pkiSharedKey(pki, priv, pub)),
    plaintext: hx(decryptPki(pki, priv, pub, f.header.id, f.header.from, payload)),
    reencrypted: hx(encryptPki(pki, priv, pub, f.header.id, f.header.from, f.extra_nonce_u32, hex(f.plaintext_hex))),
  };
}
const out = {
  natives: { sha256: n.sha256 !== undefined, aes: n.aes !== undefined, convolve: n.convolve !== undefined },
  names: [natived.name, portable.name],
  x25519: IN.x25519.map((v: string[]) => hx(natived.x25519(hex(v[0]), hex(v[1])))),
  sha256: IN.sha256.map((s: string) => [hx(natived.sha256(hex(s))), hx(sha256(hex(s)))]),
  frame: [frame(natived)],
  portablePlaintext: hx(decryptPki(portable, hex(f.our_private_hex), hex(f.sender_public_hex), f.header.id, f.header.from, payload)),
};
print(${JSON.stringify(MARK)} + JSON.stringify(out));
`;
}

describe("board PKI on the real Espruino interpreter", () => {
  if (espruino === undefined) {
    it.skip("needs espruino-esp32like on PATH: " + ESPRUINO_HOWTO, () => {});
    return;
  }
  const interpreter = espruino;

  it("crypto.json x25519, sha256 and pki_frame vectors, native parts and portable", async () => {
    const code = await bundleEntryForEspruino(entry(), { globalName: "", compact: false });
    const run = runOnEspruino(interpreter, code, 60_000);
    expect(run.timedOut).toBe(false);
    const r = markedJson(run.output, MARK) as RealResults | undefined;
    if (r === undefined) throw new Error("the interpreter printed no result:\n" + run.output.slice(-2000));

    // The ESP32-like build has all three natives, so the native path is what ran.
    expect(r.natives).toEqual({ sha256: true, aes: true, convolve: true });
    expect(r.names).toEqual(["sha256 native, aes native, x25519 convolve", "sha256 portable, aes portable, x25519 portable"]);

    V.x25519.forEach((v, i) => expect(r.x25519[i]).toBe(v.expect === "ok" ? v.shared_hex : "null"));
    V.sha256.forEach((v, i) => expect(r.sha256[i]).toEqual([v.sha256_hex, v.sha256_hex]));

    const f = V.pki_frame;
    const payloadHex = f.ciphertext_hex + f.tag_hex + f.extra_nonce_hex;
    expect(r.frame[0]).toEqual({ publicKey: f.our_public_hex_derived, sharedKey: f.aes_key_hex, plaintext: f.plaintext_hex, reencrypted: payloadHex });
    expect(r.portablePlaintext).toBe(f.plaintext_hex);
  }, 60_000);
});
