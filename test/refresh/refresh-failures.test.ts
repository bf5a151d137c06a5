import { afterEach, describe, expect, it } from 'vitest';
import { SessionExpiredException } from '../../src/index';
import { startEngineStack, untilIdle, type EngineStack } from '../support/engine-stack';
import { expectNoWaits, fetchWithoutWaiting, settleEngine } from './refresh-helpers';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function federatedEngine(ttlSeconds: number, options: Parameters<EngineStack['engine']>[0] = {}) {
  stack = await startEngineStack({ credentialsTtlSeconds: ttlSeconds });
  const auth = stack.engine(options);
  const result = await auth.federateToIdentityPool({
    token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }),
    provider: stack.issuer.loginsKey,
  });
  stack.pool.resetStats();
  stack.events.length = 0;
  return { stack, auth, result };
}

describe('throttling and server errors during a refresh', () => {
  it('retries with back-off while the current credentials keep being served', async () => {
    const { stack, auth, result } = await federatedEngine(600, { refreshAheadMs: 120_000 });
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'throttle', times: 2 });
    const settle = settleEngine(auth);
    const waits: number[] = [];
    for (let second = 1; second <= 600; second++) {
      await stack.clock.advance(1_000, settle);
      const { session, waited } = await fetchWithoutWaiting(auth);
      if (waited) waits.push(second);
      expect(session.credentials).toBeDefined();
    }
    expectNoWaits(waits);
    expect(stack.pool.stats().errors.GetCredentialsForIdentity).toEqual({ TooManyRequestsException: 2 });
    const types = stack.events.map((e) => e.type);
    expect(types.slice(0, 3)).toEqual(['credentialsRefresh_failure', 'credentialsRefresh_failure', 'credentialsRefreshed']);
    expect(stack.events[0]).toMatchObject({ willRetry: true, attempt: 1, error: { name: 'TooManyRequestsException' } });
    expect((await auth.fetchAuthSession()).identityId).toBe(result.identityId);
  });

  it('gives up after the attempts allowed, keeps serving valid credentials, then ends the session when they expire', async () => {
    const { stack, auth } = await federatedEngine(600, { refreshAheadMs: 120_000, retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 } });
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'internal', times: Number.POSITIVE_INFINITY });
    const settle = settleEngine(auth);
    await stack.clock.advance(485_000, settle); // refresh-ahead fires at 8 min; three attempts fail within seconds
    expect(auth.actor.getSnapshot().matches('federated')).toBe(true);
    expect((await fetchWithoutWaiting(auth)).waited).toBe(false);
    const failures = stack.events.filter((e) => e.type === 'credentialsRefresh_failure');
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures.every((e) => e.type === 'credentialsRefresh_failure' && e.error.name === 'InternalErrorException')).toBe(true);

    // Retries keep coming, spaced out, until the credentials run out.
    await stack.clock.advance(125_000, settle);
    expect(auth.actor.getSnapshot().matches('signedOut')).toBe(true);
    expect(stack.events.at(-1)).toMatchObject({ type: 'sessionExpired', error: { name: 'InternalErrorException' } });
    const requests = stack.pool.stats().requests.GetCredentialsForIdentity!;
    expect(requests).toBeGreaterThan(3);
    expect(requests).toBeLessThan(60); // spaced, not a storm
    expect(await auth.fetchAuthSession()).toEqual({});
  });

  it('replaces an identity forgotten on the server: drops it, runs GetId once more, reports the new id', async () => {
    const { stack, auth, result } = await federatedEngine(600);
    stack.pool.forgetIdentity(result.identityId);
    const refreshed = await auth.fetchAuthSession({ forceRefresh: true });
    expect(refreshed.identityId).not.toBe(result.identityId);
    expect(refreshed.credentials).toBeDefined();
    expect(stack.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 2, GetId: 1 });
    expect(stack.events.at(-1)).toMatchObject({
      type: 'credentialsRefreshed',
      identityId: refreshed.identityId,
      previousIdentityId: result.identityId,
    });
  });
});

describe('the provider token', () => {
  it('reuses a token that is still valid', async () => {
    const { stack, auth } = await federatedEngine(600, { refreshHandlers: { [/* any */ 'accounts.google.com']: async () => ({ token: 'x' }) } });
    await auth.fetchAuthSession({ forceRefresh: true });
    expect(stack.events.map((e) => e.type)).toEqual(['credentialsRefreshed']);
  });

  it('without a refresh handler: stays federated while the credentials last (tokenRefresh_failure), then sessionExpired', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const auth = stack.engine({ refreshAheadMs: 120_000 });
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 60 }), provider: stack.issuer.loginsKey });
    const settle = settleEngine(auth);
    await stack.clock.advance(480_000, settle); // refresh-ahead: the token expired long ago
    expect(auth.actor.getSnapshot().matches('federated')).toBe(true);
    expect(stack.events.map((e) => e.type)).toEqual(['federatedToIdentityPool', 'tokenRefresh_failure']);
    expect((await fetchWithoutWaiting(auth)).waited).toBe(false);

    await stack.clock.advance(120_000, settle);
    expect(auth.actor.getSnapshot().matches('signedOut')).toBe(true);
    expect(stack.events.at(-1)).toMatchObject({ type: 'sessionExpired', provider: stack.issuer.loginsKey });
    expect(stack.pool.stats().requests.GetCredentialsForIdentity).toBe(1);
  });

  it('rejects a caller whose credentials expired with a typed error that says how to recover', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const auth = stack.engine();
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 60 }), provider: stack.issuer.loginsKey });
    stack.clock.jump(700_000); // the device slept through everything
    const failure = auth.fetchAuthSession();
    await expect(failure).rejects.toBeInstanceOf(SessionExpiredException);
    await expect(failure).rejects.toMatchObject({ recoverySuggestion: expect.stringMatching(/federateToIdentityPool/) });
    expect(stack.pool.stats().requests.GetCredentialsForIdentity).toBe(1);
  });

  it('with a refresh handler: gets a new token, emits tokenRefresh, then refreshes the credentials', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const calls: unknown[] = [];
    const auth = stack.engine({
      refreshAheadMs: 120_000,
      refreshHandlers: {
        [stack.issuer.loginsKey]: async (context) => {
          calls.push(context);
          return { token: await stack!.issuer.mintToken({ sub: 'alice' }, { expiresIn: 3_600 }) };
        },
      },
    });
    const { identityId } = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 300 }), provider: stack.issuer.loginsKey });
    const settle = settleEngine(auth);
    await stack.clock.advance(180_000, settle); // the token is inside the refresh-ahead window
    expect(calls).toEqual([{ provider: stack.issuer.loginsKey, identityId, signal: expect.any(AbortSignal) }]);
    expect(stack.events.map((e) => e.type)).toEqual(['federatedToIdentityPool', 'tokenRefresh', 'credentialsRefreshed']);
    expect((await auth.fetchAuthSession()).identityId).toBe(identityId);
  });

  it('the handler\'s signal aborts when the federation is cleared while it runs', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    let seen: AbortSignal | undefined;
    const auth = stack.engine({
      refreshHandlers: {
        [stack.issuer.loginsKey]: ({ signal }) => {
          seen = signal;
          return new Promise(() => undefined); // an IdP that never answers
        },
      },
    });
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 60 }), provider: stack.issuer.loginsKey });
    const forced = auth.fetchAuthSession({ forceRefresh: true }).catch((error: Error) => error.name);
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen?.aborted).toBe(false);
    await auth.clearFederationToIdentityPool();
    expect(seen?.aborted).toBe(true);
    expect(await forced).toBe('AbortError');
  });

  it('a handler that throws: tokenRefresh_failure with its message, no token in it, credentials still served', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const token = await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 60 });
    const auth = stack.engine({
      refreshHandlers: { [stack.issuer.loginsKey]: async () => { throw new Error(`IdP refused ${token}`); } },
    });
    await auth.federateToIdentityPool({ token, provider: stack.issuer.loginsKey });
    await stack.clock.advance(120_000);
    await expect(auth.fetchAuthSession({ forceRefresh: true })).rejects.toMatchObject({ name: 'TokenRefreshException' });
    const failure = stack.events.find((e) => e.type === 'tokenRefresh_failure');
    expect(failure).toMatchObject({ error: { name: 'TokenRefreshException', message: expect.stringContaining('IdP refused [redacted]') } });
    expect(JSON.stringify(stack.events)).not.toContain(token);
    expect((await fetchWithoutWaiting(auth)).session.credentials).toBeDefined();
  });

  it('NotAuthorizedException on GetCredentialsForIdentity: one token refresh through the handler and one retry', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    let handlerCalls = 0;
    const auth = stack.engine({
      refreshHandlers: {
        [stack.issuer.loginsKey]: async () => {
          handlerCalls += 1;
          return { token: await stack!.issuer.mintToken({ sub: 'alice' }, { expiresIn: 3_600 }) };
        },
      },
    });
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    stack.pool.resetStats();
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'notAuthorized' });
    await expect(auth.fetchAuthSession({ forceRefresh: true })).resolves.toMatchObject({ credentials: expect.any(Object) });
    expect(handlerCalls).toBe(1);
    expect(stack.pool.stats().requests.GetCredentialsForIdentity).toBe(2);

    // Refused twice: no third try, the error reaches the caller.
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'notAuthorized', times: 2 });
    await expect(auth.fetchAuthSession({ forceRefresh: true })).rejects.toMatchObject({ name: 'NotAuthorizedException' });
    expect(handlerCalls).toBe(2);
    expect(stack.pool.stats().requests.GetCredentialsForIdentity).toBe(4);
    await untilIdle(auth);
  });

  it('clientMetadata reaches handlers: from clientMetadataProvider, and from fetchAuthSession for that call', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const seen: unknown[] = [];
    const auth = stack.engine({
      clientMetadataProvider: async () => ({ app: 'web', build: '42' }),
      refreshHandlers: {
        [stack.issuer.loginsKey]: async ({ clientMetadata }) => {
          seen.push(clientMetadata);
          return { token: await stack!.issuer.mintToken({ sub: 'alice' }, { expiresIn: 60 }) };
        },
      },
    });
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 60 }), provider: stack.issuer.loginsKey });
    await auth.fetchAuthSession({ forceRefresh: true });
    await auth.fetchAuthSession({ forceRefresh: true, clientMetadata: { reason: 'user-click' } });
    expect(seen).toEqual([{ app: 'web', build: '42' }, { reason: 'user-click' }]);
  });
});

describe('token provider sessions', () => {
  it('asks the token provider with forceRefresh when its token expires, and uses the rotated token', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const asked: Array<boolean | undefined> = [];
    let current = await stack.issuer.mintToken({ sub: 'carol' }, { expiresIn: 120 });
    const auth = stack.engine({
      refreshAheadMs: 60_000,
      tokenProvider: {
        getTokens: async (options) => {
          asked.push(options?.forceRefresh);
          if (options?.forceRefresh) current = await stack!.issuer.mintToken({ sub: 'carol' }, { expiresIn: 120 });
          return { idToken: current, accessToken: 'access' };
        },
      },
    });
    const first = await auth.fetchAuthSession();
    const firstToken = first.tokens!.idToken!.toString();
    const settle = settleEngine(auth);
    await stack.clock.advance(90_000, settle); // the id token enters the refresh-ahead window
    expect(asked).toContain(true);
    const later = await auth.fetchAuthSession();
    expect(later.identityId).toBe(first.identityId);
    expect(later.tokens!.idToken!.toString()).not.toBe(firstToken);
    expect(stack.events.map((e) => e.type)).toEqual(['federatedToIdentityPool', 'tokenRefresh', 'credentialsRefreshed']);
  });
});
