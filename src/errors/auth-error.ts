/** Every `name` an idpool error can carry: Cognito's exception names where one applies. */
export type AuthErrorCode =
  | 'NotAuthorizedException'
  | 'ResourceNotFoundException'
  | 'TooManyRequestsException'
  | 'InvalidParameterException'
  | 'InvalidIdentityPoolConfigurationException'
  | 'LimitExceededException'
  | 'ResourceConflictException'
  | 'InternalErrorException'
  | 'ExternalServiceException'
  | 'InvalidStateException'
  | 'InvalidTokenException'
  | 'NetworkError'
  | 'AbortError'
  | 'SessionExpiredException'
  | 'TokenRefreshException'
  | 'StorageError'
  | 'UnknownException';

export interface AuthErrorOptions {
  recoverySuggestion?: string;
  cause?: unknown;
  /** Whether trying the same call again later can succeed (throttling, 5xx, network). */
  retryable?: boolean;
}

/**
 * The base of every error idpool rejects with. `name` and `code` are the same string:
 * Cognito's exception name where one applies (`NotAuthorizedException`, …) or idpool's
 * own (`InvalidStateException`, `NetworkError`, …). The Cognito SDK error, when there is
 * one, is kept as `cause`. Messages never quote a token or a secret.
 *
 * @example
 * ```ts
 * try {
 *   await auth.federateToIdentityPool({ token, provider: 'google' });
 * } catch (error) {
 *   if (error instanceof AuthError && error.code === 'NotAuthorizedException') {
 *     console.log(error.recoverySuggestion);
 *   }
 * }
 * ```
 */
export class AuthError extends Error {
  static readonly code: AuthErrorCode = 'UnknownException';
  readonly code: AuthErrorCode;
  readonly recoverySuggestion: string;
  readonly retryable: boolean;

  constructor(message: string, options: AuthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const code = (new.target as typeof AuthError).code;
    this.code = code;
    this.name = code;
    this.recoverySuggestion = options.recoverySuggestion ?? 'See the error message and cause.';
    this.retryable = options.retryable ?? false;
  }

  /** A plain, secret-free summary for events and logs. */
  toJSON(): { name: AuthErrorCode; message: string; recoverySuggestion: string } {
    return { name: this.code, message: this.message, recoverySuggestion: this.recoverySuggestion };
  }
}
