import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage } from '../../src/index';
import { sessionKey } from '../../src/session/session-store';
import { startEngineStack, untilIdle, untilState, type EngineStack } from '../support/engine-stack';
import { until } from '../support/generous-bound';
import { SlowStorage } from '../sessions/slow-storage';

// Attacks on the rule "a failed write of the same session's refreshed record keeps the stored
// older record; another session's record is still removed" (SessionStore.write → #holdsSession).
// What is attacked: the rule never brings back another user or a cleared session, and it holds
// for every record of the same session, those written before records carried a session id too.

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const isSessionKey = (key: string) => key.endsWith('.session');
const key = () => sessionKey('default', stack!.pool.identityPoolId);
const storageFailed = () => until(() => stack!.events.some((event) => event.type === 'sessionStorage_failure'), 'the failed write to be reported');

describe('a refresh whose record cannot be written', () => {
  it('keeps the stored record of the same session when that record predates session ids (a legacy record): followers stay signed in', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const shared = createMemoryStorage();
    // A record as a version before session ids wrote it: the same record, without `sessionId`.
    const writer = stack.engine({ storage: shared, persistCredentials: true });
    const { identityId } = await writer.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    await writer.stop();
    const record = JSON.parse((await shared.getItem(key()))!) as Record<string, unknown>;
    delete record['sessionId'];
    const legacy = JSON.stringify(record);
    await shared.setItem(key(), legacy);

    const slowA = new SlowStorage(shared);
    const tabA = stack.engine({ storage: slowA, persistCredentials: true });
    const tabB = stack.engine({ storage: shared, persistCredentials: true });
    await untilState(tabA, 'federated');
    await untilState(tabB, 'federated');
    expect(await shared.getItem(key())).toBe(legacy);

    slowA.fail('setItem', isSessionKey);
    await tabA.fetchAuthSession({ forceRefresh: true });
    await storageFailed();
    await untilIdle(tabA);
    await untilIdle(tabB);
    await tabA.stop(); // its storage queue has settled

    // As for a record with a session id (test/sessions/refresh-record-handover.test.ts): the
    // follower is not signed out, and the record stays for the next start.
    expect((await tabB.fetchAuthSession()).identityId).toBe(identityId);
    expect(stack.events.filter((event) => event.type === 'federationToIdentityPoolCleared')).toHaveLength(0);
    expect(await shared.getItem(key())).toBe(legacy);
  });

  it("removes another user's record that replaced the session in storage meanwhile (not the same session: never kept for a restart)", async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const shared = createMemoryStorage();
    const slowA = new SlowStorage(shared);
    const tabA = stack.engine({ storage: slowA, persistCredentials: true });
    await tabA.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    // Another context, whose notices A never gets, clears alice and signs in bob.
    slowA.holdNotices();
    const other = stack.engine({ storage: shared, persistCredentials: true });
    await untilState(other, 'federated');
    await other.clearFederationToIdentityPool();
    const bob = await other.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'bob' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    await other.stop();
    slowA.dropNotices();
    // A's view of storage: it cannot read the cleared ids; its refreshed record cannot be written.
    slowA.fail('getItem', (name) => !isSessionKey(name));
    slowA.fail('setItem', isSessionKey);
    await tabA.fetchAuthSession({ forceRefresh: true });
    await storageFailed();
    await untilIdle(tabA);
    await tabA.stop();
    // Whatever A did to bob's record, a restart never restores alice.
    const restarted = stack.engine({ storage: shared, persistCredentials: true });
    await untilIdle(restarted);
    const session = await restarted.fetchAuthSession();
    expect([undefined, bob.identityId]).toContain(session.identityId);
  });

  it('does not keep a record it cannot read, nor keep anything when the read fails: a restart restores nobody older', async () => {
    for (const how of ['unreadable', 'read fails'] as const) {
      stack = await startEngineStack({ credentialsTtlSeconds: 600 });
      const shared = createMemoryStorage();
      const slowA = new SlowStorage(shared);
      const tabA = stack.engine({ storage: slowA, persistCredentials: true });
      const alice = await tabA.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
      slowA.holdNotices();
      if (how === 'unreadable') await shared.setItem(key(), '{"version":1,"writer":"x","updatedAt":1,"identityId":42}');
      slowA.fail('setItem', isSessionKey);
      if (how === 'read fails') slowA.fail('getItem');
      await tabA.fetchAuthSession({ forceRefresh: true });
      await storageFailed();
      await untilIdle(tabA);
      await tabA.stop();
      if (how === 'unreadable') expect(await shared.getItem(key()), how).toBeNull();
      const restarted = stack.engine({ storage: shared, persistCredentials: true });
      await untilIdle(restarted);
      // In 'read fails' the old record of alice's own session may stay (the same user); nothing else may.
      const restored = (await restarted.fetchAuthSession()).identityId;
      expect([undefined, alice.identityId], how).toContain(restored);
      if (how === 'unreadable') expect(restored, how).toBeUndefined();
      await stack.close();
      stack = undefined;
    }
  });
});
