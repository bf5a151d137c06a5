import { STSClient } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { isIdentityExpired, doesIdentityRequireRefresh, memoizeIdentityProvider } from '@smithy/core';
import type { Contender, Engine, StartOptions } from '../lib/contender';
import { installFakeDate } from '../lib/fake-date';
import type { LocalStack } from '../lib/local-stack';

/** The SDK's memoize renews credentials that expire within 5 minutes (EXPIRATION_MS), on the caller's call. */
const SDK_EXPIRY_WINDOW_MS = 5 * 60_000;

/** The `Storage` fromCognitoIdentityPool caches the identity id in (localStorage/IndexedDB in a browser). */
export type IdentityIdCache = Map<string, string> & { getItem(key: string): string | null; removeItem(key: string): void; setItem(key: string, value: string): void };

function newCache(): IdentityIdCache {
  const map = new Map<string, string>() as IdentityIdCache;
  map.getItem = (key) => map.get(key) ?? null;
  map.setItem = (key, value) => void map.set(key, value);
  map.removeItem = (key) => void map.delete(key);
  return map;
}

/**
 * `fromCognitoIdentityPool` from @aws-sdk/credential-providers as an STSClient's `credentials`;
 * a call is `client.config.credentials()`, the SDK's memoized provider every signed request awaits.
 * With a store, the identity id is cached under `userIdentifier` (the SDK caches it only then).
 */
export async function createSdkContender(startStack: (now: () => number) => Promise<LocalStack>): Promise<Contender<IdentityIdCache>> {
  const time = installFakeDate();
  const stack = await startStack(() => Date.now());
  const { region, endpoint, identityPoolId } = stack.pool;

  const provider = (cache?: IdentityIdCache) =>
    fromCognitoIdentityPool({
      identityPoolId,
      logins: { [stack.loginsKey]: stack.token },
      clientConfig: { region, endpoint },
      ...(cache ? { cache, userIdentifier: 'bench-user' } : {}),
    });

  return {
    name: 'sdk',
    stack,
    time,

    async start(options: StartOptions<IdentityIdCache> = {}): Promise<Engine> {
      const client = new STSClient({ region, endpoint, credentials: provider(options.store) });
      return {
        ready: Promise.resolve(),
        async fetch() {
          const identity = await client.config.credentials();
          return { expiration: identity.expiration };
        },
        settle: async () => undefined,
        dispose: async () => client.destroy(),
      };
    },

    newStore: newCache,

    renewsAfterMs: (obtainedAt, expiration) => (expiration?.getTime() ?? obtainedAt) - SDK_EXPIRY_WINDOW_MS - obtainedAt,

    // What a client builds from `credentials`: the provider wrapped in the SDK's memoize (its Cognito client comes on first use).
    async createIdle() {
      return memoizeIdentityProvider(provider(), isIdentityExpired, doesIdentityRequireRefresh) as object;
    },
    releaseIdle: async () => undefined,

    close: () => stack.close(),
  };
}
