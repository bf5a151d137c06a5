import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth, InvalidParameterException } from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack();
});
afterAll(async () => {
  await stack.close();
});

describe('bad input is rejected before any network call, changing nothing', () => {
  const validJwtFor = async () => stack.issuer.mintToken({ sub: 'alice' });

  const federateCases: Array<[string, () => Promise<Record<string, unknown>>]> = [
    ['an empty token', async () => ({ token: '', provider: stack.issuer.loginsKey })],
    ['a token that is not a string', async () => ({ token: 42, provider: stack.issuer.loginsKey })],
    ['a malformed JWT', async () => ({ token: 'not.a.jwt', provider: stack.issuer.loginsKey })],
    ['a JWT without sub', async () => ({ token: await stack.issuer.mintToken({ sub: undefined as never }), provider: 'google' })],
    ['garbage for an OIDC provider', async () => ({ token: 'opaque-garbage', provider: 'google' })],
    ['a token with white space', async () => ({ token: 'abc def', provider: 'facebook' })],
    ['a huge token', async () => ({ token: 'a'.repeat(60_000), provider: 'facebook' })],
    ['an unknown short provider', async () => ({ token: await validJwtFor(), provider: 'myspace' })],
    ['an empty provider', async () => ({ token: await validJwtFor(), provider: '' })],
    ['a provider that is not a string', async () => ({ token: await validJwtFor(), provider: { name: 'google' } })],
    ['a bad developer identity id', async () => ({ token: await validJwtFor(), provider: 'developer', options: { developerProvidedIdentityId: 'not-an-id' } })],
    ['a developer identity id with a bad uuid', async () => ({ token: await validJwtFor(), provider: 'developer', options: { developerProvidedIdentityId: 'us-east-1:XYZ' } })],
    ['a negative expiresAt', async () => ({ token: 'fb:abc', provider: 'facebook', options: { expiresAt: -5 } })],
    ['a string expiresAt', async () => ({ token: 'fb:abc', provider: 'facebook', options: { expiresAt: 'tomorrow' } })],
  ];

  it.each(federateCases)('federateToIdentityPool with %s → InvalidParameterException', async (_name, build) => {
    const auth = stack.engine();
    stack.pool.resetStats();
    const input = await build();
    await expect(auth.federateToIdentityPool(input as never)).rejects.toBeInstanceOf(InvalidParameterException);
    expect(stack.pool.stats().requests).toEqual({});
    expect(auth.actor.getSnapshot().matches('signedOut')).toBe(true);
  });

  it('a rejected federation leaves an earlier session exactly as it was', async () => {
    const auth = stack.engine();
    const before = await auth.federateToIdentityPool({ token: await validJwtFor(), provider: stack.issuer.loginsKey });
    stack.pool.resetStats();
    await expect(auth.federateToIdentityPool({ token: 'x.y.z', provider: stack.issuer.loginsKey })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(stack.pool.stats().requests).toEqual({});
    expect(await auth.fetchAuthSession()).toMatchObject({ identityId: before.identityId, credentials: before.credentials });
  });

  const fetchCases: Array<[string, unknown]> = [
    ['clientMetadata with __proto__', JSON.parse('{"clientMetadata":{"__proto__":{"polluted":"yes"}}}')],
    ['clientMetadata with constructor', { clientMetadata: { constructor: 'x' } }],
    ['clientMetadata with a number value', { clientMetadata: { a: 1 } }],
    ['clientMetadata that is an array', { clientMetadata: ['a'] }],
  ];
  it.each(fetchCases)('fetchAuthSession with %s → InvalidParameterException', async (_name, options) => {
    const auth = stack.engine();
    await expect(auth.fetchAuthSession(options as never)).rejects.toBeInstanceOf(InvalidParameterException);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    ['null options', { options: null }],
    ['array options', { options: [] }],
  ])('federateToIdentityPool with %s → TypeError', async (_name, extra) => {
    const auth = stack.engine();
    stack.pool.resetStats();
    await expect(auth.federateToIdentityPool({ token: await validJwtFor(), provider: stack.issuer.loginsKey, ...extra } as never)).rejects.toBeInstanceOf(TypeError);
    expect(stack.pool.stats().requests).toEqual({});
  });

  it('fetchAuthSession with array options, or a non-boolean forceRefresh → TypeError', async () => {
    await expect(stack.engine().fetchAuthSession([] as never)).rejects.toBeInstanceOf(TypeError);
    await expect(stack.engine().fetchAuthSession({ forceRefresh: 'yes' as never })).rejects.toBeInstanceOf(TypeError);
  });

  it('createAuth rejects a malformed identity pool id with InvalidParameterException', () => {
    for (const identityPoolId of ['', 'us-east-1', 'us-east-1:', 'not a pool', 'us-east-1:ZZZ', 42]) {
      expect(() => createAuth({ identityPoolId: identityPoolId as never })).toThrow(InvalidParameterException);
    }
  });

  it('createAuth names the option of the wrong type in a TypeError', () => {
    const identityPoolId = stack.pool.identityPoolId;
    expect(() => createAuth({ identityPoolId, allowGuestAccess: 'yes' as never })).toThrow(/allowGuestAccess/);
    expect(() => createAuth({ identityPoolId, refreshAheadMs: -1 })).toThrow(/refreshAheadMs/);
    expect(() => createAuth({ identityPoolId, storage: {} as never })).toThrow(/storage/);
    expect(() => createAuth({ identityPoolId, refreshHandlers: { google: 'nope' as never } })).toThrow(/refreshHandlers\.google/);
    expect(() => createAuth({ identityPoolId, tokenProvider: {} as never })).toThrow(/tokenProvider/);
    expect(() => createAuth({ identityPoolId, endpoint: 'not a url' })).toThrow(/endpoint/);
    expect(() => createAuth({ identityPoolId, namespace: 'bad name!' })).toThrow(/namespace/);
    expect(() => createAuth({ identityPoolId, retry: { maxAttempts: 0 } })).toThrow(/retry\.maxAttempts/);
    expect(() => createAuth({ identityPoolId, retry: null as never })).toThrow(/"retry"/);
  });

  it('createAuth refuses an option it does not know, instead of running on a default the app did not mean', () => {
    const identityPoolId = stack.pool.identityPoolId;
    // A typo, and an option of an earlier version (the SDK client now goes in `transport`).
    expect(() => createAuth({ identityPoolId, alowGuestAccess: true } as never)).toThrow(TypeError);
    expect(() => createAuth({ identityPoolId, alowGuestAccess: true } as never)).toThrow(/unknown option "alowGuestAccess".*allowGuestAccess/);
    expect(() => createAuth({ identityPoolId, client: {} } as never)).toThrow(/unknown option "client".*transport/);
    // Names that mean something on a plain object are not options either; a name is shown cut short.
    expect(() => createAuth(JSON.parse(`{"identityPoolId":"${identityPoolId}","__proto__":{"endpoint":"http://evil"}}`) as never)).toThrow(/unknown option "__proto__"/);
    expect(() => createAuth({ identityPoolId, ['x'.repeat(10_000)]: 1 } as never)).toThrow(/unknown option "x{64}…"/);
    // Keys that cannot be listed (a Proxy whose ownKeys trap throws) are a TypeError too.
    const unlistable = new Proxy({ identityPoolId }, { ownKeys: () => { throw new Error('trap'); } });
    expect(() => createAuth(unlistable)).toThrow(/keys can be listed/);
    // Symbols and inherited names are not looked at.
    expect(() => createAuth({ identityPoolId, [Symbol('meta')]: 1 } as never).stop()).not.toThrow();
  });
});
