import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage, type Auth, type KeyValueStorage } from '../../src/index';
import { refreshLeaseKey, sessionKey } from '../../src/session/session-store';
import { startEngineStack, untilIdle, untilState, type EngineStack } from '../support/engine-stack';
import { until, withinGenerousBound } from '../support/generous-bound';
import { holdingSessionWrites } from './holding-session-writes';
import { SlowStorage } from './slow-storage';

// Contexts sharing a storage hand a refresh over through the stored record. Two ways that went
// wrong: the refresh lease was let go before the refreshed record was written (a peer then took
// it, read the older record and asked Cognito again), and a refresh whose write failed removed
// the record (every follower read that as a clear and signed out).

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const isSessionKey = (key: string) => key.endsWith('.session');

async function federateBoth(leader: Auth, follower: Auth) {
  await leader.federateToIdentityPool({ token: await stack!.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack!.issuer.loginsKey });
  await untilState(follower, 'federated');
  stack!.pool.resetStats();
}

describe('the refresh lease', () => {
  it('is held until the refreshed record is written: a peer refreshing meanwhile waits for it instead of asking Cognito', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const shared = createMemoryStorage();
    const writesOfA = holdingSessionWrites(shared);
    const leasesOfB: boolean[] = [];
    const storageOfB: Required<KeyValueStorage> = {
      ...shared,
      getItem: (key) => shared.getItem(key),
      setItem: (key, value) => shared.setItem(key, value),
      removeItem: (key) => shared.removeItem(key),
      subscribe: (listener) => shared.subscribe(listener),
      close: () => Promise.resolve(),
      async tryAcquireLease(key, ttlMs) {
        const lease = await shared.tryAcquireLease(key, ttlMs);
        leasesOfB.push(lease !== null);
        return lease;
      },
    };
    const tabA = stack.engine({ storage: writesOfA.storage, persistCredentials: true });
    const tabB = stack.engine({ storage: storageOfB, persistCredentials: true });
    await federateBoth(tabA, tabB);

    writesOfA.hold();
    const a = await tabA.fetchAuthSession({ forceRefresh: true });
    await until(() => writesOfA.waiting === 1, "A's refreshed record to be on its way to storage");
    // A has its credentials and its record is not written yet: B refreshes now, and asks for the lease.
    const forcedB = tabB.fetchAuthSession({ forceRefresh: true });
    let b: Awaited<typeof forcedB> | undefined;
    void forcedB.then((session) => (b = session));
    await until(() => leasesOfB.length === 1, 'B to ask for the refresh lease');
    // Had B got it, it would read A's older record and call Cognito: let it get that far.
    await until(() => !leasesOfB[0] || b !== undefined, 'B to refresh by itself');
    writesOfA.release();
    // B polls storage for the lease holder's record on the engine clock.
    const polled = (async () => {
      while (b === undefined) await stack!.clock.advance(200);
    })();
    await withinGenerousBound(polled, "B to take A's refreshed credentials");
    // Refused while A's record was on its way (B may ask again later, and find A's record then).
    expect(leasesOfB[0]).toBe(false);
    expect(stack.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 1 });
    expect(b!.credentials!.accessKeyId).toBe(a.credentials!.accessKeyId);
  });
});

describe("a refresh waiting on another context's lease", () => {
  /** Tab B over `shared`, recording when (engine time) it asked for the lease and whether it got it. */
  function tabRecordingLeases(shared: Required<KeyValueStorage>, persistCredentials: boolean) {
    const leases: Array<{ at: number; got: boolean }> = [];
    const storage: Required<KeyValueStorage> = {
      ...shared,
      async tryAcquireLease(key, ttlMs) {
        const at = stack!.clock.now();
        const lease = await shared.tryAcquireLease(key, ttlMs);
        leases.push({ at, got: lease !== null });
        return lease;
      },
    };
    return { tab: stack!.engine({ storage, persistCredentials }), leases };
  }

  it('takes the lease once the holder lets go without a record (it failed), not after the lease runs out', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const shared = createMemoryStorage();
    const tabA = stack.engine({ storage: shared, persistCredentials: true });
    const { tab: tabB, leases } = tabRecordingLeases(shared, true);
    await federateBoth(tabA, tabB);
    // Another context holds the lease and will end without writing credentials.
    const holder = await shared.tryAcquireLease(refreshLeaseKey('default', stack.pool.identityPoolId), 60_000);
    expect(holder).not.toBeNull();
    const forcedB = tabB.fetchAuthSession({ forceRefresh: true });
    await until(() => leases.length === 1, 'B to ask for the lease');
    await holder!.release();
    const released = stack.clock.now();
    // Engine time passes until B has the lease (or a minute, well past the lease's TTL); then
    // it stands still while B's refresh goes out, so no request times out on a busy machine.
    const taken = () => leases.find((lease) => lease.got);
    while (!taken() && stack.clock.now() - released < 60_000) await stack.clock.advance(200);
    const b = await withinGenerousBound(forcedB, "B's refresh");
    // A waiter asks for the lease again once a second of engine time: far from the lease's TTL
    // (requestTimeoutMs + 5 s = 20 s), after which it used to refresh without it.
    expect(taken()?.at).toBeDefined();
    expect(taken()!.at - released).toBeLessThan(5_000);
    expect(b.credentials).toBeDefined();
    expect(stack.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 1 });
  });

  it("without persisted credentials, does not wait at all: the holder's credentials could never reach it", { timeout: 30_000 }, async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const shared = createMemoryStorage();
    const { tab: tabB, leases } = tabRecordingLeases(shared, false);
    await tabB.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    stack.pool.resetStats();
    const holder = await shared.tryAcquireLease(refreshLeaseKey('default', stack.pool.identityPoolId), 60_000);
    expect(holder).not.toBeNull();
    // No clock moves: a wait on the lease would never end.
    const b = await withinGenerousBound(tabB.fetchAuthSession({ forceRefresh: true }), 'B to refresh by itself');
    expect(b.credentials).toBeDefined();
    expect(leases).toEqual([]);
    expect(stack.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 1 });
  });
});

/** Two tabs on one storage, federated as alice; A's writes can be made to fail. */
async function twoTabsWithFlakyA() {
  stack = await startEngineStack({ credentialsTtlSeconds: 600 });
  const shared = createMemoryStorage();
  const slowA = new SlowStorage(shared);
  const tabA = stack.engine({ storage: slowA, persistCredentials: true });
  const tabB = stack.engine({ storage: shared, persistCredentials: true });
  await federateBoth(tabA, tabB);
  return { stack, shared, slowA, tabA, tabB };
}

describe('a refresh whose record cannot be written', () => {
  it("keeps the same session's older record: followers stay signed in and a restart restores the user", async () => {
    const { stack, shared, slowA, tabA, tabB } = await twoTabsWithFlakyA();
    const stored = await shared.getItem(`idpool.default.${stack.pool.identityPoolId}.session`);
    const { identityId } = await tabB.fetchAuthSession();

    slowA.fail('setItem', isSessionKey);
    await tabA.fetchAuthSession({ forceRefresh: true });
    await until(() => stack!.events.some((event) => event.type === 'sessionStorage_failure'), 'the failed write to be reported');
    await untilIdle(tabA);
    await untilIdle(tabB);

    expect(await shared.getItem(`idpool.default.${stack.pool.identityPoolId}.session`)).toBe(stored);
    expect((await tabB.fetchAuthSession()).identityId).toBe(identityId);
    expect(stack.events.filter((event) => event.type === 'federationToIdentityPoolCleared')).toHaveLength(0);
    const restarted = stack.engine({ storage: shared, persistCredentials: true });
    await untilIdle(restarted);
    expect((await restarted.fetchAuthSession()).identityId).toBe(identityId);
  });

  it("control: a new user's federation that cannot be written still removes the previous user's record", async () => {
    const { stack, shared, slowA, tabA, tabB } = await twoTabsWithFlakyA();
    slowA.fail('setItem', isSessionKey);
    const bob = tabA.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'bob' }), provider: stack.issuer.loginsKey });
    await expect(bob).rejects.toMatchObject({ name: 'StorageError' });
    expect(await shared.getItem(`idpool.default.${stack.pool.identityPoolId}.session`)).toBeNull();
    const restarted = stack.engine({ storage: shared, persistCredentials: true });
    await untilIdle(restarted);
    expect((await restarted.fetchAuthSession()).identityId).toBeUndefined();
  });
});

describe('a refresh whose record cannot be written, while another context signs in', () => {
  it("leaves the newer record another context wrote meanwhile: the other user is not signed out everywhere", async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const shared = createMemoryStorage();
    // A's next write of the session record waits until released, then fails.
    const writesOfA = holdingSessionWrites(shared);
    const tabA = stack.engine({ storage: writesOfA.storage, persistCredentials: true });
    const tabB = stack.engine({ storage: shared, persistCredentials: true });
    await federateBoth(tabA, tabB);

    writesOfA.hold({ fail: true });
    await tabA.fetchAuthSession({ forceRefresh: true });
    await until(() => writesOfA.waiting === 1, "A's refreshed record to be on its way to storage");
    // Later, B signs in as bob: its record is newer than A's pending write.
    await stack.clock.advance(1_000);
    const bob = await tabB.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'bob' }), provider: stack.issuer.loginsKey });
    const bobsRecord = await shared.getItem(sessionKey('default', stack.pool.identityPoolId));
    writesOfA.release();
    await until(() => stack!.events.some((event) => event.type === 'sessionStorage_failure'), "A's failed write to be reported");
    await untilIdle(tabA);

    expect(await shared.getItem(sessionKey('default', stack.pool.identityPoolId))).toBe(bobsRecord);
    const restarted = stack.engine({ storage: shared, persistCredentials: true });
    await untilIdle(restarted);
    expect((await restarted.fetchAuthSession()).identityId).toBe(bob.identityId);
  });
});
