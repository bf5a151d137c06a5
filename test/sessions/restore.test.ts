import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCookieStorage, createMemoryStorage, type KeyValueStorage } from '../../src/index';
import { createFileStorage } from '../../src/storage/file-storage';
import { startEngineStack, untilIdle, type EngineStack } from '../support/engine-stack';

let stack: EngineStack | undefined;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await stack?.close();
  stack = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A cookie jar standing in for one browser across two server requests. */
function cookieJarStorage(): () => KeyValueStorage {
  const jar = new Map<string, string>();
  return () =>
    createCookieStorage({
      getCookieHeader: () => [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
      setCookie: (serialized) => {
        const [pair] = serialized.split(';');
        const [name, ...rest] = pair!.split('=');
        const value = rest.join('=');
        if (/Max-Age=0/i.test(serialized)) jar.delete(name!);
        else jar.set(name!, value);
      },
      options: { secure: false },
    });
}

async function fileStorageFactory(): Promise<() => KeyValueStorage> {
  const dir = await mkdtemp(join(tmpdir(), 'idpool-restore-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return () => createFileStorage(join(dir, 'session.json'), { watch: false });
}

const adapters: Array<[string, () => Promise<() => KeyValueStorage>]> = [
  ['memory', async () => {
    const shared = createMemoryStorage();
    return () => shared;
  }],
  ['file', fileStorageFactory],
  ['cookie', async () => cookieJarStorage()],
];

describe.each(adapters)('restart with %s storage', (_name, makeFactory) => {
  it('restores valid stored credentials with no network call', async () => {
    stack = await startEngineStack();
    const storage = await makeFactory();
    const first = stack.engine({ storage: storage(), persistCredentials: true });
    const { identityId, credentials } = await first.federateToIdentityPool({
      token: await stack.issuer.mintToken({ sub: 'alice' }),
      provider: stack.issuer.loginsKey,
    });
    await first.stop();
    stack.pool.resetStats();
    stack.events.length = 0;

    const second = stack.engine({ storage: storage(), persistCredentials: true });
    const session = await second.fetchAuthSession();
    expect(second.actor.getSnapshot().matches('federated')).toBe(true);
    expect(session.identityId).toBe(identityId);
    expect(session.credentials).toEqual(credentials);
    expect(stack.pool.stats().requests).toEqual({});
    expect(stack.events).toEqual([{ type: 'sessionRestored', identityId, provider: stack.issuer.loginsKey, expiration: credentials.expiration.getTime() }]);
  });

  it('re-federates from a stored token (no AWS secrets stored) with GetCredentialsForIdentity only', async () => {
    stack = await startEngineStack();
    const storage = await makeFactory();
    const first = stack.engine({ storage: storage() });
    const { identityId, credentials } = await first.federateToIdentityPool({
      token: await stack.issuer.mintToken({ sub: 'alice' }),
      provider: stack.issuer.loginsKey,
    });
    const stored = await storage().getItem(`idpool.default.${stack.pool.identityPoolId}.session`);
    expect(stored).not.toContain(credentials.secretAccessKey);
    expect(stored).not.toContain(credentials.sessionToken);
    await first.stop();
    stack.pool.resetStats();

    const second = stack.engine({ storage: storage() });
    const session = await second.fetchAuthSession();
    expect(session.identityId).toBe(identityId);
    expect(session.credentials!.accessKeyId).not.toBe(credentials.accessKeyId);
    expect(stack.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 1 });
  });
});

describe('stored records that cannot be trusted', () => {
  const key = (poolId: string) => `idpool.default.${poolId}.session`;
  const records: Array<[string, (valid: string) => string]> = [
    ['truncated JSON', (valid) => valid.slice(0, valid.length / 2)],
    ['not JSON at all', () => '%%%'],
    ['a foreign version', (valid) => valid.replace('"version":1', '"version":99')],
    ['a __proto__ key', (valid) => valid.replace('{"version":1', '{"__proto__":{"polluted":true},"version":1')],
    ['a constructor key', (valid) => valid.replace('{"version":1', '{"constructor":{"prototype":{"polluted":true}},"version":1')],
    ['a wrong field type', (valid) => valid.replace(/"updatedAt":\d+/, '"updatedAt":"yesterday"')],
    ['a bad identity id', (valid) => valid.replace(/"identityId":"[^"]+"/, '"identityId":"../../etc/passwd"')],
    ['an array', () => '[1,2,3]'],
    ['null', () => 'null'],
  ];

  it.each(records)('drops %s with sessionRestore_failure and starts signed out', async (_name, corrupt) => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const first = stack.engine({ storage, persistCredentials: true });
    await first.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    await first.stop();
    const valid = (await storage.getItem(key(stack.pool.identityPoolId)))!;
    await storage.setItem(key(stack.pool.identityPoolId), corrupt(valid));
    stack.events.length = 0;
    stack.pool.resetStats();

    const second = stack.engine({ storage, persistCredentials: true });
    await untilIdle(second);
    expect(second.actor.getSnapshot().matches('signedOut')).toBe(true);
    expect(stack.events).toEqual([{ type: 'sessionRestore_failure', error: { name: 'StorageError', message: expect.stringContaining('dropped') } }]);
    expect(await storage.getItem(key(stack.pool.identityPoolId))).toBeNull();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(await second.fetchAuthSession()).toEqual({});
    expect(stack.pool.stats().requests).toEqual({});
  });
});

describe('write-through', () => {
  it('serialises writes so a slow write never overwrites a newer one', async () => {
    stack = await startEngineStack();
    const inner = createMemoryStorage();
    let writes = 0;
    const slowFirstWrite: KeyValueStorage = {
      getItem: (k) => inner.getItem(k),
      removeItem: (k) => inner.removeItem(k),
      setItem: async (k, v) => {
        // Session writes only (a clear also records the cleared session's id under its own key).
        if (k.endsWith('.session')) writes += 1;
        if (writes === 1 && k.endsWith('.session')) await new Promise((resolve) => setTimeout(resolve, 300));
        await inner.setItem(k, v);
      },
    };
    const auth = stack.engine({ storage: slowFirstWrite });
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    const bob = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'bob' }), provider: stack.issuer.loginsKey });
    await auth.clearFederationToIdentityPool(); // resolves once the removal has landed
    expect(await inner.getItem(`idpool.default.${stack.pool.identityPoolId}.session`)).toBeNull();
    expect(writes).toBe(2);
    expect(bob.identityId).toBeDefined();
  });

  it('writes federate, refresh and clear through to storage', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const seen: Array<string | null> = [];
    storage.subscribe((change) => change.key.endsWith('.session') && seen.push(change.newValue === null ? null : (JSON.parse(change.newValue) as { credentials?: { accessKeyId: string } }).credentials?.accessKeyId ?? 'no-credentials'));
    const auth = stack.engine({ storage, persistCredentials: true });
    const federated = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    const refreshed = await auth.fetchAuthSession({ forceRefresh: true });
    await auth.clearFederationToIdentityPool();
    expect(seen).toEqual([federated.credentials.accessKeyId, refreshed.credentials!.accessKeyId, null]);
  });
});
