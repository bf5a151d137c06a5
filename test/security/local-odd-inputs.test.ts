import { GetCredentialsForIdentityCommand, GetIdCommand, NotAuthorizedException } from '@aws-sdk/client-cognito-identity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../local/local-stack';
import { rawExchange, rawRequest } from '../local/raw-request';

let stack: LocalStack;
let anyAudience: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ allowUnauthenticated: true });
  // The same issuer without an audience rule: the claim's type must still be checked.
  anyAudience = await startLocalStack({ allowUnauthenticated: true });
});
afterAll(async () => {
  await stack.close();
  await anyAudience.close();
});

function cognito(target: string, body: unknown): ReturnType<typeof rawRequest> {
  return rawRequest(stack.pool.endpoint, {
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityService.${target}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('local pool: odd inputs are client errors with Cognito shapes (finding 6)', () => {
  it.each([
    ['a number', 123],
    ['an object', { client: 'idpool-local-client' }],
    ['an array holding a number', ['idpool-local-client', 7]],
    ['null', null],
  ])('a signed JWT whose aud is %s → NotAuthorizedException "Invalid login token. …"', async (_, aud) => {
    const token = await stack.issuer.mintToken({ sub: 'odd-aud', aud });
    const error = (await stack.cognito
      .send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: { [stack.issuer.loginsKey]: token } }))
      .catch((e: unknown) => e)) as Error & { $metadata?: { httpStatusCode?: number } };
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error.message).toMatch(/^Invalid login token\. /);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('the aud type is checked even when the provider accepts any audience', async () => {
    const pool = await startLocalStack({
      allowUnauthenticated: true,
      providers: { [anyAudience.issuer.loginsKey]: { issuer: anyAudience.issuer.issuer } },
    });
    try {
      const token = await anyAudience.issuer.mintToken({ sub: 'odd-aud', aud: { nested: true } });
      const error = await pool.cognito
        .send(new GetIdCommand({ IdentityPoolId: pool.pool.identityPoolId, Logins: { [anyAudience.issuer.loginsKey]: token } }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotAuthorizedException);
    } finally {
      await pool.close();
    }
  });

  it('a "__proto__" Logins key is not dropped: GetId answers as for an unknown provider, no guest identity', async () => {
    stack.pool.resetStats();
    const reply = await cognito('GetId', `{"IdentityPoolId":"${stack.pool.identityPoolId}","Logins":{"__proto__":"attacker:token"}}`);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toEqual({
      __type: 'NotAuthorizedException',
      message: 'Token is not from a supported provider of this identity pool.',
    });
  });

  it('a "__proto__" Logins key beside a guest identity does not pass as "no logins"', async () => {
    const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId }));
    const reply = await cognito('GetCredentialsForIdentity', `{"IdentityId":"${IdentityId}","Logins":{"__proto__":"x:y"}}`);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).__type).toBe('NotAuthorizedException');
    // and the guest still works without it
    const creds = await stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId }));
    expect(creds.IdentityId).toBe(IdentityId);
  });

  it.each(['constructor', 'toString', 'hasOwnProperty'])('a "%s" Logins key → NotAuthorizedException (unknown provider)', async (key) => {
    const reply = await cognito('GetId', { IdentityPoolId: stack.pool.identityPoolId, Logins: { [key]: 'token' } });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).__type).toBe('NotAuthorizedException');
  });

  it('prototype-named body fields are ignored like any unknown member', async () => {
    const reply = await cognito('GetId', `{"IdentityPoolId":"${stack.pool.identityPoolId}","__proto__":{"Logins":{"x":"y"}},"constructor":1}`);
    expect(reply.status).toBe(200);
  });

  it.each(['//[', '/%', '//a:b@[::1']) ('a request target the URL parser refuses (%s) → 4xx, not 500', async (path) => {
    for (const method of ['GET', 'POST']) {
      const { text } = await rawExchange(stack.pool.endpoint, `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      const status = Number(text.split(' ')[1]);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
  });
});
