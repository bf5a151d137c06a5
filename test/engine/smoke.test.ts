import { expect, it } from 'vitest';
import { startEngineStack } from '../support/engine-stack';

it('federates, fetches and clears against the local pool', async () => {
  const stack = await startEngineStack();
  try {
    const auth = stack.engine();
    const token = await stack.issuer.mintToken({ sub: 'alice' });
    const result = await auth.federateToIdentityPool({ token, provider: stack.issuer.loginsKey });
    expect(result.identityId).toMatch(/^us-east-1:/);
    const session = await auth.fetchAuthSession();
    expect(session.credentials?.accessKeyId).toBe(result.credentials.accessKeyId);
    await auth.clearFederationToIdentityPool();
    expect((await auth.fetchAuthSession()).credentials).toBeUndefined();
    expect(stack.events.map((e) => e.type)).toEqual(['federatedToIdentityPool', 'federationToIdentityPoolCleared']);
    expect(stack.pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });
  } finally {
    await stack.close();
  }
});
