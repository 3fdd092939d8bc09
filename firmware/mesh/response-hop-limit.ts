// RoutingModule::getHopLimitForResponse (firmware RoutingModule.cpp 62-78, 2.7.26): answer with just
// enough hops. With the request's hop count known: the same count when it exceeded our limit; 0 when
// the request was sent with hop_start 0 (a zero-hop request gets a zero-hop answer);
// the count plus a margin of 2 when that stays below our limit. Otherwise our configured limit.
import { HOP_MAX } from "./packet.js";
import { hopsAway } from "./node-db.js";

export function hopLimitForResponse(hopStart: number, hopLimit: number, hasBitfield: boolean, configHopLimit: number): number {
  const used = hopsAway(hopStart, hopLimit, hasBitfield);
  if (used >= 0) {
    if (used > configHopLimit) return used;
    if (hopStart === 0) return 0;
    if (((used + 2) & 0xff) < configHopLimit) return used + 2;
  }
  // Default::getConfiguredOrDefaultHopLimit: 7 or more is HOP_MAX.
  return configHopLimit >= HOP_MAX ? HOP_MAX : configHopLimit;
}
