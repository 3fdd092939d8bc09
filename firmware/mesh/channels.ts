// The node's channel table (Channels.cpp): effective names, expanded keys, hashes, lookup by name.
import { channelHash } from "../crypto/channel-hash.js";
import type { ChannelKey } from "../crypto/channel-decrypt.js";
import { expandPsk } from "../crypto/psk.js";
import { ChannelRole } from "../wire/enums.js";
import { effectiveChannelName } from "./modem-preset.js";
import { MAX_CHANNELS } from "./node-config.js";
import type { ChannelConfig, NodeConfig } from "./node-config.js";
import { lowerAscii } from "../bytes/compare.js";

export interface ChannelEntry {
  index: number;
  role: number;
  /** Effective name: the configured one, or the preset's display name when empty (spec section 4). */
  name: string;
  /** Expanded key, or null when the channel is unencrypted. */
  key: Uint8Array | null;
  hash: number;
  uplinkEnabled: boolean;
  downlinkEnabled: boolean;
  positionPrecision: number;
}


export class Channels {
  readonly entries: ChannelEntry[] = [];
  /** Index of the PRIMARY channel (0 when none is marked). */
  readonly primaryIndex: number = 0;
  /** Enabled channels as decryptWithChannels wants them, in index order. */
  readonly keys: ChannelKey[] = [];
  /** Effective name of an unnamed slot: the preset's display name, or "Custom" (getByName). */
  private readonly unsetName: string;

  constructor(config: NodeConfig) {
    const list: ChannelConfig[] = config.channels;
    let primary = 0;
    for (let i = 0; i < list.length; i++) if (list[i].role === ChannelRole.PRIMARY) primary = i;
    this.primaryIndex = primary;
    this.unsetName = effectiveChannelName("", config.usePreset, config.modemPreset);
    const primaryPsk = list.length > 0 ? expandPsk(list[primary].psk) : expandPsk(new Uint8Array(0));
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      // Channels::getKey: an empty PSK on a secondary channel means "use the primary's key".
      const psk = c.psk.length === 0 && i !== primary ? primaryPsk : expandPsk(c.psk);
      const name = effectiveChannelName(c.name, config.usePreset, config.modemPreset);
      const key = psk.kind === "key" ? psk.key : null;
      const entry: ChannelEntry = {
        index: i,
        role: c.role,
        name,
        key,
        hash: channelHash(name, key),
        uplinkEnabled: c.uplinkEnabled,
        downlinkEnabled: c.downlinkEnabled,
        positionPrecision: c.positionPrecision,
      };
      this.entries.push(entry);
      // A disabled channel or an invalid PSK is unusable (getKey returns length -1).
      if (c.role !== ChannelRole.DISABLED && psk.kind !== "invalid") this.keys.push({ index: i, hash: entry.hash, key });
    }
  }

  get(index: number): ChannelEntry | undefined {
    return this.entries[index];
  }

  isUsable(index: number): boolean {
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i].index === index) return true;
    return false;
  }

  /**
   * Channels::getByName (Channels.cpp 318-327): the first of all MAX_CHANNELS slots whose effective
   * name equals `name` case-insensitively, whatever its role, else the primary channel. The firmware
   * always has 8 slots (Channels.cpp 275-277); those past our configured ones are DISABLED and
   * unnamed, so they carry the preset's name (getName 358-370) and are matched like the others.
   */
  getByName(name: string): ChannelEntry {
    const want = lowerAscii(name);
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (lowerAscii(e.name) === want) return e;
    }
    const index = this.entries.length;
    // The first slot past ours: DISABLED and unnamed (fixupChannel), no uplink or downlink. A
    // DISABLED slot has no key (getKey 216-217, length -1) and so no hash (generateHash 41-43).
    if (index < MAX_CHANNELS && lowerAscii(this.unsetName) === want)
      return { index, role: ChannelRole.DISABLED, name: this.unsetName, key: null, hash: -1, uplinkEnabled: false, downlinkEnabled: false, positionPrecision: 0 };
    return this.entries[this.primaryIndex];
  }
}
