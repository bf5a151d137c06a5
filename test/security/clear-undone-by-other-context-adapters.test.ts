import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Auth, AuthState, KeyValueStorage } from '../../src/index';
import { sessionKey } from '../../src/session/session-store';
import { createFileStorage } from '../../src/storage/file-storage';
import { createRedisStorage } from '../../src/storage/redis-storage';
import { untilHeld } from '../support/call-gate';
import { startEngineStack, untilIdle, type EngineStack } from '../support/engine-stack';
import { flushIo } from '../support/test-clock';
import { SlowStorage } from '../sessions/slow-storage';
import { startBenchRedisServer as startRedisServer, type BenchRedisServer as RedisServer } from '../../bench/lib/redis-server';

// Issue 11, finding 8, over the adapters that share a session between contexts: A clears while
// B, on the same file or Redis, is still restoring; B's read answers only after the clear.
// Neither context may serve or store the cleared session again.

type Shared = Required<KeyValueStorage>;

let stack: EngineStack | undefined;
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  for (const close of closers.splice(0).reverse()) await close();
});

/** Real-time bound on a condition that a storage notice (fs.watch, Redis pub/sub) makes true. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function attack(storageA: Shared, storageB: Shared): Promise<void> {
  stack = await startEngineStack();
  const key = sessionKey('default', stack.pool.identityPoolId);
  const a = stack.engine({ storage: storageA });
  const statesOfA: AuthState[] = [];
  a.state$.subscribe((state) => statesOfA.push(state));
  await a.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });

  const slow = new SlowStorage(storageB);
  slow.holdReads(1);
  const b = stack.engine({ storage: slow });
  const read = await untilHeld(slow.gate, 'storageRead');
  await a.clearFederationToIdentityPool();
  const clearedAt = statesOfA.length;
  read.release();
  await untilIdle(b);
  await flushIo();

  // Every notice sent so far has arrived once a marker written after them has (one channel, in order).
  const marker = `marker-${Date.now()}`;
  let markerSeen = false;
  const unsubscribe = storageA.subscribe((change) => {
    if (change.key === marker) markerSeen = true;
  });
  await storageB.setItem(marker, '1');
  await until(() => markerSeen, 'the marker notice');
  unsubscribe();
  await flushIo();

  await expectSignedOut(b);
  await expectSignedOut(a);
  expect(statesOfA.slice(clearedAt).map((state) => state.value)).not.toContain('federated');
  await until(async () => (await storageA.getItem(key)) === null, 'the session record to be gone');
}

async function expectSignedOut(auth: Auth): Promise<void> {
  const session = await auth.fetchAuthSession();
  expect(session.credentials).toBeUndefined();
  expect(session.federatedProvider).toBeUndefined();
}

describe('file storage (two instances on one file)', () => {
  it('A clears while B restores: the clear sticks in both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idpool-clear-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'session.json');
    const storageA = createFileStorage(path);
    const storageB = createFileStorage(path);
    closers.push(() => storageA.close(), () => storageB.close());
    await attack(storageA, storageB);
  }, 60_000);
});

describe('Redis storage (two clients)', () => {
  let server: RedisServer | undefined;
  let port = 0;
  beforeAll(async () => {
    server = await startRedisServer();
    port = server.port;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('A clears while B restores: the clear sticks in both', async () => {
    const storages = [];
    const keyPrefix = `clear-${Date.now()}:`;
    for (let i = 0; i < 2; i++) {
      const client = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false } });
      client.on('error', () => undefined);
      await client.connect();
      const storage = createRedisStorage({ client, keyPrefix });
      closers.push(() => client.close(), () => storage.close());
      storages.push(storage);
    }
    const [storageA, storageB] = storages as [Shared & { whenSubscribed(): Promise<void> }, Shared & { whenSubscribed(): Promise<void> }];
    // Subscribed before the engines start, so no notice is lost to a slow SUBSCRIBE.
    storageA.subscribe(() => undefined);
    storageB.subscribe(() => undefined);
    await Promise.all([storageA.whenSubscribed(), storageB.whenSubscribed()]);
    await attack(storageA, storageB);
  }, 60_000);
});
