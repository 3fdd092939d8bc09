// The benchmark suites by name, in the order `meshport bench` runs them by default. A suite builds
// its cases, checking before any timing that every impl of a case computes the same result (it
// throws if not), so building a suite is also its correctness check.
import type { BenchCase } from "../harness.js";
import { aesSuite } from "./aes-ctr.js";
import { mqttSuite } from "./mqtt.js";
import { protobufSuite } from "./protobuf.js";
import { simSuite } from "./sim.js";
import { uplinkSuite } from "./uplink.js";

export type Suite = () => BenchCase[];

export const SUITES: Record<string, Suite> = {
  protobuf: protobufSuite,
  "aes-ctr": aesSuite,
  mqtt: mqttSuite,
  uplink: uplinkSuite,
  sim: simSuite,
};
