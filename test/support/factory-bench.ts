// A MeshNode as it leaves the factory once its owner picked the US region (nothing switched off,
// a key pair, its clock set) and the small helpers the firmware-parity scenario tests share.
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { nodePki } from "../../firmware/platform/node/index.js";
import { PortNum, RoutingCodec } from "../../firmware/wire/index.js";
import type { Data } from "../../firmware/wire/index.js";
import { NodeBench } from "./node-bench.js";

export const US = 0x10;
export const HOUR = 3600_000;
/** 2026-01-01T00:00:00Z: the node's clock is set (rx_time, last heard, online counts). */
export const EPOCH = Date.UTC(2026, 0, 1);
/** A fixed position for nodes that know where they are. */
export const HERE = { latitudeI: 515_000_000, longitudeI: -1_000_000, altitude: 12 };

/** A text message Data, no bitfield. */
export const text = (s: string): Data => ({ portnum: PortNum.TEXT_MESSAGE_APP, payload: new TextEncoder().encode(s), bitfield: 0 });

/** The Routing error_reason of a ROUTING_APP Data, undefined when it does not decode. */
export function routing(d: Data | undefined): number | undefined {
  const r = RoutingCodec.decode(d?.payload ?? new Uint8Array());
  return r.ok ? r.value.errorReason : undefined;
}

/** A factory-default node (NodeInfo and position on, the PKI primitives, the clock set). */
export function factoryBench(configure?: (c: NodeConfig) => void): NodeBench {
  return new NodeBench(
    (c) => {
      c.sendNodeInfo = true;
      c.sendPosition = true;
      configure?.(c);
    },
    US,
    nodePki,
    7,
    { epochMs: EPOCH },
  );
}
