import { afterEach, expect, it } from 'vitest';
import { startEngineStack, type EngineStack } from '../support/engine-stack';

// Found by the fault matrix (test/faults, "guest fetch" column): a forced guest fetch whose
// GetCredentialsForIdentity fails goes to signedOut.idle (fetchingGuestCredentials.gettingCredentials
// onError), where FETCH always calls Cognito again. The guest credentials held from before are
// still valid but are never served again: while Cognito keeps failing, the app has none, and even
// when it answers, every caller waits for the network although valid credentials exist.

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

it('keeps serving valid guest credentials after a forced guest refresh failed', async () => {
  stack = await startEngineStack({ allowUnauthenticated: true, credentialsTtlSeconds: 3_600 });
  const auth = stack.engine({ allowGuestAccess: true });
  const guest = await auth.fetchAuthSession();
  stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'internal', times: 2 });
  await expect(auth.fetchAuthSession({ forceRefresh: true })).rejects.toMatchObject({ name: 'InternalErrorException' });
  stack.pool.resetStats();
  const next = await auth.fetchAuthSession().catch((error: Error) => ({ rejected: error.name }));
  expect(next).toMatchObject({ identityId: guest.identityId, credentials: { accessKeyId: guest.credentials!.accessKeyId } });
  expect(stack.pool.stats().requests).toEqual({});
});
