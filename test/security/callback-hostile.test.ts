import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthError,
  createAuth,
  toAuthState,
  type Auth,
  type AuthOptions,
  type CredentialsAndIdentityIdProvider,
  type GetCredentialsOptions,
  type RefreshHandler,
  type TokenProvider,
} from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { flushIo, TestClock } from '../support/test-clock';
import { standaloneEngines, STANDALONE_POOL_ID as IDENTITY_POOL_ID } from '../support/standalone-engines';
import { throwEveryTrap } from './fixtures/throw-every-trap';

// Finding 12: app callbacks (refresh handlers, token provider, credentials provider, client-metadata
// provider) that never settle, throw what is not an Error, or answer nonsense.
const IDENTITY_ID = 'us-east-1:11111111-1111-4111-8111-111111111111';
const YEAR_9999 = Date.UTC(9999, 11, 31);

// The same, except that it can be awaited (`then` reads as absent), so it reaches the checks of a result.
const throwOnRead: ProxyHandler<object> = {
  ...throwEveryTrap,
  get: (_target, key) => {
    if (key === 'then') return undefined;
    throw new TypeError(`trap: get ${String(key)}`);
  },
};

/** Values a hostile callback throws instead of an Error. */
const hostileThrows: readonly [string, () => unknown][] = [
  ['a null-prototype object', () => Object.assign(Object.create(null) as object, { message: 'no prototype' })],
  ['a string', () => 'just a string'],
  ['undefined', () => undefined],
  ['null', () => null],
  ['a symbol', () => Symbol('thrown')],
  [
    'an object whose getters throw',
    () => ({
      get name(): string {
        throw new Error('getter: name');
      },
      get message(): string {
        throw new Error('getter: message');
      },
      get stack(): string {
        throw new Error('getter: stack');
      },
      get cause(): unknown {
        throw new Error('getter: cause');
      },
    }),
  ],
  ['a Proxy whose every trap throws', () => new Proxy({}, throwEveryTrap)],
];

/** A callback that never settles, and says when it was called. */
function hanging(): { calls: number; run: () => Promise<never> } {
  const state = {
    calls: 0,
    run: () => {
      state.calls += 1;
      return new Promise<never>(() => undefined);
    },
  };
  return state;
}

/** Waits (a generous real-time bound) until `condition` holds, letting I/O run. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !condition(); i++) await flushIo();
  expect(condition()).toBe(true);
}

interface Outcome<T> {
  settled: boolean;
  error?: unknown;
  value?: T;
}

function track<T>(promise: Promise<T>): { outcome: Outcome<T>; tracked: Promise<unknown> } {
  const outcome: Outcome<T> = { settled: false };
  const tracked = promise.then(
    (value) => Object.assign(outcome, { settled: true, value }),
    (error: unknown) => Object.assign(outcome, { settled: true, error }),
  );
  return { outcome, tracked };
}

/** Whether the tracked call settles once the clock is advanced `ms`, within a generous real-time bound. */
async function settlesAfter<T>({ outcome, tracked }: { outcome: Outcome<T>; tracked: Promise<unknown> }, clock: TestClock, ms: number): Promise<Outcome<T>> {
  await clock.advance(ms);
  await Promise.race([tracked, new Promise((resolve) => setTimeout(resolve, 2_000))]);
  return outcome;
}

/** Forces a refresh while `hang` holds the callback; its outcome once callbackTimeoutMs (5 s) has passed on the clock. */
async function forcedRefreshWhileHanging(auth: Pick<Auth, 'fetchAuthSession'>, clock: TestClock, hang: ReturnType<typeof hanging>): Promise<Outcome<unknown>> {
  const calls = hang.calls;
  const pending = track(auth.fetchAuthSession({ forceRefresh: true }));
  await until(() => hang.calls > calls || pending.outcome.settled);
  return settlesAfter(pending, clock, 5_000);
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );
}

function expectTyped(error: unknown, name: string): void {
  expect(error).toBeInstanceOf(AuthError);
  expect(error).toMatchObject({ name });
  // The cause, when there is one, is an Error that prints safely.
  const cause = (error as AuthError).cause;
  if (cause !== undefined) expect(cause).toBeInstanceOf(Error);
  expect(() => JSON.stringify(error)).not.toThrow();
  expect(String((error as Error).stack)).not.toContain('[object Object]');
}

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});
// Registered after the stack's hook, so (hooks run last-in first-out) engines stop first.
const poolless = standaloneEngines();

type ProviderAnswer = Awaited<ReturnType<CredentialsAndIdentityIdProvider['getCredentialsAndIdentityId']>>;

/** A credentials provider whose behaviour the test switches; `good` answers valid one-hour credentials. */
function switchableProvider(clock: TestClock) {
  let calls = 0;
  const good = (): ProviderAnswer => {
    calls += 1;
    return {
      identityId: IDENTITY_ID,
      credentials: { accessKeyId: `ASIAGOOD${calls}`, secretAccessKey: 'good-secret-access-key', sessionToken: 'good-session-token', expiration: new Date(clock.now() + 3_600_000) },
    };
  };
  const state: { answer: (options: GetCredentialsOptions) => Promise<ProviderAnswer> | ProviderAnswer; clearing: () => void } = {
    answer: good,
    clearing: () => undefined,
  };
  const provider: CredentialsAndIdentityIdProvider = {
    getCredentialsAndIdentityId: (options) => state.answer(options) as Promise<ProviderAnswer>,
    clearCredentialsAndIdentityId: () => state.clearing(),
  };
  return { provider, state, good };
}

describe('options: callbackTimeoutMs', () => {
  it('is validated: a TypeError naming the option for absurd values', () => {
    for (const value of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e12, '30000', null]) {
      expect(() => createAuth({ identityPoolId: IDENTITY_POOL_ID, callbackTimeoutMs: value as number })).toThrow(/callbackTimeoutMs/);
    }
    expect(() => poolless({ callbackTimeoutMs: 1_000 })).not.toThrow();
  });
});

describe('finding 12: a credentials provider', () => {
  it('that never settles: the call fails with NetworkError after callbackTimeoutMs (default 30 s) on the injected clock', async () => {
    const clock = new TestClock();
    const { provider, state, good } = switchableProvider(clock);
    const hang = hanging();
    state.answer = hang.run;
    const auth = poolless({ clock, credentialsProvider: provider });
    const pending = track(auth.fetchAuthSession());
    await until(() => hang.calls === 1);
    expect((await settlesAfter(pending, clock, 29_000)).settled).toBe(false);
    const outcome = await settlesAfter(pending, clock, 1_000);
    expect(outcome.settled).toBe(true);
    expectTyped(outcome.error, 'NetworkError');
    expect((outcome.error as AuthError).message).toMatch(/30000 ms/);
    // The engine is usable afterwards.
    state.answer = good;
    expect((await auth.fetchAuthSession()).credentials?.accessKeyId).toBe('ASIAGOOD1');
  });

  for (const [label, make] of hostileThrows) {
    it(`that throws ${label}: UnknownException, the earlier credentials kept`, async () => {
      const clock = new TestClock();
      const { provider, state } = switchableProvider(clock);
      const auth = poolless({ clock, credentialsProvider: provider });
      const first = await auth.fetchAuthSession();
      state.answer = () => {
        throw make();
      };
      expectTyped(await failureOf(auth.fetchAuthSession({ forceRefresh: true })), 'UnknownException');
      state.answer = () => Promise.reject(make());
      expectTyped(await failureOf(auth.fetchAuthSession({ forceRefresh: true })), 'UnknownException');
      expect((await auth.fetchAuthSession()).credentials).toEqual(first.credentials);
    });
  }

  const badAnswers: readonly [string, (now: number) => unknown][] = [
    ['nothing', () => undefined],
    ['a string', () => 'credentials'],
    ['no credentials', () => ({ identityId: IDENTITY_ID })],
    ['an access key id that is a number', (now) => ({ identityId: IDENTITY_ID, credentials: { accessKeyId: 42, secretAccessKey: 'secret-secret', expiration: new Date(now + 3_600_000) } })],
    ['no secret access key', (now) => ({ identityId: IDENTITY_ID, credentials: { accessKeyId: 'ASIABAD', expiration: new Date(now + 3_600_000) } })],
    ['a session token that is an object', (now) => ({ identityId: IDENTITY_ID, credentials: { accessKeyId: 'ASIABAD', secretAccessKey: 'secret-secret', sessionToken: {}, expiration: new Date(now + 3_600_000) } })],
    ['an invalid Date', () => ({ identityId: IDENTITY_ID, credentials: { accessKeyId: 'ASIABAD', secretAccessKey: 'secret-secret', expiration: new Date(Number.NaN) } })],
    ['an expiration that is a number', (now) => ({ identityId: IDENTITY_ID, credentials: { accessKeyId: 'ASIABAD', secretAccessKey: 'secret-secret', expiration: now + 3_600_000 } })],
    ['an expiration in the past', (now) => ({ identityId: IDENTITY_ID, credentials: { accessKeyId: 'ASIABAD', secretAccessKey: 'secret-secret', expiration: new Date(now - 1_000) } })],
    ['an expiration in the year 9999', () => ({ identityId: IDENTITY_ID, credentials: { accessKeyId: 'ASIABAD', secretAccessKey: 'secret-secret', expiration: new Date(YEAR_9999) } })],
    ['an identity id of the wrong shape', (now) => ({ identityId: '../../etc/passwd', credentials: { accessKeyId: 'ASIABAD', secretAccessKey: 'secret-secret', expiration: new Date(now + 3_600_000) } })],
    ['an identity id that is an object', (now) => ({ identityId: { toString: () => IDENTITY_ID }, credentials: { accessKeyId: 'ASIABAD', secretAccessKey: 'secret-secret', expiration: new Date(now + 3_600_000) } })],
    ['a Proxy whose every trap throws', () => new Proxy({}, throwEveryTrap)],
    ['a Proxy whose reads throw', () => new Proxy({}, throwOnRead)],
    ['credentials whose getters throw', () => ({ identityId: IDENTITY_ID, get credentials(): unknown { throw new Error('getter'); } })],
  ];
  for (const [label, answer] of badAnswers) {
    it(`that answers ${label}: UnknownException, the earlier credentials and identity kept`, async () => {
      const clock = new TestClock();
      const { provider, state } = switchableProvider(clock);
      const auth = poolless({ clock, credentialsProvider: provider });
      const first = await auth.fetchAuthSession();
      state.answer = () => Promise.resolve(answer(clock.now()) as ProviderAnswer);
      expectTyped(await failureOf(auth.fetchAuthSession({ forceRefresh: true })), 'UnknownException');
      const after = await auth.fetchAuthSession();
      expect(after.credentials).toEqual(first.credentials);
      expect(after.identityId).toBe(IDENTITY_ID);
    });
  }

  it('whose clearCredentialsAndIdentityId throws: the clear still completes', async () => {
    stack = await startEngineStack();
    const { provider, state } = switchableProvider(stack.clock);
    const auth = stack.engine({ credentialsProvider: provider });
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    state.clearing = () => {
      throw new Proxy({}, throwEveryTrap);
    };
    await auth.clearFederationToIdentityPool();
    expect(auth.actor.getSnapshot().status).toBe('active');
    expect(auth.actor.getSnapshot().matches('cleared')).toBe(true);
  });
});

/** An engine federated with a token that expires in 60 s, whose refresh handler the test switches. */
async function federatedWithHandler(options: Partial<AuthOptions> = {}) {
  stack = await startEngineStack({ credentialsTtlSeconds: 600 });
  const current = stack;
  const handler: { run: RefreshHandler } = { run: async () => ({ token: await current.issuer.mintToken({ sub: 'alice' }, { expiresIn: 3_600 }) }) };
  const auth = current.engine({ refreshHandlers: { [current.issuer.loginsKey]: (context) => handler.run(context) }, ...options });
  const federated = await auth.federateToIdentityPool({ token: await current.issuer.mintToken({ sub: 'alice' }, { expiresIn: 60 }), provider: current.issuer.loginsKey });
  return { stack: current, auth, handler, federated };
}

describe('finding 12: a refresh handler', () => {
  it('that never settles: TokenRefreshException after callbackTimeoutMs, the credentials still served', async () => {
    const { stack, auth, handler, federated } = await federatedWithHandler({ callbackTimeoutMs: 5_000 });
    const hang = hanging();
    handler.run = hang.run;
    await stack.clock.advance(120_000); // the token expired; the automatic refresh hangs (or timed out)
    const outcome = await forcedRefreshWhileHanging(auth, stack.clock, hang);
    expect(outcome.settled).toBe(true);
    expectTyped(outcome.error, 'TokenRefreshException');
    expect((outcome.error as AuthError).message).toMatch(/5000 ms/);
    expect((await auth.fetchAuthSession()).credentials).toEqual(federated.credentials);
  });

  for (const [label, make] of hostileThrows) {
    it(`that throws ${label}: TokenRefreshException, the credentials still served`, async () => {
      const { stack, auth, handler, federated } = await federatedWithHandler();
      handler.run = () => {
        throw make();
      };
      await stack.clock.advance(120_000);
      expectTyped(await failureOf(auth.fetchAuthSession({ forceRefresh: true })), 'TokenRefreshException');
      handler.run = () => Promise.reject(make());
      expectTyped(await failureOf(auth.fetchAuthSession({ forceRefresh: true })), 'TokenRefreshException');
      expect((await auth.fetchAuthSession()).credentials).toEqual(federated.credentials);
    });
  }

  const badResults: readonly [string, (stack: EngineStack) => Promise<unknown>][] = [
    ['nothing', async () => undefined],
    ['a token that is a number', async () => ({ token: 42 })],
    ['a token that is an object', async (s) => ({ token: { toString: () => 'x' }, expiresAt: s.clock.now() + 60_000 })],
    ['expiresAt NaN', async (s) => ({ token: await s.issuer.mintToken({ sub: 'alice' }), expiresAt: Number.NaN })],
    ['expiresAt negative', async (s) => ({ token: await s.issuer.mintToken({ sub: 'alice' }), expiresAt: -5 })],
    ['expiresAt in the past', async (s) => ({ token: await s.issuer.mintToken({ sub: 'alice' }), expiresAt: s.clock.now() - 1_000 })],
    ['expiresAt in the year 9999', async (s) => ({ token: await s.issuer.mintToken({ sub: 'alice' }), expiresAt: YEAR_9999 })],
    ['expiresAt 1e300', async (s) => ({ token: await s.issuer.mintToken({ sub: 'alice' }), expiresAt: 1e300 })],
    ['a token whose exp claim is absurd', async (s) => ({ token: await s.issuer.mintToken({ sub: 'alice', exp: 1e13 } as never) })],
    ['an identity id of the wrong shape', async (s) => ({ token: await s.issuer.mintToken({ sub: 'alice' }), identityId: 'us-east-1:../../x' })],
    ['an identity id that is an object', async (s) => ({ token: await s.issuer.mintToken({ sub: 'alice' }), identityId: {} })],
    ['a Proxy whose every trap throws', async () => new Proxy({}, throwEveryTrap)],
    ['a Proxy whose reads throw', async () => new Proxy({}, throwOnRead)],
    ['a result whose token getter throws', async () => ({ get token(): string { throw new Error('getter'); } })],
  ];
  for (const [label, result] of badResults) {
    it(`that answers ${label}: TokenRefreshException, the session unchanged`, async () => {
      const { stack, auth, handler, federated } = await federatedWithHandler();
      handler.run = () => result(stack) as ReturnType<RefreshHandler>;
      await stack.clock.advance(120_000); // the automatic refresh got the same answer
      const before = toAuthState(auth.actor.getSnapshot());
      expectTyped(await failureOf(auth.fetchAuthSession({ forceRefresh: true })), 'TokenRefreshException');
      expect(toAuthState(auth.actor.getSnapshot())).toEqual({ ...before, identityId: federated.identityId });
      expect((await auth.fetchAuthSession()).credentials).toEqual(federated.credentials);
      // Nothing of the bad answer was kept: the next refresh asks the handler again (the token
      // federated has expired) and Cognito accepts what is sent, for the same identity.
      let asked = 0;
      handler.run = async () => {
        asked += 1;
        return { token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 3_600 }) };
      };
      stack.pool.resetStats();
      expect((await auth.fetchAuthSession({ forceRefresh: true })).identityId).toBe(federated.identityId);
      expect(asked).toBe(1);
      expect(stack.pool.stats().errors).toEqual({});
    });
  }
});

describe('finding 12: a client-metadata provider', () => {
  it('that never settles: TokenRefreshException after callbackTimeoutMs', async () => {
    const hang = hanging();
    const { stack, auth, federated } = await federatedWithHandler({ callbackTimeoutMs: 5_000, clientMetadataProvider: hang.run });
    await stack.clock.advance(120_000);
    const outcome = await forcedRefreshWhileHanging(auth, stack.clock, hang);
    expect(outcome.settled).toBe(true);
    expectTyped(outcome.error, 'TokenRefreshException');
    expect((await auth.fetchAuthSession()).credentials).toEqual(federated.credentials);
  });

  for (const [label, make] of hostileThrows) {
    it(`that throws ${label}: TokenRefreshException`, async () => {
      const { stack, auth } = await federatedWithHandler({
        clientMetadataProvider: () => {
          throw make();
        },
      });
      await stack.clock.advance(120_000);
      expectTyped(await failureOf(auth.fetchAuthSession({ forceRefresh: true })), 'TokenRefreshException');
    });
  }

  it('that answers a Proxy whose reads throw: InvalidParameterException', async () => {
    const { stack, auth } = await federatedWithHandler({ clientMetadataProvider: async () => new Proxy({}, throwOnRead) as Record<string, string> });
    await stack.clock.advance(120_000);
    expectTyped(await failureOf(auth.fetchAuthSession({ forceRefresh: true })), 'InvalidParameterException');
  });
});

describe('finding 12: a token provider', () => {
  async function withTokenProvider(options: Partial<AuthOptions> = {}) {
    stack = await startEngineStack();
    const current = stack;
    const good = await current.issuer.mintToken({ sub: 'carol' });
    const source: { getTokens: TokenProvider['getTokens'] } = { getTokens: async () => ({ idToken: good, accessToken: 'access-token-carol' }) };
    const auth = current.engine({ tokenProvider: { getTokens: (opts) => source.getTokens(opts) }, ...options });
    const first = await auth.fetchAuthSession();
    expect(first.credentials).toBeDefined();
    return { stack: current, auth, source, first };
  }

  it('that never settles: TokenRefreshException after callbackTimeoutMs', async () => {
    const { stack, auth, source } = await withTokenProvider({ callbackTimeoutMs: 5_000 });
    const hang = hanging();
    source.getTokens = hang.run;
    const pending = track(auth.fetchAuthSession());
    await until(() => hang.calls === 1);
    const outcome = await settlesAfter(pending, stack.clock, 5_000);
    expect(outcome.settled).toBe(true);
    expectTyped(outcome.error, 'TokenRefreshException');
  });

  for (const [label, make] of hostileThrows) {
    it(`that throws ${label}: TokenRefreshException`, async () => {
      const { auth, source } = await withTokenProvider();
      source.getTokens = () => Promise.reject(make());
      expectTyped(await failureOf(auth.fetchAuthSession()), 'TokenRefreshException');
      source.getTokens = () => {
        throw make();
      };
      expectTyped(await failureOf(auth.fetchAuthSession()), 'TokenRefreshException');
    });
  }

  const badTokens: readonly [string, () => unknown][] = [
    ['an id token whose toString throws', () => ({ idToken: { toString: () => { throw new Error('toString'); } }, accessToken: 'a' })],
    ['an id token that is a number', () => ({ idToken: 42, accessToken: 'a' })],
    ['no access token', () => ({ idToken: 'eyJ.x.y' })],
    ['a Proxy whose every trap throws', () => new Proxy({}, throwEveryTrap)],
    ['a Proxy whose reads throw', () => new Proxy({}, throwOnRead)],
  ];
  for (const [label, tokens] of badTokens) {
    it(`that answers ${label}: a typed error, never a raw TypeError`, async () => {
      const { auth, source } = await withTokenProvider();
      source.getTokens = () => Promise.resolve(tokens() as never);
      const error = await failureOf(auth.fetchAuthSession());
      expect(error).toBeInstanceOf(AuthError);
    });
  }
});
