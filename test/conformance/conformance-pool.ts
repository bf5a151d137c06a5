import {
  DEFAULT_DEVELOPER_PROVIDER_NAME,
  LOCAL_ACCOUNT_ID,
  LOCAL_DEVELOPER_CREDENTIALS,
  startLocalIdentityPool,
  type LocalIdentityPool,
} from '../../src/local/index';
import type { OperationSeeds } from './input-cases';
import { Wire, type Keys } from './wire';

/** The Cognito operations the local pool serves, each checked against the model. */
export const COGNITO_OPERATIONS = ['GetId', 'GetCredentialsForIdentity', 'GetOpenIdToken', 'GetOpenIdTokenForDeveloperIdentity'] as const;
export type CognitoOperation = (typeof COGNITO_OPERATIONS)[number];

/** Operations AWS accepts only SigV4-signed with IAM credentials. */
export const SIGNED_OPERATIONS: ReadonlySet<string> = new Set(['GetOpenIdTokenForDeveloperIdentity']);

export interface ConformancePool {
  readonly pool: LocalIdentityPool;
  readonly wire: Wire;
  readonly seeds: ReadonlyMap<CognitoOperation, OperationSeeds>;
  /** Credentials the pool issued to an authenticated identity, for STS. */
  readonly issued: Keys;
  close(): Promise<void>;
}

const FACEBOOK = 'graph.facebook.com';

async function json(reply: Promise<{ status: number; body: string }>): Promise<Record<string, unknown>> {
  const { status, body } = await reply;
  if (status !== 200) throw new Error(`setup call failed: HTTP ${status} ${body}`);
  return JSON.parse(body) as Record<string, unknown>;
}

/** One pool for the whole suite (guests allowed, an opaque provider, the developer provider) and valid seeds. */
export async function startConformancePool(): Promise<ConformancePool> {
  const pool = await startLocalIdentityPool({ allowUnauthenticated: true, providers: { [FACEBOOK]: { opaque: true } } });
  const wire = new Wire(pool.endpoint, pool.region);
  const poolId = pool.identityPoolId;
  const facebook = { [FACEBOOK]: 'fb-user-1:token-1' };
  const developer = { [DEFAULT_DEVELOPER_PROVIDER_NAME]: 'dev-user-1' };

  const guest = (await json(wire.cognito('GetId', { IdentityPoolId: poolId }))).IdentityId as string;
  const member = (await json(wire.cognito('GetId', { IdentityPoolId: poolId, Logins: facebook }))).IdentityId as string;
  const devBase = { IdentityPoolId: poolId, Logins: developer };
  const devIdentity = (await json(wire.cognito('GetOpenIdTokenForDeveloperIdentity', devBase, LOCAL_DEVELOPER_CREDENTIALS)))
    .IdentityId as string;
  const authRole = `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/Cognito_idpoolAuth_Role`;
  const credentials = (await json(wire.cognito('GetCredentialsForIdentity', { IdentityId: member, Logins: facebook })))
    .Credentials as Record<string, string>;

  const seeds = new Map<CognitoOperation, OperationSeeds>([
    ['GetId', { base: { IdentityPoolId: poolId }, full: { AccountId: '123456789012', IdentityPoolId: poolId, Logins: facebook } }],
    [
      'GetCredentialsForIdentity',
      { base: { IdentityId: guest }, full: { IdentityId: member, Logins: facebook, CustomRoleArn: authRole } },
    ],
    ['GetOpenIdToken', { base: { IdentityId: guest }, full: { IdentityId: member, Logins: facebook } }],
    [
      'GetOpenIdTokenForDeveloperIdentity',
      {
        base: devBase,
        full: { ...devBase, IdentityId: devIdentity, PrincipalTags: { team: 'blue' }, TokenDuration: 3600 },
      },
    ],
  ]);
  return {
    pool,
    wire,
    seeds,
    issued: {
      accessKeyId: credentials.AccessKeyId as string,
      secretAccessKey: credentials.SecretKey as string,
      sessionToken: credentials.SessionToken as string,
    },
    async close() {
      wire.close();
      await pool.close();
    },
  };
}
