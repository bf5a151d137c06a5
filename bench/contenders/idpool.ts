import { waitFor } from 'xstate';
import type * as Idpool from '../../src/index';
import type { Contender, Engine, StartOptions } from '../lib/contender';
import { idpoolEntry } from '../lib/idpool-entry';
import type { LocalStack } from '../lib/local-stack';
import { TestClock } from '../../test/support/test-clock';
import { turns } from '../lib/turns';

type Auth = Idpool.Auth;
type KeyValueStorage = Idpool.KeyValueStorage;

/** idpool's default refresh-ahead: 5 minutes before Expiration. */
const REFRESH_AHEAD_MS = 5 * 60_000;

function isBusy(auth: Auth): boolean {
  const snapshot = auth.actor.getSnapshot();
  return (
    snapshot.matches('restoring') ||
    snapshot.matches('federating') ||
    snapshot.matches('refreshing') ||
    snapshot.matches({ signedOut: 'fetchingGuestCredentials' } as never) ||
    snapshot.matches({ signedOut: 'loadingTokens' } as never)
  );
}

async function untilIdle(auth: Auth): Promise<void> {
  if (!isBusy(auth)) return;
  await waitFor(auth.actor, () => !isBusy(auth), { timeout: 30_000 });
}

/**
 * idpool from `dist/index.js`, on a simulated clock (its `clock` option) shared with the pool.
 * `guest`: no federation, `allowGuestAccess: true` (compared with Amplify's built-in guest path).
 */
export async function createIdpoolContender(
  guest: boolean,
  startStack: (now: () => number) => Promise<LocalStack>,
): Promise<Contender<KeyValueStorage>> {
  const idpool = (await import(idpoolEntry().url)) as typeof Idpool;
  const clock = new TestClock(Date.now());
  const stack = await startStack(clock.now);

  const engines = new Set<Auth>();
  const create = (extra: Partial<Idpool.AuthOptions> = {}): Auth => {
    const auth = idpool.createAuth({
      identityPoolId: stack.pool.identityPoolId,
      endpoint: stack.pool.endpoint,
      clock,
      ...(guest ? { allowGuestAccess: true } : {}),
      ...extra,
    });
    engines.add(auth);
    return auth;
  };
  // The request timeout runs on the simulated clock too: after each timer, let every engine's
  // Cognito call finish before simulated time moves on, or a jump would time out a loopback request.
  const untilNoCall = async (): Promise<void> => {
    await turns(1);
    for (const auth of engines) {
      if (auth.actor.getSnapshot().status !== 'active') engines.delete(auth);
      else await waitFor(auth.actor, (snapshot) => !isBusy(auth) || snapshot.matches({ refreshing: 'backingOff' } as never), { timeout: 30_000 });
    }
  };

  return {
    name: guest ? 'idpool-guest' : 'idpool',
    stack,
    time: { now: clock.now, advance: (ms) => clock.advance(ms, untilNoCall) },

    async start(options: StartOptions<KeyValueStorage> = {}): Promise<Engine> {
      const auth = create(options.store ? { storage: options.store, persistCredentials: true } : {});
      const ready =
        guest || options.restart === true
          ? Promise.resolve()
          : auth.federateToIdentityPool({ token: stack.token, provider: stack.loginsKey }).then(() => undefined);
      return {
        ready,
        async fetch() {
          const session = await auth.fetchAuthSession();
          if (!session.credentials) throw new Error('idpool handed out no credentials');
          return { expiration: session.credentials.expiration };
        },
        settle: () => untilIdle(auth),
        dispose: () => auth.stop(),
      };
    },

    newStore: () => idpool.createMemoryStorage({ now: clock.now }),

    renewsAfterMs: (obtainedAt, expiration) => (expiration?.getTime() ?? obtainedAt) - REFRESH_AHEAD_MS - obtainedAt,

    async createIdle() {
      const auth = create();
      await turns(1);
      return auth;
    },

    async releaseIdle(instances) {
      await Promise.all(instances.map((auth) => (auth as Auth).stop()));
    },

    close: () => stack.close(),
  };
}
