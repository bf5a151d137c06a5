import type { AuthClock } from '../../src/index';

interface Timer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A clock for engine tests and benchmarks: `now()` and the machine's timers move only when the test
 * advances them, while HTTP to the local pool stays real. Give the same `now` to the
 * local pool and issuer so token and credential expiry follow the same time.
 */
export class TestClock implements AuthClock {
  #now: number;
  #timers: Timer[] = [];
  #nextId = 1;

  // Whole seconds by default: Cognito's Expiration has one-second resolution, so timings stay exact.
  constructor(start = Math.ceil(Date.now() / 1000) * 1000) {
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

  /** Pending timers, soonest first (for assertions on what is scheduled). */
  pending(): number[] {
    return this.#timers.map((timer) => timer.at - this.#now).sort((a, b) => a - b);
  }

  /** Moves the wall clock without firing timers (a device clock jump). */
  jump(ms: number): void {
    this.#now += ms;
  }

  /**
   * Advances time by `ms`, firing each due timer at its own time, soonest first; after each,
   * waits for `settle` (e.g. "the engine is not waiting on the network") before going on.
   */
  async advance(ms: number, settle: () => Promise<void> = flushIo): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.#timers[0];
      if (!next || next.at > end) break;
      this.#timers.shift();
      this.#now = Math.max(this.#now, next.at);
      next.callback();
      await settle();
    }
    this.#now = end;
    await settle();
  }
}

/** Lets pending promise callbacks and I/O callbacks run. */
export async function flushIo(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
