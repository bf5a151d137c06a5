import { assign, emit, enqueueActions, fromPromise, setup } from 'xstate';
import type { AuthError } from '../src/errors/auth-error';
import { AbortError, InvalidStateException, SessionExpiredException } from '../src/errors/error-classes';
import type {
  AuthMachineContext,
  AuthMachineEvent,
  AuthMachineInput,
  CredentialsOutput,
  ErrorSummary,
  HeldCredentials,
  IdentityIdOutput,
  Login,
  MachineEmitted,
  RefreshedTokenOutput,
  RestoreOutcome,
  SessionView,
  StoredSession,
  UserPoolTokensOutput,
} from './auth.types';
export { defaultTiming } from './session-rules';
import { canRefreshToken, createTimeRules } from './time-rules';


const realTimeRules = createTimeRules({ now: Date.now, random: Math.random });

export interface GetIdInput {
  login?: Login;
}
export interface GetCredentialsInput {
  identityId: string;
  login?: Login;
}
export interface RefreshCredentialsInput extends GetCredentialsInput {
  /** Expiration of the credentials being replaced; a sharing context's newer ones will do. */
  replacing?: number;
  /** The session refreshed: only a sharing context's credentials for the same session will do. */
  sessionId?: string;
}

/** What `removePersistedSession` is told: a clear names the session it ends, an expiry does not. */
export interface RemovePersistedSessionParams {
  clearedSessionId?: string | undefined;
}
export interface RefreshProviderTokenInput {
  login: Login;
  identityId?: string;
  clientMetadata?: Record<string, string>;
}
export interface LoadUserPoolTokensInput {
  forceRefresh: boolean;
}

/** A clear (the app's, or a user-pool sign-out) names the session it ends, read before `clearSession`. */
function clearedSessionParams({ context }: { context: AuthMachineContext }): RemovePersistedSessionParams {
  return { clearedSessionId: context.sessionId };
}

function notProvided(name: string): never {
  throw new Error(`${name} is provided by the engine (machine.provide)`);
}

/** Events report expirations on the local clock, the one their readers compare against. */
function localExpiration(credentials: HeldCredentials | undefined, clockOffsetMs: number): number {
  return credentials ? credentials.expiration - clockOffsetMs : 0;
}

function summarize(error: AuthError | undefined): ErrorSummary {
  return { name: error?.name ?? 'UnknownException', message: error?.message ?? 'Unknown error.' };
}

function errorOf(event: { type: string }): AuthError | undefined {
  return 'error' in event ? (event.error as AuthError) : undefined;
}

function errorCode(event: { type: string }): string | undefined {
  return errorOf(event)?.name;
}

function federatedSession(context: AuthMachineContext): SessionView {
  const view: SessionView = { clockOffsetMs: context.clockOffsetMs };
  if (context.identityId !== undefined) view.identityId = context.identityId;
  if (context.credentials) view.credentials = context.credentials;
  if (context.login) view.federatedProvider = context.login.loginsKey;
  if (context.userPoolTokens) view.userPoolTokens = context.userPoolTokens;
  return view;
}

function guestSession(context: AuthMachineContext): SessionView {
  const view: SessionView = { clockOffsetMs: context.clockOffsetMs };
  if (context.guest.identityId !== undefined) view.identityId = context.guest.identityId;
  if (context.guest.credentials) view.credentials = context.guest.credentials;
  return view;
}

/** Where a federation that fails goes back to. */
function returnPoint(context: AuthMachineContext): AuthMachineContext['returnTo'] {
  if (context.pending) return context.returnTo;
  if (context.identityId !== undefined && context.login) return 'federated';
  return context.cleared ? 'cleared' : 'signedOut';
}

function refreshFailure(context: AuthMachineContext, event: { type: string }, willRetry: boolean) {
  return {
    type: 'credentialsRefresh_failure' as const,
    ...(context.identityId !== undefined ? { identityId: context.identityId } : {}),
    ...(context.login ? { provider: context.login.loginsKey } : {}),
    error: summarize(errorOf(event) ?? context.refresh.error),
    willRetry,
    attempt: context.refresh.attempt,
  };
}

const freshRefresh = (): AuthMachineContext['refresh'] => ({
  attempt: 0,
  tokenRefreshed: false,
  identityReplaced: false,
  cooldown: 'none',
});

const emptySession = {
  sessionId: undefined,
  identityId: undefined,
  staleIdentityId: undefined,
  login: undefined,
  credentials: undefined,
  userPoolTokens: undefined,
  pending: undefined,
} satisfies Partial<AuthMachineContext>;

/**
 * The federation machine: restoring → signedOut / federating / federated / refreshing /
 * cleared. Pure: Cognito calls, storage and the clock come in through `machine.provide`
 * (the engine binds them); promises of API callers settle from the `request.*` events it
 * emits, and every public `AuthEvent` is emitted from here.
 */
export const authMachine = setup({
  types: {
    context: {} as AuthMachineContext,
    events: {} as AuthMachineEvent,
    input: {} as AuthMachineInput,
    emitted: {} as MachineEmitted,
  },
  actors: {
    restoreSession: fromPromise<RestoreOutcome>(async () => notProvided('restoreSession')),
    getId: fromPromise<IdentityIdOutput, GetIdInput>(async () => notProvided('getId')),
    getCredentials: fromPromise<CredentialsOutput, GetCredentialsInput>(async () => notProvided('getCredentials')),
    refreshCredentials: fromPromise<CredentialsOutput, RefreshCredentialsInput>(async () => notProvided('refreshCredentials')),
    refreshProviderToken: fromPromise<RefreshedTokenOutput, RefreshProviderTokenInput>(async () =>
      notProvided('refreshProviderToken'),
    ),
    loadUserPoolTokens: fromPromise<UserPoolTokensOutput | null, LoadUserPoolTokensInput>(async () =>
      notProvided('loadUserPoolTokens'),
    ),
  },
  delays: realTimeRules.delays,
  guards: {
    ...realTimeRules.guards,
    // Restoring
    isRestoreInvalid: ({ event }) => (event as { output?: RestoreOutcome }).output?.kind === 'invalid',

    // Settings
    guestAccessAllowed: ({ context }) => context.settings.allowGuestAccess,
    hasTokenProvider: ({ context }) => context.settings.hasTokenProvider,
    hasUserPoolSession: ({ context }) => context.login?.source === 'userPool',

    // Federation
    isSameFederation: ({ context, event }) => {
      if (event.type !== 'FEDERATE' || !context.pending) return false;
      const pending = context.pending;
      return (
        pending.login.loginsKey === event.login.loginsKey &&
        pending.login.token.reveal() === event.login.token.reveal() &&
        (!pending.identityIdFromApp || pending.identityId === event.developerProvidedIdentityId)
      );
    },
    mustCheckUserPoolSession: ({ context }) => context.settings.hasTokenProvider && context.pending?.login.source === 'app',
    hasUserPoolTokens: ({ event }) => (event as { output?: UserPoolTokensOutput | null }).output != null,
    hasPendingIdentityId: ({ context }) => context.pending?.identityId !== undefined,
    shouldGetNewIdentityId: ({ context, event }) => {
      const pending = context.pending;
      if (!pending || pending.identityIdFromApp || pending.gotFreshIdentityId) return false;
      const code = errorCode(event);
      return (code === 'NotAuthorizedException' && pending.identityIdGuessed) || code === 'ResourceNotFoundException';
    },
    returnsToCleared: ({ context }) => context.returnTo === 'cleared',

    // Credentials and tokens
    canRefreshProviderToken: ({ context }) => canRefreshToken(context),
    returnsToRefreshing: ({ context }) => context.returnTo === 'federated' && context.login !== undefined,
    isSameUserPoolUser: ({ context, event }) => {
      const output = (event as { output?: UserPoolTokensOutput | null }).output;
      return output != null && context.login !== undefined && output.login.loginsKey === context.login.loginsKey && output.login.subject === context.login.subject;
    },

    // Refresh errors
    shouldRefreshTokenAndRetry: ({ context, event }) =>
      errorCode(event) === 'NotAuthorizedException' && !context.refresh.tokenRefreshed && canRefreshToken(context),
    isIdentityStale: ({ context }) => context.staleIdentityId !== undefined && context.staleIdentityId === context.identityId,
    isIdentityGone: ({ context, event }) => errorCode(event) === 'ResourceNotFoundException' && !context.refresh.identityReplaced,

    // Guest
    hasGuestIdentityId: ({ context }) => context.guest.identityId !== undefined,
    isGuestIdentityGone: ({ context, event }) => errorCode(event) === 'ResourceNotFoundException' && !context.guest.identityReplaced,

    // Sharing
    isSharedFederation: ({ event }) =>
      event.type === 'SYNC' && event.session?.identityId !== undefined && event.session.login !== undefined && event.session.credentials !== undefined,
    /** Another context ended the federation this one holds. */
    isSharedClear: ({ context, event }) =>
      event.type === 'SYNC' && context.identityId !== undefined && (event.session === null || event.session.identityId === undefined),
  },
  actions: {
    // ---- storage side effects (bound by the engine) ----
    persistSession: () => {},
    // Params: RemovePersistedSessionParams (left untyped here: typed params on one action
    // clash with the enqueueActions of the others in XState's inference).
    removePersistedSession: () => {},

    // ---- caller settlement ----
    resolveRequest: emit(({ context, event }) => ({
      type: 'request.resolved' as const,
      requestIds: 'requestId' in event ? [event.requestId] : [],
      session: federatedSession(context),
    })),
    resolveGuestRequest: emit(({ context, event }) => ({
      type: 'request.resolved' as const,
      requestIds: 'requestId' in event ? [event.requestId] : [],
      session: guestSession(context),
    })),
    resolveSignedOutRequests: enqueueActions(({ context, event, enqueue }) => {
      const requestIds = [...context.sessionWaiters, ...('requestId' in event ? [event.requestId] : [])];
      const session: SessionView = { clockOffsetMs: context.clockOffsetMs };
      if (context.guest.identityId !== undefined) session.identityId = context.guest.identityId;
      enqueue.emit({ type: 'request.resolved', requestIds, session });
      enqueue.assign({ sessionWaiters: [] });
    }),
    resolveSessionWaiters: enqueueActions(({ context, enqueue }) => {
      if (context.sessionWaiters.length === 0) return;
      enqueue.emit({ type: 'request.resolved', requestIds: context.sessionWaiters, session: federatedSession(context) });
      enqueue.assign({ sessionWaiters: [] });
    }),
    resolveGuestWaiters: enqueueActions(({ context, enqueue }) => {
      if (context.sessionWaiters.length === 0) return;
      enqueue.emit({ type: 'request.resolved', requestIds: context.sessionWaiters, session: guestSession(context) });
      enqueue.assign({ sessionWaiters: [] });
    }),
    resolveFederationWaiters: enqueueActions(({ context, enqueue }) => {
      const requestIds = [...context.federationWaiters, ...context.sessionWaiters];
      enqueue.emit({ type: 'request.resolved', requestIds, session: federatedSession(context) });
      enqueue.assign({ federationWaiters: [], sessionWaiters: [] });
    }),
    rejectSessionWaiters: enqueueActions(({ context, event, enqueue }) => {
      if (context.sessionWaiters.length === 0) return;
      const error = errorOf(event) ?? context.refresh.error;
      if (!error) return;
      enqueue.emit({ type: 'request.rejected', requestIds: context.sessionWaiters, error });
      enqueue.assign({ sessionWaiters: [] });
    }),
    /** A failed federation: its callers get the error; fetch callers get the earlier session when it is still valid. */
    rejectFederation: enqueueActions(({ context, event, enqueue, check }) => {
      const error = errorOf(event) ?? new InvalidStateException('Federation failed.');
      enqueue.emit({ type: 'request.rejected', requestIds: context.federationWaiters, error });
      if (context.sessionWaiters.length > 0) {
        if (check({ type: 'returnsToFederated' })) {
          enqueue.emit({ type: 'request.resolved', requestIds: context.sessionWaiters, session: federatedSession(context) });
        } else {
          enqueue.emit({ type: 'request.rejected', requestIds: context.sessionWaiters, error });
        }
      }
      enqueue.emit({
        type: 'federationToIdentityPool_failure',
        provider: context.pending?.login.loginsKey ?? 'unknown',
        error: summarize(error),
      });
      enqueue.assign({ federationWaiters: [], sessionWaiters: [], pending: undefined });
    }),
    rejectFederateWhileUserPool: emit(({ event }) => ({
      type: 'request.rejected' as const,
      requestIds: 'requestId' in event ? [event.requestId] : [],
      error: new InvalidStateException('Cannot federate to the identity pool while signed in with a user pool or token provider.', {
        recoverySuggestion: 'Sign out of the user pool first; with a user-pool session, fetchAuthSession federates its id token by itself.',
      }),
    })),
    rejectFederationUserPoolActive: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({
        type: 'request.rejected',
        requestIds: [...context.federationWaiters, ...context.sessionWaiters],
        error: new InvalidStateException('Cannot federate to the identity pool while signed in with a user pool or token provider.', {
          recoverySuggestion: 'Sign out of the user pool first; with a user-pool session, fetchAuthSession federates its id token by itself.',
        }),
      });
      enqueue.assign({ federationWaiters: [], sessionWaiters: [], pending: undefined });
    }),
    abortPendingFederation: enqueueActions(({ context, enqueue }) => {
      if (context.federationWaiters.length === 0) return;
      enqueue.emit({
        type: 'request.rejected',
        requestIds: context.federationWaiters,
        error: new AbortError('This federation was superseded by a newer federateToIdentityPool call.', {
          recoverySuggestion: 'Nothing to do: the newer call decides the session.',
        }),
      });
      enqueue.assign({ federationWaiters: [] });
    }),
    abortAllWaiters: enqueueActions(({ context, enqueue }) => {
      const requestIds = [...context.federationWaiters, ...context.sessionWaiters];
      if (requestIds.length === 0) return;
      enqueue.emit({
        type: 'request.rejected',
        requestIds,
        error: new AbortError('The federation was cleared while this call was waiting.', {
          recoverySuggestion: 'Federate again to get a new session.',
        }),
      });
      enqueue.assign({ federationWaiters: [], sessionWaiters: [] });
    }),
    resolveClear: emit(({ context, event }) => ({
      type: 'request.resolved' as const,
      requestIds: 'requestId' in event ? [event.requestId] : [],
      session: { clockOffsetMs: context.clockOffsetMs },
    })),

    // ---- waiters ----
    addSessionWaiter: assign({
      sessionWaiters: ({ context, event }) => ('requestId' in event ? [...context.sessionWaiters, event.requestId] : context.sessionWaiters),
    }),
    addFederationWaiter: assign({
      federationWaiters: ({ context, event }) =>
        'requestId' in event ? [...context.federationWaiters, event.requestId] : context.federationWaiters,
    }),

    // ---- restoring ----
    applyRestoredSession: assign(({ event }) => {
      const outcome = (event as { output?: RestoreOutcome }).output;
      if (outcome?.kind !== 'restored') return {};
      const session = outcome.session;
      return {
        sessionId: session.sessionId,
        identityId: session.identityId,
        login: session.login,
        credentials: session.credentials,
        clockOffsetMs: session.clockOffsetMs ?? 0,
        guest: { identityId: session.guestIdentityId, credentials: undefined, identityReplaced: false },
      };
    }),
    applyRestoredGuest: assign({
      guest: ({ event }) => {
        const outcome = (event as { output?: RestoreOutcome }).output;
        const identityId = outcome && outcome.kind !== 'restored' ? outcome.guestIdentityId : undefined;
        return { identityId, credentials: undefined, identityReplaced: false };
      },
    }),
    emitSessionRestored: emit(({ context }) => ({
      type: 'sessionRestored' as const,
      ...(context.identityId !== undefined ? { identityId: context.identityId } : {}),
      ...(context.login ? { provider: context.login.loginsKey } : {}),
      ...(context.credentials ? { expiration: localExpiration(context.credentials, context.clockOffsetMs) } : {}),
    })),
    emitSessionRestoreFailure: emit(({ event }) => {
      const outcome = (event as { output?: RestoreOutcome; error?: AuthError }).output;
      const error = outcome?.kind === 'invalid' ? outcome.error : errorOf(event);
      return { type: 'sessionRestore_failure' as const, error: summarize(error) };
    }),
    emitSessionMigrated: enqueueActions(({ event, enqueue }) => {
      const outcome = (event as { output?: RestoreOutcome }).output;
      if (outcome && outcome.kind !== 'invalid' && outcome.migratedFrom !== undefined) {
        enqueue.emit({ type: 'sessionMigrated', from: outcome.migratedFrom });
      }
    }),

    // ---- federating ----
    startFederation: assign(({ context, event }) => {
      if (event.type !== 'FEDERATE') return {};
      const login = event.login;
      const sameSubject =
        context.identityId !== undefined &&
        context.login?.loginsKey === login.loginsKey &&
        login.subject !== undefined &&
        context.login.subject === login.subject;
      const guessed =
        context.identityId !== undefined && context.login?.loginsKey === login.loginsKey && login.subject === undefined && context.login.subject === undefined;
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
    }),
    startUserPoolFederation: assign(({ event }) => {
      const output = (event as { output?: UserPoolTokensOutput | null }).output;
      if (!output) return {};
      return {
        pending: {
          login: output.login,
          identityIdFromApp: false,
          identityIdGuessed: false,
          gotFreshIdentityId: false,
          userPoolTokens: output.userPoolTokens,
        },
        federationWaiters: [],
        returnTo: 'signedOut' as const,
      };
    }),
    assignPendingIdentityId: assign({
      pending: ({ context, event }) => {
        const output = (event as { output?: IdentityIdOutput }).output;
        if (!context.pending || !output) return context.pending;
        return { ...context.pending, identityId: output.identityId, gotFreshIdentityId: true, identityIdGuessed: false };
      },
      clockOffsetMs: ({ context, event }) => (event as { output?: IdentityIdOutput }).output?.clockOffsetMs ?? context.clockOffsetMs,
    }),
    dropPendingIdentityId: assign({
      pending: ({ context }) => {
        if (!context.pending) return undefined;
        const { identityId: _dropped, ...rest } = context.pending;
        return { ...rest, identityIdGuessed: false };
      },
    }),
    applyFederation: assign(({ context, event }) => {
      const output = (event as { output?: CredentialsOutput }).output;
      if (!output || !context.pending) return {};
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
    }),
    emitFederated: emit(({ context }) => ({
      type: 'federatedToIdentityPool' as const,
      identityId: context.identityId ?? '',
      provider: context.login?.loginsKey ?? '',
      expiration: localExpiration(context.credentials, context.clockOffsetMs),
    })),

    // ---- federated: user pool sessions ----
    applyUserPoolTokens: assign(({ context, event }) => {
      const output = (event as { output?: UserPoolTokensOutput | null }).output;
      if (!output) return {};
      return { login: { ...output.login }, userPoolTokens: output.userPoolTokens, identityId: context.identityId };
    }),

    // ---- refreshing ----
    startRefresh: assign({
      refresh: ({ event }) => ({
        ...freshRefresh(),
        ...(event.type === 'FETCH' && event.clientMetadata ? { clientMetadata: event.clientMetadata } : {}),
      }),
    }),
    applyRefreshedToken: assign(({ context, event }) => {
      const output = (event as { output?: RefreshedTokenOutput }).output;
      if (!output) return {};
      return {
        login: output.login,
        identityId: output.identityId ?? context.identityId,
        userPoolTokens: output.userPoolTokens ?? context.userPoolTokens,
        refresh: { ...context.refresh, tokenRefreshed: true },
      };
    }),
    emitTokenRefresh: emit(({ context }) => ({
      type: 'tokenRefresh' as const,
      provider: context.login?.loginsKey ?? '',
      ...(context.identityId !== undefined ? { identityId: context.identityId } : {}),
    })),
    emitTokenRefreshFailure: emit(({ context, event }) => ({
      type: 'tokenRefresh_failure' as const,
      provider: context.login?.loginsKey ?? '',
      ...(context.identityId !== undefined ? { identityId: context.identityId } : {}),
      error: summarize(
        errorOf(event) ??
          new SessionExpiredException('The provider token expired and no refresh handler or token provider can replace it.'),
      ),
    })),
    recordTokenUnavailable: assign({
      refresh: ({ context, event }) => ({
        ...context.refresh,
        error:
          errorOf(event) ??
          new SessionExpiredException('The provider token expired and no refresh handler or token provider can replace it.', {
            recoverySuggestion: 'Sign in with the identity provider again and call federateToIdentityPool with the new token.',
          }),
      }),
    }),
    recordRefreshError: assign({
      refresh: ({ context, event }) => {
        const error = errorOf(event);
        return error ? { ...context.refresh, error } : context.refresh;
      },
    }),
    countRefreshAttempt: assign({
      refresh: ({ context, event }) => {
        const error = errorOf(event);
        return { ...context.refresh, attempt: context.refresh.attempt + 1, ...(error ? { error } : {}) };
      },
    }),
    // The old identity id stays until GetId names the new one: if GetId fails, the session
    // keeps a consistent identity and credentials, and the next refresh tries again.
    markIdentityReplaced: assign({
      staleIdentityId: ({ context }) => context.identityId,
      refresh: ({ context }) => ({
        ...context.refresh,
        identityReplaced: true,
        ...(context.identityId !== undefined ? { previousIdentityId: context.identityId } : {}),
      }),
    }),
    // Held aside until its credentials arrive, so the identity id and credentials served stay a pair.
    assignRefreshedIdentityId: assign({
      refresh: ({ context, event }) => {
        const replacement = (event as { output?: IdentityIdOutput }).output?.identityId;
        return replacement === undefined ? context.refresh : { ...context.refresh, replacementIdentityId: replacement };
      },
    }),
    applyRefreshedCredentials: assign(({ context, event }) => {
      const output = (event as { output?: CredentialsOutput }).output;
      if (!output) return {};
      return {
        identityId: output.identityId,
        ...(output.identityId !== context.staleIdentityId ? { staleIdentityId: undefined } : {}),
        credentials: output.credentials,
        clockOffsetMs: output.clockOffsetMs ?? context.clockOffsetMs,
      };
    }),
    resetRefresh: assign({ refresh: () => freshRefresh() }),
    emitCredentialsRefreshed: emit(({ context }) => {
      const { previousIdentityId } = context.refresh;
      return {
        type: 'credentialsRefreshed' as const,
        identityId: context.identityId ?? '',
        ...(context.login ? { provider: context.login.loginsKey } : {}),
        expiration: localExpiration(context.credentials, context.clockOffsetMs),
        guest: false,
        ...(previousIdentityId !== undefined ? { previousIdentityId } : {}),
      };
    }),
    emitRefreshRetrying: emit(({ context, event }) => refreshFailure(context, event, true)),
    emitRefreshFailure: emit(({ context, event }) => refreshFailure(context, event, false)),
    coolDownAfterFailure: assign({ refresh: ({ context }) => ({ ...context.refresh, cooldown: 'afterFailure' as const }) }),
    waitForCredentialsToExpire: assign({ refresh: ({ context }) => ({ ...context.refresh, cooldown: 'untilExpiry' as const }) }),
    rejectForcedWaiters: enqueueActions(({ context, enqueue }) => {
      if (context.sessionWaiters.length === 0 || !context.refresh.error) return;
      enqueue.emit({ type: 'request.rejected', requestIds: context.sessionWaiters, error: context.refresh.error });
      enqueue.assign({ sessionWaiters: [] });
    }),
    expireSession: enqueueActions(({ context, enqueue }) => {
      const error =
        context.refresh.error ??
        new SessionExpiredException('The credentials expired and could not be refreshed.', {
          recoverySuggestion: 'Sign in with the identity provider again and call federateToIdentityPool with the new token.',
        });
      if (context.sessionWaiters.length > 0) {
        enqueue.emit({ type: 'request.rejected', requestIds: context.sessionWaiters, error });
      }
      enqueue.emit({
        type: 'sessionExpired',
        ...(context.identityId !== undefined ? { identityId: context.identityId } : {}),
        ...(context.login ? { provider: context.login.loginsKey } : {}),
        error: summarize(error),
      });
      enqueue.assign({ ...emptySession, sessionWaiters: [], refresh: freshRefresh() });
    }),

    // ---- clearing ----
    clearSession: assign({
      ...emptySession,
      cleared: true,
      guest: ({ context }) => ({ identityId: context.guest.identityId, credentials: undefined, identityReplaced: false }),
      refresh: () => freshRefresh(),
    }),
    clearGuestCredentials: assign({
      guest: ({ context }) => ({ ...context.guest, credentials: undefined }),
    }),
    emitCleared: emit(({ context }) => ({
      type: 'federationToIdentityPoolCleared' as const,
      ...(context.identityId !== undefined ? { identityId: context.identityId } : {}),
      ...(context.login ? { provider: context.login.loginsKey } : {}),
    })),

    // ---- guest ----
    startGuestFetch: assign({
      guest: ({ context }) => ({ identityId: context.guest.identityId, credentials: context.guest.credentials, identityReplaced: false }),
    }),
    applyGuestIdentityId: assign({
      guest: ({ context, event }) => {
        const identityId = (event as { output?: IdentityIdOutput }).output?.identityId;
        // A first guest identity is used at once; a replacement waits for its credentials.
        if (context.guest.identityId === undefined) return { ...context.guest, identityId };
        return identityId === undefined ? context.guest : { ...context.guest, pendingIdentityId: identityId };
      },
      clockOffsetMs: ({ context, event }) => (event as { output?: IdentityIdOutput }).output?.clockOffsetMs ?? context.clockOffsetMs,
    }),
    markGuestIdentityReplaced: assign({
      guest: ({ context }) => ({ ...context.guest, identityReplaced: true }),
    }),
    applyGuestCredentials: assign(({ context, event }) => {
      const output = (event as { output?: CredentialsOutput }).output;
      if (!output) return {};
      return {
        guest: { identityId: output.identityId, credentials: output.credentials, identityReplaced: context.guest.identityReplaced },
        clockOffsetMs: output.clockOffsetMs ?? context.clockOffsetMs,
      };
    }),
    emitGuestCredentials: emit(({ context }) => ({
      type: 'credentialsRefreshed' as const,
      identityId: context.guest.identityId ?? '',
      expiration: localExpiration(context.guest.credentials, context.clockOffsetMs),
      guest: true,
    })),
    emitGuestFailure: emit(({ context, event }) => ({
      type: 'credentialsRefresh_failure' as const,
      ...(context.guest.identityId !== undefined ? { identityId: context.guest.identityId } : {}),
      error: summarize(errorOf(event)),
      willRetry: false,
      attempt: 1,
    })),

    // ---- sharing ----
    applySharedSession: assign(({ context, event }) => {
      if (event.type !== 'SYNC' || !event.session) return {};
      const session: StoredSession = event.session;
      return {
        cleared: false,
        staleIdentityId: undefined,
        sessionId: session.sessionId,
        identityId: session.identityId,
        login: session.login,
        credentials: session.credentials,
        clockOffsetMs: session.clockOffsetMs ?? context.clockOffsetMs,
        refresh: freshRefresh(),
      };
    }),
  },
}).createMachine({
  id: 'auth',
  initial: 'restoring',
  context: ({ input }) => ({
    settings: input.settings,
    sessionId: undefined,
    federations: 0,
    identityId: undefined,
    staleIdentityId: undefined,
    login: undefined,
    credentials: undefined,
    userPoolTokens: undefined,
    guest: { identityId: undefined, credentials: undefined, identityReplaced: false },
    pending: undefined,
    clockOffsetMs: 0,
    refresh: freshRefresh(),
    sessionWaiters: [],
    federationWaiters: [],
    returnTo: 'signedOut',
    cleared: false,
  }),
  on: {
    CLEAR: {
      target: '.cleared',
      actions: ['abortAllWaiters', 'emitCleared', { type: 'removePersistedSession', params: clearedSessionParams }, 'clearSession', 'resolveClear'],
    },
    SYNC: [
      {
        guard: 'isSharedFederation',
        target: '.federated',
        actions: ['abortPendingFederation', 'applySharedSession', 'resolveSessionWaiters'],
      },
      { guard: 'isSharedClear', target: '.cleared', actions: ['abortAllWaiters', 'emitCleared', 'clearSession'] },
    ],
  },
  states: {
    restoring: {
      // Ignored here, never lost: the engine holds back changes noticed while restoring and
      // reads storage again once the restore is done (src/engine/follow-shared-session.ts).
      on: { SYNC: {} },
      invoke: {
        src: 'restoreSession',
        onDone: [
          {
            guard: 'isRestoredWithCredentials',
            target: 'federated',
            actions: ['applyRestoredSession', 'emitSessionMigrated', 'emitSessionRestored'],
          },
          {
            guard: 'isRestoredWithLogin',
            target: 'refreshing',
            actions: ['applyRestoredSession', 'emitSessionMigrated', 'emitSessionRestored'],
          },
          {
            guard: 'isRestoreInvalid',
            target: 'signedOut',
            actions: ['applyRestoredGuest', 'emitSessionRestoreFailure'],
          },
          { target: 'signedOut', actions: ['applyRestoredGuest', 'emitSessionMigrated'] },
        ],
        onError: { target: 'signedOut', actions: 'emitSessionRestoreFailure' },
      },
    },

    signedOut: {
      initial: 'idle',
      on: {
        FEDERATE: { target: 'federating', actions: ['startFederation'] },
        CLEAR: { actions: ['clearGuestCredentials', 'resolveClear'] },
      },
      states: {
        idle: {
          on: {
            FETCH: [
              { guard: 'hasTokenProvider', target: 'loadingTokens', actions: 'addSessionWaiter' },
              { guard: 'guestAccessAllowed', target: 'fetchingGuestCredentials', actions: 'addSessionWaiter' },
              { actions: 'resolveSignedOutRequests' },
            ],
          },
        },
        loadingTokens: {
          invoke: {
            src: 'loadUserPoolTokens',
            input: { forceRefresh: false },
            onDone: [
              { guard: 'hasUserPoolTokens', target: '#auth.federating', actions: 'startUserPoolFederation' },
              { guard: 'guestAccessAllowed', target: 'fetchingGuestCredentials' },
              { target: 'idle', actions: 'resolveSignedOutRequests' },
            ],
            onError: { target: 'idle', actions: 'rejectSessionWaiters' },
          },
          on: { FETCH: { actions: 'addSessionWaiter' } },
        },
        fetchingGuestCredentials: {
          entry: 'startGuestFetch',
          initial: 'choosingIdentity',
          on: {
            FETCH: [{ guard: 'canServeGuestCredentials', actions: 'resolveGuestRequest' }, { actions: 'addSessionWaiter' }],
          },
          states: {
            choosingIdentity: {
              always: [{ guard: 'hasGuestIdentityId', target: 'gettingCredentials' }, { target: 'gettingId' }],
            },
            gettingId: {
              invoke: {
                src: 'getId',
                input: {},
                onDone: { target: 'gettingCredentials', actions: 'applyGuestIdentityId' },
                onError: [
                  { guard: 'hasValidGuestCredentials', target: '#auth.signedOut.guest', actions: ['rejectSessionWaiters', 'emitGuestFailure'] },
                  { target: '#auth.signedOut.idle', actions: ['rejectSessionWaiters', 'emitGuestFailure'] },
                ],
              },
            },
            gettingCredentials: {
              invoke: {
                src: 'getCredentials',
                input: ({ context }) => ({ identityId: context.guest.pendingIdentityId ?? context.guest.identityId ?? '' }),
                onDone: {
                  target: '#auth.signedOut.guest',
                  actions: ['applyGuestCredentials', 'resolveGuestWaiters', 'persistSession', 'emitGuestCredentials'],
                },
                onError: [
                  { guard: 'isGuestIdentityGone', target: 'gettingId', actions: 'markGuestIdentityReplaced' },
                  // Still-valid guest credentials keep being served; the refresh-ahead timer tries again.
                  { guard: 'hasValidGuestCredentials', target: '#auth.signedOut.guest', actions: ['rejectSessionWaiters', 'emitGuestFailure'] },
                  { target: '#auth.signedOut.idle', actions: ['rejectSessionWaiters', 'emitGuestFailure'] },
                ],
              },
            },
          },
        },
        guest: {
          after: { guestRefreshAhead: 'fetchingGuestCredentials' },
          on: {
            FETCH: [
              { guard: 'canServeGuestCredentials', actions: 'resolveGuestRequest' },
              { target: 'fetchingGuestCredentials', actions: 'addSessionWaiter' },
            ],
          },
        },
      },
    },

    federating: {
      initial: 'choosingIdentity',
      on: {
        FEDERATE: [
          { guard: 'isSameFederation', actions: 'addFederationWaiter' },
          {
            target: 'federating',
            reenter: true,
            actions: ['abortPendingFederation', 'startFederation'],
          },
        ],
        FETCH: { actions: 'addSessionWaiter' },
      },
      states: {
        choosingIdentity: {
          always: [
            { guard: 'mustCheckUserPoolSession', target: 'checkingUserPoolSession' },
            { guard: 'hasPendingIdentityId', target: 'gettingCredentials' },
            { target: 'gettingId' },
          ],
        },
        checkingUserPoolSession: {
          invoke: {
            src: 'loadUserPoolTokens',
            input: { forceRefresh: false },
            onDone: [
              { guard: 'hasUserPoolTokens', target: 'failed', actions: 'rejectFederationUserPoolActive' },
              { guard: 'hasPendingIdentityId', target: 'gettingCredentials' },
              { target: 'gettingId' },
            ],
            onError: { target: 'failed', actions: 'rejectFederation' },
          },
        },
        gettingId: {
          invoke: {
            src: 'getId',
            input: ({ context }) => (context.pending ? { login: context.pending.login } : {}),
            onDone: { target: 'gettingCredentials', actions: 'assignPendingIdentityId' },
            onError: { target: 'failed', actions: 'rejectFederation' },
          },
        },
        gettingCredentials: {
          invoke: {
            src: 'getCredentials',
            input: ({ context }) => ({
              identityId: context.pending?.identityId ?? '',
              ...(context.pending ? { login: context.pending.login } : {}),
            }),
            onDone: {
              target: '#auth.federated',
              actions: ['applyFederation', 'persistSession', 'resolveFederationWaiters', 'emitFederated'],
            },
            onError: [
              { guard: 'shouldGetNewIdentityId', target: 'gettingId', actions: 'dropPendingIdentityId' },
              { target: 'failed', actions: 'rejectFederation' },
            ],
          },
        },
        failed: {
          always: [
            { guard: 'returnsToFederated', target: '#auth.federated' },
            { guard: 'returnsToRefreshing', target: '#auth.refreshing' },
            { guard: 'returnsToCleared', target: '#auth.cleared' },
            { target: '#auth.signedOut' },
          ],
        },
      },
    },

    federated: {
      initial: 'idle',
      after: { refreshAhead: 'refreshing' },
      on: {
        REFRESH: 'refreshing',
        FEDERATE: [
          { guard: 'hasUserPoolSession', actions: 'rejectFederateWhileUserPool' },
          { target: 'federating', actions: ['startFederation'] },
        ],
      },
      states: {
        idle: {
          on: {
            FETCH: [
              { guard: 'hasUserPoolSession', target: 'checkingUserPoolSession', actions: 'addSessionWaiter' },
              { guard: 'canServeCredentials', actions: 'resolveRequest' },
              { target: '#auth.refreshing', actions: 'addSessionWaiter' },
            ],
          },
        },
        // A user-pool session is only as good as the token provider says: ask it before serving.
        checkingUserPoolSession: {
          on: { FETCH: { actions: 'addSessionWaiter' } },
          invoke: {
            src: 'loadUserPoolTokens',
            input: { forceRefresh: false },
            onDone: [
              { guard: 'isSameUserPoolUser', target: 'servingUserPoolSession', actions: 'applyUserPoolTokens' },
              { guard: 'hasUserPoolTokens', target: '#auth.federating', actions: 'startUserPoolFederation' },
              {
                target: '#auth.signedOut',
                actions: ['emitCleared', { type: 'removePersistedSession', params: clearedSessionParams }, 'clearSession', 'resolveSignedOutRequests'],
              },
            ],
            onError: { target: 'idle', actions: 'rejectSessionWaiters' },
          },
        },
        servingUserPoolSession: {
          always: [
            { guard: 'hasValidCredentials', target: 'idle', actions: 'resolveSessionWaiters' },
            { target: '#auth.refreshing' },
          ],
        },
      },
    },

    refreshing: {
      initial: 'checkingToken',
      entry: 'startRefresh',
      on: {
        FETCH: [{ guard: 'canServeCredentials', actions: 'resolveRequest' }, { actions: 'addSessionWaiter' }],
        FEDERATE: [
          { guard: 'hasUserPoolSession', actions: 'rejectFederateWhileUserPool' },
          { target: 'federating', actions: ['startFederation'] },
        ],
      },
      states: {
        checkingToken: {
          always: [
            { guard: 'isProviderTokenUsable', target: 'choosingIdentity' },
            { guard: 'canRefreshProviderToken', target: 'refreshingToken' },
            { target: 'tokenUnavailable', actions: ['recordTokenUnavailable', 'emitTokenRefreshFailure'] },
          ],
        },
        refreshingToken: {
          invoke: {
            src: 'refreshProviderToken',
            input: ({ context }) => ({
              login: context.login!,
              ...(context.identityId !== undefined ? { identityId: context.identityId } : {}),
              ...(context.refresh.clientMetadata ? { clientMetadata: context.refresh.clientMetadata } : {}),
            }),
            onDone: { target: 'choosingIdentity', actions: ['applyRefreshedToken', 'emitTokenRefresh'] },
            onError: { target: 'tokenUnavailable', actions: ['recordRefreshError', 'emitTokenRefreshFailure'] },
          },
        },
        choosingIdentity: {
          always: [{ guard: 'isIdentityStale', target: 'gettingId' }, { target: 'fetchingCredentials' }],
        },
        tokenUnavailable: {
          always: [
            {
              guard: 'hasValidCredentials',
              target: '#auth.federated',
              actions: ['rejectForcedWaiters', 'waitForCredentialsToExpire'],
            },
            { target: '#auth.signedOut', actions: ['expireSession', { type: 'removePersistedSession', params: {} }] },
          ],
        },
        fetchingCredentials: {
          invoke: {
            src: 'refreshCredentials',
            input: ({ context }) => ({
              identityId: context.refresh.replacementIdentityId ?? context.identityId ?? '',
              ...(context.login ? { login: context.login } : {}),
              ...(context.credentials ? { replacing: context.credentials.expiration } : {}),
              ...(context.sessionId !== undefined ? { sessionId: context.sessionId } : {}),
            }),
            onDone: {
              target: '#auth.federated',
              actions: ['applyRefreshedCredentials', 'persistSession', 'resolveSessionWaiters', 'emitCredentialsRefreshed', 'resetRefresh'],
            },
            onError: [
              { guard: 'shouldRefreshTokenAndRetry', target: 'refreshingToken' },
              { guard: 'isIdentityGone', target: 'gettingId', actions: 'markIdentityReplaced' },
              {
                guard: 'shouldRetryRefresh',
                target: 'backingOff',
                actions: ['countRefreshAttempt', 'emitRefreshRetrying'],
              },
              { target: 'failed', actions: 'recordRefreshError' },
            ],
          },
        },
        gettingId: {
          invoke: {
            src: 'getId',
            input: ({ context }) => (context.login ? { login: context.login } : {}),
            onDone: { target: 'fetchingCredentials', actions: 'assignRefreshedIdentityId' },
            onError: { target: 'failed', actions: 'recordRefreshError' },
          },
        },
        backingOff: {
          after: { retryBackoff: 'fetchingCredentials' },
        },
        failed: {
          always: [
            {
              guard: 'hasValidCredentials',
              target: '#auth.federated',
              actions: [
                'emitRefreshRetrying',
                'rejectForcedWaiters',
                'coolDownAfterFailure',
              ],
            },
            {
              target: '#auth.signedOut',
              actions: ['emitRefreshFailure', 'expireSession', { type: 'removePersistedSession', params: {} }],
            },
          ],
        },
      },
    },

    cleared: {
      on: {
        FEDERATE: { target: 'federating', actions: ['startFederation'] },
        CLEAR: { actions: 'resolveClear' },
        FETCH: [
          { guard: 'hasTokenProvider', target: '#auth.signedOut.loadingTokens', actions: 'addSessionWaiter' },
          { guard: 'guestAccessAllowed', target: '#auth.signedOut.fetchingGuestCredentials', actions: 'addSessionWaiter' },
          { actions: 'resolveSignedOutRequests' },
        ],
      },
    },
  },
});

export type AuthMachine = typeof authMachine;
