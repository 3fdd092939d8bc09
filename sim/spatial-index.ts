// A uniform grid over the horizontal plane. With the cell size set to the largest distance at which
// any node can hear any other, everything a transmitter reaches lies in its own cell or one of the
// eight around it, so finding a transmission's receivers costs work proportional to the nodes nearby,
// not to the whole mesh.

// Cell coordinates are packed into one number key: (cx + OFFSET) · SPAN + (cy + OFFSET). With
// OFFSET = 2^25 and SPAN = 2^26 the key stays below 2^52 (exact in a double) for |c| < 2^25 cells.
const OFFSET = 33554432;
const SPAN = 67108864;

export class SpatialGrid {
  readonly cellSizeM: number;
  private readonly cells = new Map<number, number[]>();
  private xs: number[] = [];
  private ys: number[] = [];
  private keys: number[] = [];

  constructor(cellSizeM: number) {
    if (!(cellSizeM > 0) || !isFinite(cellSizeM)) throw new RangeError("cell size must be a positive finite number");
    this.cellSizeM = cellSizeM;
  }

  /** Number of ids ever inserted (ids are 0 .. count − 1). */
  get count(): number {
    return this.xs.length;
  }

  private cellOf(v: number): number {
    return Math.floor(v / this.cellSizeM);
  }

  private key(cx: number, cy: number): number {
    return (cx + OFFSET) * SPAN + (cy + OFFSET);
  }

  /** Adds id (must be the next id, i.e. `count`) at (x, y). */
  insert(id: number, x: number, y: number): void {
    if (id !== this.xs.length) throw new RangeError("ids must be inserted in order");
    this.xs.push(x);
    this.ys.push(y);
    const k = this.key(this.cellOf(x), this.cellOf(y));
    this.keys.push(k);
    this.bucket(k).push(id);
  }

  /** Moves id to (x, y). */
  move(id: number, x: number, y: number): void {
    this.xs[id] = x;
    this.ys[id] = y;
    const k = this.key(this.cellOf(x), this.cellOf(y));
    const old = this.keys[id];
    if (k === old) return;
    const list = this.cells.get(old) as number[];
    const i = list.indexOf(id);
    list[i] = list[list.length - 1];
    list.pop();
    if (list.length === 0) this.cells.delete(old);
    this.keys[id] = k;
    this.bucket(k).push(id);
  }

  /**
   * Appends to `out` the ids whose horizontal distance from (x, y) is at most `radiusM`, in ascending
   * id order; returns how many were added.
   */
  query(x: number, y: number, radiusM: number, out: number[]): number {
    const start = out.length;
    const r2 = radiusM * radiusM;
    const cx0 = this.cellOf(x - radiusM);
    const cx1 = this.cellOf(x + radiusM);
    const cy0 = this.cellOf(y - radiusM);
    const cy1 = this.cellOf(y + radiusM);
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const list = this.cells.get(this.key(cx, cy));
        if (list === undefined) continue;
        for (let i = 0; i < list.length; i++) {
          const id = list[i];
          const dx = this.xs[id] - x;
          const dy = this.ys[id] - y;
          if (dx * dx + dy * dy <= r2) out.push(id);
        }
      }
    }
    // Cells come in grid order and ids within a cell in insertion order: sort the new tail by id so
    // callers see a deterministic order independent of the cell layout.
    if (out.length - start > 1) {
      const tail = out.splice(start, out.length - start);
      tail.sort((a, b) => a - b);
      for (let i = 0; i < tail.length; i++) out.push(tail[i]);
    }
    return out.length - start;
  }

  private bucket(k: number): number[] {
    let list = this.cells.get(k);
    if (list === undefined) {
      list = [];
      this.cells.set(k, list);
    }
    return list;
  }
}
