import { CognitoIdentityClient, GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { afterEach, expect, it } from 'vitest';
import type { CredentialsAndIdentityIdProvider, GetCredentialsOptions } from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** The app's own provider, as Amplify's "custom credentials provider" docs write one: GetId + GetCredentialsForIdentity. */
function appProvider(stackRef: EngineStack, calls: GetCredentialsOptions[], cleared: { count: number }): CredentialsAndIdentityIdProvider {
  const cognito = new CognitoIdentityClient({ region: stackRef.pool.region, endpoint: stackRef.pool.endpoint, maxAttempts: 1 });
  return {
    async getCredentialsAndIdentityId(options) {
      calls.push(options);
      const Logins = options.tokens ? { [options.tokens.loginsKey]: options.tokens.idToken } : undefined;
      const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: stackRef.pool.identityPoolId, Logins }));
      const { Credentials } = await cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
      return {
        identityId: IdentityId!,
        credentials: { accessKeyId: Credentials!.AccessKeyId!, secretAccessKey: Credentials!.SecretKey!, sessionToken: Credentials!.SessionToken!, expiration: Credentials!.Expiration! },
      };
    },
    clearCredentialsAndIdentityId() {
      cleared.count += 1;
    },
  };
}

it('takes credentials from the app\'s credentialsProvider, and still caches, reports and clears them', async () => {
  stack = await startEngineStack({ allowUnauthenticated: true });
  const calls: GetCredentialsOptions[] = [];
  const cleared = { count: 0 };
  const auth = stack.engine({ credentialsProvider: appProvider(stack, calls, cleared) });

  const guest = await auth.fetchAuthSession();
  expect(guest.credentials?.accessKeyId).toMatch(/^ASIA/);
  expect(calls).toEqual([{ authenticated: false, forceRefresh: false }]);
  await auth.fetchAuthSession();
  expect(calls).toHaveLength(1);
  const afterGuest = calls.length;

  const token = await stack.issuer.mintToken({ sub: 'alice' });
  const federated = await auth.federateToIdentityPool({ token, provider: stack.issuer.loginsKey });
  // One provider call per federation: its identity and credentials answer both steps.
  expect(calls.slice(afterGuest)).toEqual([{ authenticated: true, tokens: { idToken: token, loginsKey: stack.issuer.loginsKey }, forceRefresh: false }]);
  expect((await auth.fetchAuthSession()).identityId).toBe(federated.identityId);
  const cachedCalls = calls.length;
  await auth.fetchAuthSession();
  expect(calls.length).toBe(cachedCalls);
  expect(stack.events.map((e) => e.type)).toContain('federatedToIdentityPool');

  await auth.clearFederationToIdentityPool();
  expect(cleared.count).toBe(1);
});
