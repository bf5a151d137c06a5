import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/index';
import { startEngineStack, untilIdle, untilState, type EngineStack } from '../support/engine-stack';
import { until } from '../support/generous-bound';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** Two engines on one storage, the first federated and the second following it; stats reset. */
async function twoFederatedTabs() {
  const started = await startEngineStack({ credentialsTtlSeconds: 600 });
  stack = started;
  const storage = createMemoryStorage();
  const tabA = started.engine({ storage, persistCredentials: true });
  const tabB = started.engine({ storage, persistCredentials: true });
  await tabA.federateToIdentityPool({ token: await started.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: started.issuer.loginsKey });
  await untilState(tabB, 'federated');
  started.pool.resetStats();
  return { stack: started, tabA, tabB };
}

describe('engines sharing one storage follow each other', () => {
  it('federate in one → the other is federated with the same identity and made no request; clear → cleared', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const tabA = stack.engine({ storage, persistCredentials: true });
    const tabB = stack.engine({ storage, persistCredentials: true });
    await untilIdle(tabB);
    const { identityId, credentials } = await tabA.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    await untilState(tabB, 'federated');
    const followed = await tabB.fetchAuthSession();
    expect(followed.identityId).toBe(identityId);
    expect(followed.credentials).toEqual(credentials);
    expect(stack.pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });

    await tabA.clearFederationToIdentityPool();
    await untilState(tabB, 'cleared');
    expect(await tabB.fetchAuthSession()).toEqual({});
    expect(stack.events.filter((e) => e.type === 'federationToIdentityPoolCleared')).toHaveLength(2);
  });

  it('an expiry with both alive makes exactly one refresh request, and both get its credentials', async () => {
    const { stack, tabA, tabB } = await twoFederatedTabs();
    const settle = async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await untilIdle(tabA);
      await untilIdle(tabB);
    };
    await stack.clock.advance(600_000 - 300_000 + 1_000, settle);
    expect(stack.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 1 });
    const [a, b] = await Promise.all([tabA.fetchAuthSession(), tabB.fetchAuthSession()]);
    expect(a.credentials).toEqual(b.credentials);
    expect(a.credentials!.expiration.getTime()).toBeGreaterThan(stack.clock.now() + 500_000);
  });

  it('a follower picks up another context\'s refresh while it waits for the lease holder', async () => {
    const { stack, tabA, tabB } = await twoFederatedTabs();
    // Both refresh at once: A holds the lease while its request is slow; B must not make its own.
    // A's request is held (a generous 3 s) from the moment the pool has it: B asks meanwhile.
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'latency', delayMs: 3_000 });
    const forcedA = tabA.fetchAuthSession({ forceRefresh: true });
    await until(() => stack.pool.stats().inFlight['GetCredentialsForIdentity'] === 1, "A's refresh request to be held");
    const forcedB = tabB.fetchAuthSession({ forceRefresh: true });
    const [a, b] = await Promise.all([forcedA, forcedB]);
    expect(stack.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 1 });
    expect(b.credentials).toEqual(a.credentials);
  });
});

describe('ordering writes from several contexts', () => {
  it('a write made after following another context is newer everywhere, even within one millisecond', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const tabA = stack.engine({ storage, persistCredentials: true });
    const tabB = stack.engine({ storage, persistCredentials: true });
    await untilIdle(tabA);
    await untilIdle(tabB);
    // The clock does not move: every write below is stamped in the same millisecond.
    const alice = await tabA.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    await untilState(tabB, 'federated');
    const bob = await tabB.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'bob' }), provider: stack.issuer.loginsKey });
    await new Promise((resolve) => setImmediate(resolve));
    expect((await tabA.fetchAuthSession()).identityId).toBe(bob.identityId);
    const carol = await tabA.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'carol' }), provider: stack.issuer.loginsKey });
    await new Promise((resolve) => setImmediate(resolve));
    expect((await tabB.fetchAuthSession()).identityId).toBe(carol.identityId);
    expect(new Set([alice.identityId, bob.identityId, carol.identityId]).size).toBe(3);
  });
});
