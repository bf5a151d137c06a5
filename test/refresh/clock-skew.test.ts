import { afterEach, describe, expect, it } from 'vitest';
import { toAuthState } from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { expectNoWaits, fetchWithoutWaiting, settleEngine } from './refresh-helpers';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const HOUR = 3_600_000;

describe.each([
  ['an hour ahead', HOUR],
  ['an hour behind', -HOUR],
])('a device clock %s', (_name, skew) => {
  it('still refreshes on time, judged on Cognito\'s clock from its Date header', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 3600 }, { deviceClockSkewMs: skew });
    const auth = stack.engine();
    const { credentials } = await auth.federateToIdentityPool({
      token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }),
      provider: stack.issuer.loginsKey,
    });
    // Handed out on the device's clock, so the AWS SDK on this device judges them right.
    expect(Math.abs(credentials.expiration.getTime() - (stack.clock.now() + HOUR))).toBeLessThan(2_000);
    const pending = stack.clock.pending();
    expect(pending).toHaveLength(1);
    expect(Math.abs(pending[0]! - 55 * 60_000)).toBeLessThan(2_000);

    const settle = settleEngine(auth);
    const waits: number[] = [];
    for (let minute = 1; minute <= 180; minute++) {
      await stack.clock.advance(60_000, settle);
      if ((await fetchWithoutWaiting(auth)).waited) waits.push(minute);
    }
    expectNoWaits(waits);
    // Three hours of one-hour credentials refreshed 5 minutes early: three refreshes, no loop.
    expect(stack.pool.stats().requests.GetCredentialsForIdentity).toBe(4);
    // Still corrected: the last refresh (minute 165) lives until minute 225 on the device's clock,
    // an hour off if the skew had been lost along the way.
    const { credentials: last } = await auth.fetchAuthSession();
    expect(Math.abs(last!.expiration.getTime() - (stack.clock.now() + 45 * 60_000))).toBeLessThan(10_000);
    expect(toAuthState(auth.actor.getSnapshot()).expiration).toBe(last!.expiration.getTime());
  });
});

it('follows a server clock that jumps (clockSkew fault) without refreshing early or late', async () => {
  stack = await startEngineStack({ credentialsTtlSeconds: 3600 });
  const auth = stack.engine();
  await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
  stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'clockSkew', skewSeconds: 1800, times: Number.POSITIVE_INFINITY });
  const refreshed = await auth.fetchAuthSession({ forceRefresh: true });
  // The pool's clock is half an hour ahead, and so is its Expiration: still an hour of life locally.
  expect(Math.abs(refreshed.credentials!.expiration.getTime() - (stack.clock.now() + HOUR))).toBeLessThan(2_000);
  expect(Math.abs(stack.clock.pending()[0]! - 55 * 60_000)).toBeLessThan(2_000);
});
