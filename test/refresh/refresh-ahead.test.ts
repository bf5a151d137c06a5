import { afterEach, describe, expect, it } from 'vitest';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { expectNoWaits, fetchWithoutWaiting, settleEngine } from './refresh-helpers';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('refresh ahead of expiration', () => {
  it('keeps a session for 50 lifetimes of 4-second credentials: one GetCredentialsForIdentity per lifetime, no caller waits', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 4 });
    const auth = stack.engine({ refreshAheadMs: 1_000 });
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    stack.pool.resetStats();
    const settle = settleEngine(auth);
    const waits: number[] = [];
    const seen = new Set<string>();
    // Each credential is replaced 1 s before it expires: one refresh every 3 s. A caller every 250 ms.
    for (let step = 0; step < 50 * 12; step++) {
      await stack.clock.advance(250, settle);
      const { session, waited } = await fetchWithoutWaiting(auth);
      if (waited) waits.push(step);
      expect(session.credentials!.expiration.getTime()).toBeGreaterThan(stack.clock.now());
      seen.add(session.credentials!.accessKeyId);
    }
    expectNoWaits(waits);
    expect(stack.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 50 });
    expect(seen.size).toBe(51);
    const refreshed = stack.events.filter((e) => e.type === 'credentialsRefreshed');
    expect(refreshed).toHaveLength(50);
    const gaps = refreshed.slice(1).map((e, i) => e.expiration - refreshed[i]!.expiration);
    expect(new Set(gaps)).toEqual(new Set([3_000]));
  });

  it('makes no refresh storm with 90-second credentials and the default 5-minute margin', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 90 });
    const auth = stack.engine();
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    stack.pool.resetStats();
    const settle = settleEngine(auth);
    const waits: number[] = [];
    for (let minute = 0; minute < 60; minute++) {
      await stack.clock.advance(60_000, settle);
      if ((await fetchWithoutWaiting(auth)).waited) waits.push(minute);
    }
    expectNoWaits(waits);
    // Half the remaining life: a refresh every 45 s, 80 in an hour, never faster.
    expect(stack.pool.stats().requests.GetCredentialsForIdentity).toBe(80);
    expect(stack.clock.pending()).toEqual([45_000 - (3_600_000 % 45_000)]);
  });

  it('refreshes at refreshAheadMs before expiration for long-lived credentials', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 3600 });
    const auth = stack.engine();
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    expect(stack.clock.pending()).toEqual([55 * 60_000]);
    const settle = settleEngine(auth);
    await stack.clock.advance(55 * 60_000 - 1, settle);
    expect(stack.pool.stats().requests.GetCredentialsForIdentity).toBe(1);
    await stack.clock.advance(1, settle);
    expect(stack.pool.stats().requests.GetCredentialsForIdentity).toBe(2);
  });

  it('serves the current credentials at once during a refresh; only callers with expired credentials wait, and they share it', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const auth = stack.engine();
    const { credentials } = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'latency', delayMs: 300 });
    await stack.clock.advance(300_000); // refresh-ahead fires; the answer takes 300 ms of real time
    expect(auth.actor.getSnapshot().matches('refreshing')).toBe(true);
    const during = await fetchWithoutWaiting(auth);
    expect(during.waited).toBe(false);
    expect(during.session.credentials).toEqual(credentials);

    // A device that slept past expiration: its callers wait for one shared refresh.
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'latency', delayMs: 300 });
    await settleEngine(auth)();
    stack.clock.jump(700_000);
    stack.pool.resetStats();
    const callers = await Promise.all(Array.from({ length: 20 }, () => auth.fetchAuthSession()));
    expect(stack.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 1 });
    expect(new Set(callers.map((c) => c.credentials!.accessKeyId)).size).toBe(1);
    expect(callers[0]!.credentials!.expiration.getTime()).toBeGreaterThan(stack.clock.now());
  });

  it('forceRefresh gets new credentials; stop() and clear cancel the refresh timer', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const auth = stack.engine();
    const first = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    const forced = await auth.fetchAuthSession({ forceRefresh: true });
    expect(forced.credentials!.accessKeyId).not.toBe(first.credentials.accessKeyId);
    expect(stack.clock.pending()).toHaveLength(1);
    await auth.clearFederationToIdentityPool();
    expect(stack.clock.pending()).toEqual([]);
    await stack.clock.advance(3_600_000);
    expect(stack.pool.stats().requests.GetCredentialsForIdentity).toBe(2);

    const other = stack.engine();
    await other.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'bob' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    expect(stack.clock.pending()).toHaveLength(1);
    await other.stop();
    expect(stack.clock.pending()).toEqual([]);
  });
});
