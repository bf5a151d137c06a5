import type { AuthError } from '../src/errors/auth-error';
import type { AuthEvent, ErrorSummary } from '../src/model/auth-events';
import type { HeldCredentials } from '../src/model/credentials';
import type { Login, UserPoolTokens } from '../src/model/login';
import type { SessionView, StoredSession } from '../src/model/session';
import type { RetryPolicy } from '../src/model/timing-settings';

// The machine's own context and events: internal, not API (the engine and tests of the chart use them).

/** A federation that has been asked for and has not finished. */
export interface PendingFederation {
  login: Login;
  identityId?: string;
  /** The identity id came from the app (`developerProvidedIdentityId`): never replaced by GetId. */
  identityIdFromApp: boolean;
  /** The identity id was reused from an earlier federation of a token without a subject. */
  identityIdGuessed: boolean;
  /** Whether GetId already ran for this federation (so a second failure is final). */
  gotFreshIdentityId: boolean;
  userPoolTokens?: UserPoolTokens;
}

export interface RefreshProgress {
  attempt: number;
  /** A token refresh already ran during this refresh (NotAuthorizedException is retried once). */
  tokenRefreshed: boolean;
  /** The identity was already replaced during this refresh (ResourceNotFoundException is retried once). */
  identityReplaced: boolean;
  /** The identity id the server forgot, when this refresh replaced it. */
  previousIdentityId?: string;
  /** The identity GetId named to replace it; it becomes `identityId` with its credentials. */
  replacementIdentityId?: string;
  /**
   * After a failed refresh with credentials left: `afterFailure` waits a while before the
   * next try; `untilExpiry` waits for the credentials to run out (no token can be had).
   */
  cooldown: 'none' | 'afterFailure' | 'untilExpiry';
  clientMetadata?: Record<string, string>;
  error?: AuthError;
}

export interface GuestSession {
  identityId: string | undefined;
  credentials: HeldCredentials | undefined;
  /** A new guest identity GetId named; it replaces `identityId` once its credentials arrive. */
  pendingIdentityId?: string;
  /** The guest identity was replaced once already in this fetch. */
  identityReplaced: boolean;
}

export interface AuthMachineSettings {
  allowGuestAccess: boolean;
  hasTokenProvider: boolean;
  /** Logins keys (and short names) with a refresh handler. */
  refreshHandlerKeys: readonly string[];
  /** Refresh this long before the credentials' expiration (default `defaultTiming`). */
  refreshAheadMs?: number;
  retry?: RetryPolicy;
  /** Starts every session id this machine makes; the engine passes its random writer id. */
  sessionIdPrefix?: string;
}

export interface AuthMachineContext {
  settings: AuthMachineSettings;
  /**
   * The federation held: new on each federation, kept across refreshes, shared with the
   * contexts that follow it. A clear names it so that no context brings it back.
   */
  sessionId: string | undefined;
  /** Federations this machine made, numbering its session ids. */
  federations: number;
  identityId: string | undefined;
  login: Login | undefined;
  credentials: HeldCredentials | undefined;
  userPoolTokens: UserPoolTokens | undefined;
  guest: GuestSession;
  pending: PendingFederation | undefined;
  /** An identity id Cognito said no longer exists; refreshes run GetId before using it again. */
  staleIdentityId: string | undefined;
  /** Cognito's clock minus the local clock, learnt from the `Date` response header. */
  clockOffsetMs: number;
  refresh: RefreshProgress;
  /** Request ids of callers waiting for a session (fetchAuthSession). */
  sessionWaiters: string[];
  /** Request ids of callers waiting for the pending federation (federateToIdentityPool). */
  federationWaiters: string[];
  /** Where a failed federation returns to. */
  returnTo: 'signedOut' | 'federated' | 'cleared';
  /** The app cleared the federation and has not federated since. */
  cleared: boolean;
}

export interface AuthMachineInput {
  settings: AuthMachineSettings;
}

// ---- events the engine sends ----

export interface FederateEvent {
  type: 'FEDERATE';
  requestId: string;
  login: Login;
  developerProvidedIdentityId?: string;
}

export interface FetchEvent {
  type: 'FETCH';
  requestId: string;
  forceRefresh: boolean;
  clientMetadata?: Record<string, string>;
}

export interface RefreshEvent {
  type: 'REFRESH';
}

export interface ClearEvent {
  type: 'CLEAR';
  requestId: string;
}

/** Another context sharing the storage changed the session. */
export interface SyncEvent {
  type: 'SYNC';
  session: StoredSession | null;
}

export type AuthMachineEvent = FederateEvent | FetchEvent | RefreshEvent | ClearEvent | SyncEvent;

// ---- events the machine emits ----

export type { ErrorSummary };

/** Public `AuthEvent`s, plus the settlement of API callers' promises. */
export type MachineEmitted =
  | { type: 'request.resolved'; requestIds: string[]; session: SessionView }
  | { type: 'request.rejected'; requestIds: string[]; error: AuthError }
  | AuthEvent;

/** A refresh that has not started: no attempts, nothing replaced, no cool-down. */
export const freshRefresh = (): RefreshProgress => ({
  attempt: 0,
  tokenRefreshed: false,
  identityReplaced: false,
  cooldown: 'none',
});

/** The federation fields, emptied: what a clear or an expiry leaves. */
export const emptySession = {
  sessionId: undefined,
  identityId: undefined,
  staleIdentityId: undefined,
  login: undefined,
  credentials: undefined,
  userPoolTokens: undefined,
  pending: undefined,
} satisfies Partial<AuthMachineContext>;

export function initialContext(input: AuthMachineInput): AuthMachineContext {
  return {
    settings: input.settings,
    ...emptySession,
    federations: 0,
    guest: { identityId: undefined, credentials: undefined, identityReplaced: false },
    clockOffsetMs: 0,
    refresh: freshRefresh(),
    sessionWaiters: [],
    federationWaiters: [],
    returnTo: 'signedOut',
    cleared: false,
  };
}
