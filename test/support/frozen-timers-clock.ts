import type { AuthClock } from '../../src/index';

/**
 * A clock that reads `source` but never fires a timer: for a second engine in a test (another
 * tab, a seeding engine) that must not refresh by itself while the test drives the first one.
 */
export function frozenTimersClock(source: { now(): number }): AuthClock {
  return { now: () => source.now(), setTimeout: () => ({}), clearTimeout: () => undefined };
}
