// Every reason the router drops, refuses or cancels a packet, in one place. The strings are stable:
// they key RouterStats.drops and tests assert them, so never rename one. Each names the firmware
// 2.7.26 line that makes the same decision; the firmware mostly logs and releases the packet,
// meshport counts it (nothing is lost silently).
//
// Where each is decided (router.ts header has the call order):
//   receive filters ......... Router::perhapsHandleReceived, RadioLibInterface::handleReceiveInterrupt
//   duplicates .............. ReliableRouter / FloodingRouter / NextHopRouter::shouldFilterReceived
//   decode and module gates . Router::handleReceived, perhapsDecode
//   send refusals ........... Router::send, perhapsEncode, RadioLibInterface::send / startSend
//   queue ................... MeshPacketQueue::enqueue

export const RouterDrop = {
  // ---- on the air, before the router (RadioLibInterface::handleReceiveInterrupt 531-625) ----
  /** Header shorter than 16 bytes or longer than 255 ("too short", 572-577): a bad frame, its airtime booked. */
  BadFrame: "bad-frame",
  /** The radio reported a payload CRC error (readData error, 561-570): a bad frame, its airtime booked. */
  CrcError: "crc-error",
  /** Header `from` is 0: counted good, no airtime, not routed ("can do Remote Node Administration", 580-588). */
  FromZero: "from-zero",
  /** Region UNSET: nothing is received (547-552). */
  RegionUnset: "region-unset",

  // ---- receive filters (Router::perhapsHandleReceived 849-872) ----
  /** `from` is in lora.ignore_incoming. */
  IgnoredIncoming: "ignored-incoming",
  /** `from` is marked is_ignored in the NodeDB. */
  IgnoredNode: "ignored-node",
  /** `from` is the broadcast address. */
  FromBroadcast: "from-broadcast",
  /** `via_mqtt` set while lora.ignore_mqtt is on. */
  IgnoreMqtt: "ignore-mqtt",
  /** A duplicate (PacketHistory or the text module's recent ids), handled by the dupe rules and stopped. */
  Duplicate: "duplicate",
  /** Fewer than 4 packets fit the local receive queue: the oldest was dropped (Router::enqueueReceivedMessage 156-163). */
  LocalQueueFull: "local-queue-full",

  // ---- decode and module gates (Router::handleReceived 742-784, perhapsDecode 424-575) ----
  /** Encrypted payload larger than 256 bytes (DECODE_FATAL): cancelled, modules and MQTT skipped. */
  DecodeFatal: "decode-fatal",
  /** NEIGHBORINFO_APP while the neighbor-info module is off (757-764): cancelled, not relayed, delivered or uplinked. */
  NeighborInfoOff: "neighborinfo-off",
  /** CORE_PORTNUMS_ONLY and a port outside the core list (766-781): cancelled, modules and MQTT skipped. */
  NonCorePort: "non-core-port",
  /** A channel-encrypted TEXT_MESSAGE_APP to us ("Rejecting legacy DM", 499-501): not decoded. */
  LegacyDm: "legacy-dm",
  /** PKI decrypted but the Data did not decode (467-470): not decoded, channels not tried. */
  PkiBadData: "pki-bad-data",
  /** A module stopped processing before the routing module (ProtobufModule.h 94-97, NodeInfo is_licensed, own position). */
  ModuleStop: "module-stop",

  // ---- send refusals (Router::send 295-396, perhapsEncode 579-715) ----
  /** Over the region's hourly duty cycle: ours get a DUTY_CYCLE_LIMIT NAK, relays are released (303-327). */
  DutyCycle: "duty-cycle",
  /** Encoded Data does not fit 255 bytes with the header (TOO_LARGE). */
  TooLarge: "too-large",
  /** No usable channel for the index (NO_CHANNEL). */
  NoChannel: "no-channel",
  /** PKI needed but the destination's public key is unknown (PKI_SEND_FAIL_PUBLIC_KEY). */
  PkiNoKey: "pki-no-key",
  /** PKI requested and impossible, or the client's key differs from the stored one (PKI_FAILED). */
  PkiFailed: "pki-failed",
  /** A POSITION_APP payload of ours that does not decode (Router::send 356-362). */
  BadPosition: "bad-position",
  /** tx_enabled false or region UNSET (RadioLibInterface::send 150-166, startSend 670-673). */
  TxDisabled: "tx-disabled",
  /** TX queue full and nothing of lower priority to evict (MeshPacketQueue::enqueue). */
  QueueFull: "queue-full",
  /** A queued packet evicted for a higher-priority one (MeshPacketQueue::replaceLowerPriorityPacket). */
  QueueEvicted: "queue-evicted",
  /** Retransmission table full: the record due soonest was dropped (meshport bound, see retransmissions.ts). */
  PendingFull: "pending-full",
} as const;
export type RouterDrop = (typeof RouterDrop)[keyof typeof RouterDrop];

/** Counts per RouterDrop reason (a plain object: Espruino has no Map). */
export type RouterDropCounts = { [reason: string]: number };

export function countDrop(counts: RouterDropCounts, reason: RouterDrop): void {
  counts[reason] = (counts[reason] || 0) + 1;
}

/** Counters of the router's decisions; drops are counted by reason in `drops`. */
export interface RouterStats {
  /** Frames from the air that reached the router (RadioLibInterface rxGood). */
  rxGood: number;
  /** Duplicates (rxDupe): handled by the dupe rules, not processed again. */
  rxDupe: number;
  /** Packets none of our keys decrypted; they are still relayed and uplinked by the rules. */
  decodeFailed: number;
  /** Transmissions completed (txGood) and, of those, relays (txRelay). */
  txGood: number;
  txRelay: number;
  /** Queued relays cancelled because someone else relayed first (txRelayCanceled). */
  txRelayCanceled: number;
  /** Transmit delays drawn again because a frame was on the air. */
  txDeferred: number;
  /** Retransmissions sent, and own packets that ran out of them (MAX_RETRANSMIT). */
  retransmissions: number;
  maxRetransmitReached: number;
  /** Our packets acknowledged by overhearing a relay. */
  implicitAcks: number;
  /** Why packets were dropped, refused or cancelled, by RouterDrop reason. */
  drops: RouterDropCounts;
}
