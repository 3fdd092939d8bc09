// What a board runs at boot, per build kind: `gateway` (radio + Wifi + MQTT straight to the broker
// through the core's MqttClient; the entry passes createGatewayLinks) and `node` (radio only). The
// bundler generates the entry that calls boot() with the board's definition inlined, from a timeout
// (boards/bundle/build-bundle.ts). The configuration comes from Storage (board-config.ts); without
// one, or with an invalid one, the board still runs as a plain node on its defaults and says why on
// the console. A radio that does not answer or a firmware without Wifi leaves the board running
// with its console, and status().faults says what is missing.
import { nodeIdOf } from "../../firmware/gateway/node-id.js";
import { normalizeConfig } from "../../firmware/mesh/node-config.js";
import type { NodeConfig } from "../../firmware/mesh/node-config.js";
import { regionInfo } from "../../firmware/mesh/regions.js";
import { MeshNode } from "../../firmware/node.js";
import type { BoardDef } from "../defs/board.js";
import type { LoraRadio } from "../radio/lora-radio.js";
import { radioConfigFor } from "../radio/lora-radio.js";
import { BOARD_CONFIG_FILE, emptyStoredConfig, nodeConfigOf, validateStoredConfig } from "./board-config.js";
import type { StoredConfig } from "./board-config.js";
import type { RadioFactory } from "./board-radio.js";
import { boardStatus, postText } from "./board-status.js";
import type { BoardStatus } from "./board-status.js";
import { createChannelCipher } from "./espruino-cipher.js";
import { EspruinoDriver } from "./espruino-driver.js";
import { errorText, printLine, storageModule } from "./espruino-host.js";
import type { GatewayLinksFactory } from "./gateway-links.js";
import { HardwareRng } from "./hw-rng.js";
import type { EspruinoNetLink } from "./net-link.js";
import type { WifiLink } from "./wifi-link.js";

/** What boot() runs; the selftest build has its own entry (boards/selftest/selftest-main.ts). */
export type BootKind = "gateway" | "node";

/** `meshport.runtime` at the console; status() and sendText() are the supported way in (board-status.ts). */
export interface Runtime {
  kind: BootKind;
  board: BoardDef;
  config: StoredConfig;
  driver: EspruinoDriver;
  radio: LoraRadio | undefined;
  wifi: WifiLink | undefined;
  net: EspruinoNetLink | undefined;
  status(): BoardStatus;
  /** A text on the primary channel to `to` (a node number; broadcast when left out). */
  sendText(text: string, to?: number): void;
}

/** Reads and validates the stored configuration; problems are printed and the defaults used. */
export function loadStoredConfig(): StoredConfig {
  let raw: unknown;
  try {
    raw = storageModule().readJSON(BOARD_CONFIG_FILE, true);
  } catch (e) {
    printLine("config: cannot read " + BOARD_CONFIG_FILE + ": " + errorText(e));
    return emptyStoredConfig();
  }
  if (raw === undefined || raw === null) {
    printLine("config: no " + BOARD_CONFIG_FILE + " in Storage (meshport board flash writes it); using the board defaults");
    return emptyStoredConfig();
  }
  const r = validateStoredConfig(raw);
  if (!r.ok) {
    printLine("config: " + r.error.message + "; using the board defaults");
    return emptyStoredConfig();
  }
  return r.value;
}

/** A node number from the hardware RNG, outside 0..3 (reserved) and broadcast; stored so it survives reboots. */
export function assignNodeNum(c: StoredConfig, rng: HardwareRng): number {
  if (c.nodeNum !== 0) return c.nodeNum;
  let n = rng.nextU32();
  while (n < 4 || n === 0xffffffff) n = rng.nextU32();
  c.nodeNum = n;
  try {
    storageModule().writeJSON(BOARD_CONFIG_FILE, c);
  } catch (e) {
    printLine("config: cannot store the node number: " + errorText(e));
  }
  return n;
}

/**
 * Starts the board: `createRadio` is the factory for the board's chip (board-radio.ts), and
 * `createLinks` the gateway's network side (gateway-links.ts; undefined on a node build).
 */
export function boot(board: BoardDef, createRadio: RadioFactory, createLinks: GatewayLinksFactory | undefined): Runtime {
  const kind: BootKind = createLinks === undefined ? "node" : "gateway";
  printLine("meshport " + kind + " on " + board.name);
  const config = loadStoredConfig();
  const rng = new HardwareRng();
  const nodeNum = assignNodeNum(config, rng);
  const faults: string[] = [];
  // The net link posts into the driver, which is built after it.
  const sink: { driver: EspruinoDriver | undefined } = { driver: undefined };
  const post = (e: Parameters<EspruinoDriver["post"]>[0]): void => {
    if (sink.driver !== undefined) sink.driver.post(e);
  };
  const regionOf = (gateway: boolean): NodeConfig => nodeConfigOf(config, nodeNum, gateway, board.defaultRegion, board.defaultPreset);
  const regionName = regionInfo(regionOf(false).region).name;
  const links = createLinks === undefined ? undefined : createLinks(config, regionName, post);
  const nodeConfig = regionOf(links !== undefined);
  const cipher = createChannelCipher(false);
  printLine("node " + nodeIdOf(nodeNum) + " region " + regionName + ", cipher " + cipher.name);

  let radio: LoraRadio | undefined;
  try {
    const r = createRadio(board);
    // Tuned like the firmware after boot: the "Default" channel name fixed up first (Channels.cpp 71-73).
    r.init(radioConfigFor(normalizeConfig(nodeConfig)));
    radio = r;
  } catch (e) {
    faults.push("radio: " + errorText(e));
    printLine("radio: " + errorText(e) + "; running without a radio");
  }

  const node = new MeshNode({ config: nodeConfig, rng, cipher, pki: undefined, startMs: 0, maxNodes: 0, mqtt: links === undefined ? undefined : links.mqtt });
  const driver = new EspruinoDriver(node, radio, links === undefined ? undefined : links.net);
  sink.driver = driver;
  driver.start();
  if (links !== undefined) {
    links.wifi.start();
    if (links.wifi.fault !== "") faults.push("wifi: " + links.wifi.fault);
  }
  const wifi = links === undefined ? undefined : links.wifi;
  const net = links === undefined ? undefined : links.net;
  return {
    kind,
    board,
    config,
    driver,
    radio,
    wifi,
    net,
    status: () => boardStatus(driver, radio !== undefined, wifi, net, faults),
    sendText: (text: string, to?: number) => postText(driver, text, to),
  };
}
