import { afterEach, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { startEngineStack, untilIdle, type EngineStack } from '../support/engine-stack';

// Found by the model-based walk (test/model, invariant "federated ⇒ identity id"):
// refreshing.fetchingCredentials gets ResourceNotFoundException → markIdentityReplaced clears
// context.identityId → refreshing.gettingId fails (here InternalErrorException) →
// refreshing.failed → hasValidCredentials → federated, with identityId undefined.
// From then on fetchAuthSession serves credentials without an identity id, and every refresh
// sends GetCredentialsForIdentity with IdentityId "" (a ValidationException), so the session
// cannot recover until its credentials run out.

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function federatedThenFailedReplacement() {
  stack = await startEngineStack({ credentialsTtlSeconds: 3_600 });
  const auth = stack.engine({ retry: { maxAttempts: 1 } });
  const { identityId } = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
  stack.pool.forgetIdentity(identityId);
  stack.pool.injectFault({ op: 'GetId', kind: 'internal' });
  await expect(auth.fetchAuthSession({ forceRefresh: true })).rejects.toMatchObject({ name: 'InternalErrorException' });
  await untilIdle(auth);
  return { stack, auth };
}

it('keeps an identity id while federated after GetId failed to replace a deleted identity', async () => {
  const { auth } = await federatedThenFailedReplacement();
  expect(auth.actor.getSnapshot().value).toEqual({ federated: 'idle' });
  expect(auth.actor.getSnapshot().context.identityId).toBeDefined();
  const session = await auth.fetchAuthSession();
  expect(session.credentials).toBeDefined();
  expect(session.identityId).toBeDefined();
});

it('recovers on the next refresh by running GetId again instead of sending an empty IdentityId', async () => {
  const { stack, auth } = await federatedThenFailedReplacement();
  stack.pool.resetStats();
  const refreshed = await auth.fetchAuthSession({ forceRefresh: true }).catch((error: Error) => ({ rejected: `${error.name}: ${error.message}` }));
  expect(refreshed).toMatchObject({ identityId: expect.stringMatching(/^us-east-1:/) });
  expect(stack.pool.stats().errors.GetCredentialsForIdentity ?? {}).toEqual({});
});

it('does not hand out credentials without their identity id while the identity is being replaced', async () => {
  stack = await startEngineStack({ credentialsTtlSeconds: 3_600 });
  const auth = stack.engine();
  const { identityId } = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
  stack.pool.forgetIdentity(identityId);
  stack.pool.injectFault({ op: 'GetId', kind: 'latency', delayMs: 300 });
  const forced = auth.fetchAuthSession({ forceRefresh: true }).catch(() => undefined);
  await waitFor(auth.actor, (snapshot) => snapshot.matches({ refreshing: 'gettingId' }), { timeout: 5_000 });
  const during = await auth.fetchAuthSession();
  expect(during.credentials).toBeDefined();
  expect(during.identityId).toBeDefined();
  await forced;
});
