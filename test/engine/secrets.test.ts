import { inspect } from 'node:util';
import { afterEach, expect, it } from 'vitest';
import type { InspectionEvent } from 'xstate';
import { Secret } from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { everyRendering, expectNoSecrets } from '../support/secret-scan';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

it('Secret prints [redacted] every way it can be printed', () => {
  const secret = new Secret('super-secret-token-value');
  expect(JSON.stringify({ secret })).toBe('{"secret":"[redacted]"}');
  expect(String(secret)).toBe('[redacted]');
  expect(`${secret}`).toBe('[redacted]');
  expect(inspect({ secret })).toBe('{ secret: [redacted] }');
  expect(Object.keys(secret)).toEqual([]);
  expect(JSON.stringify(structuredClone({ secret }))).not.toContain('super-secret');
  expect(secret.reveal()).toBe('super-secret-token-value');
});

it('no token, secret key or session token appears in events, state, snapshots, inspection or errors across a whole session', async () => {
  stack = await startEngineStack({ allowUnauthenticated: true, credentialsTtlSeconds: 600 });
  const inspection: string[] = [];
  const errors: unknown[] = [];
  const tokens: string[] = [];
  const refreshed = { count: 0 };
  const auth = stack.engine({
    allowGuestAccess: true,
    refreshAheadMs: 60_000,
    retry: { maxAttempts: 1 },
    // What an inspector serialises: JSON of the event, snapshot and action; plus util.inspect of
    // the parts that hold data (the snapshot's machine definition is megabytes and holds none).
    inspect: (event: InspectionEvent) => {
      const { actorRef: _actor, ...serialisable } = event as InspectionEvent & { sourceRef?: unknown };
      inspection.push(JSON.stringify({ ...serialisable, sourceRef: undefined }));
      const snapshot = 'snapshot' in event ? (event.snapshot as { context?: unknown }) : undefined;
      inspection.push(inspect({ event: 'event' in event ? event.event : undefined, context: snapshot?.context }, { depth: 12 }));
    },
    refreshHandlers: {
      [stack.issuer.loginsKey]: async () => {
        refreshed.count += 1;
        const token = await stack!.issuer.mintToken({ sub: 'alice' });
        tokens.push(token);
        return { token };
      },
    },
  });
  const secrets: string[] = [];
  const collect = (credentials?: { secretAccessKey: string; sessionToken: string }) => {
    if (credentials) secrets.push(credentials.secretAccessKey, credentials.sessionToken);
  };

  collect((await auth.fetchAuthSession()).credentials); // guest
  const first = await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 30 });
  tokens.push(first);
  collect((await auth.federateToIdentityPool({ token: first, provider: stack.issuer.loginsKey })).credentials);
  collect((await auth.fetchAuthSession({ forceRefresh: true })).credentials);
  // Let the provider token expire so the refresh handler runs, then refresh.
  await stack.clock.advance(60_000);
  collect((await auth.fetchAuthSession({ forceRefresh: true })).credentials);
  expect(refreshed.count).toBeGreaterThan(0);

  const rejected = await stack.issuer.mintToken({ sub: 'mallory' }, { audience: 'wrong' });
  tokens.push(rejected);
  await auth.federateToIdentityPool({ token: rejected, provider: stack.issuer.loginsKey }).catch((error: unknown) => errors.push(error));
  stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'internal' });
  await auth.fetchAuthSession({ forceRefresh: true }).catch((error: unknown) => errors.push(error));
  await auth.federateToIdentityPool({ token: 'garbage', provider: stack.issuer.loginsKey }).catch((error: unknown) => errors.push(error));
  await auth.clearFederationToIdentityPool();

  expect(errors.length).toBe(3);
  expect(inspection.length).toBeGreaterThan(20);
  expectNoSecrets(
    {
      events: everyRendering(stack.events),
      states: everyRendering(stack.states),
      snapshot: JSON.stringify(auth.actor.getSnapshot()) + inspect(auth.actor.getSnapshot().context, { depth: 12 }),
      persistedSnapshot: everyRendering(auth.actor.getPersistedSnapshot()),
      inspection: inspection.join('\n'),
      errors: errors.map((error) => everyRendering(error)).join('\n'),
    },
    [...secrets, ...tokens, 'garbage-never-appears-check'],
  );
});
