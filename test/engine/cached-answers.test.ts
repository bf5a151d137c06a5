import { afterEach, describe, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { startEngineStack, type EngineStack } from '../support/engine-stack';

// Cached fetchAuthSession() calls are answered from the machine's snapshot without asking the
// machine. These tests attack what that promises: each caller gets objects of its own (no caller
// can change what another one gets), a cached call sends the machine nothing, and nothing from
// before a clear, a refresh or the credentials' expiry is served after it.

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function federated(extra: Parameters<EngineStack['engine']>[0] = {}) {
  stack = await startEngineStack();
  const auth = stack.engine(extra);
  await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
  return auth;
}

describe('what a cached call hands out', () => {
  it("is each caller's own: changing it changes nothing another caller gets", async () => {
    const auth = await federated();
    const first = await auth.fetchAuthSession();
    const second = await auth.fetchAuthSession();
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(second.credentials).not.toBe(first.credentials);
    expect(second.credentials!.expiration).not.toBe(first.credentials!.expiration);
    const { identityId } = first;
    const { accessKeyId, expiration } = first.credentials!;
    const expiresAt = expiration.getTime();

    // The AWS SDK writes onto credentials it is given ($source); apps may change dates in place.
    Object.assign(first, { identityId: 'us-east-1:00000000-0000-4000-8000-00000000e711' });
    Object.assign(first.credentials!, { accessKeyId: 'AKIAEVIL', $source: { CREDENTIALS_CODE: 'e' } });
    first.credentials!.expiration.setTime(0);
    delete (first as { federatedProvider?: string }).federatedProvider;

    const third = await auth.fetchAuthSession();
    expect(third.identityId).toBe(identityId);
    expect(third.credentials!.accessKeyId).toBe(accessKeyId);
    expect(third.credentials!.expiration.getTime()).toBe(expiresAt);
    expect(third.federatedProvider).toBe(stack!.issuer.loginsKey);
    expect(Object.keys(third.credentials!).sort()).toEqual(['accessKeyId', 'expiration', 'secretAccessKey', 'sessionToken']);
  });

  it('is the same from awsCredentials, federateToIdentityPool and a forced refresh: objects of the caller\'s own', async () => {
    stack = await startEngineStack();
    const auth = stack.engine();
    const result = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    const identity = await auth.awsCredentials();
    expect(identity).toEqual(result.credentials);
    expect(identity).not.toBe(result.credentials);
    Object.assign(identity, { secretAccessKey: 'changed by one SDK client' });
    expect((await auth.awsCredentials()).secretAccessKey).toBe(result.credentials.secretAccessKey);
    const refreshed = await auth.fetchAuthSession({ forceRefresh: true });
    expect(refreshed.credentials!.accessKeyId).not.toBe(result.credentials.accessKeyId);
    expect((await auth.fetchAuthSession()).credentials).toEqual(refreshed.credentials);
  });

  it("gives user-pool tokens of each caller's own, nested claims included", async () => {
    stack = await startEngineStack();
    const idToken = await stack.issuer.mintToken({ sub: 'carol', address: { country: 'NZ' } });
    const auth = stack.engine({ tokenProvider: { getTokens: async () => ({ idToken, accessToken: 'opaque-access-token' }) } });
    const first = await auth.fetchAuthSession();
    (first.tokens!.idToken!.payload as { address: { country: string } }).address.country = 'XX';
    const second = await auth.fetchAuthSession();
    expect((second.tokens!.idToken!.payload as { address: { country: string } }).address.country).toBe('NZ');
    expect(second.tokens!.idToken!.toString()).toBe(idToken);
  });
});

describe('a cached call', () => {
  it('sends the machine no event, and the first call after a refresh serves the new credentials', async () => {
    const inspected: InspectionEvent[] = [];
    const auth = await federated({ inspect: (event) => inspected.push(event) });
    const before = await auth.fetchAuthSession();
    const eventsBefore = inspected.filter((event) => event.type === '@xstate.event').length;
    for (let i = 0; i < 100; i++) await auth.fetchAuthSession();
    expect(inspected.filter((event) => event.type === '@xstate.event').length).toBe(eventsBefore);

    const refreshed = await auth.fetchAuthSession({ forceRefresh: true });
    expect(refreshed.credentials!.accessKeyId).not.toBe(before.credentials!.accessKeyId);
    const after = await auth.fetchAuthSession();
    expect(after.credentials!.accessKeyId).toBe(refreshed.credentials!.accessKeyId);
  });

  it('serves nothing from before a clear', async () => {
    const auth = await federated();
    await auth.fetchAuthSession();
    await auth.clearFederationToIdentityPool();
    const session = await auth.fetchAuthSession();
    expect(session.credentials).toBeUndefined();
    expect(session.identityId).toBeUndefined();
  });

  it('stops serving credentials at the end of their life on the engine clock, with no event in between', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 900 });
    // The engine's clock jumps ahead while its timers stay put: only the time changes, not the snapshot.
    const clock = stack.clock;
    let jumpMs = 0;
    const auth = stack.engine({ clock: { now: () => clock.now() + jumpMs, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout } });
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    const cached = await auth.fetchAuthSession();
    const snapshot = auth.actor.getSnapshot();
    jumpMs = cached.credentials!.expiration.getTime() - clock.now();
    expect(auth.actor.getSnapshot()).toBe(snapshot);
    const next = await auth.fetchAuthSession();
    expect(next.credentials!.accessKeyId).not.toBe(cached.credentials!.accessKeyId);
  });

  it('rejects, never throws, when the clock it reads throws', async () => {
    let broken = false;
    stack = await startEngineStack();
    const clock = stack.clock;
    const auth = stack.engine({
      clock: {
        now: () => {
          if (broken) throw new Error('clock failure');
          return clock.now();
        },
        setTimeout: clock.setTimeout,
        clearTimeout: clock.clearTimeout,
      },
    });
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    broken = true;
    let pending: Promise<unknown> | undefined;
    expect(() => {
      pending = auth.fetchAuthSession();
    }).not.toThrow();
    await expect(pending).rejects.toThrow('clock failure');
    broken = false;
  });
});
