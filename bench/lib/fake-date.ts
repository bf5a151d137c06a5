import { install } from '@sinonjs/fake-timers';
import type { TimeControl } from './contender';

/**
 * Simulated time for contenders that read `Date` and keep no timers of their own (Amplify's
 * 50-minute credentials TTL, the SDK's memoize expiry check): @sinonjs/fake-timers replaces
 * `Date` only, so real timers, sockets and `performance.now()` keep working. Frozen until advanced.
 */
export function installFakeDate(): TimeControl {
  const clock = install({ toFake: ['Date'], now: Date.now() });
  return {
    now: () => clock.now,
    async advance(ms: number) {
      clock.setSystemTime(clock.now + ms);
    },
  };
}
