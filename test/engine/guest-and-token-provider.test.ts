import { afterEach, describe, expect, it } from 'vitest';
import { InvalidStateException, toAuthState, type TokenProvider } from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('guest access', () => {
  it('serves guest credentials while signed out, reusing the cached guest identity id', async () => {
    stack = await startEngineStack({ allowUnauthenticated: true });
    const auth = stack.engine({ allowGuestAccess: true });
    const first = await auth.fetchAuthSession();
    expect(first.identityId).toMatch(/^us-east-1:/);
    expect(first.credentials?.accessKeyId).toMatch(/^ASIA/);
    expect(first.federatedProvider).toBeUndefined();
    expect(stack.pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });

    const cached = await auth.fetchAuthSession();
    expect(cached.credentials).toEqual(first.credentials);
    expect(stack.pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });

    const forced = await auth.fetchAuthSession({ forceRefresh: true });
    expect(forced.identityId).toBe(first.identityId);
    expect(forced.credentials?.accessKeyId).not.toBe(first.credentials?.accessKeyId);
    expect(stack.pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 2 });
    expect(stack.states.at(-1)).toMatchObject({ value: 'signedOut', guest: true, identityId: first.identityId });
    expect(stack.events.filter((e) => e.type === 'credentialsRefreshed').every((e) => e.type === 'credentialsRefreshed' && e.guest)).toBe(true);
  });

  it('returns an empty session while signed out when guest access is off, with no network call', async () => {
    stack = await startEngineStack({ allowUnauthenticated: true });
    const auth = stack.engine();
    expect(await auth.fetchAuthSession()).toEqual({});
    expect(stack.pool.stats().requests).toEqual({});
  });

  it('rejects with the pool\'s error when the pool refuses guests, and stays usable', async () => {
    stack = await startEngineStack({ allowUnauthenticated: false });
    const auth = stack.engine({ allowGuestAccess: true });
    await expect(auth.fetchAuthSession()).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    // Signed out with no guest credentials held, and a later call asks the pool again.
    expect(toAuthState(auth.actor.getSnapshot())).toEqual({ value: 'signedOut' });
    await expect(auth.fetchAuthSession()).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect(stack.pool.stats().errors).toMatchObject({ GetId: { NotAuthorizedException: 2 } });
    const token = await stack.issuer.mintToken({ sub: 'alice' });
    await expect(auth.federateToIdentityPool({ token, provider: stack.issuer.loginsKey })).resolves.toMatchObject({ identityId: expect.any(String) });
  });

  it('replaces a guest identity deleted on the server with a new one', async () => {
    stack = await startEngineStack({ allowUnauthenticated: true });
    const auth = stack.engine({ allowGuestAccess: true });
    const first = await auth.fetchAuthSession();
    stack.pool.forgetIdentity(first.identityId!);
    const second = await auth.fetchAuthSession({ forceRefresh: true });
    expect(second.identityId).not.toBe(first.identityId);
    expect(second.credentials).toBeDefined();
  });
});

describe('token provider (user-pool sessions)', () => {
  function userPoolProvider(stackRef: EngineStack, tokens: { current: string | null }): TokenProvider {
    return {
      getTokens: async () => (tokens.current ? { idToken: tokens.current, accessToken: `access-${stackRef.clock.now()}` } : null),
    };
  }

  it("federates the provider's id token by itself under the Logins key from its iss", async () => {
    stack = await startEngineStack();
    const tokens = { current: await stack.issuer.mintToken({ sub: 'carol' }) as string | null };
    const auth = stack.engine({ tokenProvider: userPoolProvider(stack, tokens) });
    const session = await auth.fetchAuthSession();
    expect(session.identityId).toMatch(/^us-east-1:/);
    expect(session.federatedProvider).toBe(stack.issuer.loginsKey);
    expect(session.tokens?.idToken?.toString()).toBe(tokens.current);
    expect(session.tokens?.idToken?.payload.sub).toBe('carol');
    expect(stack.pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });

    // Cached: the token provider is asked again, Cognito is not.
    const again = await auth.fetchAuthSession();
    expect(again.credentials).toEqual(session.credentials);
    expect(stack.pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });
  });

  it('rejects FEDERATE with InvalidStateException while a user-pool session is active', async () => {
    stack = await startEngineStack();
    const tokens = { current: await stack.issuer.mintToken({ sub: 'carol' }) as string | null };
    const auth = stack.engine({ tokenProvider: userPoolProvider(stack, tokens) });
    await auth.fetchAuthSession();
    const before = stack.pool.stats().requests;
    const other = await stack.issuer.mintToken({ sub: 'dave' });
    await expect(auth.federateToIdentityPool({ token: other, provider: stack.issuer.loginsKey })).rejects.toBeInstanceOf(InvalidStateException);
    expect(stack.pool.stats().requests).toEqual(before);
    expect((await auth.fetchAuthSession()).tokens?.idToken?.payload.sub).toBe('carol');
  });

  it('rejects FEDERATE when the token provider has tokens even before the first fetch', async () => {
    stack = await startEngineStack();
    const tokens = { current: await stack.issuer.mintToken({ sub: 'carol' }) as string | null };
    const auth = stack.engine({ tokenProvider: userPoolProvider(stack, tokens) });
    const other = await stack.issuer.mintToken({ sub: 'dave' });
    await expect(auth.federateToIdentityPool({ token: other, provider: stack.issuer.loginsKey })).rejects.toMatchObject({ name: 'InvalidStateException' });
    expect(stack.pool.stats().requests).toEqual({});
  });

  it('allows FEDERATE when the token provider has no tokens, and signs out when its tokens go away', async () => {
    stack = await startEngineStack();
    const tokens = { current: null as string | null };
    const auth = stack.engine({ tokenProvider: userPoolProvider(stack, tokens) });
    const federated = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'erin' }), provider: stack.issuer.loginsKey });
    expect(federated.identityId).toBeDefined();

    await auth.clearFederationToIdentityPool();
    tokens.current = await stack.issuer.mintToken({ sub: 'carol' });
    const carol = await auth.fetchAuthSession();
    expect(carol.tokens?.idToken?.payload.sub).toBe('carol');
    tokens.current = null; // signed out of the user pool
    expect(await auth.fetchAuthSession()).toEqual({});
    expect(auth.actor.getSnapshot().matches('signedOut')).toBe(true);
  });
});
