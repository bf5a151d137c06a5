import {
  CognitoIdentityClient,
  DeveloperUserAlreadyRegisteredException,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { COGNITO_LOGINS_KEY, DEFAULT_DEVELOPER_PROVIDER_NAME, LOCAL_DEVELOPER_CREDENTIALS } from '../../src/local/index';
import { rejectionOf, startLocalStack, type LocalStack } from './local-stack';

let stack: LocalStack | undefined;
const clients: CognitoIdentityClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await stack?.close();
  stack = undefined;
});

function backend(s: LocalStack, credentials: { accessKeyId: string; secretAccessKey: string } = LOCAL_DEVELOPER_CREDENTIALS) {
  const client = new CognitoIdentityClient({ region: s.pool.region, endpoint: s.pool.endpoint, credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
}

describe('GetOpenIdTokenForDeveloperIdentity', () => {
  it('gives a stable identity per developer user and a pool token that buys credentials', async () => {
    stack = await startLocalStack();
    const dev = backend(stack);
    const ask = (user: string) =>
      dev.send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: stack!.pool.identityPoolId,
          Logins: { [DEFAULT_DEVELOPER_PROVIDER_NAME]: user },
          TokenDuration: 1200,
        }),
      );
    const first = await ask('user-42');
    expect((await ask('user-42')).IdentityId).toBe(first.IdentityId);
    expect((await ask('user-43')).IdentityId).not.toBe(first.IdentityId);

    const claims = decodeJwt(first.Token as string);
    expect(claims).toMatchObject({
      iss: 'https://cognito-identity.amazonaws.com',
      aud: stack.pool.identityPoolId,
      sub: first.IdentityId,
      amr: ['authenticated', DEFAULT_DEVELOPER_PROVIDER_NAME, `${DEFAULT_DEVELOPER_PROVIDER_NAME}:${stack.pool.identityPoolId}:user-42`],
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(1200);

    const { Credentials, IdentityId } = await stack.cognito.send(
      new GetCredentialsForIdentityCommand({ IdentityId: first.IdentityId, Logins: { [COGNITO_LOGINS_KEY]: first.Token as string } }),
    );
    expect(IdentityId).toBe(first.IdentityId);
    expect(Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it('links a developer user to an existing identity given by IdentityId, once', async () => {
    stack = await startLocalStack();
    const { issuer, pool, cognito } = stack;
    const dev = backend(stack);
    const Logins = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'jill' }) };
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins }));
    const linked = await dev.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({
        IdentityPoolId: pool.identityPoolId,
        IdentityId,
        Logins: { [DEFAULT_DEVELOPER_PROVIDER_NAME]: 'jill-backend' },
      }),
    );
    expect(linked.IdentityId).toBe(IdentityId);

    const other = await cognito.send(
      new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: { 'graph.facebook.com': 'fb-kim:t' } }),
    );
    const error = await rejectionOf(
      dev.send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: pool.identityPoolId,
          IdentityId: other.IdentityId,
          Logins: { [DEFAULT_DEVELOPER_PROVIDER_NAME]: 'jill-backend' },
        }),
      ),
    );
    expect(error).toBeInstanceOf(DeveloperUserAlreadyRegisteredException);
  });

  it('rejects a developer provider name the pool does not have', async () => {
    stack = await startLocalStack();
    const error = await rejectionOf(
      backend(stack).send(
        new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: { 'login.other.app': 'u1' } }),
      ),
    );
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error.message).toBe('This identity pool does not support the specified developer provider.');
  });

  it('honours custom developerProviderName and developerCredentials', async () => {
    const credentials = { accessKeyId: 'AKIACUSTOMDEVELOPER1', secretAccessKey: 'custom-secret-custom-secret-custom-secre' };
    stack = await startLocalStack({ developerProviderName: 'login.example.app', developerCredentials: credentials });
    const ok = await backend(stack, credentials).send(
      new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: { 'login.example.app': 'u1' } }),
    );
    expect(ok.IdentityId).toBeDefined();
    const error = await rejectionOf(
      backend(stack).send(
        new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: { 'login.example.app': 'u1' } }),
      ),
    );
    expect(error.name).toBe('UnrecognizedClientException');
    expect(error.message).toBe('The security token included in the request is invalid.');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });
});

describe('developer request authentication', () => {
  it('rejects a request signed with the wrong secret with InvalidSignatureException', async () => {
    stack = await startLocalStack();
    const wrong = backend(stack, { accessKeyId: LOCAL_DEVELOPER_CREDENTIALS.accessKeyId, secretAccessKey: 'wrong-secret' });
    const error = await rejectionOf(
      wrong.send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: stack.pool.identityPoolId,
          Logins: { [DEFAULT_DEVELOPER_PROVIDER_NAME]: 'u1' },
        }),
      ),
    );
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/^The request signature we calculated does not match/);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(stack.pool.stats().errors.GetOpenIdTokenForDeveloperIdentity).toEqual({ InvalidSignatureException: 1 });
  });

  it('rejects an unsigned request with MissingAuthenticationTokenException', async () => {
    stack = await startLocalStack();
    const response = await fetch(stack.pool.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityService.GetOpenIdTokenForDeveloperIdentity',
      },
      body: JSON.stringify({ IdentityPoolId: stack.pool.identityPoolId, Logins: { [DEFAULT_DEVELOPER_PROVIDER_NAME]: 'u1' } }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
  });

  it('rejects a signature scoped to another region', async () => {
    stack = await startLocalStack();
    const elsewhere = new CognitoIdentityClient({
      region: 'eu-west-1',
      endpoint: stack.pool.endpoint,
      credentials: LOCAL_DEVELOPER_CREDENTIALS,
      maxAttempts: 1,
    });
    clients.push(elsewhere);
    const error = await rejectionOf(
      elsewhere.send(
        new GetOpenIdTokenForDeveloperIdentityCommand({
          IdentityPoolId: stack.pool.identityPoolId,
          Logins: { [DEFAULT_DEVELOPER_PROVIDER_NAME]: 'u1' },
        }),
      ),
    );
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toContain('scoped to a valid region');
  });

  it('rejects a signature more than 15 minutes off the pool clock, and the SDK corrects its clock on retry', async () => {
    stack = await startLocalStack();
    stack.clock.advance(20 * 60_000);
    const request = new GetOpenIdTokenForDeveloperIdentityCommand({
      IdentityPoolId: stack.pool.identityPoolId,
      Logins: { [DEFAULT_DEVELOPER_PROVIDER_NAME]: 'u1' },
    });
    const error = await rejectionOf(backend(stack).send(request));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);

    const retrying = new CognitoIdentityClient({
      region: stack.pool.region,
      endpoint: stack.pool.endpoint,
      credentials: LOCAL_DEVELOPER_CREDENTIALS,
      maxAttempts: 2,
    });
    clients.push(retrying);
    const ok = await retrying.send(request);
    expect(ok.IdentityId).toBeDefined();
    expect(ok.$metadata.attempts).toBe(2);
  });
});
