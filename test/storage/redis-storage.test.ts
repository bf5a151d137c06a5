import { inspect } from 'node:util';
import { createClient } from 'redis';
import { StorageError } from '../../src/errors/error-classes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StorageChange } from '../../src/storage/key-value-storage';
import { createRedisStorage } from '../../src/storage/redis-storage';
import type { RedisStorage, RedisStorageClient, RedisStorageSubscriber } from '../../src/storage/redis-storage';
import { startBenchRedisServer as startRedisServer, type BenchRedisServer as RedisServer } from '../../bench/lib/redis-server';
import { describeStorageContract, sleep, uniqueKey, waitUntil } from './storage-contract';

let server: RedisServer | undefined;
let port: number;
const clients: Client[] = [];
const storages: RedisStorage[] = [];

function newClient() {
  return createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false } });
}
type Client = ReturnType<typeof newClient>;

async function connectedClient(): Promise<Client> {
  const client = newClient();
  client.on('error', () => {});
  await client.connect();
  clients.push(client);
  return client;
}

function storageOn(client: Client, options: { keyPrefix?: string; subscriber?: RedisStorageSubscriber; channel?: string } = {}) {
  const storage = createRedisStorage({ client, ...options });
  storages.push(storage);
  return storage;
}

beforeAll(async () => {
  server = await startRedisServer();
  port = server.port;
});

afterEach(async () => {
  await Promise.all(storages.splice(0).map((storage) => storage.close()));
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await server?.stop();
});

describeStorageContract(
  'redis storage',
  async () => {
    const storage = storageOn(await connectedClient());
    const peer = storageOn(await connectedClient());
    return {
      storage,
      peer,
      subscribed: async () => {
        await Promise.all([storage.whenSubscribed(), peer.whenSubscribed()]);
      },
      dispose: async () => {},
    };
  },
  { largeValueLength: 1_000_000 },
);

describe('createRedisStorage', () => {
  it('accepts a node-redis client as it is (structural types)', async () => {
    const client = await connectedClient();
    const typed: RedisStorageClient = client;
    const subscriber: RedisStorageSubscriber = client;
    expect(typed).toBe(subscriber);
  });

  it('stores under keyPrefix and publishes {key, newValue} JSON on the channel after each write', async () => {
    const client = await connectedClient();
    const listener = await connectedClient();
    const messages: string[] = [];
    await listener.subscribe('idpool:changes', (message) => void messages.push(message));
    const storage = storageOn(client, { keyPrefix: 'app:' });
    await storage.setItem('session', 'v');
    expect(await client.get('app:session')).toBe('v');
    await storage.removeItem('session');
    expect(await client.get('app:session')).toBeNull();
    await waitUntil(() => messages.length === 2, 'two notifications');
    expect(messages.map((m) => JSON.parse(m))).toEqual([
      { key: 'app:session', newValue: 'v' },
      { key: 'app:session', newValue: null },
    ]);
  });

  it('notifies adapters on separate clients, ignoring other prefixes and malformed messages', async () => {
    const errors: unknown[] = [];
    const writer = storageOn(await connectedClient(), { keyPrefix: 'app:' });
    const reader = createRedisStorage({ client: await connectedClient(), keyPrefix: 'app:', onError: (e) => errors.push(e) });
    storages.push(reader);
    const otherApp = storageOn(await connectedClient(), { keyPrefix: 'other:' });
    const seen: StorageChange[] = [];
    reader.subscribe((change) => seen.push(change));
    await reader.whenSubscribed();
    await otherApp.setItem('session', 'not for app');
    const raw = await connectedClient();
    await raw.publish('idpool:changes', '{"key":"app:x", "token":"secret-1" broken');
    await writer.setItem('session', 'for app');
    await waitUntil(() => seen.length > 0, 'the notification');
    expect(seen).toEqual([{ key: 'session', newValue: 'for app' }]);
    expect(errors).toHaveLength(1);
    expect(String((errors[0] as Error).message)).not.toContain('secret');
  });

  it('uses a subscriber it is given, leaving it open on close', async () => {
    const subscriber = await connectedClient();
    const storage = createRedisStorage({ client: await connectedClient(), subscriber, channel: 'custom:changes' });
    const seen: StorageChange[] = [];
    storage.subscribe((change) => seen.push(change));
    await storage.whenSubscribed();
    await storage.setItem('k', 'v');
    await waitUntil(() => seen.length > 0, 'the notification');
    await storage.close();
    expect(subscriber.isOpen).toBe(true);
  });

  it('opens a duplicate connection only when subscribed and closes it on close()', async () => {
    const client = await connectedClient();
    const before = await clientCount(client);
    const storage = storageOn(client);
    await storage.setItem('k', 'v');
    expect(await clientCount(client)).toBe(before);
    storage.subscribe(() => {});
    await storage.whenSubscribed();
    expect(await clientCount(client)).toBe(before + 1);
    await storage.close();
    await waitUntilAsync(async () => (await clientCount(client)) === before, 'the duplicate to close');
  });

  it('grants a lease to exactly one of three clients via SET NX PX, then to another after release', async () => {
    const contenders = await Promise.all([0, 1, 2].map(async () => storageOn(await connectedClient(), { keyPrefix: 'app:' })));
    const key = uniqueKey('three');
    const leases = await Promise.all(contenders.map((storage) => storage.tryAcquireLease(key, 10_000)));
    expect(leases.filter((lease) => lease !== null)).toHaveLength(1);
    const holder = leases.findIndex((lease) => lease !== null);
    const inspector = await connectedClient();
    expect(await inspector.pTTL(`app:lease:${key}`)).toBeGreaterThan(9_000);
    await leases[holder]!.release();
    expect(await inspector.exists(`app:lease:${key}`)).toBe(0);
    const next = await contenders[(holder + 1) % 3]!.tryAcquireLease(key, 10_000);
    expect(next).not.toBeNull();
    await next!.release();
  });

  it('lets a lease expire in Redis and never deletes a successor on a late release', async () => {
    const [a, b] = await Promise.all([0, 1].map(async () => storageOn(await connectedClient())));
    const key = uniqueKey('expiry');
    const first = await a!.tryAcquireLease(key, 100);
    expect(first).not.toBeNull();
    await sleep(200);
    const second = await b!.tryAcquireLease(key, 10_000);
    expect(second).not.toBeNull();
    await first!.release();
    expect(await a!.tryAcquireLease(key, 10_000)).toBeNull();
    await second!.release();
  });

  it('rejects a client that is not one', () => {
    expect(() => createRedisStorage({ client: {} as RedisStorageClient })).toThrow(TypeError);
  });

  it('rejects with a StorageError naming adapter and operation when Redis is gone (finding 10)', async () => {
    const client = newClient();
    client.on('error', () => {});
    await client.connect();
    const storage = createRedisStorage({ client });
    const lease = await storage.tryAcquireLease(uniqueKey('gone-lease'), 10_000);
    await client.close();
    const record = JSON.stringify({ login: { token: 'eyJhbGciOiJSUzI1NiJ9.secret-token-payload.sig' } });
    for (const [operation, call] of [
      ['getItem', () => storage.getItem('k')],
      ['setItem', () => storage.setItem('k', record)],
      ['removeItem', () => storage.removeItem('k')],
      ['tryAcquireLease', () => storage.tryAcquireLease('k', 1000)],
      ['releaseLease', () => lease!.release()],
    ] as const) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, operation).toBeInstanceOf(StorageError);
      expect(error).toMatchObject({ name: 'StorageError', adapter: 'redis', operation, reason: 'unavailable' });
      expect((error as StorageError).cause).toBeInstanceOf(Error);
      expect(inspect(error, { depth: 10 })).not.toContain('secret-token-payload');
    }
    await storage.close();
  });
});

async function clientCount(client: Client): Promise<number> {
  const list = await client.clientList();
  return list.length;
}

async function waitUntilAsync(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
