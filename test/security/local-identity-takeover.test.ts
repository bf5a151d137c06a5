import {
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  GetOpenIdTokenCommand,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity';
import { afterEach, describe, expect, it } from 'vitest';
import { rejectionOf, startLocalStack, type LocalStack } from '../local/local-stack';

const LOGINS_DO_NOT_MATCH = "Logins don't match. Please include at least one valid login for this identity or identity pool.";

let stack: LocalStack;
afterEach(async () => {
  await stack.close();
});

/** A victim linked to the OIDC issuer only (P2), and a fresh, never-used Facebook login of the attacker (P1). */
async function victimAndAttacker(): Promise<{ victimId: string; victimLogins: Record<string, string>; attackerLogins: Record<string, string> }> {
  stack = await startLocalStack({ allowUnauthenticated: true });
  const victimLogins = { [stack.issuer.loginsKey]: await stack.issuer.mintToken({ sub: 'victim' }) };
  const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: victimLogins }));
  return { victimId: IdentityId as string, victimLogins, attackerLogins: { 'graph.facebook.com': 'attacker-1:fresh-token' } };
}

/** The attacker was refused as Cognito refuses, and nothing was linked: the attacker's login still gets an identity of its own. */
async function expectRefusedNothingLinked(error: Error, victimId: string, attackerLogins: Record<string, string>): Promise<void> {
  expect(error).toBeInstanceOf(NotAuthorizedException);
  expect(error.message).toBe(LOGINS_DO_NOT_MATCH);
  const own = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: attackerLogins }));
  expect(own.IdentityId).not.toBe(victimId);
}

/** The identity GetId finds for the victim's Facebook login alone. */
async function identityOfVictimFacebookLogin(): Promise<string | undefined> {
  const { IdentityId } = await stack.cognito.send(
    new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: { 'graph.facebook.com': 'victim-fb:token' } }),
  );
  return IdentityId;
}

describe('local pool: a fresh login of another provider cannot take over an identity (finding 1)', () => {
  it('GetCredentialsForIdentity with the victim id and only a fresh P1 login → NotAuthorizedException, nothing linked', async () => {
    const { victimId, attackerLogins } = await victimAndAttacker();
    const error = await rejectionOf(
      stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: victimId, Logins: attackerLogins })),
    );
    await expectRefusedNothingLinked(error, victimId, attackerLogins);
  });

  it('GetOpenIdToken with the victim id and only a fresh P1 login → NotAuthorizedException, nothing linked', async () => {
    const { victimId, attackerLogins } = await victimAndAttacker();
    const error = await rejectionOf(stack.cognito.send(new GetOpenIdTokenCommand({ IdentityId: victimId, Logins: attackerLogins })));
    await expectRefusedNothingLinked(error, victimId, attackerLogins);
  });

  it('a new login joins an identity when the same request carries a valid login already linked to it', async () => {
    const { victimId, victimLogins } = await victimAndAttacker();
    const both = { ...victimLogins, 'graph.facebook.com': 'victim-fb:token' };
    const { IdentityId } = await stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: victimId, Logins: both }));
    expect(IdentityId).toBe(victimId);
    expect(await identityOfVictimFacebookLogin()).toBe(victimId);
  });

  it('the pool\'s own OpenID token for the identity counts as a linked login', async () => {
    const { victimId, victimLogins } = await victimAndAttacker();
    const { Token } = await stack.cognito.send(new GetOpenIdTokenCommand({ IdentityId: victimId, Logins: victimLogins }));
    const logins = { 'cognito-identity.amazonaws.com': Token as string, 'graph.facebook.com': 'victim-fb:token' };
    const { IdentityId } = await stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: victimId, Logins: logins }));
    expect(IdentityId).toBe(victimId);
  });

  it('a login already linked elsewhere stays refused, even beside a valid linked login', async () => {
    const { victimId, victimLogins, attackerLogins } = await victimAndAttacker();
    await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: attackerLogins }));
    const error = await rejectionOf(
      stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: victimId, Logins: { ...victimLogins, ...attackerLogins } })),
    );
    expect(error).toBeInstanceOf(NotAuthorizedException);
    expect(error.message).toBe(LOGINS_DO_NOT_MATCH);
  });

  it('GetId with a linked P2 login and a fresh P1 login links P1 to that identity; P1 alone then finds it', async () => {
    const { victimId, victimLogins } = await victimAndAttacker();
    const both = { ...victimLogins, 'graph.facebook.com': 'victim-fb:token' };
    const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: both }));
    expect(IdentityId).toBe(victimId);
    expect(await identityOfVictimFacebookLogin()).toBe(victimId);
  });

  it('GetId with a fresh P1 login and a P2 login linked elsewhere, in either order, does not move P2', async () => {
    const { victimId, victimLogins } = await victimAndAttacker();
    const other = { 'graph.facebook.com': 'other-user:token' };
    const otherId = (await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: other }))).IdentityId;
    const error = await rejectionOf(
      stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: { ...other, ...victimLogins } })),
    );
    expect(error.name).toBe('ResourceConflictException');
    const again = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: victimLogins }));
    expect(again.IdentityId).toBe(victimId);
    expect(otherId).not.toBe(victimId);
  });
});
