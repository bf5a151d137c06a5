import {
  CognitoIdentityClient,
  GetIdCommand,
  GetOpenIdTokenCommand,
  GetOpenIdTokenForDeveloperIdentityCommand,
} from '@aws-sdk/client-cognito-identity';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_DEVELOPER_PROVIDER_NAME, LOCAL_ACCOUNT_ID, LOCAL_DEVELOPER_CREDENTIALS } from '../../src/local/index';
import { startLocalStack, type LocalStack } from './local-stack';

// The pool's OpenID tokens look like Cognito's: Cognito names its RS512 keys by region and serial
// (`us-east-11`, `eu-west-21`, as its public JWKS lists them) and puts the pool's ARN in
// `https://cognito-identity.amazonaws.com/identity-pool-arn`, developer PrincipalTags in
// `https://aws.amazon.com/tags` as `{ principal_tags: { name: [value] } }`.

const POOL_ARN_CLAIM = 'https://cognito-identity.amazonaws.com/identity-pool-arn';
const TAGS_CLAIM = 'https://aws.amazon.com/tags';

let stack: LocalStack | undefined;
const clients: CognitoIdentityClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await stack?.close();
  stack = undefined;
});

function backend(s: LocalStack): CognitoIdentityClient {
  const client = new CognitoIdentityClient({
    region: s.pool.region,
    endpoint: s.pool.endpoint,
    credentials: LOCAL_DEVELOPER_CREDENTIALS,
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

describe('pool-issued OpenID tokens carry Cognito’s key ids and claims', () => {
  it('a GetOpenIdToken token: kid `<region>1`, published in the JWKS, and the identity pool ARN claim', async () => {
    stack = await startLocalStack({ allowUnauthenticated: true });
    const { pool, cognito, clock } = stack;
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId }));
    const { Token } = await cognito.send(new GetOpenIdTokenCommand({ IdentityId }));

    const header = decodeProtectedHeader(Token as string);
    expect(header).toEqual({ alg: 'RS512', kid: 'us-east-11', typ: 'JWS' });
    const jwks = (await (await fetch(`${pool.endpoint}/.well-known/jwks_uri`)).json()) as { keys: Record<string, string>[] };
    expect(jwks.keys.map(({ kid, alg, use, kty }) => ({ kid, alg, use, kty }))).toEqual([
      { kid: 'us-east-11', alg: 'RS512', use: 'sig', kty: 'RSA' },
    ]);
    const { payload } = await jwtVerify(Token as string, createRemoteJWKSet(new URL(`${pool.endpoint}/.well-known/jwks_uri`)), {
      issuer: 'https://cognito-identity.amazonaws.com',
      audience: pool.identityPoolId,
      currentDate: new Date(clock.now),
    });
    expect(payload[POOL_ARN_CLAIM]).toBe(`arn:aws:cognito-identity:us-east-1:${LOCAL_ACCOUNT_ID}:identitypool/${pool.identityPoolId}`);
    expect(payload).not.toHaveProperty(TAGS_CLAIM);
  });

  it('names the key after the pool’s region', async () => {
    stack = await startLocalStack({ allowUnauthenticated: true, identityPoolId: 'eu-west-2:11111111-2222-4333-8444-555555555555' });
    const { pool, cognito } = stack;
    const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId }));
    const { Token } = await cognito.send(new GetOpenIdTokenCommand({ IdentityId }));
    expect(decodeProtectedHeader(Token as string).kid).toBe('eu-west-21');
    expect(decodeJwt(Token as string)[POOL_ARN_CLAIM]).toBe(
      `arn:aws:cognito-identity:eu-west-2:${LOCAL_ACCOUNT_ID}:identitypool/eu-west-2:11111111-2222-4333-8444-555555555555`,
    );
  });

  it('a developer token carries PrincipalTags as Cognito does', async () => {
    stack = await startLocalStack();
    const { Token } = await backend(stack).send(
      new GetOpenIdTokenForDeveloperIdentityCommand({
        IdentityPoolId: stack.pool.identityPoolId,
        Logins: { [DEFAULT_DEVELOPER_PROVIDER_NAME]: 'user-7' },
        PrincipalTags: { team: 'blue', stage: 'dev' },
      }),
    );
    const claims = decodeJwt(Token as string);
    expect(claims[POOL_ARN_CLAIM]).toMatch(/^arn:aws:cognito-identity:us-east-1:\d{12}:identitypool\/us-east-1:/);
    const tags = claims[TAGS_CLAIM] as { principal_tags: Record<string, unknown> };
    expect(tags).toEqual({ principal_tags: { team: ['blue'], stage: ['dev'] } });
  });
});
