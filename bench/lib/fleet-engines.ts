import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createClient } from 'redis';
import type * as Idpool from '../../src/index';
import type * as RedisAdapter from '../../src/storage/redis-storage';
import { CommandCounter, countingClient } from './counting-redis-client';
import { FailureTally } from './failure-tally';
import type { FleetProcessConfig } from './fleet-protocol';
import { idpoolEntry, repoRoot } from './idpool-entry';

/** idpool and its Redis adapter from one build: `dist/` when built (what users ship), else the sources. */
export async function loadIdpool(): Promise<{ idpool: typeof Idpool; adapter: typeof RedisAdapter; build: 'dist' | 'src' }> {
  const entry = idpoolEntry();
  const adapterPath = entry.build === 'dist' ? `${repoRoot}dist/storage/redis.js` : `${repoRoot}src/storage/redis-storage.ts`;
  if (!existsSync(adapterPath)) throw new Error(`bench: ${adapterPath} is missing; run \`npm run build\``);
  const [idpool, adapter] = await Promise.all([
    import(entry.url) as Promise<typeof Idpool>,
    import(pathToFileURL(adapterPath).href) as Promise<typeof RedisAdapter>,
  ]);
  return { idpool, adapter, build: entry.build };
}

/** What a fleet process tells its engines: its part of the config, and a name for failure lines. */
export type FleetEnginesOptions = Pick<
  FleetProcessConfig,
  'redisUrl' | 'endpoint' | 'identityPoolId' | 'namespace' | 'keyPrefix' | 'engines' | 'refreshAheadMs'
> & {
  /** Names the process in failure lines. */
  readonly label: string;
};

/** One server process of the fleet: one Redis client, one storage, many engines on it. */
export interface FleetEngines {
  readonly auths: readonly Idpool.Auth[];
  readonly counter: CommandCounter;
  /** Failures the client or adapter reported (connection, subscription, notifications). */
  readonly adapterErrors: () => number;
  /** Failures by kind and message (adapter errors, and whatever the process notes), a few distinct ones. */
  readonly failures: FailureTally;
  close(): Promise<void>;
}

/**
 * Connects to Redis and starts `engines` engines sharing one `createRedisStorage` (as a server
 * process would: one client, one subscription), all in one namespace with
 * `persistCredentials: true` so they follow each other's credentials without a call.
 */
export async function startFleetEngines(options: FleetEnginesOptions): Promise<FleetEngines> {
  const { idpool, adapter } = await loadIdpool();
  const client = createClient({ url: options.redisUrl, socket: { reconnectStrategy: false, connectTimeout: 10_000 } });
  let adapterErrors = 0;
  const failures = new FailureTally(options.label);
  client.on('error', (error: unknown) => {
    adapterErrors++;
    failures.note('redis client', error);
  });
  await client.connect();
  const counter = new CommandCounter();
  const storage = adapter.createRedisStorage({
    client: countingClient(client, counter, failures),
    keyPrefix: options.keyPrefix,
    onError: (error) => {
      adapterErrors++;
      failures.note('redis adapter', error);
    },
  });
  const auths = Array.from({ length: options.engines }, () =>
    idpool.createAuth({
      identityPoolId: options.identityPoolId,
      endpoint: options.endpoint,
      storage,
      persistCredentials: true,
      namespace: options.namespace,
      refreshAheadMs: options.refreshAheadMs,
    }),
  );
  // The engines subscribed as they started; a process that does not hear renewals would refresh on its own.
  await storage.whenSubscribed();
  return {
    auths,
    counter,
    adapterErrors: () => adapterErrors,
    failures,
    async close() {
      try {
        await Promise.all(auths.map((auth) => auth.stop()));
        await storage.close();
      } finally {
        await client.close().catch(() => undefined);
      }
    },
  };
}
