import {
  ExternalServiceException,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity';
import { SignJWT, decodeProtectedHeader, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalIdentityPool, startLocalOidcIssuer, type LocalOidcIssuer } from '../../src/local/index';
import { rejectionOf, startLocalStack, type LocalStack } from './local-stack';

let stack: LocalStack;
let stranger: LocalOidcIssuer;
beforeAll(async () => {
  stack = await startLocalStack();
  stranger = await startLocalOidcIssuer();
});
afterAll(async () => {
  await stack.close();
  await stranger.close();
});

async function getIdRejection(Logins: Record<string, string>) {
  const error = await rejectionOf(stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins })));
  return error;
}

async function expectNotAuthorized(Logins: Record<string, string>, message: string | RegExp): Promise<void> {
  const error = await getIdRejection(Logins);
  expect(error).toBeInstanceOf(NotAuthorizedException);
  expect(error.$metadata?.httpStatusCode).toBe(400);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

describe('token rejections (NotAuthorizedException with Cognito messages)', () => {
  it('rejects a token signed with another key under the same kid and issuer', async () => {
    const genuine = await stack.issuer.mintToken({ sub: 'mallory' });
    const { kid } = decodeProtectedHeader(genuine);
    const { privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(stack.clock.now / 1000);
    const forged = await new SignJWT({ sub: 'mallory', aud: stack.issuer.audience })
      .setProtectedHeader({ alg: 'RS256', kid: kid as string })
      .setIssuer(stack.issuer.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
    await expectNotAuthorized({ [stack.issuer.loginsKey]: forged }, "Invalid login token. Couldn't verify signed token.");
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await stack.issuer.mintToken({ sub: 'alice' })).split('.');
    const now = Math.floor(stack.clock.now / 1000);
    const payload = Buffer.from(
      JSON.stringify({ sub: 'admin', iss: stack.issuer.issuer, aud: stack.issuer.audience, iat: now, exp: now + 600 }),
    ).toString('base64url');
    await expectNotAuthorized(
      { [stack.issuer.loginsKey]: `${header}.${payload}.${signature}` },
      "Invalid login token. Couldn't verify signed token.",
    );
  });

  it('rejects a token with a kid the JWKS does not have', async () => {
    const token = await stack.issuer.mintToken({ sub: 'alice' }, { kid: 'no-such-kid' });
    await expectNotAuthorized({ [stack.issuer.loginsKey]: token }, "Invalid login token. Couldn't verify signed token.");
  });

  it('rejects a token for another audience', async () => {
    const token = await stack.issuer.mintToken({ sub: 'alice' }, { audience: 'some-other-client' });
    await expectNotAuthorized({ [stack.issuer.loginsKey]: token }, 'Invalid login token. Incorrect token audience.');
  });

  it('accepts a token whose aud array contains the client id', async () => {
    const token = await stack.issuer.mintToken({ sub: 'multi' }, { audience: ['x', stack.issuer.audience] });
    const { IdentityId } = await stack.cognito.send(
      new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: { [stack.issuer.loginsKey]: token } }),
    );
    expect(IdentityId).toBeDefined();
  });

  it('rejects an expired token (minted with a negative expiresIn)', async () => {
    const token = await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: -30 });
    await expectNotAuthorized({ [stack.issuer.loginsKey]: token }, /^Invalid login token\. Token expired: \d+ >= \d+$/);
  });

  it('rejects a token that the pool clock says has expired', async () => {
    const token = await stack.issuer.mintToken({ sub: 'alice' }, { expiresIn: 60 });
    stack.clock.advance(61_000);
    try {
      await expectNotAuthorized({ [stack.issuer.loginsKey]: token }, /^Invalid login token\. Token expired/);
    } finally {
      stack.clock.advance(-61_000);
    }
  });

  it('rejects a token whose nbf is in the future', async () => {
    const nbf = Math.floor(stack.clock.now / 1000) + 600;
    const token = await stack.issuer.mintToken({ sub: 'alice', nbf });
    await expectNotAuthorized({ [stack.issuer.loginsKey]: token }, /^Invalid login token\. Token is not yet valid/);
  });

  it('rejects a token from a provider the pool does not know', async () => {
    await expectNotAuthorized(
      { 'accounts.google.com': await stack.issuer.mintToken({ sub: 'alice' }) },
      'Token is not from a supported provider of this identity pool.',
    );
  });

  it("rejects another issuer's token under this issuer's Logins key", async () => {
    const token = await stranger.mintToken({ sub: 'alice' });
    await expectNotAuthorized({ [stack.issuer.loginsKey]: token }, "Invalid login token. Issuer doesn't match providerName");
  });

  it('rejects garbage that is not a JWT', async () => {
    await expectNotAuthorized(
      { [stack.issuer.loginsKey]: 'definitely-not-a-jwt' },
      'Invalid login token. Not a valid OpenId Connect identity token.',
    );
    await expectNotAuthorized(
      { [stack.issuer.loginsKey]: 'a.b.c' },
      'Invalid login token. Not a valid OpenId Connect identity token.',
    );
  });

  it('rejects a token without sub', async () => {
    const token = await stack.issuer.mintToken({ sub: undefined });
    await expectNotAuthorized({ [stack.issuer.loginsKey]: token }, 'Invalid login token. Missing a required claim: sub');
  });

  it('applies the same checks in GetCredentialsForIdentity', async () => {
    const Logins = { [stack.issuer.loginsKey]: await stack.issuer.mintToken({ sub: 'ivy' }) };
    const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins }));
    const expired = { [stack.issuer.loginsKey]: await stack.issuer.mintToken({ sub: 'ivy' }, { expiresIn: -1 }) };
    const error = await rejectionOf(stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: expired })));
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error.message).toMatch(/^Invalid login token\. Token expired/);
  });

  it('never echoes the token in the error', async () => {
    const token = await stack.issuer.mintToken({ sub: 'alice' }, { audience: 'wrong' });
    const error = await getIdRejection({ [stack.issuer.loginsKey]: token });
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(token);
  });
});

describe('an unreachable issuer', () => {
  it('answers ExternalServiceException and recovers once the issuer is back', async () => {
    const issuer = await startLocalOidcIssuer();
    const port = Number(new URL(issuer.issuer).port);
    const pool = await startLocalIdentityPool({ providers: { [issuer.loginsKey]: { issuer: issuer.issuer } } });
    const { CognitoIdentityClient } = await import('@aws-sdk/client-cognito-identity');
    const cognito = new CognitoIdentityClient({ region: pool.region, endpoint: pool.endpoint, maxAttempts: 1 });
    try {
      const token = await issuer.mintToken({ sub: 'alice' });
      await issuer.close();
      const error = await rejectionOf(
        cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: { [issuer.loginsKey]: token } })),
      );
      expect(error).toBeInstanceOf(ExternalServiceException);

      const back = await startLocalOidcIssuer({ port });
      try {
        const fresh = await back.mintToken({ sub: 'alice' });
        const { IdentityId } = await cognito.send(
          new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: { [back.loginsKey]: fresh } }),
        );
        expect(IdentityId).toBeDefined();
      } finally {
        await back.close();
      }
    } finally {
      cognito.destroy();
      await pool.close();
    }
  });
});
