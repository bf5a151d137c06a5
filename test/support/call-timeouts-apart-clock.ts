import type { AuthClock } from '../../src/index';

/**
 * `clock` for an engine whose Cognito requests and app callbacks a test holds at a gate for as
 * long as it likes (model paths): the engine's timeouts for those calls — the one delays equal
 * to `callTimeoutMs` — are kept apart and never fire, so `clock.pending()` and `advance` see only
 * the machine's own timers. Pick `callTimeoutMs` values no machine timer takes (odd, long); a
 * machine timer caught by mistake goes missing from `pending()`, which the model check names.
 */
export function callTimeoutsApartClock(clock: AuthClock, callTimeoutMs: readonly number[]): AuthClock {
  const apart = new Set(callTimeoutMs);
  const held = new Set<object>();
  return {
    now: () => clock.now(),
    setTimeout: (callback, ms) => {
      if (!apart.has(ms)) return clock.setTimeout(callback, ms);
      const id = {};
      held.add(id);
      return id;
    },
    clearTimeout: (id) => {
      if (typeof id === 'object' && id !== null && held.delete(id)) return;
      clock.clearTimeout(id);
    },
  };
}
