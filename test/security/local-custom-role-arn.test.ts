import {
  type Credentials,
  GetCredentialsForIdentityCommand,
  GetIdCommand,
  InvalidParameterException,
} from '@aws-sdk/client-cognito-identity';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_AUTHENTICATED_ROLE_ARN, LOCAL_UNAUTHENTICATED_ROLE_ARN } from '../../src/local/local-defaults';
import { rejectionOf, startLocalStack, stsClient, type LocalStack } from '../local/local-stack';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ allowUnauthenticated: true });
});
afterAll(async () => {
  await stack.close();
});

async function guest(): Promise<string> {
  const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId }));
  return IdentityId as string;
}

async function member(sub: string): Promise<{ identityId: string; logins: Record<string, string> }> {
  const logins = { [stack.issuer.loginsKey]: await stack.issuer.mintToken({ sub }) };
  const { IdentityId } = await stack.cognito.send(new GetIdCommand({ IdentityPoolId: stack.pool.identityPoolId, Logins: logins }));
  return { identityId: IdentityId as string, logins };
}

async function roleOf(credentials: Credentials | undefined): Promise<string> {
  const sts = stsClient(stack.pool, {
    accessKeyId: credentials?.AccessKeyId as string,
    secretAccessKey: credentials?.SecretKey as string,
    sessionToken: credentials?.SessionToken as string,
  });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn as string;
  } finally {
    sts.destroy();
  }
}

describe('local pool: CustomRoleArn is honoured only for a role the pool grants that login (finding 4)', () => {
  it('a guest asking for the authenticated role → InvalidParameterException, no credentials', async () => {
    const error = await rejectionOf(
      stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: await guest(), CustomRoleArn: LOCAL_AUTHENTICATED_ROLE_ARN })),
    );
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('an authenticated user asking for a role the pool does not have → InvalidParameterException', async () => {
    const { identityId, logins } = await member('role-asker');
    for (const arn of ['arn:aws:iam::123456789012:role/Admin', LOCAL_UNAUTHENTICATED_ROLE_ARN, 'x'.repeat(30)]) {
      const error = await rejectionOf(
        stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: logins, CustomRoleArn: arn })),
      );
      expect(error).toBeInstanceOf(InvalidParameterException);
    }
  });

  it('the role the pool would grant anyway is honoured, for members and guests', async () => {
    const { identityId, logins } = await member('role-keeper');
    const authed = await stack.cognito.send(
      new GetCredentialsForIdentityCommand({ IdentityId: identityId, Logins: logins, CustomRoleArn: LOCAL_AUTHENTICATED_ROLE_ARN }),
    );
    expect(await roleOf(authed.Credentials)).toContain('assumed-role/Cognito_idpoolAuth_Role/');
    const guestCredentials = await stack.cognito.send(
      new GetCredentialsForIdentityCommand({ IdentityId: await guest(), CustomRoleArn: LOCAL_UNAUTHENTICATED_ROLE_ARN }),
    );
    expect(await roleOf(guestCredentials.Credentials)).toContain('assumed-role/Cognito_idpoolUnauth_Role/');
  });

  it("is validated by Cognito's model: length 20–2048, no ARN pattern", async () => {
    const identityId = await guest();
    const short = await rejectionOf(
      stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, CustomRoleArn: 'arn:aws:iam::1:r/x' })),
    );
    expect(short.name).toBe('ValidationException');
    expect(short.message).toContain("at 'customRoleArn' failed to satisfy constraint: Member must have length greater than or equal to 20");
    const long = await rejectionOf(
      stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, CustomRoleArn: `arn:${'a'.repeat(2045)}` })),
    );
    expect(long.name).toBe('ValidationException');
    expect(long.message).toContain('Member must have length less than or equal to 2048');
    // Any 20–2048 character text passes validation and is then judged as a role.
    const notArn = await rejectionOf(
      stack.cognito.send(new GetCredentialsForIdentityCommand({ IdentityId: identityId, CustomRoleArn: 'not an arn at all, but long enough' })),
    );
    expect(notArn).toBeInstanceOf(InvalidParameterException);
  });
});
