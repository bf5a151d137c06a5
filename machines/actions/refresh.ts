import type { AuthError } from '../../src/errors/auth-error';
import { InvalidStateException } from '../../src/errors/error-classes';
import type { CredentialsOutput, CredentialsRefreshRequest, RefreshedTokenOutput, ProviderTokenRequest } from '../../src/model/service-calls';
import { freshRefresh, type AuthMachineContext, type AuthMachineEvent, type RefreshProgress } from '../auth.context';

// Refreshing: a new provider token when needed, then new credentials; what each step learns
// is kept in `context.refresh` until the refresh ends.

type Progress = (refresh: RefreshProgress) => RefreshProgress;
const update = (context: AuthMachineContext, change: Progress): Partial<AuthMachineContext> => ({ refresh: change(context.refresh) });

/** A refresh starts afresh; a FETCH's client metadata is passed to the refresh handler. */
export function startRefresh(event: AuthMachineEvent): Partial<AuthMachineContext> {
  return { refresh: { ...freshRefresh(), ...(event.type === 'FETCH' && event.clientMetadata ? { clientMetadata: event.clientMetadata } : {}) } };
}

export function applyRefreshedToken(context: AuthMachineContext, output: RefreshedTokenOutput): Partial<AuthMachineContext> {
  return {
    login: output.login,
    identityId: output.identityId ?? context.identityId,
    userPoolTokens: output.userPoolTokens ?? context.userPoolTokens,
    refresh: { ...context.refresh, tokenRefreshed: true },
  };
}

export const recordRefreshError = (context: AuthMachineContext, error: AuthError | undefined) =>
  update(context, (refresh) => (error ? { ...refresh, error } : refresh));

export const countRefreshAttempt = (context: AuthMachineContext, error: AuthError | undefined) =>
  update(context, (refresh) => ({ ...refresh, attempt: refresh.attempt + 1, ...(error ? { error } : {}) }));

// The old identity id stays until GetId names the new one: if GetId fails, the session
// keeps a consistent identity and credentials, and the next refresh tries again.
export function markIdentityReplaced(context: AuthMachineContext): Partial<AuthMachineContext> {
  return {
    staleIdentityId: context.identityId,
    refresh: {
      ...context.refresh,
      identityReplaced: true,
      ...(context.identityId !== undefined ? { previousIdentityId: context.identityId } : {}),
    },
  };
}

// Held aside until its credentials arrive, so the identity id and credentials served stay a pair.
export const holdReplacementIdentityId = (context: AuthMachineContext, identityId: string) =>
  update(context, (refresh) => ({ ...refresh, replacementIdentityId: identityId }));

export function applyRefreshedCredentials(context: AuthMachineContext, output: CredentialsOutput): Partial<AuthMachineContext> {
  return {
    identityId: output.identityId,
    ...(output.identityId !== context.staleIdentityId ? { staleIdentityId: undefined } : {}),
    credentials: output.credentials,
    clockOffsetMs: output.clockOffsetMs ?? context.clockOffsetMs,
  };
}

/** A failed refresh with credentials left: wait a while before the next try. */
export const coolDownAfterFailure = (context: AuthMachineContext) => update(context, (refresh) => ({ ...refresh, cooldown: 'afterFailure' }));

/** No provider token can be had: the next wake-up is at the credentials' expiry, to end the session. */
export const scheduleExpiry = (context: AuthMachineContext) => update(context, (refresh) => ({ ...refresh, cooldown: 'untilExpiry' }));

/** What the refresh handler (or token provider) is asked with. */
export function refreshTokenInput(context: AuthMachineContext): ProviderTokenRequest {
  // Reached only through canRefreshProviderToken, which needs a login.
  if (!context.login) throw new InvalidStateException('There is no provider login to refresh.');
  return {
    login: context.login,
    ...(context.identityId !== undefined ? { identityId: context.identityId } : {}),
    ...(context.refresh.clientMetadata ? { clientMetadata: context.refresh.clientMetadata } : {}),
  };
}

/** What the credentials refresh asks for: the replacement identity first, and what it replaces. */
export function refreshCredentialsInput(context: AuthMachineContext): CredentialsRefreshRequest {
  return {
    identityId: context.refresh.replacementIdentityId ?? context.identityId ?? '',
    ...(context.login ? { login: context.login } : {}),
    ...(context.credentials ? { replacing: context.credentials } : {}),
    ...(context.sessionId !== undefined ? { sessionId: context.sessionId } : {}),
  };
}
