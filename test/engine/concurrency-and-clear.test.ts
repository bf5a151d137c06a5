import { afterEach, describe, expect, it } from 'vitest';
import { AbortError, createMemoryStorage } from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { until } from '../support/generous-bound';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('one request of each kind in flight', () => {
  it('100 simultaneous fetchAuthSession calls on a cold engine make one GetId and one GetCredentialsForIdentity', async () => {
    stack = await startEngineStack({ allowUnauthenticated: true });
    const auth = stack.engine({ allowGuestAccess: true });
    const sessions = await Promise.all(Array.from({ length: 100 }, () => auth.fetchAuthSession()));
    expect(stack.pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });
    expect(new Set(sessions.map((s) => s.credentials?.accessKeyId)).size).toBe(1);
    expect(new Set(sessions.map((s) => s.identityId)).size).toBe(1);
  });

  it('simultaneous federate and fetch calls for one token share one GetId and one GetCredentialsForIdentity', async () => {
    stack = await startEngineStack();
    const auth = stack.engine();
    const token = await stack.issuer.mintToken({ sub: 'alice' });
    stack.pool.injectFault({ op: 'GetId', kind: 'latency', delayMs: 100 });
    const federations = Array.from({ length: 50 }, () => auth.federateToIdentityPool({ token, provider: stack!.issuer.loginsKey }));
    await until(() => stack!.pool.stats().inFlight['GetId'] === 1, 'the federation to send GetId');
    const fetches = Array.from({ length: 50 }, () => auth.fetchAuthSession());
    const results = await Promise.all([...federations, ...fetches]);
    expect(stack.pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });
    expect(stack.pool.stats().maxInFlight).toMatchObject({ GetId: 1, GetCredentialsForIdentity: 1 });
    expect(new Set(results.map((r) => r.credentials?.accessKeyId)).size).toBe(1);
  });

  it('gives every waiting caller the same error when the shared request fails', async () => {
    stack = await startEngineStack({ allowUnauthenticated: true });
    const auth = stack.engine({ allowGuestAccess: true });
    stack.pool.injectFault({ op: 'GetId', kind: 'internal' });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => auth.fetchAuthSession()));
    expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as Error).name === 'InternalErrorException')).toBe(true);
    expect(stack.pool.stats().requests).toEqual({ GetId: 1 });
  });

  it('a newer federation supersedes an older one in flight: the older caller gets AbortError and its answer is never applied', async () => {
    stack = await startEngineStack();
    const auth = stack.engine();
    stack.pool.injectFault({ op: 'GetId', kind: 'latency', delayMs: 300 });
    const aliceToken = await stack.issuer.mintToken({ sub: 'alice' });
    const bobToken = await stack.issuer.mintToken({ sub: 'bob' });
    const alice = auth.federateToIdentityPool({ token: aliceToken, provider: stack.issuer.loginsKey }).catch((error: unknown) => error);
    await until(() => stack!.pool.stats().inFlight['GetId'] === 1, "alice's GetId to be held");
    const bob = await auth.federateToIdentityPool({ token: bobToken, provider: stack.issuer.loginsKey });
    expect(await alice).toBeInstanceOf(AbortError);
    await delay(400); // the older GetId would have answered by now
    const session = await auth.fetchAuthSession();
    expect(session.identityId).toBe(bob.identityId);
    expect(stack.events.filter((e) => e.type === 'federatedToIdentityPool')).toHaveLength(1);
  });
});

describe('clearFederationToIdentityPool', () => {
  it('removes the local session and the persisted record, and goes to cleared', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const auth = stack.engine({ storage });
    const { identityId } = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    const key = `idpool.default.${stack.pool.identityPoolId}.session`;
    expect(await storage.getItem(key)).toContain(identityId);
    await auth.clearFederationToIdentityPool();
    expect(auth.actor.getSnapshot().matches('cleared')).toBe(true);
    expect(await storage.getItem(key)).toBeNull();
    expect(await auth.fetchAuthSession()).toEqual({});
    expect(stack.events.at(-1)).toEqual({ type: 'federationToIdentityPoolCleared', identityId, provider: stack.issuer.loginsKey });
  });

  it('discards a request that started before the clear and answers after it', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const auth = stack.engine({ storage });
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'latency', delayMs: 300 });
    const federation = auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    await until(() => stack!.pool.stats().inFlight['GetCredentialsForIdentity'] === 1, 'GetCredentialsForIdentity to be held');
    await auth.clearFederationToIdentityPool();
    await expect(federation).rejects.toBeInstanceOf(AbortError);
    await delay(400);
    expect(auth.actor.getSnapshot().matches('cleared')).toBe(true);
    expect(await auth.fetchAuthSession()).toEqual({});
    expect(await storage.getItem(`idpool.default.${stack.pool.identityPoolId}.session`)).toBeNull();
    expect(stack.events.map((e) => e.type)).not.toContain('federatedToIdentityPool');
  });

  it('is a no-op success when nothing is federated', async () => {
    stack = await startEngineStack();
    const auth = stack.engine();
    await expect(auth.clearFederationToIdentityPool()).resolves.toBeUndefined();
    await expect(auth.clearFederationToIdentityPool()).resolves.toBeUndefined();
    expect(stack.events).toEqual([]);
    expect(auth.actor.getSnapshot().matches('signedOut')).toBe(true);
  });

  it('lets the app federate again after a clear', async () => {
    stack = await startEngineStack();
    const auth = stack.engine();
    const token = await stack.issuer.mintToken({ sub: 'alice' });
    const first = await auth.federateToIdentityPool({ token, provider: stack.issuer.loginsKey });
    await auth.clearFederationToIdentityPool();
    const second = await auth.federateToIdentityPool({ token, provider: stack.issuer.loginsKey });
    expect(second.identityId).toBe(first.identityId); // the pool links alice to the same identity
    expect(auth.actor.getSnapshot().matches('federated')).toBe(true);
  });
});
