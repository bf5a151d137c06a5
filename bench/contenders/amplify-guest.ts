import { createAmplifyContext } from 'aws-amplify';
import { fetchAuthSession } from 'aws-amplify/auth';
import { ConsoleLogger, defaultStorage } from 'aws-amplify/utils';
import type { Contender, Engine, StartOptions } from '../lib/contender';
import { installFakeDate } from '../lib/fake-date';
import type { LocalStack } from '../lib/local-stack';

/** Amplify's built-in provider keeps credentials for a fixed 50 minutes (CREDENTIALS_TTL), whatever their Expiration. */
const AMPLIFY_CREDENTIALS_TTL_MS = 50 * 60_000;

/**
 * aws-amplify v6's built-in identity-pool path for guests, pointed at the local pool with
 * `Auth.Cognito.identityPoolEndpoint`. Each app instance is an `createAmplifyContext(config)`:
 * the same default Cognito token and credentials providers `Amplify.configure(config)` wires,
 * built fresh (the global singleton's in-memory cache would survive a re-configure), over
 * Amplify's `defaultStorage` — the browser's localStorage, an in-memory map in Node — where
 * the provider keeps the guest identity id.
 */
export async function createAmplifyGuestContender(
  startStack: (now: () => number) => Promise<LocalStack>,
): Promise<Contender<null>> {
  // Amplify warns on every configure that the endpoint is custom; the pool is local on purpose.
  ConsoleLogger.LOG_LEVEL = 'ERROR';
  const time = installFakeDate();
  const stack = await startStack(() => Date.now());
  const config = {
    Auth: {
      Cognito: {
        identityPoolId: stack.pool.identityPoolId,
        allowGuestAccess: true,
        identityPoolEndpoint: stack.pool.endpoint,
      },
    },
  };

  return {
    name: 'amplify-guest',
    stack,
    time,

    async start(options: StartOptions<null> = {}): Promise<Engine> {
      // A first visit starts with nothing stored; a restart keeps the stored guest identity id.
      if (options.restart !== true) await defaultStorage.clear();
      const context = createAmplifyContext(config);
      return {
        ready: Promise.resolve(),
        async fetch() {
          const session = await fetchAuthSession(context);
          if (!session.credentials) throw new Error('Amplify handed out no credentials');
          return { expiration: session.credentials.expiration };
        },
        settle: async () => undefined,
        dispose: async () => undefined,
      };
    },

    newStore: () => null,

    renewsAfterMs: () => AMPLIFY_CREDENTIALS_TTL_MS,

    async createIdle() {
      return createAmplifyContext(config);
    },
    releaseIdle: async () => undefined,

    close: () => stack.close(),
  };
}
