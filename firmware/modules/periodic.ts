// A periodic broadcast timer shared by the modules: due times are plain numbers of ms.

export class Periodic {
  private due: number | undefined;

  constructor(firstDue: number | undefined) {
    this.due = firstDue;
  }

  isDue(now: number): boolean {
    return this.due !== undefined && now >= this.due;
  }

  /** Schedules the next run `intervalMs` after `now` (0 or less: stop). */
  rearm(now: number, intervalMs: number): void {
    this.due = intervalMs > 0 ? now + intervalMs : undefined;
  }

  next(): number | undefined {
    return this.due;
  }
}

/** Delay before the first periodic broadcast after boot (the firmware modules wait ~30 s). */
export const FIRST_BROADCAST_DELAY_MS = 30000;
