import type { AuthError } from '../../src/errors/auth-error';
import { SessionExpiredException } from '../../src/errors/error-classes';
import type { AuthEvent } from '../../src/model/auth-events';
import type { RestoreOutcome } from '../../src/model/session';
import type { AuthMachineContext } from '../auth.context';
import { localExpiration, summarize } from '../session-views';

// Every public AuthEvent the machine emits, built from its context: ids, provider names,
// local expirations and error summaries, never a token or secret.

const identityOf = (identityId: string | undefined) => (identityId !== undefined ? { identityId } : {});
const providerOf = (context: AuthMachineContext) => (context.login ? { provider: context.login.loginsKey } : {});

/** The error a refresh ends with when no provider token can be had. */
export function tokenUnavailableError(): AuthError {
  return new SessionExpiredException('The provider token expired and no refresh handler or token provider can replace it.', {
    recoverySuggestion: 'Sign in with the identity provider again and call federateToIdentityPool with the new token.',
  });
}

export function sessionRestored(context: AuthMachineContext): AuthEvent {
  return {
    type: 'sessionRestored',
    ...identityOf(context.identityId),
    ...providerOf(context),
    ...(context.credentials ? { expiration: localExpiration(context.credentials, context.clockOffsetMs) } : {}),
  };
}

export function sessionRestoreFailure(error: AuthError | undefined): AuthEvent {
  return { type: 'sessionRestore_failure', error: summarize(error) };
}

/** `sessionMigrated` when the restore moved a session from an older namespace. */
export function sessionMigrated(outcome: RestoreOutcome): AuthEvent[] {
  return outcome.kind !== 'invalid' && outcome.migratedFrom !== undefined ? [{ type: 'sessionMigrated', from: outcome.migratedFrom }] : [];
}

export function federated(context: AuthMachineContext): AuthEvent {
  return {
    type: 'federatedToIdentityPool',
    identityId: context.identityId ?? '',
    provider: context.login?.loginsKey ?? '',
    expiration: localExpiration(context.credentials, context.clockOffsetMs),
  };
}

export function federationFailure(context: AuthMachineContext, error: AuthError): AuthEvent {
  return { type: 'federationToIdentityPool_failure', provider: context.pending?.login.loginsKey ?? 'unknown', error: summarize(error) };
}

export function tokenRefreshed(context: AuthMachineContext): AuthEvent {
  return { type: 'tokenRefresh', provider: context.login?.loginsKey ?? '', ...identityOf(context.identityId) };
}

export function tokenRefreshFailure(context: AuthMachineContext, error: AuthError | undefined): AuthEvent {
  return {
    type: 'tokenRefresh_failure',
    provider: context.login?.loginsKey ?? '',
    ...identityOf(context.identityId),
    error: summarize(error ?? tokenUnavailableError()),
  };
}

export function credentialsRefreshed(context: AuthMachineContext): AuthEvent {
  const { previousIdentityId } = context.refresh;
  return {
    type: 'credentialsRefreshed',
    identityId: context.identityId ?? '',
    ...providerOf(context),
    expiration: localExpiration(context.credentials, context.clockOffsetMs),
    guest: false,
    ...(previousIdentityId !== undefined ? { previousIdentityId } : {}),
  };
}

export function refreshFailure(context: AuthMachineContext, error: AuthError | undefined, willRetry: boolean): AuthEvent {
  return {
    type: 'credentialsRefresh_failure',
    ...identityOf(context.identityId),
    ...providerOf(context),
    error: summarize(error ?? context.refresh.error),
    willRetry,
    attempt: context.refresh.attempt,
  };
}

export function sessionExpired(context: AuthMachineContext, error: AuthError): AuthEvent {
  return { type: 'sessionExpired', ...identityOf(context.identityId), ...providerOf(context), error: summarize(error) };
}

export function cleared(context: AuthMachineContext): AuthEvent {
  return { type: 'federationToIdentityPoolCleared', ...identityOf(context.identityId), ...providerOf(context) };
}

export function guestCredentials(context: AuthMachineContext): AuthEvent {
  return {
    type: 'credentialsRefreshed',
    identityId: context.guest.identityId ?? '',
    expiration: localExpiration(context.guest.credentials, context.clockOffsetMs),
    guest: true,
  };
}

export function guestFailure(context: AuthMachineContext, error: AuthError | undefined): AuthEvent {
  return { type: 'credentialsRefresh_failure', ...identityOf(context.guest.identityId), error: summarize(error), willRetry: false, attempt: 1 };
}
