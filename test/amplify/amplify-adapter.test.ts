import { Amplify } from 'aws-amplify';
import { fetchAuthSession } from 'aws-amplify/auth';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuth, createMemoryStorage, NotAuthorizedException } from '../../src/index';
import { createAmplifyAuth, createAmplifyCredentialsProvider, federatedUserKey, type AmplifyAuth, type AuthHubCapsule } from '../../src/amplify/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';

let stack: EngineStack | undefined;
const adapters: AmplifyAuth[] = [];
afterEach(async () => {
  await Promise.all(adapters.splice(0).map((adapter) => adapter.stop()));
  await stack?.close();
  stack = undefined;
});

async function setup(options: { allowGuestAccess?: boolean; storage?: ReturnType<typeof createMemoryStorage> } = {}) {
  stack = await startEngineStack({ allowUnauthenticated: options.allowGuestAccess === true });
  const adapter = createAmplifyAuth({
    identityPoolId: stack.pool.identityPoolId,
    endpoint: stack.pool.endpoint,
    clock: stack.clock,
    ...options,
  });
  adapters.push(adapter);
  return { stack, adapter };
}

function configureAmplify(identityPoolId: string, credentialsProvider: AmplifyAuth['credentialsProvider']): void {
  // Typed as Amplify's own LibraryOptions: the adapter's provider must fit Amplify's interface.
  const libraryOptions: Parameters<typeof Amplify.configure>[1] = { Auth: { credentialsProvider } };
  Amplify.configure({ Auth: { Cognito: { identityPoolId, allowGuestAccess: false } } }, libraryOptions);
}

describe('Amplify v6 through the credentials provider', () => {
  it("aws-amplify's fetchAuthSession() returns idpool's credentials and identity id, from idpool's cache", async () => {
    const { stack, adapter } = await setup();
    configureAmplify(stack.pool.identityPoolId, adapter.credentialsProvider);

    expect(await fetchAuthSession()).toMatchObject({ credentials: undefined, identityId: undefined });

    const token = await stack.issuer.mintToken({ sub: 'alice' });
    const federated = await adapter.federateToIdentityPool({ token, provider: stack.issuer.loginsKey });
    const before = stack.pool.stats().requests.GetCredentialsForIdentity ?? 0;

    const [first, second] = await Promise.all([fetchAuthSession(), fetchAuthSession()]);
    expect(first.identityId).toBe(federated.identityId);
    expect(first.credentials?.accessKeyId).toBe(federated.credentials.accessKeyId);
    expect(first.credentials?.expiration?.getTime()).toBe(federated.credentials.expiration.getTime());
    expect(second.credentials?.accessKeyId).toBe(federated.credentials.accessKeyId);
    expect(stack.pool.stats().requests.GetCredentialsForIdentity).toBe(before);

    // The credentials Amplify hands out really sign AWS requests as that identity.
    const sts = new STSClient({ region: stack.pool.region, endpoint: stack.pool.endpoint, credentials: first.credentials!, maxAttempts: 1 });
    const caller = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    // As on AWS, STS answers with the authenticated role and Cognito's session name (never the identity id).
    expect(caller.Arn).toMatch(/:assumed-role\/Cognito_idpoolAuth_Role\/CognitoIdentityCredentials$/);
    expect(caller.UserId).toMatch(/^AROA\w+:CognitoIdentityCredentials$/);

    const forced = await fetchAuthSession({ forceRefresh: true });
    expect(forced.credentials?.accessKeyId).not.toBe(federated.credentials.accessKeyId);
    expect(stack.pool.stats().requests.GetCredentialsForIdentity).toBe(before + 1);
  });

  it("Amplify's clearCredentials() (what its signOut calls) clears the idpool federation", async () => {
    const { stack, adapter } = await setup();
    configureAmplify(stack.pool.identityPoolId, adapter.credentialsProvider);
    await adapter.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'bob' }), provider: stack.issuer.loginsKey });
    const cleared = new Promise<void>((resolve) => adapter.listen('auth', ({ payload }) => payload.event === 'federationToIdentityPoolCleared' && resolve()));
    await Amplify.clearCredentials();
    await cleared;
    expect((await fetchAuthSession()).credentials).toBeUndefined();
  });

  it('createAmplifyCredentialsProvider works over an engine made with createAuth', async () => {
    stack = await startEngineStack({ allowUnauthenticated: true });
    const auth = stack.engine({ allowGuestAccess: true });
    configureAmplify(stack.pool.identityPoolId, createAmplifyCredentialsProvider(auth));
    const guest = await fetchAuthSession();
    expect(guest.identityId).toMatch(/^us-east-1:/);
    expect(guest.credentials?.accessKeyId).toMatch(/^ASIA/);
  });
});

describe('Amplify v5 shapes', () => {
  it('federatedSignIn → currentAuthenticatedUser → currentCredentials, user kept in the engine storage', async () => {
    const storage = createMemoryStorage();
    const { stack, adapter } = await setup({ storage });
    const user = { name: 'Alice', email: 'alice@example.com' };
    await expect(adapter.currentAuthenticatedUser()).rejects.toBeInstanceOf(NotAuthorizedException);

    const expiresAt = stack.clock.now() + 3_600_000;
    const credentials = await adapter.federatedSignIn('graph.facebook.com', { token: 'fb-alice:access-token-1', expires_at: expiresAt }, user);
    expect(credentials).toMatchObject({ authenticated: true, identityId: expect.stringMatching(/^us-east-1:/) });
    expect(credentials.sessionToken.length).toBeGreaterThan(20);
    expect(await adapter.currentAuthenticatedUser()).toEqual(user);

    const current = await adapter.currentCredentials();
    expect(current).toEqual(credentials);

    const key = federatedUserKey('default', stack.pool.identityPoolId);
    expect(JSON.parse((await storage.getItem(key)) ?? 'null')).toEqual({ identityId: credentials.identityId, user });

    // A second engine on the same storage (a reload) restores the session and the user.
    const reloaded = createAmplifyAuth({ identityPoolId: stack.pool.identityPoolId, endpoint: stack.pool.endpoint, clock: stack.clock, storage });
    adapters.push(reloaded);
    expect(await reloaded.currentAuthenticatedUser()).toEqual(user);

    await adapter.clearFederationToIdentityPool();
    expect(await storage.getItem(key)).toBeNull();
    await expect(adapter.currentAuthenticatedUser()).rejects.toMatchObject({ name: 'NotAuthorizedException', message: 'The user is not authenticated.' });
    await expect(adapter.currentCredentials()).rejects.toBeInstanceOf(NotAuthorizedException);
  });

  it('keeps the user in its namespace and never hands it out for another identity', async () => {
    const storage = createMemoryStorage();
    stack = await startEngineStack();
    const adapter = createAmplifyAuth({ identityPoolId: stack.pool.identityPoolId, endpoint: stack.pool.endpoint, clock: stack.clock, storage, namespace: 'app1' });
    adapters.push(adapter);
    await adapter.federatedSignIn('facebook', { token: 'fb-carol:t' }, { name: 'Carol' });
    expect(await storage.getItem(federatedUserKey('app1', stack.pool.identityPoolId))).toContain('Carol');
    await adapter.federateToIdentityPool({ token: 'fb-dave:t', provider: 'facebook' });
    await expect(adapter.currentAuthenticatedUser()).rejects.toBeInstanceOf(NotAuthorizedException);
  });

  it('currentCredentials serves guest credentials as unauthenticated', async () => {
    const { adapter } = await setup({ allowGuestAccess: true });
    expect(await adapter.currentCredentials()).toMatchObject({ authenticated: false, identityId: expect.stringMatching(/^us-east-1:/) });
  });

  it('rejects bad input with typed errors', async () => {
    const { adapter } = await setup();
    await expect(adapter.federatedSignIn('facebook', null as never)).rejects.toBeInstanceOf(TypeError);
    await expect(adapter.federatedSignIn('facebook', { token: 'fb-x:t', expires_at: 'soon' as never })).rejects.toThrow(/expires_at/);
    await expect(adapter.federatedSignIn('nope', { token: 'x' })).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(() => adapter.listen('storage' as 'auth', () => undefined)).toThrow(TypeError);
  });
});

describe("listen('auth')", () => {
  it('receives idpool events as Hub payloads, without secrets, until unsubscribed', async () => {
    const { stack, adapter } = await setup();
    const seen: AuthHubCapsule[] = [];
    const unsubscribe = adapter.listen('auth', (capsule) => seen.push(capsule));
    const token = await stack.issuer.mintToken({ sub: 'erin' });
    const credentials = await adapter.federatedSignIn(stack.issuer.loginsKey, { token });
    await adapter.clearFederationToIdentityPool();
    unsubscribe();
    await adapter.federateToIdentityPool({ token, provider: stack.issuer.loginsKey });

    expect(seen.map((capsule) => capsule.payload.event)).toEqual(['federatedToIdentityPool', 'federationToIdentityPoolCleared']);
    expect(seen[0]).toMatchObject({
      channel: 'auth',
      source: 'idpool',
      payload: { event: 'federatedToIdentityPool', data: { identityId: credentials.identityId, provider: stack.issuer.loginsKey, expiration: expect.any(Number) } },
    });
    const text = JSON.stringify(seen);
    for (const secret of [token, credentials.secretAccessKey, credentials.sessionToken]) expect(text).not.toContain(secret);
  });
});

it('the adapter fits a hand-built engine too (createAuth + createAmplifyCredentialsProvider)', () => {
  const auth = createAuth({ identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000' });
  const provider = createAmplifyCredentialsProvider(auth);
  expect(typeof provider.getCredentialsAndIdentityId).toBe('function');
  return auth.stop();
});
