import { AuthError, type AuthErrorCode, type AuthErrorOptions } from './auth-error';

/** The login token was rejected, or the identity may not use the given logins. */
export class NotAuthorizedException extends AuthError {
  static override readonly code: AuthErrorCode = 'NotAuthorizedException';
}

/** The identity pool or the identity does not exist (for example, deleted on the server). */
export class ResourceNotFoundException extends AuthError {
  static override readonly code: AuthErrorCode = 'ResourceNotFoundException';
}

/** Cognito throttled the request. */
export class TooManyRequestsException extends AuthError {
  static override readonly code: AuthErrorCode = 'TooManyRequestsException';
}

/** An argument or option is malformed: rejected before any network call where possible. */
export class InvalidParameterException extends AuthError {
  static override readonly code: AuthErrorCode = 'InvalidParameterException';
}

/** The identity pool's role configuration is invalid. */
export class InvalidIdentityPoolConfigurationException extends AuthError {
  static override readonly code: AuthErrorCode = 'InvalidIdentityPoolConfigurationException';
}

/** A Cognito limit was reached. */
export class LimitExceededException extends AuthError {
  static override readonly code: AuthErrorCode = 'LimitExceededException';
}

/** The login is already linked to another identity. */
export class ResourceConflictException extends AuthError {
  static override readonly code: AuthErrorCode = 'ResourceConflictException';
}

/** Cognito failed (HTTP 5xx). */
export class InternalErrorException extends AuthError {
  static override readonly code: AuthErrorCode = 'InternalErrorException';
}

/** The identity provider behind Cognito failed. */
export class ExternalServiceException extends AuthError {
  static override readonly code: AuthErrorCode = 'ExternalServiceException';
}

/** The call is not allowed in the engine's current state. */
export class InvalidStateException extends AuthError {
  static override readonly code: AuthErrorCode = 'InvalidStateException';
}

/** A token is malformed (not a JWT where one is required, undecodable, empty). */
export class InvalidTokenException extends AuthError {
  static override readonly code: AuthErrorCode = 'InvalidTokenException';
}

/** The request never got an answer: connection refused, reset, dropped or timed out. */
export class NetworkError extends AuthError {
  static override readonly code: AuthErrorCode = 'NetworkError';
}

/** The call was cancelled: superseded by a newer federation, cleared, or the engine stopped. */
export class AbortError extends AuthError {
  static override readonly code: AuthErrorCode = 'AbortError';
}

/** The credentials expired and no valid login was left to get new ones. */
export class SessionExpiredException extends AuthError {
  static override readonly code: AuthErrorCode = 'SessionExpiredException';
}

/** A refresh handler or token provider failed to produce a new token. */
export class TokenRefreshException extends AuthError {
  static override readonly code: AuthErrorCode = 'TokenRefreshException';
}

/** The storage call that failed: a `KeyValueStorage` method, or a lease's `release()` (`'releaseLease'`). */
export type StorageOperation =
  | 'getItem'
  | 'setItem'
  | 'removeItem'
  | 'subscribe'
  | 'tryAcquireLease'
  | 'releaseLease'
  | 'close';

/**
 * Why a storage call failed: `tooLarge` (the value cannot fit, e.g. a cookie over 4 KB),
 * `quotaExceeded` (the store is full), `tampered` (the stored data is ambiguous or forged, e.g.
 * two cookies with one name), `corrupt` (the store's own data cannot be read, e.g. a file that
 * is not JSON), `unavailable` (the store cannot be reached: I/O, network, lock timeout) or
 * `failed` (anything else).
 */
export type StorageErrorReason = 'tooLarge' | 'quotaExceeded' | 'tampered' | 'corrupt' | 'unavailable' | 'failed';

/** Options of {@link StorageError}: where it failed, besides the usual `cause`. */
export interface StorageErrorOptions extends AuthErrorOptions {
  /** `'memory' | 'web' | 'cookie' | 'file' | 'redis'` for idpool's adapters; any name for others. */
  adapter?: string;
  operation?: StorageOperation;
  reason?: StorageErrorReason;
}

/**
 * The storage adapter failed to read or write the session. `adapter`, `operation` and `reason`
 * say where and why; the message and `cause` never hold the record or a token.
 */
export class StorageError extends AuthError {
  static override readonly code: AuthErrorCode = 'StorageError';
  readonly adapter: string | undefined;
  readonly operation: StorageOperation | undefined;
  readonly reason: StorageErrorReason | undefined;

  constructor(message: string, options: StorageErrorOptions = {}) {
    super(message, options);
    this.adapter = options.adapter;
    this.operation = options.operation;
    this.reason = options.reason;
  }
}

/** Anything Cognito answered that idpool has no class for; the SDK error is the cause. */
export class UnknownException extends AuthError {
  static override readonly code: AuthErrorCode = 'UnknownException';
}
