// Pins the engine's clocks: boundedClock runs delays of any length on a clock that caps them, machineClock decides which timers keep a process alive.
import { describe, expect, it, vi } from 'vitest';
import type { AuthClock } from '../model/clock';
import { boundedClock, machineClock, MAX_TIMER_DELAY_MS } from './clock';

/** A Node-like timer id: keeps the process alive until `unref()`, again after `ref()`. */
interface FakeId {
  ms: number;
  alive: boolean;
  ref: ReturnType<typeof vi.fn>;
  unref: ReturnType<typeof vi.fn>;
}

/** A clock whose timers fire only when the test says, with object ids like Node's. */
function fakeClock() {
  let now = 1_000;
  const armed = new Map<FakeId, () => void>();
  const clock: AuthClock = {
    now: () => now,
    setTimeout(callback, ms) {
      const id: FakeId = {
        ms,
        alive: true,
        ref: vi.fn(() => void (id.alive = true)),
        unref: vi.fn(() => void (id.alive = false)),
      };
      armed.set(id, callback);
      return id;
    },
    clearTimeout: (id) => void armed.delete(id as FakeId),
  };
  return {
    clock,
    armed: () => [...armed.keys()],
    setNow: (value: number) => void (now = value),
    /** Fires the one armed timer, as the host would when its delay is up. */
    fire() {
      const [entry, ...rest] = armed;
      expect(rest).toEqual([]);
      if (!entry) throw new Error('no timer armed');
      armed.delete(entry[0]);
      entry[1]();
      return entry[0];
    },
  };
}

describe('boundedClock', () => {
  it('hands a delay up to the maximum to the clock as it is', () => {
    const fake = fakeClock();
    const id = boundedClock(fake.clock).setTimeout(() => {}, MAX_TIMER_DELAY_MS);
    expect(fake.armed()).toEqual([id]);
    expect((id as FakeId).ms).toBe(MAX_TIMER_DELAY_MS);
  });

  it('runs NaN and negative delays at once (0 ms)', () => {
    const fake = fakeClock();
    const bounded = boundedClock(fake.clock);
    for (const ms of [Number.NaN, -5]) bounded.setTimeout(() => {}, ms);
    expect(fake.armed().map((id) => id.ms)).toEqual([0, 0]);
  });

  it('chains a longer delay as maximal steps, calling back only when all of it has passed', () => {
    const fake = fakeClock();
    const callback = vi.fn();
    boundedClock(fake.clock).setTimeout(callback, 2 * MAX_TIMER_DELAY_MS + 5);
    const steps = [fake.fire().ms, fake.fire().ms];
    expect(callback).not.toHaveBeenCalled();
    steps.push(fake.fire().ms);
    expect(steps).toEqual([MAX_TIMER_DELAY_MS, MAX_TIMER_DELAY_MS, 5]);
    expect(callback).toHaveBeenCalledOnce();
    expect(fake.armed()).toEqual([]);
  });

  it('never calls back for Infinity', () => {
    const fake = fakeClock();
    const callback = vi.fn();
    boundedClock(fake.clock).setTimeout(callback, Number.POSITIVE_INFINITY);
    for (let i = 0; i < 5; i++) expect(fake.fire().ms).toBe(MAX_TIMER_DELAY_MS);
    expect(callback).not.toHaveBeenCalled();
  });

  it('clears a chained timer at whichever step it is', () => {
    const fake = fakeClock();
    const bounded = boundedClock(fake.clock);
    const callback = vi.fn();
    const id = bounded.setTimeout(callback, 3 * MAX_TIMER_DELAY_MS);
    fake.fire();
    bounded.clearTimeout(id);
    expect(fake.armed()).toEqual([]);
    expect(callback).not.toHaveBeenCalled();
  });

  it('holds time at the last finite reading when the clock turns NaN or infinite', () => {
    const fake = fakeClock();
    const bounded = boundedClock(fake.clock);
    expect(bounded.now()).toBe(1_000);
    fake.setNow(Number.NaN);
    expect(bounded.now()).toBe(1_000);
    fake.setNow(Number.NEGATIVE_INFINITY);
    expect(bounded.now()).toBe(1_000);
    fake.setNow(2_000);
    expect(bounded.now()).toBe(2_000);
  });

  it('wraps a clock once: the same wrapper for the clock and for the wrapper itself', () => {
    const { clock } = fakeClock();
    const bounded = boundedClock(clock);
    expect(boundedClock(clock)).toBe(bounded);
    expect(boundedClock(bounded)).toBe(bounded);
  });
});

describe('machineClock keepAlive', () => {
  it('unrefs its timers unless keepAlive(true)', () => {
    const fake = fakeClock();
    const timers = machineClock(fake.clock);
    const id = timers.setTimeout(() => {}, 10) as FakeId;
    expect(id.unref).toHaveBeenCalledOnce();
    expect(id.alive).toBe(false);
    timers.keepAlive(true);
    expect(id.alive).toBe(true);
    const later = timers.setTimeout(() => {}, 10) as FakeId;
    expect(later.alive).toBe(true);
    expect(later.unref).not.toHaveBeenCalled();
    timers.keepAlive(false);
    expect([id.alive, later.alive]).toEqual([false, false]);
  });

  it('leaves timers that fired or were cleared alone', () => {
    const fake = fakeClock();
    const timers = machineClock(fake.clock);
    const callback = vi.fn();
    const fired = timers.setTimeout(callback, 10) as FakeId;
    const cleared = timers.setTimeout(() => {}, 10) as FakeId;
    timers.clearTimeout(cleared);
    expect(fake.fire()).toBe(fired);
    expect(callback).toHaveBeenCalledOnce();
    timers.keepAlive(true);
    expect(fired.ref).not.toHaveBeenCalled();
    expect(cleared.ref).not.toHaveBeenCalled();
  });

  it("a chained long timer's re-armed step follows the setting", () => {
    const fake = fakeClock();
    const timers = machineClock(boundedClock(fake.clock));
    timers.setTimeout(() => {}, 3 * MAX_TIMER_DELAY_MS);
    expect(fake.armed().map((id) => id.alive)).toEqual([false]);
    fake.fire();
    expect(fake.armed().map((id) => id.alive)).toEqual([false]);
    timers.keepAlive(true);
    expect(fake.armed().map((id) => id.alive)).toEqual([true]);
    fake.fire();
    const [rearmed] = fake.armed();
    expect(rearmed?.alive).toBe(true);
    expect(rearmed?.unref).not.toHaveBeenCalled();
  });

  it('ignores ids without ref/unref (browser timers are numbers)', () => {
    let next = 0;
    const timers = machineClock({ now: () => 0, setTimeout: () => ++next, clearTimeout: () => {} });
    expect(() => {
      timers.setTimeout(() => {}, 10);
      timers.keepAlive(true);
    }).not.toThrow();
  });
});
