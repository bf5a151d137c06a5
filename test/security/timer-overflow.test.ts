import { describe, expect, it } from 'vitest';
import { boundedClock } from '../../src/engine/clock';
import type { CredentialsAndIdentityIdProvider } from '../../src/index';
import { TestClock } from '../support/test-clock';
import { standaloneEngines } from '../support/standalone-engines';

// Finding 9: a delay over 2^31-1 ms makes Node (and browsers) fire the timer after 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;
const DAY_MS = 86_400_000;
const IDENTITY_ID = 'us-east-1:11111111-1111-4111-8111-111111111111';

/** A simulated clock that treats delays as Node's setTimeout does: over the maximum, NaN or < 1 → 1 ms. */
class NodeLikeTestClock extends TestClock {
  readonly overflowing: number[] = [];

  constructor() {
    super();
    const schedule = this.setTimeout;
    this.setTimeout = (callback, ms) => {
      if (ms > MAX_TIMER_MS) this.overflowing.push(ms);
      return schedule(callback, ms > MAX_TIMER_MS || !(ms >= 1) ? 1 : ms);
    };
  }
}

/** A credentials provider (the app's escape hatch) handing out credentials that live `lifetimeMs`. */
function longLivedProvider(now: () => number, lifetimeMs: number, calls: { count: number }): CredentialsAndIdentityIdProvider {
  return {
    async getCredentialsAndIdentityId() {
      calls.count += 1;
      return {
        identityId: IDENTITY_ID,
        credentials: { accessKeyId: 'ASIALONGLIVED', secretAccessKey: 'long-lived-secret-key', sessionToken: 'long-lived-session', expiration: new Date(now() + lifetimeMs) },
      };
    },
    clearCredentialsAndIdentityId: () => undefined,
  };
}

const engine = standaloneEngines();

/** Advances a simulated hour in one-second steps; stops early once a storm is evident. */
async function simulateHour(clock: TestClock, calls: { count: number }): Promise<void> {
  for (let second = 0; second < 3_600 && calls.count <= 3; second++) await clock.advance(1_000);
}

describe('finding 9: timers for lifetimes longer than 24.8 days', () => {
  for (const [label, lifetimeMs] of [
    ['30 days', 30 * DAY_MS],
    ['10 years', 3_652 * DAY_MS],
  ] as const) {
    it(`credentials valid for ${label}: one provider call over a simulated hour, no timer over the maximum`, async () => {
      const clock = new NodeLikeTestClock();
      const calls = { count: 0 };
      const auth = engine({ clock, credentialsProvider: longLivedProvider(clock.now, lifetimeMs, calls) });
      const session = await auth.fetchAuthSession();
      expect(session.credentials?.accessKeyId).toBe('ASIALONGLIVED');
      await simulateHour(clock, calls);
      expect(calls.count).toBe(1);
      expect(clock.overflowing).toEqual([]);
      // The refresh is still planned: at the end of the chain, refreshAheadMs before expiry.
      expect(clock.pending().length).toBeGreaterThan(0);
      expect((await auth.fetchAuthSession()).credentials?.accessKeyId).toBe('ASIALONGLIVED');
    });
  }

  it('a federated token and credentials both living 40 days: one provider call, no refresh-handler call, in a simulated hour', async () => {
    const clock = new NodeLikeTestClock();
    const calls = { count: 0 };
    let handlerCalls = 0;
    const auth = engine({
      clock,
      credentialsProvider: longLivedProvider(clock.now, 40 * DAY_MS, calls),
      refreshHandlers: {
        'graph.facebook.com': async () => {
          handlerCalls += 1;
          return { token: 'EAAGlongLivedFacebookTokenRefreshed', expiresAt: clock.now() + 40 * DAY_MS };
        },
      },
    });
    await auth.federateToIdentityPool({ token: 'EAAGlongLivedFacebookToken', provider: 'facebook', options: { expiresAt: clock.now() + 40 * DAY_MS } });
    await simulateHour(clock, calls);
    expect(calls.count).toBe(1);
    expect(handlerCalls).toBe(0);
    expect(clock.overflowing).toEqual([]);
  });

  it('a long timer still fires when its time comes, through the chain', async () => {
    const clock = new NodeLikeTestClock();
    const calls = { count: 0 };
    const auth = engine({ clock, credentialsProvider: longLivedProvider(clock.now, 30 * DAY_MS, calls), refreshAheadMs: 60_000 });
    await auth.fetchAuthSession();
    expect(clock.overflowing).toEqual([]);
    // Just before the refresh-ahead point: nothing; just after: exactly one new provider call.
    await clock.advance(30 * DAY_MS - 60_000 - 1_000);
    expect(calls.count).toBe(1);
    await clock.advance(2_000);
    expect(calls.count).toBe(2);
    expect(clock.overflowing).toEqual([]);
  });

  it('with the real setTimeout: credentials valid for 30 days cause no storm of provider calls', async () => {
    const calls = { count: 0 };
    const auth = engine({ credentialsProvider: longLivedProvider(() => Date.now(), 30 * DAY_MS, calls) });
    await auth.fetchAuthSession();
    // A generous real-time window: with a clamped timer this sees hundreds of calls.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls.count).toBeLessThanOrEqual(1);
  });

  it('the clock wrapper: a chained timer can be cleared mid-chain, Infinity never fires, short delays pass unchanged', async () => {
    const raw = new NodeLikeTestClock();
    const clock = boundedClock(raw);
    expect(boundedClock(raw)).toBe(clock); // one wrapper per clock: engines on it share one provided machine
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('short'), 1_500);
    const long = clock.setTimeout(() => fired.push('long'), 40 * DAY_MS);
    clock.setTimeout(() => fired.push('never'), Number.POSITIVE_INFINITY);
    clock.setTimeout(() => fired.push('later'), 60 * DAY_MS);
    expect(raw.pending()).toEqual([1_500, MAX_TIMER_MS, MAX_TIMER_MS, MAX_TIMER_MS]);
    await raw.advance(30 * DAY_MS);
    clock.clearTimeout(long); // cleared while its second link is armed
    await raw.advance(40 * DAY_MS);
    expect(fired).toEqual(['short', 'later']);
    expect(raw.overflowing).toEqual([]);
  });
});
