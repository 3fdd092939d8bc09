// RoutingModule::getHopLimitForResponse: answer with just enough hops. With the request's hop
// count known (hop_start != 0), use it when it exceeded our limit, else it plus a margin of 2 when
// that stays below our limit; otherwise (and for pre-2.3 senders without hop_start) our limit.
// (The spec's summary lists "0 if hop_start == 0"; the firmware's function returns the configured
// limit there, and an ACK that cannot travel would defeat its purpose, so we follow the code.)
export function hopLimitForResponse(hopStart: number, hopLimit: number, configHopLimit: number): number {
  if (hopStart !== 0) {
    const used = hopStart < hopLimit ? configHopLimit : hopStart - hopLimit;
    if (used > configHopLimit) return used;
    if (used + 2 < configHopLimit) return used + 2;
  }
  return configHopLimit;
}

/** Hops a packet has taken (NodeDB getHopsAway), or -1 when unknown (spec 6.4). */
export function hopsAway(hopStart: number, hopLimit: number, hasBitfield: boolean): number {
  if (hopStart === 0 && !hasBitfield) return -1;
  if (hopStart < hopLimit) return -1;
  return hopStart - hopLimit;
}
