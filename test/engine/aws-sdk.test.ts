import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, expect, it } from 'vitest';
import { NotAuthorizedException } from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';

let stack: EngineStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

it('auth.awsCredentials signs real STS requests as the federated identity', async () => {
  stack = await startEngineStack();
  const auth = stack.engine();
  const { identityId } = await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
  const sts = new STSClient({ region: stack.pool.region, endpoint: stack.pool.endpoint, credentials: auth.awsCredentials, maxAttempts: 1 });
  const caller = await sts.send(new GetCallerIdentityCommand({}));
  sts.destroy();
  // As on AWS, STS names the pool's role and Cognito's session name, not the identity; the pool
  // accepted a signature made with the identity's credentials.
  expect(identityId).toMatch(/^us-east-1:/);
  expect(caller.Arn).toMatch(/:assumed-role\/Cognito_idpoolAuth_Role\/CognitoIdentityCredentials$/);
  expect(caller.UserId).toMatch(/^AROA\w+:CognitoIdentityCredentials$/);
  expect(stack.pool.stats().requests.GetCallerIdentity).toBe(1);
  expect(stack.pool.stats().requests.GetCredentialsForIdentity).toBe(1);
});

it('hands the SDK credentials with their expiration', async () => {
  stack = await startEngineStack({ credentialsTtlSeconds: 900 });
  const auth = stack.engine();
  await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
  const identity = await auth.awsCredentials();
  expect(identity.expiration?.getTime()).toBeGreaterThan(stack.clock.now() + 890_000);
  expect(identity.expiration?.getTime()).toBeLessThanOrEqual(stack.clock.now() + 900_000);
});

it('rejects with NotAuthorizedException when there is nothing to sign with', async () => {
  stack = await startEngineStack();
  await expect(stack.engine().awsCredentials()).rejects.toBeInstanceOf(NotAuthorizedException);
});

it('a clear reaches SDK clients at once: their next request has no credentials', async () => {
  stack = await startEngineStack();
  const auth = stack.engine();
  await auth.federateToIdentityPool({ token: await stack.issuer.mintToken({ sub: 'alice' }), provider: stack.issuer.loginsKey });
  const sts = new STSClient({ region: stack.pool.region, endpoint: stack.pool.endpoint, credentials: auth.awsCredentials, maxAttempts: 1 });
  await sts.send(new GetCallerIdentityCommand({}));
  await auth.clearFederationToIdentityPool();
  await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toBeInstanceOf(NotAuthorizedException);
  sts.destroy();
  expect(stack.pool.stats().requests.GetCallerIdentity).toBe(1);
});
