import type { UserPoolTokensOutput } from '../model/service-calls';
import { decodeJWT } from '../login/decode-jwt';
import { AbortError, InvalidTokenException, TokenRefreshException } from '../errors/error-classes';
import { redactedCause } from '../errors/redacted-cause';
import { isAuthError } from '../errors/to-auth-error';
import { createLogin } from '../login/create-login';
import { Secret } from '../model/secret';
import { callAppCallback, type CallbackBounds } from './call-app-callback';
import type { TokenProvider } from './token-provider';

const signInAgain = 'Sign in to the user pool again.';

function unusable(problem: string): TokenRefreshException {
  return new TokenRefreshException(`The token provider returned ${problem}.`, {
    recoverySuggestion: 'Return { idToken, accessToken } (strings or JWTs) or null from getTokens().',
  });
}

/** A token as Amplify hands it out (a string or a JWT object with `toString()`), as a string. */
function tokenText(value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) throw unusable(`an ${name} that is not a string or a JWT`);
  let text: unknown;
  try {
    text = String(value);
  } catch {
    throw unusable(`an ${name} that cannot be read`);
  }
  if (typeof text !== 'string' || text === '' || text === '[object Object]') throw unusable(`an ${name} that is not a string or a JWT`);
  return text;
}

/**
 * Asks the token provider for tokens; `null` when it has none (signed out of the user
 * pool). The id token is federated under the Logins key its `iss` names, as Amplify does.
 * The call is bounded by `bounds`; a throw of any value, no answer in time or an unusable
 * answer becomes a `TokenRefreshException` (a malformed id token an `InvalidTokenException`).
 */
export async function loadUserPoolTokens(tokenProvider: TokenProvider, forceRefresh: boolean, bounds: CallbackBounds): Promise<UserPoolTokensOutput | null> {
  const outcome = await callAppCallback(() => tokenProvider.getTokens({ forceRefresh }), bounds);
  if (outcome.kind === 'aborted') throw new AbortError('The token request was cancelled.', { recoverySuggestion: 'Nothing to do.' });
  if (outcome.kind === 'timedOut') {
    throw new TokenRefreshException(`The token provider did not answer within ${bounds.timeoutMs} ms.`, {
      recoverySuggestion: 'Check what getTokens() waits for, or raise the callbackTimeoutMs option.',
    });
  }
  if (outcome.kind === 'threw') {
    throw new TokenRefreshException('The token provider failed to return tokens.', { cause: redactedCause(outcome.thrown, []), recoverySuggestion: signInAgain });
  }
  const tokens: unknown = outcome.value;
  if (tokens === null || tokens === undefined) return null;
  if (typeof tokens !== 'object') throw unusable('something other than tokens or null');
  try {
    const { idToken: givenIdToken, accessToken: givenAccessToken } = tokens as { idToken?: unknown; accessToken?: unknown };
    if (givenIdToken === undefined || givenIdToken === null || givenIdToken === '') return null;
    const idToken = tokenText(givenIdToken, 'id token');
    const accessToken = tokenText(givenAccessToken, 'access token');
    const { payload } = decodeJWT(idToken);
    if (typeof payload.iss !== 'string' || payload.iss === '') {
      throw new InvalidTokenException('The id token from the token provider has no "iss" claim.', {
        recoverySuggestion: 'Return the id token the user pool issued.',
      });
    }
    const loginsKey = payload.iss.replace(/^https?:\/\//, '').replace(/\/$/, '');
    return {
      login: createLogin({ loginsKey, token: idToken, source: 'userPool' }),
      userPoolTokens: { idToken: new Secret(idToken), accessToken: new Secret(accessToken) },
    };
  } catch (error) {
    if (isAuthError(error)) throw error;
    // A getter or Proxy trap of the answer threw.
    throw unusable('tokens that cannot be read');
  }
}
