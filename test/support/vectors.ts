// Loads the golden vectors copied into test/vectors/ (never from the shared folder, so a clone is self-contained).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function loadVectors<T = any>(name: "crypto" | "envelopes" | "radio"): T {
  const path = fileURLToPath(new URL("../vectors/" + name + ".json", import.meta.url));
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

export function hex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "hex"));
}

export function toHexString(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}
