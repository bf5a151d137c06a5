import {
  CognitoIdentityServiceException,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  NotAuthorizedException,
  ResourceConflictException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { COGNITO_LOGINS_KEY } from '../../src/local/index';
import { rejectionOf, startLocalStack, type LocalStack } from './local-stack';

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

const IDENTITY_ID = /^us-east-1:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('GetId', () => {
  it('gives the same identity to the same provider subject and a new one to another subject', async () => {
    stack = await startLocalStack();
    const { issuer, pool, cognito } = stack;
    const idFor = async (sub: string) =>
      (
        await cognito.send(
          new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: { [issuer.loginsKey]: await issuer.mintToken({ sub }) } }),
        )
      ).IdentityId;

    const alice = await idFor('alice');
    expect(alice).toMatch(IDENTITY_ID);
    expect(await idFor('alice')).toBe(alice);
    expect(await idFor('bob')).not.toBe(alice);
    expect(pool.stats().requests.GetId).toBe(3);
  });

  it('keeps opaque-provider users on one identity: the subject is the text before the first colon', async () => {
    stack = await startLocalStack();
    const { pool, cognito } = stack;
    const getId = (token: string) =>
      cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: { 'graph.facebook.com': token } }));
    const first = await getId('fb-user-1:token-abc');
    expect((await getId('fb-user-1:token-def')).IdentityId).toBe(first.IdentityId);
    expect((await getId('fb-user-2:token-abc')).IdentityId).not.toBe(first.IdentityId);
    // A token without a colon is its own subject (hashed).
    const plain = await getId('opaque-token-without-colon');
    expect((await getId('opaque-token-without-colon')).IdentityId).toBe(plain.IdentityId);
  });

  it('rejects guests unless allowUnauthenticated, and gives each guest a new identity when allowed', async () => {
    stack = await startLocalStack();
    const denied = await rejectionOf(stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId })));
    expect(denied).toBeInstanceOf(NotAuthorizedException);
    expect(denied.message).toBe('Unauthenticated access is not supported for this identity pool.');
    expect(denied.$metadata?.httpStatusCode).toBe(400);
    await stack.close();

    stack = await startLocalStack({ allowUnauthenticated: true });
    const a = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId }));
    const b = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: {} }));
    expect(a.IdentityId).toMatch(IDENTITY_ID);
    expect(b.IdentityId).not.toBe(a.IdentityId);
  });

  it('answers ResourceNotFoundException for another pool id and ValidationException for a malformed one', async () => {
    stack = await startLocalStack({ allowUnauthenticated: true });
    const other = 'us-east-1:11111111-1111-4111-8111-111111111111';
    const notFound = await rejectionOf(stack.cognito.send(new GetIdCommand({ IdentityPoolId: other })));
    expect(notFound).toBeInstanceOf(ResourceNotFoundException);
    expect(notFound.message).toBe(`IdentityPool '${other}' not found.`);

    const invalid = await rejectionOf(stack.cognito.send(new GetIdCommand({ IdentityPoolId: 'not a pool id' })));
    expect(invalid).toBeInstanceOf(CognitoIdentityServiceException);
    expect(invalid.name).toBe('ValidationException');
    expect(invalid.message).toBe(
      "1 validation error detected: Value 'not a pool id' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w-]+:[0-9a-f-]+",
    );
  });

  it("refuses the pool's own token in GetId", async () => {
    stack = await startLocalStack({ allowUnauthenticated: true });
    const { pool, cognito } = stack;
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId }));
    const { Token } = await cognito.send(new GetOpenIdTokenCommand({ IdentityId }));
    const error = await rejectionOf(
      cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: { [COGNITO_LOGINS_KEY]: Token as string } })),
    );
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error.message).toBe("Invalid login token. Can't pass in a Cognito token.");
  });

  it('rejects Logins whose subjects belong to two different identities', async () => {
    stack = await startLocalStack();
    const { issuer, pool, cognito } = stack;
    const oidc = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'carol' }) };
    const fb = { 'graph.facebook.com': 'fb-carol:tok' };
    await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: oidc }));
    await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: fb }));
    const error = await rejectionOf(
      cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: { ...oidc, ...fb } })),
    );
    expect(error).toBeInstanceOf(ResourceConflictException);
  });
});

describe('GetCredentialsForIdentity', () => {
  it('issues fresh credentials per call that expire credentialsTtlSeconds after the pool clock', async () => {
    stack = await startLocalStack({ credentialsTtlSeconds: 900 });
    const { issuer, pool, cognito, clock } = stack;
    const Logins = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'alice' }) };
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins }));
    const first = await cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    const second = await cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));

    expect(first.IdentityId).toBe(IdentityId);
    const credentials = first.Credentials;
    expect(credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(credentials?.SecretKey).toHaveLength(40);
    expect((credentials?.SessionToken ?? '').length).toBeGreaterThan(200);
    expect(credentials?.Expiration).toBeInstanceOf(Date);
    expect(credentials?.Expiration?.getTime()).toBe(Math.floor((clock.now + 900_000) / 1000) * 1000);
    expect(second.Credentials?.AccessKeyId).not.toBe(credentials?.AccessKeyId);
    expect(second.Credentials?.SecretKey).not.toBe(credentials?.SecretKey);
  });

  it('requires Logins for an authenticated identity and answers ResourceNotFoundException for an unknown one', async () => {
    stack = await startLocalStack({ allowUnauthenticated: true });
    const { issuer, pool, cognito } = stack;
    const Logins = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'alice' }) };
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins }));

    const forbidden = await rejectionOf(cognito.send(new GetCredentialsForIdentityCommand({ IdentityId })));
    expect(forbidden).toBeInstanceOf(NotAuthorizedException);
    expect(forbidden.message).toBe(`Access to Identity '${IdentityId}' is forbidden.`);

    const unknown = 'us-east-1:22222222-2222-4222-8222-222222222222';
    const missing = await rejectionOf(cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: unknown, Logins })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.message).toBe(`Identity '${unknown}' not found.`);
  });

  it("rejects a login that is linked to another identity with Cognito's 'Logins don't match'", async () => {
    stack = await startLocalStack();
    const { issuer, pool, cognito } = stack;
    const alice = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'alice' }) };
    const bob = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'bob' }) };
    const { IdentityId: aliceId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: alice }));
    await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: bob }));

    const error = await rejectionOf(cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: aliceId, Logins: bob })));
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error.message).toBe("Logins don't match. Please include at least one valid login for this identity or identity pool.");
  });

  it("refuses a second subject of the same provider on one identity, even when that subject is new", async () => {
    stack = await startLocalStack();
    const { issuer, pool, cognito } = stack;
    const alice = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'alice' }) };
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: alice }));
    const stranger = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'never-seen' }) };
    const error = await rejectionOf(cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: stranger })));
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error.message).toMatch(/^Logins don't match/);
  });

  it('links a login of a new provider to the identity, which then resolves to it in GetId', async () => {
    stack = await startLocalStack();
    const { issuer, pool, cognito } = stack;
    const oidc = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'dave' }) };
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: oidc }));
    const both = { ...oidc, 'graph.facebook.com': 'fb-dave:tok' };
    await cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: both }));
    const viaFacebook = await cognito.send(
      new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: { 'graph.facebook.com': 'fb-dave:other' } }),
    );
    expect(viaFacebook.IdentityId).toBe(IdentityId);
  });

  it('serves guests without Logins only while the pool allows them, and links a guest that signs in', async () => {
    stack = await startLocalStack({ allowUnauthenticated: true });
    const { issuer, pool, cognito } = stack;
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId }));
    const guest = await cognito.send(new GetCredentialsForIdentityCommand({ IdentityId }));
    expect(guest.Credentials?.AccessKeyId).toMatch(/^ASIA/);

    const Logins = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'erin' }) };
    await cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins }));
    // Now authenticated: no more guest access to it, and erin's GetId lands on it.
    expect(await rejectionOf(cognito.send(new GetCredentialsForIdentityCommand({ IdentityId })))).toBeInstanceOf(
      NotAuthorizedException,
    );
    const again = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins }));
    expect(again.IdentityId).toBe(IdentityId);
  });

  it('forgetIdentity makes the identity unknown, and GetId then creates a new one', async () => {
    stack = await startLocalStack();
    const { issuer, pool, cognito } = stack;
    const Logins = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'frank' }) };
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins }));
    expect(pool.forgetIdentity(IdentityId as string)).toBe(true);
    expect(pool.forgetIdentity(IdentityId as string)).toBe(false);

    const error = await rejectionOf(cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe(`Identity '${IdentityId}' not found.`);
    expect(error.$metadata?.httpStatusCode).toBe(400);

    const fresh = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins }));
    expect(fresh.IdentityId).not.toBe(IdentityId);
  });

  it('validates the identity id format', async () => {
    stack = await startLocalStack();
    const error = await rejectionOf(stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: 'nope' })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain("at 'identityId' failed to satisfy constraint");
  });
});

describe('GetOpenIdToken', () => {
  it("returns a token signed by the pool's key that its JWKS verifies, usable as a cognito-identity login", async () => {
    stack = await startLocalStack();
    const { issuer, pool, cognito, clock } = stack;
    const Logins = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'gina' }) };
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins }));
    const { Token, IdentityId: same } = await cognito.send(new GetOpenIdTokenCommand({ IdentityId, Logins }));
    expect(same).toBe(IdentityId);

    const jwks = createRemoteJWKSet(new URL(`${pool.endpoint}/.well-known/jwks_uri`));
    const { payload, protectedHeader } = await jwtVerify(Token as string, jwks, {
      issuer: 'https://cognito-identity.amazonaws.com',
      audience: pool.identityPoolId,
      currentDate: new Date(clock.now),
    });
    expect(protectedHeader.alg).toBe('RS512');
    expect(payload.sub).toBe(IdentityId);
    expect(payload.amr).toEqual(['authenticated', issuer.loginsKey, `${issuer.loginsKey}:gina`]);
    expect((payload.exp as number) - (payload.iat as number)).toBe(600);

    const viaToken = await cognito.send(
      new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [COGNITO_LOGINS_KEY]: Token as string } }),
    );
    expect(viaToken.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it('marks guest tokens unauthenticated and rejects a pool token for another identity', async () => {
    stack = await startLocalStack({ allowUnauthenticated: true });
    const { pool, cognito } = stack;
    const a = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId }));
    const b = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId }));
    const { Token } = await cognito.send(new GetOpenIdTokenCommand({ IdentityId: a.IdentityId }));
    const [, payload] = (Token as string).split('.');
    expect(JSON.parse(Buffer.from(payload as string, 'base64url').toString()).amr).toEqual(['unauthenticated']);

    const error = await rejectionOf(
      cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: b.IdentityId, Logins: { [COGNITO_LOGINS_KEY]: Token as string } })),
    );
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error.message).toMatch(/^Logins don't match/);
  });

  it('rejects an expired pool token by the pool clock', async () => {
    stack = await startLocalStack();
    const { issuer, pool, cognito, clock } = stack;
    const Logins = { [issuer.loginsKey]: await issuer.mintToken({ sub: 'hank' }, { expiresIn: 86_400 }) };
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins }));
    const { Token } = await cognito.send(new GetOpenIdTokenCommand({ IdentityId, Logins }));
    clock.advance(601_000);
    const error = await rejectionOf(
      cognito.send(new GetCredentialsForIdentityCommand({ IdentityId, Logins: { [COGNITO_LOGINS_KEY]: Token as string } })),
    );
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error.message).toMatch(/^Invalid login token\. Token expired: \d+ >= \d+$/);
  });
});
