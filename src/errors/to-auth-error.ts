import { AuthError, type AuthErrorCode } from './auth-error';
import {
  AbortError,
  ExternalServiceException,
  InternalErrorException,
  InvalidIdentityPoolConfigurationException,
  InvalidParameterException,
  InvalidStateException,
  InvalidTokenException,
  LimitExceededException,
  NetworkError,
  NotAuthorizedException,
  ResourceConflictException,
  ResourceNotFoundException,
  SessionExpiredException,
  TokenRefreshException,
  TooManyRequestsException,
  UnknownException,
} from './error-classes';
import { redactedCause, type RedactedCause } from './redacted-cause';
import { redactSecrets } from './redact-secrets';
import { isInstanceOf } from './is-instance-of';

type ErrorClass = new (message: string, options?: ConstructorParameters<typeof AuthError>[1]) => AuthError;

// Looked up by request text (an error name from a server): a Map, so no prototype name matches.
const byCognitoName = new Map<string, { type: ErrorClass; recoverySuggestion: string; retryable?: boolean }>([
  ['NotAuthorizedException', {
    type: NotAuthorizedException,
    recoverySuggestion:
      'Sign in again with the identity provider and federate the new token; check that the provider is configured on the identity pool.',
  }],
  ['ResourceNotFoundException', {
    type: ResourceNotFoundException,
    recoverySuggestion: 'Check the identity pool id and region; a deleted identity is replaced on the next federation.',
  }],
  ['TooManyRequestsException', {
    type: TooManyRequestsException,
    recoverySuggestion: 'Cognito throttled the request: try again after a short, growing delay.',
    retryable: true,
  }],
  ['InvalidParameterException', {
    type: InvalidParameterException,
    recoverySuggestion: 'Check the identity pool id, the provider name and the token.',
  }],
  ['ValidationException', {
    type: InvalidParameterException,
    recoverySuggestion: 'Check the identity pool id, the provider name and the token.',
  }],
  ['InvalidIdentityPoolConfigurationException', {
    type: InvalidIdentityPoolConfigurationException,
    recoverySuggestion: "Check the identity pool's authenticated and unauthenticated roles and their trust policies.",
  }],
  ['LimitExceededException', {
    type: LimitExceededException,
    recoverySuggestion: 'A Cognito limit was reached: try again later or ask AWS for a higher limit.',
    retryable: true,
  }],
  ['ResourceConflictException', {
    type: ResourceConflictException,
    recoverySuggestion: 'This login is linked to another identity; clear the federation and federate again.',
  }],
  ['InternalErrorException', {
    type: InternalErrorException,
    recoverySuggestion: 'Cognito failed: try again after a short delay.',
    retryable: true,
  }],
  ['ExternalServiceException', {
    type: ExternalServiceException,
    recoverySuggestion: 'The identity provider behind Cognito failed: try again after a short delay.',
    retryable: true,
  }],
]);

// Every class but StorageError, whose extra fields only its adapters can fill in.
const byCode = new Map<AuthErrorCode, ErrorClass>(
  [
    NotAuthorizedException, ResourceNotFoundException, TooManyRequestsException, InvalidParameterException,
    InvalidIdentityPoolConfigurationException, LimitExceededException, ResourceConflictException, InternalErrorException,
    ExternalServiceException, InvalidStateException, InvalidTokenException, NetworkError, AbortError,
    SessionExpiredException, TokenRefreshException, UnknownException,
  ].map((type) => [type.code, type]),
);

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

function isNetworkFailure(error: RedactedCause): boolean {
  if (error.code !== undefined && networkCodes.has(error.code)) return true;
  if (error.name === 'TimeoutError' || error.name === 'RequestTimeout') return true;
  // Node (undici "fetch failed"), Chromium ("Failed to fetch"), Safari ("Load failed"), Firefox ("NetworkError …").
  if (/socket hang up|network|fetch failed|failed to fetch|load failed|ECONNRESET|ECONNREFUSED/i.test(error.message) && error.$metadata?.httpStatusCode === undefined) {
    return true;
  }
  return error.cause instanceof Error && isNetworkFailure(error.cause as RedactedCause);
}

/** `instanceof AuthError` that cannot throw (see `isInstanceOf`). */
export function isAuthError(value: unknown): value is AuthError {
  return isInstanceOf(value, AuthError);
}

/** Reads one property of a thrown value without letting a getter or Proxy trap that throws escape. */
function read(value: object, key: string): unknown {
  try {
    return Reflect.get(value, key);
  } catch {
    return undefined;
  }
}

/**
 * An `AuthError` that came from elsewhere (an app callback may throw one), rebuilt as a fresh
 * error of its class from its redacted message, recovery suggestion and cause: its own extra
 * fields (a request dump with the Logins), getters and Proxy traps are left behind.
 */
function sanitizedAuthError(error: AuthError, secrets: readonly string[]): AuthError {
  const code = read(error, 'code');
  const type = (typeof code === 'string' ? byCode.get(code as AuthErrorCode) : undefined) ?? UnknownException;
  const message = read(error, 'message');
  const suggestion = read(error, 'recoverySuggestion');
  const inner = read(error, 'cause');
  const cause = inner === undefined ? undefined : redactedCause(inner, secrets);
  return new type(typeof message === 'string' ? redactSecrets(message, secrets) : 'The request failed.', {
    ...(typeof suggestion === 'string' ? { recoverySuggestion: redactSecrets(suggestion, secrets) } : {}),
    retryable: read(error, 'retryable') === true,
    ...(cause !== undefined ? { cause } : {}),
  });
}

/**
 * Turns whatever a Cognito call or a credentials callback threw (an SDK `ServiceException`,
 * a Node socket error, an abort, or any value at all) into the matching `AuthError`. The
 * `cause` is a {@link RedactedCause}: a copy with the given secrets (and any JWT) removed
 * from every link of the chain, never the original, which may quote the request's Logins.
 */
export function toAuthError(error: unknown, secrets: readonly string[] = []): AuthError {
  if (isAuthError(error)) return sanitizedAuthError(error, secrets);
  const cause = redactedCause(error, secrets);
  const message = cause.message !== '' ? cause.message : 'Cognito Identity request failed.';

  if (cause.name === 'AbortError') {
    return new AbortError('The request was cancelled.', { cause, recoverySuggestion: 'Nothing to do: a newer call replaced this one.' });
  }
  const known = byCognitoName.get(cause.name);
  if (known) {
    return new known.type(message, { cause, recoverySuggestion: known.recoverySuggestion, retryable: known.retryable ?? false });
  }
  const status = cause.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) {
    return new InternalErrorException(message, {
      cause,
      recoverySuggestion: 'Cognito failed: try again after a short delay.',
      retryable: true,
    });
  }
  if (isNetworkFailure(cause)) {
    return new NetworkError(message, {
      cause,
      recoverySuggestion: 'Check the network connection and the Cognito endpoint, then try again.',
      retryable: true,
    });
  }
  return new UnknownException(message, { cause, recoverySuggestion: 'See the cause for what Cognito answered.' });
}
