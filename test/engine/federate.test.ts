import { CognitoIdentityClient, GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEVELOPER_PROVIDER_NAME, LOCAL_DEVELOPER_CREDENTIALS } from '../../src/local/index';
import { NotAuthorizedException } from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';

let stack: EngineStack;
beforeEach(async () => {
  stack = await startEngineStack();
});
afterEach(async () => {
  await stack.close();
});

describe('federateToIdentityPool', () => {
  it('runs GetId then GetCredentialsForIdentity for an OIDC token and returns the identity and credentials', async () => {
    const auth = stack.engine();
    const token = await stack.issuer.mintToken({ sub: 'alice' });
    const { identityId, credentials } = await auth.federateToIdentityPool({ token, provider: stack.issuer.loginsKey });

    expect(identityId).toMatch(/^us-east-1:[0-9a-f-]{36}$/);
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    expect(credentials.secretAccessKey.length).toBeGreaterThan(20);
    expect(credentials.sessionToken.length).toBeGreaterThan(20);
    expect(credentials.expiration.getTime()).toBeGreaterThan(stack.clock.now());
    expect(stack.pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });
    expect(auth.actor.getSnapshot().matches('federated')).toBe(true);
    expect(stack.events.filter((e) => e.type === 'federatedToIdentityPool')).toEqual([
      { type: 'federatedToIdentityPool', identityId, provider: stack.issuer.loginsKey, expiration: credentials.expiration.getTime() },
    ]);
  });

  it('keeps the identity id when the same subject federates again (no second GetId)', async () => {
    const auth = stack.engine();
    const first = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    const second = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice', nonce: 'n2' }), provider: stack.issuer.loginsKey });
    expect(second.identityId).toBe(first.identityId);
    expect(second.credentials.accessKeyId).not.toBe(first.credentials.accessKeyId);
    expect(stack.pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 2 });
  });

  it("gives another user's token its own GetId and identity", async () => {
    const auth = stack.engine();
    const alice = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    const bob = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'bob' }), provider: stack.issuer.loginsKey });
    expect(bob.identityId).not.toBe(alice.identityId);
    expect(stack.pool.stats().requests.GetId).toBe(2);
    expect((await auth.fetchAuthSession()).identityId).toBe(bob.identityId);
  });

  it('tries the known identity for an opaque token and falls back to GetId when Cognito refuses it', async () => {
    const auth = stack.engine();
    const first = await auth.federateToIdentityPool({ token: 'fb-user-1:token-abc', provider: 'facebook' });
    expect(stack.pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 1 });

    // Same Facebook user, new access token: the known identity is tried first and works.
    const again = await auth.federateToIdentityPool({ token: 'fb-user-1:token-def', provider: 'facebook' });
    expect(again.identityId).toBe(first.identityId);
    expect(stack.pool.stats().requests).toEqual({ GetId: 1, GetCredentialsForIdentity: 2 });

    // Another Facebook user: the known identity is refused, so GetId runs and a new identity comes back.
    const other = await auth.federateToIdentityPool({ token: 'fb-user-2:token-xyz', provider: 'facebook' });
    expect(other.identityId).not.toBe(first.identityId);
    expect(stack.pool.stats().requests).toEqual({ GetId: 2, GetCredentialsForIdentity: 4 });
    expect(stack.pool.stats().errors.GetCredentialsForIdentity).toEqual({ NotAuthorizedException: 1 });
  });

  it('federates a developer-authenticated identity with GetCredentialsForIdentity only', async () => {
    // The app's backend gets the OpenID token with its IAM credentials, as in AWS.
    const backend = new CognitoIdentityClient({ region: stack.pool.region, endpoint: stack.pool.endpoint, credentials: LOCAL_DEVELOPER_CREDENTIALS });
    const { IdentityId, Token } = await backend.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: { [DEFAULT_DEVELOPER_PROVIDER_NAME]: 'user-42' } }),
    );
    backend.destroy();
    stack.pool.resetStats();

    const auth = stack.engine();
    const result = await auth.federateToIdentityPool({ token: Token!, provider: 'developer', options: { developerProvidedIdentityId: IdentityId! } });
    expect(result.identityId).toBe(IdentityId);
    expect(stack.pool.stats().requests).toEqual({ GetCredentialsForIdentity: 1 });
    expect((await auth.fetchAuthSession()).federatedProvider).toBe('cognito-identity.amazonaws.com');
  });

  it('rejects a token Cognito refuses with NotAuthorizedException and stays signed out', async () => {
    const auth = stack.engine();
    const expired = await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: -60 });
    const failure = auth.federateToIdentityPool({ token: expired, provider: stack.issuer.loginsKey });
    await expect(failure).rejects.toBeInstanceOf(NotAuthorizedException);
    await expect(failure).rejects.toMatchObject({ name: 'NotAuthorizedException', message: expect.stringContaining('expired') });
    expect(auth.actor.getSnapshot().matches('signedOut')).toBe(true);
    expect(stack.events.map((e) => e.type)).toEqual(['federationToIdentityPool_failure']);
  });

  it('keeps the earlier valid session when a later federation fails', async () => {
    const auth = stack.engine();
    const alice = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
    const badAudience = await stack.issuer.mintToken({ sub: 'bob' }, { audience: 'someone-else' });
    await expect(auth.federateToIdentityPool({ token: badAudience, provider: stack.issuer.loginsKey })).rejects.toMatchObject({
      name: 'NotAuthorizedException',
      recoverySuggestion: expect.any(String),
    });
    expect(auth.actor.getSnapshot().matches('federated')).toBe(true);
    const session = await auth.fetchAuthSession();
    expect(session.identityId).toBe(alice.identityId);
    expect(session.credentials).toEqual(alice.credentials);
  });

  it('maps provider short names to Logins keys', async () => {
    const { providerLoginsKeys } = await import('../../src/index');
    expect(providerLoginsKeys).toEqual({
      google: 'accounts.google.com',
      facebook: 'graph.facebook.com',
      amazon: 'www.amazon.com',
      apple: 'appleid.apple.com',
      developer: 'cognito-identity.amazonaws.com',
    });
  });
});
