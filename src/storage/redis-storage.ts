/**
 * `idpool/storage/redis`: session storage in Redis, shared by a fleet of servers.
 * @module idpool/storage/redis
 */
import { assertLeaseTtl } from './assert-lease-ttl';
import { createChangeListeners } from './change-listeners';
import type { KeyValueStorage, StorageLease } from './key-value-storage';
import { randomId } from '../model/random-id';
import { guardStorage, toStorageError } from './storage-failure';

/** A pub/sub listener as node-redis calls it. */
export type RedisMessageListener = (message: string, channel: string) => void;

/** The part of a connected node-redis (v4+) client in subscriber mode that the adapter uses. */
export interface RedisStorageSubscriber {
  subscribe(channel: string, listener: RedisMessageListener): Promise<unknown>;
  unsubscribe(channel: string, listener?: RedisMessageListener): Promise<unknown>;
}

/** A connection the adapter opens itself with `client.duplicate()` and closes in `close()`. */
export interface RedisStorageConnection extends RedisStorageSubscriber {
  connect(): Promise<unknown>;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  /** node-redis v5+. */
  close?(): Promise<unknown>;
  /** node-redis v4. */
  quit?(): Promise<unknown>;
}

/**
 * The part of a connected node-redis (v4, v5, v6) client the adapter uses; pass
 * `createClient(…)` after `await client.connect()`. The `redis` package is not imported.
 */
export interface RedisStorageClient {
  get(key: string): Promise<string | null>;
  /** Called with the v4-compatible `{ NX: true, PX }` options for leases. */
  set(key: string, value: string, options?: { NX?: boolean; PX?: number }): Promise<unknown>;
  del(key: string): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  duplicate(): RedisStorageConnection;
}

/** Options of {@link createRedisStorage}. */
export interface RedisStorageOptions {
  /** A connected client; the adapter never closes it. */
  client: RedisStorageClient;
  /** A connected client for pub/sub, left open by `close()`. Default: `client.duplicate()`, opened and closed by the adapter. */
  subscriber?: RedisStorageSubscriber;
  /** Pub/sub channel of change notifications. Default `'idpool:changes'`. */
  channel?: string;
  /** Prefix of every Redis key written: data at `keyPrefix + key`, leases at `keyPrefix + 'lease:' + key`. Default `''`. */
  keyPrefix?: string;
  /** Receives failures of the subscription, of notifications and of change listeners. Default: ignored. */
  onError?: (error: unknown) => void;
}

/** A Redis-backed {@link KeyValueStorage}, with a way to wait for its subscription. */
export interface RedisStorage extends Required<KeyValueStorage> {
  /**
   * Resolves once the pub/sub subscription opened by the first `subscribe()` call is active
   * (immediately if nothing subscribed yet); rejects if it could not be opened.
   */
  whenSubscribed(): Promise<void>;
}

/** Deletes the lease only while it still holds the caller's token. */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

interface ChangeMessage {
  key: string;
  newValue: string | null;
}

/**
 * Storage in Redis through a node-redis client you created and connected, for servers that
 * share sessions between processes or machines. Import it from `idpool/storage/redis`; the
 * `redis` package is an optional peer dependency.
 *
 * Every `setItem`/`removeItem` publishes `{"key": keyPrefix + key, "newValue": …}` as JSON on
 * `channel` after the write; `subscribe` listens there (on `subscriber`, or on a duplicate of
 * `client` that the adapter connects on the first `subscribe` and closes in `close()`), so it
 * reports every instance's writes, this one's included. Notifications carry values: keep the
 * Redis deployment as private as the data. A failed publish is reported to `onError`; the write
 * itself has succeeded.
 *
 * Leases: `SET keyPrefix + 'lease:' + key <token> NX PX ttlMs`; `release()` runs a Lua
 * compare-and-delete so it never removes a lease someone else took after expiry.
 *
 * Every failure rejects with a `StorageError` (`adapter: 'redis'`, the `operation`, the client's
 * error as `cause` unless it quotes the value); `onError` receives `StorageError`s too.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createRedisStorage } from 'idpool/storage/redis';
 *
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const storage = createRedisStorage({ client, keyPrefix: 'myapp:' });
 * storage.subscribe(({ key, newValue }) => console.log(key, newValue === null ? 'removed' : 'changed'));
 * await storage.whenSubscribed();
 * const lease = await storage.tryAcquireLease('refresh', 15_000); // null if another process has it
 * // …
 * await storage.close();
 * await client.close();
 * ```
 */
export function createRedisStorage(options: RedisStorageOptions): RedisStorage {
  const { client } = options;
  if (typeof client?.get !== 'function' || typeof client.duplicate !== 'function') {
    throw new TypeError('createRedisStorage: client must be a connected node-redis client');
  }
  const channel = options.channel ?? 'idpool:changes';
  const keyPrefix = options.keyPrefix ?? '';
  const onError = options.onError ?? (() => {});
  if (typeof channel !== 'string' || channel === '') {
    throw new TypeError('createRedisStorage: channel must be a non-empty string');
  }

  let subscription: Promise<void> | undefined;
  let ownConnection: RedisStorageConnection | undefined;
  let closed = false;

  const listeners = createChangeListeners({
    onError,
    onFirst() {
      if (!closed) {
        void openSubscription().catch((error: unknown) => onError(toStorageError(error, { adapter: 'redis', operation: 'subscribe', reason: 'unavailable' })));
      }
    },
  });

  function onMessage(message: string): void {
    let change: ChangeMessage;
    try {
      change = parseChange(message);
    } catch (error) {
      onError(toStorageError(error, { adapter: 'redis', operation: 'subscribe' }));
      return;
    }
    if (!change.key.startsWith(keyPrefix)) return;
    listeners.emit({ key: change.key.slice(keyPrefix.length), newValue: change.newValue });
  }

  function openSubscription(): Promise<void> {
    subscription ??= (async () => {
      let subscriber = options.subscriber;
      if (!subscriber) {
        const connection = client.duplicate();
        ownConnection = connection;
        // An 'error' event without a listener would crash the process.
        connection.on?.('error', (error) => onError(toStorageError(error, { adapter: 'redis', operation: 'subscribe', reason: 'unavailable' })));
        await connection.connect();
        subscriber = connection;
      }
      await subscriber.subscribe(channel, onMessage);
    })();
    return subscription;
  }

  async function announce(key: string, newValue: string | null): Promise<void> {
    const message = JSON.stringify({ key, newValue } satisfies ChangeMessage);
    try {
      await client.publish(channel, message);
    } catch (error) {
      onError(toStorageError(error, { adapter: 'redis', operation: newValue === null ? 'removeItem' : 'setItem', key, value: message }));
    }
  }

  return {
    getItem(key) {
      return guardStorage({ adapter: 'redis', operation: 'getItem', key, reason: 'unavailable' }, async () => {
        const value: unknown = await client.get(keyPrefix + key);
        // Only strings are values; anything else a client or proxy returns counts as absent.
        return typeof value === 'string' ? value : null;
      });
    },
    async setItem(key, value) {
      await guardStorage({ adapter: 'redis', operation: 'setItem', key, value, reason: 'unavailable' }, () =>
        client.set(keyPrefix + key, value),
      );
      await announce(keyPrefix + key, value);
    },
    async removeItem(key) {
      await guardStorage({ adapter: 'redis', operation: 'removeItem', key, reason: 'unavailable' }, () => client.del(keyPrefix + key));
      await announce(keyPrefix + key, null);
    },
    subscribe(listener) {
      return listeners.add(listener);
    },
    async whenSubscribed() {
      await subscription;
    },
    async tryAcquireLease(key, ttlMs): Promise<StorageLease | null> {
      assertLeaseTtl(ttlMs, 'redis');
      const leaseKey = `${keyPrefix}lease:${key}`;
      const token = randomId();
      const reply = await guardStorage({ adapter: 'redis', operation: 'tryAcquireLease', key, reason: 'unavailable' }, () =>
        client.set(leaseKey, token, { NX: true, PX: Math.max(1, Math.ceil(ttlMs)) }),
      );
      if (reply !== 'OK') return null;
      return {
        async release() {
          await guardStorage({ adapter: 'redis', operation: 'releaseLease', key, reason: 'unavailable' }, () =>
            client.eval(RELEASE_SCRIPT, { keys: [leaseKey], arguments: [token] }),
          );
        },
      };
    },
    async close() {
      closed = true;
      listeners.clear();
      if (!subscription) return;
      await subscription.catch(() => {});
      try {
        if (ownConnection) {
          await (ownConnection.close ? ownConnection.close() : ownConnection.quit?.());
        } else {
          await options.subscriber?.unsubscribe(channel, onMessage);
        }
      } catch (error) {
        onError(toStorageError(error, { adapter: 'redis', operation: 'close' }));
      }
    },
  };
}

function parseChange(message: string): ChangeMessage {
  let candidate: Partial<ChangeMessage> | null = null;
  try {
    candidate = JSON.parse(message) as Partial<ChangeMessage> | null;
  } catch {
    // Falls through to the error below, which (unlike JSON.parse's) quotes none of the message.
  }
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.key !== 'string' ||
    (typeof candidate.newValue !== 'string' && candidate.newValue !== null)
  ) {
    throw new Error('idpool redis storage: ignored a malformed change notification');
  }
  return { key: candidate.key, newValue: candidate.newValue };
}
