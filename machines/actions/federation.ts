import type { CredentialsOutput, IdentityIdOutput, UserPoolTokensOutput } from '../../src/model/service-calls';
import { freshRefresh, type AuthMachineContext, type FederateEvent } from '../auth.context';

// Federating: a login becomes a pending federation, GetId names its identity (unless one is
// known), GetCredentialsForIdentity makes it the session held.

/** Where a federation that fails goes back to. */
function returnPoint(context: AuthMachineContext): AuthMachineContext['returnTo'] {
  if (context.pending) return context.returnTo;
  if (context.identityId !== undefined && context.login) return 'federated';
  return context.cleared ? 'cleared' : 'signedOut';
}

/**
 * A FEDERATE from the app. The identity id held is reused for the same subject of the same
 * provider (or, for tokens without a subject, guessed to be the same); the app's own id wins.
 */
export function startFederation(context: AuthMachineContext, event: FederateEvent): Partial<AuthMachineContext> {
  const login = event.login;
  const sameProvider = context.identityId !== undefined && context.login?.loginsKey === login.loginsKey;
  const sameSubject = sameProvider && login.subject !== undefined && context.login?.subject === login.subject;
  const guessed = sameProvider && login.subject === undefined && context.login?.subject === undefined;
  const identityId = event.developerProvidedIdentityId ?? (sameSubject || guessed ? context.identityId : undefined);
  return {
    pending: {
      login,
      ...(identityId !== undefined ? { identityId } : {}),
      identityIdFromApp: event.developerProvidedIdentityId !== undefined,
      identityIdGuessed: guessed && event.developerProvidedIdentityId === undefined,
      gotFreshIdentityId: false,
    },
    federationWaiters: [event.requestId],
    returnTo: returnPoint(context),
  };
}

/** The token provider has a user-pool session: federate its id token. */
export function startUserPoolFederation(output: UserPoolTokensOutput): Partial<AuthMachineContext> {
  return {
    pending: {
      login: output.login,
      identityIdFromApp: false,
      identityIdGuessed: false,
      gotFreshIdentityId: false,
      userPoolTokens: output.userPoolTokens,
    },
    federationWaiters: [],
    returnTo: 'signedOut',
  };
}

export function assignPendingIdentityId(context: AuthMachineContext, output: IdentityIdOutput): Partial<AuthMachineContext> {
  if (!context.pending) return {};
  return {
    pending: { ...context.pending, identityId: output.identityId, gotFreshIdentityId: true, identityIdGuessed: false },
    clockOffsetMs: output.clockOffsetMs ?? context.clockOffsetMs,
  };
}

/** The identity id tried was refused: GetId names a new one. */
export function dropPendingIdentityId(context: AuthMachineContext): Partial<AuthMachineContext> {
  if (!context.pending) return { pending: undefined };
  const { identityId: _dropped, ...rest } = context.pending;
  return { pending: { ...rest, identityIdGuessed: false } };
}

/** The pending federation becomes the session held. */
export function applyFederation(context: AuthMachineContext, output: CredentialsOutput): Partial<AuthMachineContext> {
  if (!context.pending) return {};
  // A new federation is a new session: a clear of the one before never names this one.
  const federations = context.federations + 1;
  return {
    sessionId: `${context.settings.sessionIdPrefix ?? 'session'}.${federations}`,
    federations,
    identityId: output.identityId,
    login: context.pending.login,
    credentials: output.credentials,
    userPoolTokens: context.pending.userPoolTokens,
    clockOffsetMs: output.clockOffsetMs ?? context.clockOffsetMs,
    pending: undefined,
    staleIdentityId: undefined,
    cleared: false,
    refresh: freshRefresh(),
  };
}

/** The token provider still has the same user: its tokens are the session's. */
export function applyUserPoolTokens(output: UserPoolTokensOutput): Partial<AuthMachineContext> {
  return { login: { ...output.login }, userPoolTokens: output.userPoolTokens };
}
