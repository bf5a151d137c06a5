import type { StorageOperation } from '../errors/error-classes';

/** An error as events carry it: name and message, never a token. */
export interface ErrorSummary {
  name: string;
  message: string;
}

/** The persisted session was read at start-up. */
export interface SessionRestoredEvent {
  type: 'sessionRestored';
  identityId?: string;
  provider?: string;
  /** Credentials' expiration, epoch ms on the local clock. */
  expiration?: number;
}
/** The persisted session could not be used and was dropped. */
export interface SessionRestoreFailureEvent {
  type: 'sessionRestore_failure';
  error: ErrorSummary;
}
/** A session moved in from the `namespace.migrateFrom` namespace. */
export interface SessionMigratedEvent {
  type: 'sessionMigrated';
  from: string;
}
export interface FederatedToIdentityPoolEvent {
  type: 'federatedToIdentityPool';
  identityId: string;
  provider: string;
  expiration: number;
}
export interface FederationToIdentityPoolFailureEvent {
  type: 'federationToIdentityPool_failure';
  provider: string;
  error: ErrorSummary;
}
/** New credentials: by refresh, or guest credentials (`guest: true`). */
export interface CredentialsRefreshedEvent {
  type: 'credentialsRefreshed';
  identityId: string;
  provider?: string;
  expiration: number;
  guest: boolean;
  /** Set when the server had forgotten the identity and the refresh got a new one. */
  previousIdentityId?: string;
}
export interface CredentialsRefreshFailureEvent {
  type: 'credentialsRefresh_failure';
  identityId?: string;
  provider?: string;
  error: ErrorSummary;
  /** Another attempt is scheduled (back-off, or later while credentials are still valid). */
  willRetry: boolean;
  attempt: number;
}
/** A refresh handler or the token provider returned a new provider token. */
export interface TokenRefreshEvent {
  type: 'tokenRefresh';
  provider: string;
  identityId?: string;
}
export interface TokenRefreshFailureEvent {
  type: 'tokenRefresh_failure';
  provider: string;
  identityId?: string;
  error: ErrorSummary;
}
export interface FederationToIdentityPoolClearedEvent {
  type: 'federationToIdentityPoolCleared';
  identityId?: string;
  provider?: string;
}
/** The credentials ran out and no valid login was left: the engine is signed out. */
export interface SessionExpiredEvent {
  type: 'sessionExpired';
  identityId?: string;
  provider?: string;
  error: ErrorSummary;
}
/**
 * A storage read, write or removal failed. Names the adapter (`'memory' | 'web' | 'cookie' |
 * 'file' | 'redis'`, or `'custom'` for an adapter of the app's that threw something other than
 * a `StorageError`) and the operation; never the record, a token or a secret.
 * See docs/sessions.md for what the engine does after each failure.
 */
export interface SessionStorageFailureEvent {
  type: 'sessionStorage_failure';
  adapter: string;
  operation: StorageOperation;
  error: ErrorSummary;
}

/**
 * Every step idpool reports on `auth.events$`, discriminated on `type`. Events carry
 * identity ids, provider names, expirations and error summaries — never a token or secret.
 */
export type AuthEvent =
  | SessionRestoredEvent
  | SessionRestoreFailureEvent
  | SessionMigratedEvent
  | FederatedToIdentityPoolEvent
  | FederationToIdentityPoolFailureEvent
  | CredentialsRefreshedEvent
  | CredentialsRefreshFailureEvent
  | TokenRefreshEvent
  | TokenRefreshFailureEvent
  | FederationToIdentityPoolClearedEvent
  | SessionExpiredEvent
  | SessionStorageFailureEvent;

export type AuthEventType = AuthEvent['type'];

/** All event types, in the order a session usually meets them. */
export const authEventTypes: readonly AuthEventType[] = [
  'sessionRestored',
  'sessionRestore_failure',
  'sessionMigrated',
  'federatedToIdentityPool',
  'federationToIdentityPool_failure',
  'credentialsRefreshed',
  'credentialsRefresh_failure',
  'tokenRefresh',
  'tokenRefresh_failure',
  'federationToIdentityPoolCleared',
  'sessionExpired',
  'sessionStorage_failure',
];
