import type { AuthClock } from '../model/clock';

/**
 * The longest delay `setTimeout` honours (2^31-1 ms, about 24.8 days): Node and browsers fire
 * a longer one after 1 ms, which turned long-lived credentials into a storm of refreshes.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** A timer longer than the maximum: a chain of maximal timers, `current` being the one armed. */
class ChainedTimeout {
  current: unknown;
  keepsAlive = true;
}

/** Node's timers have `ref`/`unref` (whether the timer alone keeps the process running); browsers' ids are numbers. */
function setKeepAlive(id: unknown, keepAlive: boolean): void {
  if (id instanceof ChainedTimeout) {
    id.keepsAlive = keepAlive;
    return setKeepAlive(id.current, keepAlive);
  }
  if (typeof id !== 'object' || id === null) return;
  const method: unknown = Reflect.get(id, keepAlive ? 'ref' : 'unref');
  if (typeof method === 'function') Reflect.apply(method, id, []);
}

const boundedClocks = new WeakMap<AuthClock, AuthClock>();

/**
 * `clock` with delays of any length: a delay over {@link MAX_TIMER_DELAY_MS} re-arms itself
 * until its time is up (`Infinity` never fires), NaN and negative delays run at once. Short
 * delays reach `clock` unchanged. One wrapper per clock, so engines on one clock share it.
 */
export function boundedClock(clock: AuthClock): AuthClock {
  const known = boundedClocks.get(clock);
  if (known) return known;
  // A clock whose now() turns NaN or ±Infinity would make every expiry check and delay NaN (a
  // timer storm): time then stands at the last finite reading instead.
  let lastNow = 0;
  const bounded: AuthClock = {
    now: () => {
      const now = clock.now();
      if (typeof now === 'number' && Number.isFinite(now)) lastNow = now;
      return lastNow;
    },
    setTimeout(callback, ms) {
      const delay = typeof ms === 'number' && ms > 0 ? ms : 0;
      if (delay <= MAX_TIMER_DELAY_MS) return clock.setTimeout(callback, delay);
      const chained = new ChainedTimeout();
      let remaining = delay;
      const arm = (): void => {
        const step = Math.min(remaining, MAX_TIMER_DELAY_MS);
        remaining -= step;
        chained.current = clock.setTimeout(remaining > 0 ? arm : callback, step);
        if (!chained.keepsAlive) setKeepAlive(chained.current, false);
      };
      arm();
      return chained;
    },
    clearTimeout(id) {
      clock.clearTimeout(id instanceof ChainedTimeout ? id.current : id);
    },
  };
  boundedClocks.set(clock, bounded);
  boundedClocks.set(bounded, bounded);
  return bounded;
}

export const systemClock: AuthClock = boundedClock({
  now: () => Date.now(),
  // Looked up at call time so fake timers installed after createAuth still apply.
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
});

/** The clock the machine's timers run on, with a switch for whether they keep the process alive. */
export interface MachineClock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  /** Whether the armed timers (and those armed later) keep a Node process running. */
  keepAlive(keep: boolean): void;
}

/**
 * The machine's timers on `clock`: a refresh-ahead timer alone does not keep a Node process
 * running (a script that forgets `stop()` still ends; the refresh happens while it lives),
 * but while an API call waits, every machine timer does, so no caller is left unsettled.
 */
export function machineClock(clock: AuthClock): MachineClock {
  return new KeepAliveTimers(clock);
}

/** A class, its set made with the first timer: an engine that never schedules one (signed out) pays two fields. */
class KeepAliveTimers implements MachineClock {
  #armed: Set<unknown> | undefined;
  #keep = false;
  readonly #clock: AuthClock;

  constructor(clock: AuthClock) {
    this.#clock = clock;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    let id: unknown;
    id = this.#clock.setTimeout(() => {
      this.#armed?.delete(id);
      callback();
    }, ms);
    (this.#armed ??= new Set()).add(id);
    setKeepAlive(id, this.#keep);
    return id;
  }

  clearTimeout(id: unknown): void {
    this.#armed?.delete(id);
    this.#clock.clearTimeout(id);
  }

  keepAlive(keep: boolean): void {
    this.#keep = keep;
    for (const id of this.#armed ?? []) setKeepAlive(id, keep);
  }
}
