import type { Secret } from '../src/secret';
import type { AuthError } from '../src/errors/auth-error';
import type { AuthEvent, ErrorSummary } from '../src/events';
import type { RetryPolicy } from './session-rules';

/** AWS credentials as Cognito issues them; always kept inside a `Secret`. */
export interface AwsCredentialsValue {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** Credentials held by the machine: the secret part sealed, the timing in the clear. */
export interface HeldCredentials {
  value: Secret<AwsCredentialsValue>;
  /** Expiration, epoch ms on Cognito's clock. */
  expiration: number;
  /** When Cognito issued them, epoch ms on Cognito's clock. */
  issuedAt: number;
}

/** Where a federation's token came from. */
export type LoginSource = 'app' | 'userPool';

/** A provider login: the Logins key and its token. */
export interface Login {
  /** The Cognito Logins key, e.g. `accounts.google.com`. */
  loginsKey: string;
  token: Secret<string>;
  /** The JWT `sub`, when the token is a JWT. */
  subject?: string;
  /** When the token stops being valid, epoch ms on the local clock. */
  expiresAt?: number;
  source: LoginSource;
}

/** User-pool tokens handed out by a token provider, sealed. */
export interface UserPoolTokens {
  idToken: Secret<string>;
  accessToken: Secret<string>;
}

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

/** What `fetchAuthSession` resolves with, sealed while inside the machine. */
export interface SessionView {
  /** To turn Cognito-clock expirations into local ones for the caller. */
  clockOffsetMs: number;
  identityId?: string;
  credentials?: HeldCredentials;
  federatedProvider?: string;
  userPoolTokens?: UserPoolTokens;
}

/** A persisted or shared session, as the restore and sync actors read it from storage. */
export interface StoredSession {
  sessionId?: string;
  identityId?: string;
  login?: Login;
  credentials?: HeldCredentials;
  guestIdentityId?: string;
  clockOffsetMs?: number;
}

export type RestoreOutcome =
  | { kind: 'restored'; session: StoredSession; migratedFrom?: string }
  | { kind: 'empty'; guestIdentityId?: string; migratedFrom?: string }
  | { kind: 'invalid'; error: AuthError; guestIdentityId?: string };

export interface CredentialsOutput {
  identityId: string;
  credentials: HeldCredentials;
  /** Cognito's clock minus the local clock at the answer, when the response had a `Date` header. */
  clockOffsetMs?: number;
}

export interface IdentityIdOutput {
  identityId: string;
  clockOffsetMs?: number;
}

export interface RefreshedTokenOutput {
  login: Login;
  identityId?: string;
  userPoolTokens?: UserPoolTokens;
}

export interface UserPoolTokensOutput {
  login: Login;
  userPoolTokens: UserPoolTokens;
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
