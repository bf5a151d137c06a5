import { afterEach, expect, it } from 'vitest';
import { createFetchTransport, toAuthState } from '../../src/index';
import { CallGate, untilHeld } from '../support/call-gate';
import { startEngineStack, untilIdle, type EngineStack } from '../support/engine-stack';

// Found by the model-based walk (test/model, invariant "federated ⇒ identity id"):
// refreshing.fetchingCredentials gets ResourceNotFoundException → markIdentityReplaced clears
// the identity id → refreshing.gettingId fails (here InternalErrorException) →
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
  return { stack, auth, identityId };
}

it('keeps an identity id while federated after GetId failed to replace a deleted identity', async () => {
  const { auth, identityId } = await federatedThenFailedReplacement();
  // The replacement failed: the identity held is still the one the credentials belong to.
  expect(toAuthState(auth.actor.getSnapshot())).toMatchObject({ value: 'federated', identityId });
  const session = await auth.fetchAuthSession();
  expect(session.credentials).toBeDefined();
  expect(session.identityId).toBe(identityId);
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
  const { pool } = stack;
  // GetId waits at the gate once armed, so the test looks at the engine while the replacement runs.
  const gate = new CallGate();
  let holdGetId = false;
  const transport = createFetchTransport({
    region: pool.region,
    endpoint: pool.endpoint,
    fetch: async (input, init) => {
      if (holdGetId && new Headers(init?.headers).get('x-amz-target')?.endsWith('.GetId')) await gate.hold('GetId');
      return fetch(input, init);
    },
  });
  const auth = stack.engine({ transport });
  const { identityId } = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
  pool.forgetIdentity(identityId);
  holdGetId = true;
  const forced = auth.fetchAuthSession({ forceRefresh: true });
  const getId = await untilHeld(gate, 'GetId');
  const during = await auth.fetchAuthSession();
  expect(during.credentials).toBeDefined();
  expect(during.identityId).toBe(identityId);
  getId.release();
  expect((await forced).identityId).not.toBe(identityId);
});
