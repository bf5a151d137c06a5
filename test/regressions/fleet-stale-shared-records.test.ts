// Found by the Redis fleet benchmark under load (docs/benchmarks.md, "Fleet"): a follower that
// waited for another context's refresh answered its callers with whatever record arrived, even
// expired credentials written back late; and every follower wrote the credentials it adopted
// back to storage, so N engines made N² work of one refresh.
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage, type KeyValueStorage } from '../../src/index';
import { refreshLeaseKey, sessionKey } from '../../src/session/session-store';
import { startEngineStack, untilState, type EngineStack } from '../support/engine-stack';
import { until } from '../support/generous-bound';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** A memory storage that counts writes per key. */
function countingStorage(): { storage: KeyValueStorage; writes: Map<string, number> } {
  const inner = createMemoryStorage();
  const writes = new Map<string, number>();
  const storage: KeyValueStorage = {
    ...inner,
    setItem: async (key, value) => {
      writes.set(key, (writes.get(key) ?? 0) + 1);
      await inner.setItem(key, value);
    },
  };
  return { storage, writes };
}

async function twoTabs(storage: KeyValueStorage) {
  const started = await startEngineStack({ credentialsTtlSeconds: 600 });
  stack = started;
  const tabA = started.engine({ storage, persistCredentials: true });
  const tabB = started.engine({ storage, persistCredentials: true });
  await tabA.federateToIdentityPool({ token: await started.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: started.issuer.loginsKey });
  await untilState(tabB, 'federated');
  return { stack: started, tabA, tabB, key: sessionKey('default', started.pool.identityPoolId) };
}

describe('a follower and the records other contexts write', () => {
  it('a waiting caller never gets expired credentials from a record written back late', async () => {
    const { storage } = countingStorage();
    const { stack, tabB, key } = await twoTabs(storage);
    // Someone else holds the refresh lease, so B's forced refresh waits for the stored result.
    const lease = await storage.tryAcquireLease!(refreshLeaseKey('default', stack.pool.identityPoolId), 60_000);
    expect(lease).not.toBeNull();
    const forced = tabB.fetchAuthSession({ forceRefresh: true });

    // A late write-back of an earlier federation whose credentials have run out.
    const record = JSON.parse((await storage.getItem(key))!) as { writer: string; updatedAt: number; credentials: { expiration: number; issuedAt: number } };
    const stale = {
      ...record,
      sessionId: 'late-writer.1',
      writer: 'late-writer',
      updatedAt: record.updatedAt + 1,
      credentials: { ...record.credentials, issuedAt: stack.clock.now() - 3_600_000, expiration: stack.clock.now() - 1_000 },
    };
    await storage.setItem(key, JSON.stringify(stale));
    await new Promise((resolve) => setImmediate(resolve));

    // Then the lease holder's real result: newer credentials.
    const fresh = { ...record, writer: 'lease-holder', updatedAt: record.updatedAt + 2, credentials: { ...record.credentials, expiration: record.credentials.expiration + 60_000 } };
    await storage.setItem(key, JSON.stringify(fresh));
    const session = await forced;
    expect(session.credentials!.expiration.getTime()).toBeGreaterThan(stack.clock.now());
    await lease!.release();
  });

  it('credentials adopted from another context are not written back', async () => {
    const { storage, writes } = countingStorage();
    // B hears of no change (a lost notice): it learns A's result only by reading storage.
    const deaf: KeyValueStorage = { ...storage, subscribe: () => () => undefined };
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const tabA = stack.engine({ storage, persistCredentials: true });
    await tabA.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    // B starts later and restores A's session from storage.
    const tabB = stack.engine({ storage: deaf, persistCredentials: true });
    await untilState(tabB, 'federated');
    const key = sessionKey('default', stack.pool.identityPoolId);
    writes.clear();
    // A refreshes slowly while holding the lease; B's forced refresh picks up A's result.
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'latency', delayMs: 3_000 });
    const forcedA = tabA.fetchAuthSession({ forceRefresh: true });
    await until(() => stack!.pool.stats().inFlight['GetCredentialsForIdentity'] === 1, "A's refresh request to be held");
    let settled = false;
    const forcedB = tabB.fetchAuthSession({ forceRefresh: true }).finally(() => void (settled = true));
    const a = await forcedA;
    // B polls storage for the lease holder's result on the engines' clock (every 200 ms).
    for (let step = 0; step < 40 && !settled; step++) await stack.clock.advance(250);
    const b = await forcedB;
    expect(b.credentials).toEqual(a.credentials);
    await Promise.all([tabA.stop(), tabB.stop()]);
    // One refresh, one write of the session: A's.
    expect(writes.get(key)).toBe(1);
  });
});
