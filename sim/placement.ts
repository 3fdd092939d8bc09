// Random node layouts in the manner of Meshtasticator (lib/common.py find_random_position): uniform in
// a rectangle, at least `minDistanceM` from every placed node, and (optionally) within
// `connectRangeM` of at least one placed node so the layout is connected at nominal range.
import { StreamPurpose, rngStream, uniform01 } from "./rng-streams.js";

export interface PlacementOptions {
  count: number;
  seed: number;
  /** Rectangle [0, widthM] × [0, depthM]. Meshtasticator: 15 000 m square. */
  widthM: number;
  depthM: number;
  /** Meshtasticator MINDIST: 10 m. */
  minDistanceM?: number;
  /** Each node after the first lies within this of some earlier node; undefined = no check. */
  connectRangeM?: number;
  /** Draws per node before giving up (Meshtasticator: 1000). */
  maxTries?: number;
}

export interface Point {
  x: number;
  y: number;
}

/** Positions for `count` nodes; throws when a node cannot be placed within maxTries draws. */
export function randomPlacement(o: PlacementOptions): Point[] {
  const rng = rngStream(o.seed, 0, StreamPurpose.PLACEMENT);
  const minD = o.minDistanceM !== undefined ? o.minDistanceM : 10;
  const tries = o.maxTries !== undefined ? o.maxTries : 1000;
  const out: Point[] = [];
  for (let n = 0; n < o.count; n++) {
    let placed = false;
    for (let t = 0; t < tries && !placed; t++) {
      const x = uniform01(rng) * o.widthM;
      const y = uniform01(rng) * o.depthM;
      let tooClose = false;
      let connected = o.connectRangeM === undefined || out.length === 0;
      for (let k = 0; k < out.length; k++) {
        const dx = out[k].x - x;
        const dy = out[k].y - y;
        const d = Math.sqrt(dx * dx + dy * dy);
        if (d < minD) {
          tooClose = true;
          break;
        }
        if (o.connectRangeM !== undefined && d <= o.connectRangeM) connected = true;
      }
      if (!tooClose && connected) {
        out.push({ x: x, y: y });
        placed = true;
      }
    }
    if (!placed) throw new Error("could not place node " + n + " after " + tries + " tries");
  }
  return out;
}
