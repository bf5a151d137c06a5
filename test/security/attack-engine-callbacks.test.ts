import { afterEach, describe, expect, it } from 'vitest';
import {
  createAuth,
  createMemoryStorage,
  type Auth,
  type AuthEvent,
  type AuthSession,
  type CredentialsAndIdentityIdProvider,
  type RefreshHandler,
} from '../../src/index';
import { createLogin } from '../../src/login/create-login';
import { MAX_STORED_LIFETIME_MS as MAX_LIFETIME_MS } from '../../src/model/lifetimes';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { flushIo, TestClock } from '../support/test-clock';
import { standaloneEngines, STANDALONE_POOL_ID as IDENTITY_POOL_ID } from '../support/standalone-engines';

// Attacks on app callbacks (finding 12) and lifetimes (finding 9) beyond those of
// callback-hostile.test.ts and timer-overflow.test.ts: late, doubled and re-entrant answers.
const IDENTITY_ID = 'us-east-1:11111111-1111-4111-8111-111111111111';
const DAY_MS = 86_400_000;

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});
// Registered after the stack's hook, so (hooks run last-in first-out) engines stop first.
const engine = standaloneEngines();

type ProviderAnswer = Awaited<ReturnType<CredentialsAndIdentityIdProvider['getCredentialsAndIdentityId']>>;

function answer(clock: TestClock, accessKeyId: string): ProviderAnswer {
  return {
    identityId: IDENTITY_ID,
    credentials: { accessKeyId, secretAccessKey: 'provider-secret-key', sessionToken: 'provider-session-token', expiration: new Date(clock.now() + 3_600_000) },
  };
}

/** Waits (a generous real-time bound) until `condition` holds, letting I/O run. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !condition(); i++) await flushIo();
  expect(condition()).toBe(true);
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

describe('late and doubled answers', () => {
  it('a credentials provider answering after callbackTimeoutMs: the late credentials are never served', async () => {
    const clock = new TestClock();
    let late: ((value: ProviderAnswer) => void) | undefined;
    let calls = 0;
    const provider: CredentialsAndIdentityIdProvider = {
      getCredentialsAndIdentityId: () => {
        calls += 1;
        if (calls === 1) return Promise.resolve(answer(clock, 'ASIAFIRST'));
        return new Promise<ProviderAnswer>((resolve) => (late = resolve));
      },
      clearCredentialsAndIdentityId: () => undefined,
    };
    const auth = engine({ clock, credentialsProvider: provider, callbackTimeoutMs: 1_000 });
    expect((await auth.fetchAuthSession()).credentials?.accessKeyId).toBe('ASIAFIRST');
    const refresh = failureOf(auth.fetchAuthSession({ forceRefresh: true }));
    await until(() => late !== undefined);
    await clock.advance(1_000);
    expect(await refresh).toMatchObject({ name: 'NetworkError' });
    late?.(answer(clock, 'ASIALATE'));
    await flushIo();
    expect((await auth.fetchAuthSession()).credentials?.accessKeyId).toBe('ASIAFIRST');
  });

  it('a thenable that resolves twice, then rejects: only its first answer counts', async () => {
    const clock = new TestClock();
    const provider: CredentialsAndIdentityIdProvider = {
      getCredentialsAndIdentityId: () =>
        ({
          then(resolve: (value: ProviderAnswer) => void, reject: (reason: unknown) => void) {
            resolve(answer(clock, 'ASIAONCE'));
            resolve(answer(clock, 'ASIATWICE'));
            reject(new Error('and a rejection'));
            throw new Error('and a throw');
          },
        }) as unknown as Promise<ProviderAnswer>,
      clearCredentialsAndIdentityId: () => undefined,
    };
    const auth = engine({ clock, credentialsProvider: provider });
    expect((await auth.fetchAuthSession()).credentials?.accessKeyId).toBe('ASIAONCE');
  });

  it('a refresh handler that answers after auth.stop(): stop completes and nothing is applied or thrown', async () => {
    stack = await startEngineStack();
    const current = stack;
    let release: (() => void) | undefined;
    let called = 0;
    const handler: RefreshHandler = async () => {
      called += 1;
      await new Promise<void>((resolve) => (release = resolve));
      return { token: await current.issuer.mintToken({ sub: 'alice' }) };
    };
    const auth = current.engine({ refreshHandlers: { [current.issuer.loginsKey]: handler } });
    await auth.federateToIdentityPool({ token: await current.issuer.mintToken({ sub: 'alice' }, { expiresIn: 60 }), provider: current.issuer.loginsKey });
    await current.clock.advance(61_000);
    await until(() => called === 1);
    const eventsBefore = current.events.length;
    await auth.stop();
    release?.();
    await flushIo();
    expect(auth.actor.getSnapshot().status).toBe('stopped');
    expect(current.events.slice(eventsBefore).map((event) => event.type)).not.toContain('tokenRefresh');
  });
});

describe('re-entrant callbacks', () => {
  it('a refresh handler that calls fetchAuthSession on the same engine: both settle after callbackTimeoutMs, no deadlock', async () => {
    stack = await startEngineStack();
    const current = stack;
    let inner: Promise<unknown> | undefined;
    let auth: Auth | undefined;
    const handler: RefreshHandler = async () => {
      inner ??= failureOf(auth!.fetchAuthSession({ forceRefresh: true }));
      await inner;
      return { token: await current.issuer.mintToken({ sub: 'alice' }) };
    };
    auth = current.engine({ refreshHandlers: { [current.issuer.loginsKey]: handler }, callbackTimeoutMs: 2_000 });
    await auth.federateToIdentityPool({ token: await current.issuer.mintToken({ sub: 'alice' }, { expiresIn: 60 }), provider: current.issuer.loginsKey });
    const outer = failureOf(auth.fetchAuthSession({ forceRefresh: true }));
    await current.clock.advance(61_000);
    await until(() => inner !== undefined);
    await current.clock.advance(2_000);
    const settled = await Promise.race([Promise.all([outer, inner]), new Promise((resolve) => setTimeout(() => resolve('hung'), 5_000))]);
    expect(settled).not.toBe('hung');
    // The engine still serves afterwards.
    expect(auth.actor.getSnapshot().status).toBe('active');
  });
});

describe('lifetimes a stored record can hold', () => {
  it('createLogin with the engine time shortens an expiry beyond what a stored record holds (JWT exp or expiresAt, Infinity included)', () => {
    const now = Date.UTC(2030, 0, 1);
    for (const expiresAt of [now + 730 * DAY_MS, 1e15]) {
      expect(createLogin({ loginsKey: 'graph.facebook.com', token: 'EAABopaqueToken', expiresAt, source: 'app', now }).expiresAt).toBe(now + MAX_LIFETIME_MS);
    }
    expect(createLogin({ loginsKey: 'graph.facebook.com', token: 'EAABopaqueToken', expiresAt: now + 60_000, source: 'app', now }).expiresAt).toBe(now + 60_000);
  });

  it('a refresh handler giving a token that lives 2 years: the session survives being restored by the next engine', async () => {
    const clock = new TestClock();
    const storage = createMemoryStorage();
    const provider: CredentialsAndIdentityIdProvider = {
      getCredentialsAndIdentityId: async () => answer(clock, 'ASIAPROVIDED'),
      clearCredentialsAndIdentityId: () => undefined,
    };
    const refreshHandlers = { facebook: async () => ({ token: 'EAABrefreshedLongLivedToken', expiresAt: clock.now() + 730 * DAY_MS }) };
    const first = engine({ clock, storage, credentialsProvider: provider, refreshHandlers });
    const firstEvents: AuthEvent['type'][] = [];
    first.events$.subscribe((event) => firstEvents.push(event.type));
    await first.federateToIdentityPool({ token: 'EAABfirstFacebookToken', provider: 'facebook', options: { expiresAt: clock.now() + 60_000 } });
    await clock.advance(61_000);
    // The automatic refresh took the handler's token, and the session stored holds it.
    await until(() => firstEvents.includes('tokenRefresh') && firstEvents.includes('credentialsRefreshed'));
    await flushIo();
    await first.stop();
    const stored = JSON.parse((await storage.getItem(`idpool.default.${IDENTITY_POOL_ID}.session`))!) as { login: { expiresAt: number } };
    expect(stored.login.expiresAt).toBeGreaterThan(clock.now() + 300 * DAY_MS);

    const events: AuthEvent[] = [];
    const second = engine({ clock, storage, credentialsProvider: provider, refreshHandlers });
    second.events$.subscribe((event) => events.push(event));
    const session: AuthSession = await second.fetchAuthSession();
    expect(events.map((event) => event.type)).not.toContain('sessionRestore_failure');
    expect(session.identityId).toBe(IDENTITY_ID);
    expect(session.federatedProvider).toBe('graph.facebook.com');
  });
});

describe('a clock that goes wrong', () => {
  it('createAuth refuses a clock whose now() is not a finite number', () => {
    for (const now of [Number.NaN, Number.POSITIVE_INFINITY, '0']) {
      const clock = new TestClock();
      expect(() => createAuth({ identityPoolId: IDENTITY_POOL_ID, clock: { now: () => now as number, setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout } })).toThrow(/clock/);
    }
  });

  for (const broken of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
    it(`a clock whose now() turns ${broken} later: no storm of provider calls, refreshes still answer`, async () => {
      const clock = new TestClock();
      let brokenNow = false;
      let calls = 0;
      const provider: CredentialsAndIdentityIdProvider = {
        getCredentialsAndIdentityId: async () => {
          calls += 1;
          return answer(clock, `ASIA${calls}`);
        },
        clearCredentialsAndIdentityId: () => undefined,
      };
      const auth = engine({ clock: { now: () => (brokenNow ? broken : clock.now()), setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout }, credentialsProvider: provider });
      await auth.fetchAuthSession();
      brokenNow = true;
      // Bounded so that a storm shows as a count, not a hang: each advance fires due timers one by one.
      for (let second = 0; second < 20 && calls < 50; second++) await clock.advance(1_000);
      expect(calls).toBe(1);
      expect((await auth.fetchAuthSession({ forceRefresh: true })).credentials?.accessKeyId).toBe('ASIA2');
      for (let second = 0; second < 20 && calls < 50; second++) await clock.advance(1_000);
      expect(calls).toBe(2);
    });
  }
});
