import type { HeldCredentials } from '../../src/model/credentials';
import type { Login } from '../../src/model/login';
import type { RestoreOutcome, StoredSession } from '../../src/model/session';
import {
  InternalErrorException,
  InvalidParameterException,
  NotAuthorizedException,
  ResourceNotFoundException,
  Secret,
  StorageError,
  TokenRefreshException,
} from '../../src/index';
import type { AuthError } from '../../src/index';
import { CREDENTIALS_TTL_SECONDS, OIDC_TOKEN_TTL_SECONDS, type AppUser, type PoolUser } from './model-config';
import { OPAQUE_LOGINS_KEY, type PoolError, type PoolModel } from './pool-model';

/** The part of the model world outcomes read and write. */
export interface OutcomeWorld {
  now: number;
  seq: number;
  pool: PoolModel;
}

/** A login the model hands out; the driver mints the real token with the same subject and expiry. */
export function mintLogin(world: OutcomeWorld, who: AppUser | PoolUser | 'pat', oidcLoginsKey: string, source: Login['source']): Login {
  world.seq += 1;
  if (who === 'fb1' || who === 'fb2') {
    return { loginsKey: OPAQUE_LOGINS_KEY, token: new Secret(`${who}:t${world.seq}`), source };
  }
  return {
    loginsKey: oidcLoginsKey,
    token: new Secret(`tok${world.seq}`),
    subject: who,
    expiresAt: (Math.floor(world.now / 1000) + OIDC_TOKEN_TTL_SECONDS) * 1000,
    source,
  };
}

/** Credentials as the local pool issues them now: Expiration floored to the second. */
export function issueCredentials(world: OutcomeWorld): HeldCredentials {
  world.seq += 1;
  return {
    value: new Secret({ accessKeyId: `AKMODEL${world.seq}`, secretAccessKey: 'model-secret', sessionToken: 'model-session' }),
    expiration: Math.floor((world.now + CREDENTIALS_TTL_SECONDS * 1000) / 1000) * 1000,
    issuedAt: world.now,
  };
}

/** The error an AuthError-typed rejection of the engine carries for a given pool answer or fault. */
export function cognitoError(name: PoolError | 'InternalErrorException'): AuthError {
  if (name === 'InternalErrorException') return new InternalErrorException('model: internal error', { retryable: true });
  if (name === 'InvalidParameterException') return new InvalidParameterException('model: validation error');
  if (name === 'ResourceNotFoundException') return new ResourceNotFoundException('model: identity not found');
  return new NotAuthorizedException('model: not authorized');
}

export function tokenRefreshError(): AuthError {
  return new TokenRefreshException('model: token refresh failed');
}

/** Restore outcomes: what the seeding engine (or another context) left in storage. */
export function restoreOutcome(
  world: OutcomeWorld,
  variant: 'empty' | 'creds' | 'login' | 'invalid' | 'peer',
  oidcLoginsKey: string,
  peer: StoredSession | undefined,
): { outcome: RestoreOutcome; minted: Login[] } {
  if (variant === 'empty') return { outcome: { kind: 'empty' }, minted: [] };
  if (variant === 'invalid') {
    return { outcome: { kind: 'invalid', error: new StorageError('The stored session is not valid JSON. It was dropped.') }, minted: [] };
  }
  if (variant === 'peer') {
    if (!peer) throw new Error('model: restore from a peer that never wrote');
    return { outcome: { kind: 'restored', session: peer }, minted: [] };
  }
  const login = mintLogin(world, 'alice', oidcLoginsKey, 'app');
  const id = world.pool.getId(login, world.now);
  if (!id.ok || !world.pool.getCredentials(id.value, login, world.now).ok) throw new Error('model: seeding federation refused');
  const session: StoredSession = { identityId: id.value, login };
  if (variant === 'creds') session.credentials = issueCredentials(world);
  return { outcome: { kind: 'restored', session }, minted: [login] };
}
