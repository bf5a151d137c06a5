import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStorage, type AuthOptions, type KeyValueStorage } from '../../src/index';
import { refreshLeaseKey, sessionKey } from '../../src/session/session-store';
import { CallGate, untilHeld } from '../support/call-gate';
import { startEngineStack, untilIdle, untilState, type EngineStack } from '../support/engine-stack';
import { createGatedTransport } from '../support/gated-transport';
import { GENEROUS_BOUND_MS, until } from '../support/generous-bound';
import { SlowStorage } from '../sessions/slow-storage';

// Attacks on the per-process single flight of shared-session refreshes (refreshWithLease) and
// on the refresh lease the store now keeps until its next operation. What is attacked: a joiner
// never keeps credentials of a session cleared meanwhile, no flight outlives its refresh, and
// the lease is let go.

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

// Between timers of one clock step only microtasks run (as in test/sessions/one-flight-per-process).
const settle = () => Promise.resolve();

/** Whether `check` comes true within the generous real-time bound (polled; never measured). */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + GENEROUS_BOUND_MS;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A leader whose Cognito calls wait at `gate` and a joiner, on `storage`, federated as alice; then
 * the leader's refresh is out (held at the gate) and the joiner, due a second later, has joined it.
 */
async function flightWithJoiner(storage: KeyValueStorage, gate: CallGate, others: Array<Partial<AuthOptions>> = []) {
  stack = await startEngineStack({ credentialsTtlSeconds: 600 });
  const pool = stack.pool;
  const transport = createGatedTransport({ region: pool.region, endpoint: pool.endpoint }, gate);
  const leader = stack.engine({ storage, persistCredentials: true, refreshAheadMs: 300_000, transport });
  const joiner = stack.engine({ storage, persistCredentials: true, refreshAheadMs: 299_000 });
  const rest = others.map((options) => stack!.engine({ storage, persistCredentials: true, ...options }));
  const federating = leader.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
  (await untilHeld(gate, 'GetId')).release();
  (await untilHeld(gate, 'GetCredentialsForIdentity')).release();
  const alice = await federating;
  for (const auth of [joiner, ...rest]) await untilState(auth, 'federated');

  await stack.clock.advance(300_000, settle);
  const leaderCall = await untilHeld(gate, 'GetCredentialsForIdentity');
  await stack.clock.advance(1_000, settle);
  expect(joiner.actor.getSnapshot().matches('refreshing')).toBe(true);
  return { pool, leader, joiner, rest, alice, leaderCall };
}

describe('a joiner of a flight whose session was cleared meanwhile', () => {
  it('does not keep the cleared session: another engine cleared it while the flight was out, and its notice was lost', async () => {
    const shared = createMemoryStorage();
    // One storage object for the three engines (so they share flights); its notices can be lost.
    const storage = new SlowStorage(shared);
    const gate = new CallGate();
    // A leads (its timer fires first; its GetCredentialsForIdentity waits at the gate), B joins
    // a second later, C (not due) clears.
    const { pool, leader, joiner, rest, alice, leaderCall } = await flightWithJoiner(storage, gate, [{ refreshAheadMs: 60_000 }]);
    const clearer = rest[0]!;

    // C clears alice's session; A and B never hear of it (a lost notice, as on a flaky link).
    storage.holdNotices();
    await clearer.clearFederationToIdentityPool();
    storage.dropNotices();
    expect(await shared.getItem(sessionKey('default', pool.identityPoolId))).toBeNull();

    leaderCall.release();
    await until(() => gate.inFlight === 0 && gate.held().length === 0, "the leader's request to be answered");
    for (const auth of [leader, joiner]) await untilIdle(auth);
    // The leader's own write finds the session cleared in storage and drops it (the lost-notice rule).
    await untilState(leader, 'cleared');
    expect(pool.stats().requests.GetCredentialsForIdentity).toBe(2);
    // The joiner took the leader's credentials (minted after the clear) and, since it does not
    // write them, never checks for the clear: it must not go on serving the cleared session.
    const dropped = await eventually(async () => {
      const served = await joiner.fetchAuthSession();
      return !(served.identityId === alice.identityId && served.credentials !== undefined);
    });
    expect(dropped).toBe(true);
  });
  it('does not get the session back when the engine that led the flight clears it (the flight is cancelled; the joiner may lead a new one)', async () => {
    const storage = createMemoryStorage();
    const { pool, leader, joiner } = await flightWithJoiner(storage, new CallGate());

    await leader.clearFederationToIdentityPool();
    await untilState(joiner, 'cleared');
    await untilIdle(joiner);
    await stack!.clock.advance(60_000);
    expect((await joiner.fetchAuthSession()).credentials).toBeUndefined();
    expect((await leader.fetchAuthSession()).credentials).toBeUndefined();
    expect(await storage.getItem(sessionKey('default', pool.identityPoolId))).toBeNull();
  });
});

describe('flights end with their refresh', () => {
  it('a failed flight is not left behind: an engine refreshing the same session afterwards makes a request of its own and succeeds', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const storage = createMemoryStorage();
    const engines = [0, 1, 2].map(() => stack!.engine({ storage, persistCredentials: true, refreshAheadMs: 300_000 }));
    await engines[0]!.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    for (const auth of engines) await untilState(auth, 'federated');
    stack.pool.resetStats();
    const before = await engines[0]!.fetchAuthSession();
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'internal' }); // the next request only
    await stack.clock.advance(300_000, settle);
    for (const auth of engines) await untilIdle(auth);
    expect(stack.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 1 });
    expect(stack.events.filter((event) => event.type === 'credentialsRefresh_failure')).toHaveLength(engines.length);
    // A new engine of the process follows the same session and refreshes it now: a flight left in
    // the map would hand it the old InternalErrorException without a request.
    const late = stack.engine({ storage, persistCredentials: true, refreshAheadMs: 300_000 });
    await untilState(late, 'federated');
    const forced = await late.fetchAuthSession({ forceRefresh: true });
    expect(stack.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 2 });
    expect(forced.identityId).toBe(before.identityId);
    expect(forced.credentials!.accessKeyId).not.toBe(before.credentials!.accessKeyId);
  });
});

describe('the refresh lease handed to the store', () => {
  it.each([true, false])('is let go once the refresh is stored (persistCredentials: %s; with false the record does not change)', async (persistCredentials) => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const clock = stack.clock;
    // Lease lifetimes on the test clock, which stands still: only a release frees the lease.
    const shared = createMemoryStorage({ now: () => clock.now() });
    const auth = stack.engine({ storage: shared, persistCredentials });
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    await auth.fetchAuthSession({ forceRefresh: true });
    await untilIdle(auth);
    const key = refreshLeaseKey('default', stack.pool.identityPoolId);
    expect(await eventually(async () => (await shared.tryAcquireLease(key, 60_000)) !== null)).toBe(true);
  });

  it('is let go when the engine stops while its refreshed record is still being written', async () => {
    stack = await startEngineStack({ credentialsTtlSeconds: 600 });
    const clock = stack.clock;
    const shared = createMemoryStorage({ now: () => clock.now() });
    let hold: Promise<void> | undefined;
    let letGo = () => {};
    const storage: KeyValueStorage = {
      getItem: (key) => shared.getItem(key),
      async setItem(key, value) {
        if (hold && key.endsWith('.session')) await hold;
        return shared.setItem(key, value);
      },
      removeItem: (key) => shared.removeItem(key),
      subscribe: (listener) => shared.subscribe(listener),
      tryAcquireLease: (key, ttlMs) => shared.tryAcquireLease(key, ttlMs),
    };
    const auth = stack.engine({ storage, persistCredentials: true });
    await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
    hold = new Promise<void>((resolve) => (letGo = resolve));
    await auth.fetchAuthSession({ forceRefresh: true });
    const key = refreshLeaseKey('default', stack.pool.identityPoolId);
    // Held while the refreshed record is on its way.
    expect(await shared.tryAcquireLease(key, 60_000)).toBeNull();
    const stopped = auth.stop();
    letGo();
    await stopped;
    expect(await shared.tryAcquireLease(key, 60_000)).not.toBeNull();
  });
});
