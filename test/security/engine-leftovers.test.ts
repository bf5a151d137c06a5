// Attacks on the engine and session store left over from the issue-11 review: hostile storage
// notices, cleared legacy records with long writers, long token lifetimes, a polluted
// Object.prototype, a server clock off by days, absurd timeouts.
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage, decodeJWT, type CredentialsAndIdentityIdProvider, type KeyValueStorage } from '../../src/index';
import { decodeClearedSessions, encodeClearedSessions, isSessionId, MAX_SESSION_ID_LENGTH } from '../../src/session/cleared-sessions';
import { legacySessionId } from '../../src/session/legacy-session-id';
import type { StorageChangeListener } from '../../src/storage/key-value-storage';
import { startEngineStack, untilIdle, type EngineStack } from '../support/engine-stack';
import { tappedStorage } from './fixtures/tapped-storage';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('hostile change notices are ignored, not thrown back into the adapter', () => {
  it('ignores a notice that is undefined, null, not an object, or has no string key and string-or-null newValue', async () => {
    stack = await startEngineStack();
    const { storage, listeners } = tappedStorage();
    const auth = stack.engine({ storage });
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    const clearedKey = `idpool.default.${stack.pool.identityPoolId}.cleared`;
    const sessionKey = `idpool.default.${stack.pool.identityPoolId}.session`;
    const throwing = new Proxy({}, { get: () => { throw new Error('trap'); } });
    const hostile: unknown[] = [
      undefined,
      null,
      42,
      'text',
      { key: clearedKey },
      { key: clearedKey, newValue: 42 },
      { key: sessionKey },
      { key: sessionKey, newValue: {} },
      { key: 7, newValue: null },
      throwing,
    ];
    const thrown: string[] = [];
    for (const notice of hostile) {
      for (const listener of listeners) {
        try {
          listener(notice as Parameters<StorageChangeListener>[0]);
        } catch (error) {
          thrown.push(`${inspect(notice)} → ${(error as Error).name}`);
        }
      }
    }
    expect(thrown).toEqual([]);
    expect(auth.actor.getSnapshot().matches('federated')).toBe(true);
    expect(decodeClearedSessions(undefined)).toEqual([]);
    expect(decodeClearedSessions(42)).toEqual([]);
  });
});

describe('a clear of a legacy session with a long writer is recorded, so no other context undoes it', () => {
  it('does not restore a cleared legacy record written back by a context that missed the clear', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const key = `idpool.default.${stack.pool.identityPoolId}.session`;
    const first = stack.engine({ storage });
    await first.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    await first.stop();
    // A record from before session ids: its id is derived from writer and stamp. The writer may
    // be 256 characters; `legacy:<writer>:<updatedAt>` would then exceed what the cleared record keeps.
    const record = JSON.parse((await storage.getItem(key))!) as Record<string, unknown>;
    delete record['sessionId'];
    record['writer'] = 'w'.repeat(250);
    const legacy = JSON.stringify(record);
    await storage.setItem(key, legacy);

    const clearing = stack.engine({ storage });
    await untilIdle(clearing);
    expect(clearing.actor.getSnapshot().matches('federated')).toBe(true);
    await clearing.clearFederationToIdentityPool();
    await clearing.stop();
    // A context that restored the same record before the clear, and missed it, writes it back.
    await storage.setItem(key, legacy);

    const later = stack.engine({ storage });
    await untilIdle(later);
    expect(later.actor.getSnapshot().matches('federated')).toBe(false);
    expect((await later.fetchAuthSession()).credentials).toBeUndefined();
  });

  it('derives legacy ids within the bound, the same everywhere, and keeps the short form earlier versions recorded', () => {
    const longest = legacySessionId('w'.repeat(256), Date.UTC(2200, 0, 1) + 0.123456789);
    expect(isSessionId(longest)).toBe(true);
    expect(legacySessionId('w'.repeat(256), 5)).toBe(legacySessionId('w'.repeat(256), 5));
    expect(legacySessionId('w'.repeat(256), 5)).not.toBe(legacySessionId(`${'w'.repeat(255)}x`, 5));
    expect(legacySessionId('writer-1', 1_700_000_000_000)).toBe('legacy:writer-1:1700000000000');
    expect(decodeClearedSessions(encodeClearedSessions([longest]))).toEqual([longest]);
  });

  it('refuses to encode an id it could not read back instead of dropping it', () => {
    expect(() => encodeClearedSessions(['ok', 'x'.repeat(MAX_SESSION_ID_LENGTH + 1)])).toThrow(RangeError);
    expect(() => encodeClearedSessions([''])).toThrow(RangeError);
  });
});

describe('a token said to live years is stored so that other contexts can read it back', () => {
  it('restores, in a second engine, a federation whose options.expiresAt is two years away', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const first = stack.engine({ storage });
    const expiresAt = stack.clock.now() + 2 * 365 * 86_400_000;
    const { identityId } = await first.federateToIdentityPool({ token: 'opaque-facebook-token', provider: 'facebook', options: { expiresAt } });
    await first.stop();

    const second = stack.engine({ storage });
    await untilIdle(second);
    expect(stack.events.filter((event) => event.type === 'sessionRestore_failure')).toEqual([]);
    expect(second.actor.getSnapshot().matches('federated')).toBe(true);
    expect((await second.fetchAuthSession()).identityId).toBe(identityId);
  });
});

describe('federateToIdentityPool and fetchAuthSession read only their input’s own properties', () => {
  const polluted = ['developerProvidedIdentityId', 'expiresAt', 'token', 'provider', 'options', 'forceRefresh', 'clientMetadata'] as const;
  const withPollution = async (values: Partial<Record<(typeof polluted)[number], unknown>>, run: () => Promise<void>) => {
    const prototype = Object.prototype as Record<string, unknown>;
    try {
      for (const [name, value] of Object.entries(values)) prototype[name] = value;
      await run();
    } finally {
      for (const name of polluted) delete prototype[name];
    }
  };

  it('ignores an Object.prototype.developerProvidedIdentityId', async () => {
    stack = await startEngineStack();
    const planted = `${stack.pool.region}:11111111-1111-4111-8111-111111111111`;
    const token = await stack.issuer.mintToken({ sub: 'alice' });
    const auth = stack.engine({ storage: createMemoryStorage() });
    await withPollution({ developerProvidedIdentityId: planted }, async () => {
      const { identityId } = await auth.federateToIdentityPool({ token, provider: stack!.issuer.loginsKey });
      expect(identityId).not.toBe(planted);
      const again = await auth.federateToIdentityPool({ token, provider: stack!.issuer.loginsKey, options: {} });
      expect(again.identityId).toBe(identityId);
    });
  });

  it('ignores an Object.prototype.expiresAt, token, provider and options', async () => {
    stack = await startEngineStack();
    const token = await stack.issuer.mintToken({ sub: 'alice' });
    const storage = createMemoryStorage();
    const auth = stack.engine({ storage });
    await withPollution({ expiresAt: 1 }, async () => {
      await auth.federateToIdentityPool({ token, provider: stack!.issuer.loginsKey });
      // A login expiring in 1970 would be refreshed (and fail: no token provider) on this call.
      expect((await auth.fetchAuthSession()).credentials).toBeDefined();
    });
    // The login kept (as stored) expires when the token does.
    const stored = JSON.parse((await storage.getItem(`idpool.default.${stack.pool.identityPoolId}.session`))!) as { login: { expiresAt?: number } };
    expect(stored.login.expiresAt).toBe(decodeJWT(token).payload.exp! * 1000);
    await withPollution({ token, provider: stack.issuer.loginsKey }, async () => {
      await expect(auth.federateToIdentityPool({} as never)).rejects.toMatchObject({ name: 'InvalidParameterException' });
    });
    await withPollution({ options: { developerProvidedIdentityId: 'us-east-1:11111111-1111-4111-8111-111111111111' } }, async () => {
      const { identityId } = await auth.federateToIdentityPool({ token, provider: stack!.issuer.loginsKey });
      expect(identityId).not.toBe('us-east-1:11111111-1111-4111-8111-111111111111');
    });
  });
});

describe('fetchAuthSession reads only its options’ own properties', () => {
  it('ignores an Object.prototype.forceRefresh and clientMetadata', async () => {
    stack = await startEngineStack();
    const token = await stack.issuer.mintToken({ sub: 'alice' });
    const auth = stack.engine({ storage: createMemoryStorage() });
    await auth.federateToIdentityPool({ token, provider: stack.issuer.loginsKey });
    const requests = { ...stack.pool.stats().requests };
    const prototype = Object.prototype as Record<string, unknown>;
    try {
      prototype['forceRefresh'] = true;
      prototype['clientMetadata'] = 42;
      // A polluted forceRefresh would call Cognito; a polluted clientMetadata would be refused.
      await auth.fetchAuthSession();
      await auth.fetchAuthSession({});
    } finally {
      delete prototype['forceRefresh'];
      delete prototype['clientMetadata'];
    }
    expect({ ...stack.pool.stats().requests }).toEqual(requests);
  });
});

describe('a server clock more than a day off is refused, not stored', () => {
  it('fails the federation with a typed error and leaves the stored session restorable', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const first = stack.engine({ storage });
    const token = await stack.issuer.mintToken({ sub: 'alice' });
    const { identityId } = await first.federateToIdentityPool({ token, provider: stack.issuer.loginsKey });

    stack.pool.injectFault({ op: '*', kind: 'clockSkew', skewSeconds: 2 * 86_400, times: Number.POSITIVE_INFINITY });
    const refused = await first.fetchAuthSession({ forceRefresh: true }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ name: 'UnknownException', code: 'UnknownException' });
    expect((refused as Error).message).toMatch(/more than a day/);
    const federating = await first
      .federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'bob' }), provider: stack.issuer.loginsKey })
      .catch((error: unknown) => error);
    expect(federating).toMatchObject({ name: 'UnknownException' });
    await first.stop();
    stack.pool.clearFaults();

    // What storage holds is still a session another engine reads back, never a dropped record.
    const second = stack.engine({ storage });
    await untilIdle(second);
    expect(stack.events.filter((event) => event.type === 'sessionRestore_failure')).toEqual([]);
    const restored = (await second.fetchAuthSession()).identityId;
    expect(restored === undefined || restored === identityId).toBe(true);
  });
});

describe('timeouts are bounded so the refresh lease stays a valid timer', () => {
  it('refuses a requestTimeoutMs over an hour with a TypeError naming the option', async () => {
    stack = await startEngineStack();
    for (const requestTimeoutMs of [3_600_001, 2 ** 31, 1e15]) {
      expect(() => stack!.engine({ requestTimeoutMs })).toThrow(/requestTimeoutMs/);
      expect(() => stack!.engine({ requestTimeoutMs })).toThrow(TypeError);
    }
    expect(() => stack!.engine({ requestTimeoutMs: 3_600_000 })).not.toThrow();
  });
});

describe('the refresh lease outlasts the step it guards', () => {
  it('takes the lease for at least callbackTimeoutMs when a credentials provider refreshes', async () => {
    stack = await startEngineStack();
    const backing = createMemoryStorage({ now: stack.clock.now });
    const ttls: number[] = [];
    const storage: KeyValueStorage = {
      getItem: (key) => backing.getItem(key),
      setItem: (key, value) => backing.setItem(key, value),
      removeItem: (key) => backing.removeItem(key),
      subscribe: (listener) => backing.subscribe!(listener),
      tryAcquireLease: (key, ttlMs) => {
        ttls.push(ttlMs);
        return backing.tryAcquireLease!(key, ttlMs);
      },
    };
    const clock = stack.clock;
    let served = 0;
    const credentialsProvider: CredentialsAndIdentityIdProvider = {
      getCredentialsAndIdentityId: async () => {
        served += 1;
        return {
          identityId: `${stack!.pool.region}:22222222-2222-4222-8222-222222222222`,
          credentials: { accessKeyId: `ASIAEXAMPLE${served}`, secretAccessKey: 'secret', sessionToken: 'session', expiration: new Date(clock.now() + 3_600_000) },
        };
      },
      clearCredentialsAndIdentityId: () => undefined,
    };
    // Persisted credentials: only then do contexts wait on each other's refresh.
    const auth = stack.engine({ storage, credentialsProvider, callbackTimeoutMs: 120_000, requestTimeoutMs: 1_000, persistCredentials: true });
    const token = await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 4 * 3600 });
    await auth.federateToIdentityPool({ token, provider: stack.issuer.loginsKey });
    // The scheduled refresh (5 minutes ahead of the hour) is the one the lease guards.
    await clock.advance(3_600_000, () => untilIdle(auth));
    expect(served).toBeGreaterThan(1);
    expect(ttls.length).toBeGreaterThan(0);
    for (const ttl of ttls) expect(ttl).toBeGreaterThanOrEqual(120_000);
  });
});
