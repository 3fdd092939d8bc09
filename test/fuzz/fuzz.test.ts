// Fuzz, issue 8 (CI size): the LoRa frame decoder, the envelope pipeline (TypeScript and WASM), the
// MQTT codec (whole packets and the streaming parser in random chunks), the JSON downlink parser and
// the scenario validator; each returns a value or its typed error on every input, within the time
// bound, with a flat heap. The protobuf codecs run in fuzz-codecs.test.ts and
// fuzz-codecfor.test.ts (separate files so vitest runs them in parallel workers). `make fuzz` runs
// the same targets at 1,000,000+ inputs.
import { fuzzFamilies } from "./vitest-fuzz.js";

fuzzFamilies(["lora", "envelope", "mqtt", "json", "scenario"]);
