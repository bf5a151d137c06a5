import type { Login } from '../model/login';
import type { RefreshedTokenOutput } from '../model/service-calls';
import { AbortError, TokenRefreshException } from '../errors/error-classes';
import { redactedCause } from '../errors/redacted-cause';
import { isAuthError } from '../errors/to-auth-error';
import { createLogin } from '../login/create-login';
import { checkIdentityId } from '../login/identity-ids';
import { callAppCallback, type CallbackBounds } from './call-app-callback';
import { expirationProblem, storableExpiration } from '../model/lifetimes';
import { loadUserPoolTokens } from './load-user-pool-tokens';
import type { RefreshHandler, TokenProvider } from './token-provider';

export interface TokenRefreshers {
  refreshHandlers: ReadonlyMap<string, RefreshHandler>;
  tokenProvider?: TokenProvider;
  /** Bounds each handler and token-provider call (`callbackTimeoutMs` on the engine's clock). */
  bounds: Omit<CallbackBounds, 'signal'>;
  now: () => number;
}

export interface RefreshProviderTokenRequest {
  login: Login;
  identityId?: string;
  clientMetadata?: Record<string, string>;
  signal?: AbortSignal;
}

const resultAdvice = 'Return { token, expiresAt?, identityId? } with the id token the provider issued.';

/**
 * A new provider token for a federation whose token expired or was refused: from the
 * token provider (user-pool sessions) or from the refresh handler registered for the
 * Logins key. Handler failures (a throw of any value, no answer within the bounds, an
 * unusable result) become `TokenRefreshException`s that never quote a token, and leave the
 * current login as it is.
 */
export async function refreshProviderToken(refreshers: TokenRefreshers, request: RefreshProviderTokenRequest): Promise<RefreshedTokenOutput> {
  const { login } = request;
  const bounds: CallbackBounds = { ...refreshers.bounds, ...(request.signal ? { signal: request.signal } : {}) };
  if (login.source === 'userPool') {
    if (!refreshers.tokenProvider) throw noRefresher(login.loginsKey);
    const loaded = await loadUserPoolTokens(refreshers.tokenProvider, true, bounds);
    if (!loaded) {
      throw new TokenRefreshException('The token provider has no tokens: the user-pool session ended.', {
        recoverySuggestion: 'Sign in to the user pool again.',
      });
    }
    return { login: loaded.login, userPoolTokens: loaded.userPoolTokens };
  }
  const handler = refreshers.refreshHandlers.get(login.loginsKey);
  if (!handler) throw noRefresher(login.loginsKey);
  const secrets = [login.token.reveal()];
  const outcome = await callAppCallback(
    () =>
      handler({
        provider: login.loginsKey,
        ...(request.identityId !== undefined ? { identityId: request.identityId } : {}),
        ...(request.clientMetadata ? { clientMetadata: { ...request.clientMetadata } } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      }),
    bounds,
  );
  if (outcome.kind === 'aborted') throw new AbortError('The token refresh was cancelled.', { recoverySuggestion: 'Nothing to do.' });
  if (outcome.kind === 'timedOut') {
    throw new TokenRefreshException(`The refresh handler for ${login.loginsKey} did not answer within ${bounds.timeoutMs} ms.`, {
      recoverySuggestion: 'Check what the refresh handler waits for, or raise the callbackTimeoutMs option.',
    });
  }
  if (outcome.kind === 'threw') {
    const cause = redactedCause(outcome.thrown, secrets);
    throw new TokenRefreshException(`The refresh handler for ${login.loginsKey} failed: ${cause.message}`, {
      cause,
      recoverySuggestion: 'Sign in with the identity provider again and call federateToIdentityPool with the new token.',
    });
  }
  const refreshed: unknown = outcome.value;
  if (typeof refreshed !== 'object' || refreshed === null) {
    throw new TokenRefreshException(`The refresh handler for ${login.loginsKey} returned no token.`, { recoverySuggestion: resultAdvice });
  }
  try {
    const { token, expiresAt, identityId: givenIdentityId } = refreshed as { token?: unknown; expiresAt?: unknown; identityId?: unknown };
    const now = refreshers.now();
    const next = createLogin({ loginsKey: login.loginsKey, token, expiresAt, source: 'app' });
    // The token's expiry (given, or its `exp` claim) must be a time a timer can wait for.
    const problem = next.expiresAt === undefined ? undefined : expirationProblem(next.expiresAt, now);
    if (problem !== undefined) throw unusable(login.loginsKey, `its expiry ${problem}`);
    if (next.expiresAt !== undefined) next.expiresAt = storableExpiration(next.expiresAt, now);
    const identityId = givenIdentityId === undefined ? undefined : checkIdentityId(givenIdentityId, 'identityId from the refresh handler');
    return { login: next, ...(identityId !== undefined ? { identityId } : {}) };
  } catch (error) {
    if (isAuthError(error) && error.code === 'TokenRefreshException') throw error;
    // Our own checks say what is wrong; a getter or Proxy trap of the result that threw does not get quoted.
    const problem = isAuthError(error) ? error.message : 'it cannot be read';
    throw unusable(login.loginsKey, problem, isAuthError(error) ? error : undefined);
  }
}

function unusable(loginsKey: string, problem: string, cause?: Error): TokenRefreshException {
  return new TokenRefreshException(`The refresh handler for ${loginsKey} returned an unusable result: ${problem}`, {
    ...(cause !== undefined ? { cause } : {}),
    recoverySuggestion: resultAdvice,
  });
}

function noRefresher(loginsKey: string): TokenRefreshException {
  return new TokenRefreshException(`The token for ${loginsKey} expired and there is no refresh handler or token provider for it.`, {
    recoverySuggestion: `Sign in again and call federateToIdentityPool, or pass refreshHandlers["${loginsKey}"] to createAuth.`,
  });
}
