import { afterEach, expect, it } from 'vitest';
import { createMemoryStorage, type Auth, type KeyValueStorage } from '../../src/index';
import { startEngineStack, untilIdle, untilState, type EngineStack } from '../support/engine-stack';

// A server keeps many engines on one shared storage (one per request, all following one
// session). When their credentials come due together, the process should make one lease attempt
// and one wait between them, not one each: with Redis, every attempt and poll is a round trip.

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const ENGINES = 20;

/** A memory storage that counts lease attempts, reads and writes of the session record; every engine is given this one object. */
function countingStorage() {
  const inner = createMemoryStorage();
  const counts = { leaseAttempts: 0, sessionReads: 0, sessionWrites: 0 };
  const storage: Required<KeyValueStorage> = {
    async getItem(key) {
      if (key.endsWith('.session')) counts.sessionReads += 1;
      return inner.getItem(key);
    },
    async setItem(key, value) {
      if (key.endsWith('.session')) counts.sessionWrites += 1;
      return inner.setItem(key, value);
    },
    removeItem: (key) => inner.removeItem(key),
    subscribe: (listener) => inner.subscribe(listener),
    tryAcquireLease(key, ttlMs) {
      counts.leaseAttempts += 1;
      return inner.tryAcquireLease(key, ttlMs);
    },
    close: () => Promise.resolve(),
  };
  return { storage, counts };
}

/**
 * ENGINES engines on one storage, federated by the first and following it. The first refreshes
 * `leadMs` before the others (`refreshAheadMs`), so that it is the one to take the lease.
 */
async function fleetDueTogether(leadMs = 0) {
  stack = await startEngineStack({ credentialsTtlSeconds: 600 });
  const { storage, counts } = countingStorage();
  const engines: Auth[] = [];
  for (let i = 0; i < ENGINES; i++) engines.push(stack.engine({ storage, persistCredentials: true, refreshAheadMs: 300_000 - (i === 0 ? 0 : leadMs) }));
  await engines[0]!.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 86_400 }), provider: stack.issuer.loginsKey });
  for (const auth of engines) await untilState(auth, 'federated');
  stack.pool.resetStats();
  counts.leaseAttempts = 0;
  counts.sessionReads = 0;
  counts.sessionWrites = 0;
  const before = await engines[0]!.fetchAuthSession();
  return { engines, counts, before, storage };
}

// Between the timers of one clock step, only microtasks run: every engine's timer fires before
// any I/O (a Cognito answer) can complete, as when they fire in the same instant on a busy server.
const settle = () => Promise.resolve();

it(`${ENGINES} engines of one process due together: one Cognito refresh, one lease attempt, and all get the new credentials`, async () => {
  const { engines, counts, before } = await fleetDueTogether();
  // Every engine's refresh-ahead timer fires in this one step of the clock.
  await stack!.clock.advance(600_000 - 300_000 + 1_000, settle);
  for (const auth of engines) await untilIdle(auth);
  expect(stack!.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 1 });
  expect(counts.leaseAttempts).toBe(1);
  // The lease holder looks once for a peer's newer record; nobody else polls.
  expect(counts.sessionReads).toBeLessThanOrEqual(2);
  // The leader writes the new record; the engines that took its credentials do not write them again.
  expect(counts.sessionWrites).toBe(1);
  const sessions = await Promise.all(engines.map((auth) => auth.fetchAuthSession()));
  const keys = new Set(sessions.map((session) => session.credentials!.accessKeyId));
  expect(keys.size).toBe(1);
  expect(keys.has(before.credentials!.accessKeyId)).toBe(false);
});

it('the engine that took the lease is stopped mid-refresh: the others carry on, and one of them refreshes', async () => {
  const { engines, counts, before } = await fleetDueTogether(1_000);
  const [leader, ...rest] = engines;
  stack!.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'latency', delayMs: 300 });
  // The first engine's timer fires alone and takes the lease; a second later the others join it.
  await stack!.clock.advance(600_000 - 300_000, settle);
  expect(counts.leaseAttempts).toBe(1);
  await stack!.clock.advance(1_000, settle);
  expect(counts.leaseAttempts).toBe(1);
  await leader!.stop();
  for (const auth of rest) await untilIdle(auth);
  // The stopped leader's request may have reached the pool; one more from the others, no more.
  expect(stack!.pool.stats().requests.GetCredentialsForIdentity).toBeLessThanOrEqual(2);
  expect(counts.leaseAttempts).toBe(2);
  const sessions = await Promise.all(rest.map((auth) => auth.fetchAuthSession()));
  expect(new Set(sessions.map((session) => session.credentials!.accessKeyId)).size).toBe(1);
  expect(sessions[0]!.credentials!.accessKeyId).not.toBe(before.credentials!.accessKeyId);
});

it("a failed refresh is every waiting engine's failure: one request, not one each, and the valid credentials stay", async () => {
  const { engines, counts, before } = await fleetDueTogether();
  stack!.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'internal' }); // the next request only
  // To the refresh instant and no further: the retry after the failure is not due yet.
  await stack!.clock.advance(600_000 - 300_000, settle);
  for (const auth of engines) await untilIdle(auth);
  expect(stack!.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 1 });
  expect(counts.leaseAttempts).toBe(1);
  const failures = stack!.events.filter((event) => event.type === 'credentialsRefresh_failure');
  expect(failures).toHaveLength(ENGINES);
  expect(failures.every((event) => event.type === 'credentialsRefresh_failure' && event.error.name === 'InternalErrorException')).toBe(true);
  const sessions = await Promise.all(engines.map((auth) => auth.fetchAuthSession()));
  expect(sessions.every((session) => session.credentials!.accessKeyId === before.credentials!.accessKeyId)).toBe(true);
});
