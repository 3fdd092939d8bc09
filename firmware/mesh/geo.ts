// Distances as the firmware computes them (src/gps/GeoCoord.cpp latLongToMeter, 380-400): the
// spherical law of cosines on a 6,366 km Earth, from coordinates in 1e-7 degrees, as a float.
import { fround } from "../bytes/float32.js";

const EARTH_RADIUS_M = 6366000;
const RAD_PER_DEG = Math.PI / 180;

/** Metres between two positions given in 1e-7 degrees (0 for the same point). */
export function distanceMeters(aLatI: number, aLonI: number, bLatI: number, bLonI: number): number {
  if (aLatI === bLatI && aLonI === bLonI) return 0;
  const a1 = aLatI * 1e-7 * RAD_PER_DEG;
  const a2 = aLonI * 1e-7 * RAD_PER_DEG;
  const b1 = bLatI * 1e-7 * RAD_PER_DEG;
  const b2 = bLonI * 1e-7 * RAD_PER_DEG;
  const t = Math.cos(a1) * Math.cos(a2) * Math.cos(b1) * Math.cos(b2) + Math.cos(a1) * Math.sin(a2) * Math.cos(b1) * Math.sin(b2) + Math.sin(a1) * Math.sin(b1);
  let tt = Math.acos(t);
  if (tt !== tt) tt = 0;
  return fround(EARTH_RADIUS_M * tt);
}
