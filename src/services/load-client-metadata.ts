import { AbortError, InvalidParameterException, TokenRefreshException } from '../errors/error-classes';
import { redactedCause } from '../errors/redacted-cause';
import { isAuthError } from '../errors/to-auth-error';
import { checkClientMetadata } from './check-client-metadata';
import { callAppCallback, type CallbackBounds } from './call-app-callback';

function invalid(problem: string): InvalidParameterException {
  return new InvalidParameterException(`clientMetadataProvider() ${problem}.`, {
    recoverySuggestion: 'Return a flat object of string keys and string values from clientMetadataProvider().',
  });
}

/**
 * Asks the app's `clientMetadataProvider` for the `clientMetadata` of an internal refresh,
 * bounded by `bounds`: a throw of any value or no answer in time becomes a
 * `TokenRefreshException` (the refresh it was for cannot go on), an unusable answer an
 * `InvalidParameterException`.
 */
export async function loadClientMetadata(
  provider: () => Promise<Record<string, string>>,
  secrets: readonly string[],
  bounds: CallbackBounds,
): Promise<Record<string, string>> {
  const outcome = await callAppCallback(provider, bounds);
  if (outcome.kind === 'aborted') throw new AbortError('The token refresh was cancelled.', { recoverySuggestion: 'Nothing to do.' });
  if (outcome.kind === 'timedOut') {
    throw new TokenRefreshException(`The clientMetadataProvider did not answer within ${bounds.timeoutMs} ms.`, {
      recoverySuggestion: 'Check what clientMetadataProvider() waits for, or raise the callbackTimeoutMs option.',
    });
  }
  if (outcome.kind === 'threw') {
    const cause = redactedCause(outcome.thrown, secrets);
    throw new TokenRefreshException(`The clientMetadataProvider failed: ${cause.message}`, {
      cause,
      recoverySuggestion: 'Fix clientMetadataProvider(), or pass clientMetadata to fetchAuthSession.',
    });
  }
  try {
    // The same rules as fetchAuthSession's clientMetadata; the copy keeps later changes out.
    return checkClientMetadata(outcome.value, 'clientMetadataProvider()');
  } catch (error) {
    if (isAuthError(error)) throw error;
    throw invalid('returned a value that cannot be read');
  }
}
