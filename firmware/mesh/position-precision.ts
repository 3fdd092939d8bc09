// Channel position precision (firmware src/mesh/PositionPrecision.cpp, 2.7.26): the originator of a
// POSITION_APP packet truncates its own coordinates to the precision of the channel it sends on.
// Precision 0 blanks the position (time kept); 1..31 keeps the top bits and moves the point to the
// middle of its cell; 32 or more is exact. precision_bits always tells the receiver which it got.
import type { Position } from "../wire/messages.js";

/** A channel's position precision (getPositionPrecisionForChannel: no module settings → 0). */
export function clampPrecision(bits: number): number {
  return bits > 32 ? 32 : bits < 0 ? 0 : bits;
}

/** truncateCoordinate: keep `bits` high bits and add half a cell. */
export function truncateCoordinate(v: number, bits: number): number {
  const mask = (0xffffffff << (32 - bits)) >>> 0;
  return ((((v & mask) >>> 0) + ((1 << (31 - bits)) >>> 0)) >>> 0) | 0;
}

/** applyPositionPrecision (PositionPrecision.cpp 33-48). */
export function applyPositionPrecision(pos: Position, precision: number): Position {
  if (precision <= 0) {
    const empty: Position = {};
    if (pos.time !== undefined) empty.time = pos.time;
    return empty;
  }
  const bits = clampPrecision(precision);
  const out: Position = Object.assign({}, pos, { precisionBits: bits });
  // latitude_i/longitude_i are optional (has_ flags): an absent one stays absent.
  if (bits < 32) {
    if (pos.latitudeI !== undefined) out.latitudeI = truncateCoordinate(pos.latitudeI, bits);
    if (pos.longitudeI !== undefined) out.longitudeI = truncateCoordinate(pos.longitudeI, bits);
  }
  return out;
}
