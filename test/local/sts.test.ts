import { GetCredentialsForIdentityCommand, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { GetCallerIdentityCommand, STSServiceException } from '@aws-sdk/client-sts';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_ACCOUNT_ID } from '../../src/local/index';
import { rejectionOf, startLocalStack, stsClient, type LocalStack } from './local-stack';

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function credentialsFor(s: LocalStack, sub: string) {
  const Logins = { [s.issuer.loginsKey]: await s.issuer.mintToken({ sub }) };
  const { IdentityId } = await s.cognito.send(new GetIdCommand({ IdentityPoolId: s.pool.identityPoolId, Logins }));
  const { Credentials } = await s.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
  return {
    identityId: IdentityId as string,
    credentials: {
      accessKeyId: Credentials?.AccessKeyId as string,
      secretAccessKey: Credentials?.SecretKey as string,
      sessionToken: Credentials?.SessionToken as string,
    },
  };
}

describe('STS GetCallerIdentity', () => {
  it('answers a request signed with issued credentials as AWS does: role id and session name, never the identity id', async () => {
    stack = await startLocalStack();
    const { identityId, credentials } = await credentialsFor(stack, 'alice');
    const sts = stsClient(stack.pool, credentials);
    const caller = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(caller.Account).toBe(LOCAL_ACCOUNT_ID);
    expect(caller.Arn).toBe(`arn:aws:sts::${LOCAL_ACCOUNT_ID}:assumed-role/Cognito_idpoolAuth_Role/CognitoIdentityCredentials`);
    // AWS: an assumed role's UserId is `<role id>:<role session name>`, the session name the Arn ends with.
    expect(caller.UserId).toMatch(/^AROA[A-Z2-7]{17}:CognitoIdentityCredentials$/);
    expect(caller.UserId?.split(':')[1]).toBe(caller.Arn?.split('/').at(-1));
    expect(`${caller.UserId} ${caller.Arn}`).not.toContain(identityId.split(':')[1]);
    expect(stack.pool.stats().requests.GetCallerIdentity).toBe(1);
  });

  it('works with credentials from the SDK’s own fromCognitoIdentityPool provider (guest role)', async () => {
    stack = await startLocalStack({ allowUnauthenticated: true });
    const { pool } = stack;
    const provider = fromCognitoIdentityPool({
      identityPoolId: pool.identityPoolId,
      clientConfig: { region: pool.region, endpoint: pool.endpoint },
    });
    const sts = new (await import('@aws-sdk/client-sts')).STSClient({
      region: pool.region,
      endpoint: pool.endpoint,
      credentials: provider,
    });
    const caller = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(caller.Arn).toContain('assumed-role/Cognito_idpoolUnauth_Role/');
    expect(pool.stats().requests).toMatchObject({ GetId: 1, GetCredentialsForIdentity: 1, GetCallerIdentity: 1 });
  });

  it('rejects a wrong secret with SignatureDoesNotMatch (403)', async () => {
    stack = await startLocalStack();
    const { credentials } = await credentialsFor(stack, 'alice');
    const sts = stsClient(stack.pool, { ...credentials, secretAccessKey: 'x'.repeat(40) });
    const error = await rejectionOf(sts.send(new GetCallerIdentityCommand({})));
    sts.destroy();
    expect(error).toBeInstanceOf(STSServiceException);
    expect(error.name).toBe('SignatureDoesNotMatch');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(stack.pool.stats().errors.GetCallerIdentity).toEqual({ SignatureDoesNotMatch: 1 });
  });

  it('rejects an unknown access key or a wrong session token with InvalidClientTokenId (403)', async () => {
    stack = await startLocalStack();
    const { credentials } = await credentialsFor(stack, 'alice');
    for (const bad of [
      { ...credentials, accessKeyId: 'ASIAUNKNOWNUNKNOWN00' },
      { ...credentials, sessionToken: 'forged' },
      { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    ]) {
      const sts = stsClient(stack.pool, bad);
      const error = await rejectionOf(sts.send(new GetCallerIdentityCommand({})));
      sts.destroy();
      expect(error.name).toBe('InvalidClientTokenId');
      expect(error.message).toBe('The security token included in the request is invalid.');
      expect(error.$metadata?.httpStatusCode).toBe(403);
    }
  });

  it('rejects credentials past their Expiration by the pool clock with ExpiredToken', async () => {
    stack = await startLocalStack({ credentialsTtlSeconds: 600 });
    const { credentials } = await credentialsFor(stack, 'alice');
    stack.clock.advance(601_000);
    const sts = stsClient(stack.pool, credentials);
    const error = await rejectionOf(sts.send(new GetCallerIdentityCommand({})));
    sts.destroy();
    expect(error.name).toBe('ExpiredToken');
    expect(error.message).toBe('The security token included in the request is expired');
    expect(error.$metadata?.httpStatusCode).toBe(403);
  });

  it('rejects a signature more than 15 minutes away from the pool clock', async () => {
    stack = await startLocalStack({ credentialsTtlSeconds: 7200 });
    const { credentials } = await credentialsFor(stack, 'alice');
    stack.clock.advance(-20 * 60_000);
    const sts = stsClient(stack.pool, credentials);
    const error = await rejectionOf(sts.send(new GetCallerIdentityCommand({})));
    sts.destroy();
    expect(error.name).toBe('SignatureDoesNotMatch');
    expect(error.message).toMatch(/^Signature not yet current: /);
  });

  it('rejects an unsigned request with MissingAuthenticationToken', async () => {
    stack = await startLocalStack();
    const response = await fetch(stack.pool.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(response.status).toBe(403);
    const xml = await response.text();
    expect(xml).toContain('<Code>MissingAuthenticationToken</Code>');
    expect(response.headers.get('content-type')).toBe('text/xml');
  });
});
