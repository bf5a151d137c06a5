import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage, type Auth, type KeyValueStorage } from '../../src/index';
import { sessionKey } from '../../src/session/session-store';
import { untilHeld } from '../support/call-gate';
import { startEngineStack, untilIdle, untilState, type EngineStack } from '../support/engine-stack';
import { flushIo } from '../support/test-clock';
import { SlowStorage } from '../sessions/slow-storage';

// Issue 11, finding 8: engine A clears while engine B, sharing the storage, is still restoring
// over a slow link. B used to drop the change notice that arrived during `restoring`, then
// serve and write back the cleared session, and A followed B's write and served it again.
// A clear in any context must never be undone by another, whatever the latency or the order
// of the notices.

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function federate(auth: Auth, user: string): Promise<string> {
  const result = await auth.federateToIdentityPool({ token: await stack!.issuer.mintToken({ sub: user }), provider: stack!.issuer.loginsKey });
  return result.identityId;
}

/** What the shared storage holds under the session key: the identity id of a stored federation, if any. */
async function storedIdentity(storage: KeyValueStorage): Promise<string | undefined> {
  const text = await storage.getItem(sessionKey('default', stack!.pool.identityPoolId));
  if (text === null) return undefined;
  return (JSON.parse(text) as { identityId?: string }).identityId;
}

async function expectSignedOut(auth: Auth): Promise<void> {
  const session = await auth.fetchAuthSession();
  expect(session.credentials).toBeUndefined();
  expect(session.federatedProvider).toBeUndefined();
}

describe.each([
  { persistCredentials: true, what: 'B restores stored credentials' },
  { persistCredentials: false, what: 'B restores the token and writes refreshed credentials back' },
])('A clears while B is still restoring ($what)', ({ persistCredentials }) => {
  it('neither A nor B serves the cleared session again, and storage does not hold it', async () => {
    stack = await startEngineStack();
    const shared = createMemoryStorage();
    const a = stack.engine({ storage: shared, persistCredentials });
    await federate(a, 'alice');

    const slow = new SlowStorage(shared);
    slow.holdReads(1);
    const b = stack.engine({ storage: slow, persistCredentials });
    // B's restore has read alice's record; the answer is on its way over the slow link.
    const read = await untilHeld(slow.gate, 'storageRead');
    await a.clearFederationToIdentityPool();
    await flushIo();
    read.release();
    await untilIdle(b);
    await flushIo();

    await expectSignedOut(b);
    await expectSignedOut(a);
    expect(a.actor.getSnapshot().value).toBe('cleared');
    expect(await storedIdentity(shared)).toBeUndefined();
    expect(stack.events.filter((event) => event.type === 'credentialsRefreshed' || event.type === 'federatedToIdentityPool')).toHaveLength(1);
  });
});

describe('late, lost and reordered notices', () => {
  it('B, whose notices arrive only after it wrote the cleared session back, drops it; reordered notices change nothing', async () => {
    stack = await startEngineStack();
    const shared = createMemoryStorage();
    const a = stack.engine({ storage: shared });
    await federate(a, 'alice');

    const slow = new SlowStorage(shared);
    slow.holdReads(1);
    slow.holdNotices();
    const b = stack.engine({ storage: slow });
    const read = await untilHeld(slow.gate, 'storageRead');
    await a.clearFederationToIdentityPool();
    read.release();
    // B restored the token and refreshed; it never heard of the clear.
    await untilIdle(b);
    await flushIo();
    await expectSignedOut(b);
    expect(await storedIdentity(shared)).toBeUndefined();

    slow.deliverNotices({ reversed: true });
    await flushIo();
    await expectSignedOut(a);
    await expectSignedOut(b);
    expect(await storedIdentity(shared)).toBeUndefined();
  });

  it('a stale write of a cleared session (a context that missed the clear) is not followed, is removed, and is never restored', async () => {
    stack = await startEngineStack();
    const shared = createMemoryStorage();
    const a = stack.engine({ storage: shared, persistCredentials: true });
    await federate(a, 'alice');
    const key = sessionKey('default', stack.pool.identityPoolId);
    const stale = await shared.getItem(key);
    await a.clearFederationToIdentityPool();

    // A context that missed the clear writes the old session back, later (Lamport-newer stamp).
    stack.clock.jump(5_000);
    const record = JSON.parse(stale!) as { updatedAt: number; writer: string };
    await shared.setItem(key, JSON.stringify({ ...record, updatedAt: stack.clock.now(), writer: 'a-context-that-missed-the-clear' }));
    await flushIo();
    await expectSignedOut(a);
    expect(a.actor.getSnapshot().value).toBe('cleared');
    expect(await storedIdentity(shared)).toBeUndefined();

    // Even written again when nobody is looking, a new context never restores it.
    await shared.setItem(key, JSON.stringify({ ...record, updatedAt: stack.clock.now() + 1, writer: 'another' }));
    await a.stop();
    const c = stack.engine({ storage: shared, persistCredentials: true });
    await untilState(c, 'signedOut');
    await expectSignedOut(c);
  });

  it('a new federation after a clear is followed as usual', async () => {
    stack = await startEngineStack();
    const shared = createMemoryStorage();
    const a = stack.engine({ storage: shared, persistCredentials: true });
    const b = stack.engine({ storage: shared, persistCredentials: true });
    await untilIdle(b);
    await federate(a, 'alice');
    await a.clearFederationToIdentityPool();
    stack.clock.jump(1_000);
    const bob = await federate(a, 'bob');
    await flushIo();
    expect((await b.fetchAuthSession()).identityId).toBe(bob);
    expect(await storedIdentity(shared)).toBe(bob);
  });
});
