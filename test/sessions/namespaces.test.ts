import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage, type KeyValueStorage } from '../../src/index';
import { startEngineStack, untilIdle, type EngineStack } from '../support/engine-stack';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const keyOf = (namespace: string, poolId: string) => `idpool.${namespace}.${poolId}.session`;

async function federateIn(namespace: string, storage: KeyValueStorage, sub = 'alice') {
  const auth = stack!.engine({ storage, namespace, persistCredentials: true });
  const result = await auth.federateToIdentityPool({ token: await stack!.issuer.mintToken({ sub }), provider: stack!.issuer.loginsKey });
  await auth.stop();
  return result;
}

describe('namespaces', () => {
  it('two engines on one storage with different namespaces never see each other', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const appA = stack.engine({ storage, namespace: 'app-a', persistCredentials: true });
    const appB = stack.engine({ storage, namespace: 'app-b', persistCredentials: true });
    const a = await appA.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    await untilIdle(appB);
    expect(appB.actor.getSnapshot().matches('signedOut')).toBe(true);
    const b = await appB.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'bob' }), provider: stack.issuer.loginsKey });
    await appA.clearFederationToIdentityPool();
    expect((await appB.fetchAuthSession()).identityId).toBe(b.identityId);
    expect(await storage.getItem(keyOf('app-a', stack.pool.identityPoolId))).toBeNull();
    expect(await storage.getItem(keyOf('app-b', stack.pool.identityPoolId))).toContain(b.identityId);
    expect(a.identityId).not.toBe(b.identityId);
  });
});

describe('migrating a session into a new namespace (access group)', () => {
  it('moves the session: destination written, source removed, sessionMigrated emitted, restored without network', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const old = await federateIn('old-group', storage);
    stack.events.length = 0;
    stack.pool.resetStats();
    const auth = stack.engine({ storage, namespace: { name: 'shared-group', migrateFrom: 'old-group' }, persistCredentials: true });
    const session = await auth.fetchAuthSession();
    expect(session.identityId).toBe(old.identityId);
    expect(stack.pool.stats().requests).toEqual({});
    expect(stack.events.map((e) => e.type)).toEqual(['sessionMigrated', 'sessionRestored']);
    expect(stack.events[0]).toEqual({ type: 'sessionMigrated', from: 'old-group' });
    expect(await storage.getItem(keyOf('old-group', stack.pool.identityPoolId))).toBeNull();
    expect(await storage.getItem(keyOf('shared-group', stack.pool.identityPoolId))).toContain(old.identityId);
  });

  it('skips when the names are equal', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const old = await federateIn('group', storage);
    stack.events.length = 0;
    const auth = stack.engine({ storage, namespace: { name: 'group', migrateFrom: 'group' }, persistCredentials: true });
    expect((await auth.fetchAuthSession()).identityId).toBe(old.identityId);
    expect(stack.events.map((e) => e.type)).toEqual(['sessionRestored']);
  });

  it('skips when the destination already holds a session, leaving both alone', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const old = await federateIn('old-group', storage, 'alice');
    const existing = await federateIn('new-group', storage, 'bob');
    stack.events.length = 0;
    const auth = stack.engine({ storage, namespace: { name: 'new-group', migrateFrom: 'old-group' }, persistCredentials: true });
    expect((await auth.fetchAuthSession()).identityId).toBe(existing.identityId);
    expect(stack.events.map((e) => e.type)).toEqual(['sessionRestored']);
    expect(await storage.getItem(keyOf('old-group', stack.pool.identityPoolId))).toContain(old.identityId);
  });

  it('does nothing when the source is empty', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const auth = stack.engine({ storage, namespace: { name: 'new-group', migrateFrom: 'old-group' } });
    expect(await auth.fetchAuthSession()).toEqual({});
    expect(stack.events).toEqual([]);
  });

  it('without migrateFrom a changed namespace starts signed out and leaves the old items alone', async () => {
    stack = await startEngineStack();
    const storage = createMemoryStorage();
    const old = await federateIn('old-group', storage);
    const auth = stack.engine({ storage, namespace: 'new-group', persistCredentials: true });
    expect(await auth.fetchAuthSession()).toEqual({});
    expect(auth.actor.getSnapshot().matches('signedOut')).toBe(true);
    expect(await storage.getItem(keyOf('old-group', stack.pool.identityPoolId))).toContain(old.identityId);
  });
});
