import { GetIdCommand, NotAuthorizedException } from '@aws-sdk/client-cognito-identity';
import { decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalOidcIssuer } from '../../src/local/index';
import { rejectionOf, startLocalStack, type LocalStack } from './local-stack';

let stack: LocalStack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

describe('issuer key rotation', () => {
  it('rejects tokens of a rotated-out key and accepts the new key at once (the pool refetches the JWKS)', async () => {
    stack = await startLocalStack();
    const { issuer, pool, cognito } = stack;
    const getId = (token: string) =>
      cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: { [issuer.loginsKey]: token } }));

    const oldToken = await issuer.mintToken({ sub: 'alice' });
    const { IdentityId } = await getId(oldToken);
    const { kid, retiredKid } = await issuer.rotateKeys();
    expect(kid).not.toBe(retiredKid);
    expect(decodeProtectedHeader(oldToken).kid).toBe(retiredKid);

    const jwks = (await (await fetch(issuer.jwksUri)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).toEqual([kid]);

    const rejected = await rejectionOf(getId(oldToken));
    expect(rejected).toBeInstanceOf(NotAuthorizedException);
    expect(rejected.message).toBe("Invalid login token. Couldn't verify signed token.");
    const retiredKeyToken = await issuer.mintToken({ sub: 'alice' }, { kid: retiredKid });
    expect(await rejectionOf(getId(retiredKeyToken))).toBeInstanceOf(NotAuthorizedException);

    const newToken = await issuer.mintToken({ sub: 'alice' });
    expect(decodeProtectedHeader(newToken).kid).toBe(kid);
    expect((await getId(newToken)).IdentityId).toBe(IdentityId);
  });

  it('after an issuer restart on the same port, old tokens fail and new ones keep the same identity', async () => {
    stack = await startLocalStack();
    const { pool, cognito } = stack;
    const port = Number(new URL(stack.issuer.issuer).port);
    const getId = (loginsKey: string, token: string) =>
      cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: { [loginsKey]: token } }));

    const oldToken = await stack.issuer.mintToken({ sub: 'bob' });
    const { IdentityId } = await getId(stack.issuer.loginsKey, oldToken);
    await stack.issuer.close();

    const restarted = await startLocalOidcIssuer({ port, now: () => stack!.clock.now });
    try {
      expect(restarted.issuer).toBe(stack.issuer.issuer);
      const error = await rejectionOf(getId(restarted.loginsKey, oldToken));
      expect(error).toBeInstanceOf(NotAuthorizedException);
      expect(error.message).toBe("Invalid login token. Couldn't verify signed token.");
      const fresh = await restarted.mintToken({ sub: 'bob' });
      expect((await getId(restarted.loginsKey, fresh)).IdentityId).toBe(IdentityId);
    } finally {
      await restarted.close();
    }
  });
});
