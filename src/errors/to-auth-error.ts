import { AuthError } from './auth-error';
import {
  AbortError,
  ExternalServiceException,
  InternalErrorException,
  InvalidIdentityPoolConfigurationException,
  InvalidParameterException,
  LimitExceededException,
  NetworkError,
  NotAuthorizedException,
  ResourceConflictException,
  ResourceNotFoundException,
  TooManyRequestsException,
  UnknownException,
} from './error-classes';
import { redactSecrets } from './redact-secrets';

type ErrorClass = new (message: string, options?: ConstructorParameters<typeof AuthError>[1]) => AuthError;

const byCognitoName: Record<string, { type: ErrorClass; recoverySuggestion: string; retryable?: boolean }> = {
  NotAuthorizedException: {
    type: NotAuthorizedException,
    recoverySuggestion:
      'Sign in again with the identity provider and federate the new token; check that the provider is configured on the identity pool.',
  },
  ResourceNotFoundException: {
    type: ResourceNotFoundException,
    recoverySuggestion: 'Check the identity pool id and region; a deleted identity is replaced on the next federation.',
  },
  TooManyRequestsException: {
    type: TooManyRequestsException,
    recoverySuggestion: 'Cognito throttled the request: try again after a short, growing delay.',
    retryable: true,
  },
  InvalidParameterException: {
    type: InvalidParameterException,
    recoverySuggestion: 'Check the identity pool id, the provider name and the token.',
  },
  ValidationException: {
    type: InvalidParameterException,
    recoverySuggestion: 'Check the identity pool id, the provider name and the token.',
  },
  InvalidIdentityPoolConfigurationException: {
    type: InvalidIdentityPoolConfigurationException,
    recoverySuggestion: "Check the identity pool's authenticated and unauthenticated roles and their trust policies.",
  },
  LimitExceededException: {
    type: LimitExceededException,
    recoverySuggestion: 'A Cognito limit was reached: try again later or ask AWS for a higher limit.',
    retryable: true,
  },
  ResourceConflictException: {
    type: ResourceConflictException,
    recoverySuggestion: 'This login is linked to another identity; clear the federation and federate again.',
  },
  InternalErrorException: {
    type: InternalErrorException,
    recoverySuggestion: 'Cognito failed: try again after a short delay.',
    retryable: true,
  },
  ExternalServiceException: {
    type: ExternalServiceException,
    recoverySuggestion: 'The identity provider behind Cognito failed: try again after a short delay.',
    retryable: true,
  },
};

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_SOCKET']);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  cause?: unknown;
}

function isNetworkFailure(error: ErrorLike): boolean {
  if (typeof error.code === 'string' && networkCodes.has(error.code)) return true;
  if (error.name === 'TimeoutError' || error.name === 'RequestTimeout') return true;
  const message = typeof error.message === 'string' ? error.message : '';
  if (/socket hang up|network|fetch failed|ECONNRESET|ECONNREFUSED/i.test(message) && error.$metadata?.httpStatusCode === undefined) {
    return true;
  }
  const cause = error.cause as ErrorLike | undefined;
  return typeof cause === 'object' && cause !== null && isNetworkFailure(cause);
}

/**
 * Turns whatever a Cognito call threw (an SDK `ServiceException`, a Node socket error,
 * an abort) into the matching `AuthError`, keeping the original as `cause` and removing
 * any of the given secret strings from the message.
 */
export function toAuthError(error: unknown, secrets: readonly string[] = []): AuthError {
  if (error instanceof AuthError) return error;
  const like: ErrorLike = typeof error === 'object' && error !== null ? (error as ErrorLike) : { message: String(error) };
  const rawMessage = typeof like.message === 'string' && like.message !== '' ? like.message : 'Cognito Identity request failed.';
  const message = redactSecrets(rawMessage, secrets);
  const name = typeof like.name === 'string' ? like.name : '';

  if (name === 'AbortError') {
    return new AbortError('The request was cancelled.', { cause: error, recoverySuggestion: 'Nothing to do: a newer call replaced this one.' });
  }
  const known = byCognitoName[name];
  if (known) {
    return new known.type(message, { cause: error, recoverySuggestion: known.recoverySuggestion, retryable: known.retryable ?? false });
  }
  const status = like.$metadata?.httpStatusCode;
  if (typeof status === 'number' && status >= 500) {
    return new InternalErrorException(message, {
      cause: error,
      recoverySuggestion: 'Cognito failed: try again after a short delay.',
      retryable: true,
    });
  }
  if (isNetworkFailure(like)) {
    return new NetworkError(message, {
      cause: error,
      recoverySuggestion: 'Check the network connection and the Cognito endpoint, then try again.',
      retryable: true,
    });
  }
  return new UnknownException(message, { cause: error, recoverySuggestion: 'See the cause for what Cognito answered.' });
}
