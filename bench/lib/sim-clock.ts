/**
 * Simulated time for idpool (its `clock` option) and the local pool and issuer in the same
 * process (their `now`): it moves only when the bench advances it, firing idpool's timers
 * at their own instants on the way.
 */
export class SimClock {
  #now: number;
  #timers: { id: number; at: number; callback: () => void }[] = [];
  #nextId = 1;

  constructor(start: number) {
    this.#now = start;
  }

  now = (): number => this.#now;

  setTimeout = (callback: () => void, ms: number): number => {
    const id = this.#nextId++;
    this.#timers.push({ id, at: this.#now + Math.max(0, ms), callback });
    return id;
  };

  clearTimeout = (id: unknown): void => {
    this.#timers = this.#timers.filter((timer) => timer.id !== id);
  };

  /** Moves time by `ms`, firing due timers soonest first; after each one, lets I/O run. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.#timers[0];
      if (!next || next.at > end) break;
      this.#timers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.callback();
      await turns(3);
    }
    this.#now = end;
  }
}

/** Lets `n` rounds of promise and I/O callbacks run. */
export async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
