import type { Login, RefreshedTokenOutput } from '../../machines/auth.types';
import { AuthError } from '../errors/auth-error';
import { TokenRefreshException } from '../errors/error-classes';
import { redactSecrets } from '../errors/redact-secrets';
import { createLogin } from '../login/create-login';
import { checkIdentityId } from '../login/identity-ids';
import { loadUserPoolTokens } from './load-user-pool-tokens';
import type { RefreshHandler, TokenProvider } from './token-provider';

export interface TokenRefreshers {
  refreshHandlers: ReadonlyMap<string, RefreshHandler>;
  tokenProvider?: TokenProvider;
}

export interface RefreshProviderTokenRequest {
  login: Login;
  identityId?: string;
  clientMetadata?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * A new provider token for a federation whose token expired or was refused: from the
 * token provider (user-pool sessions) or from the refresh handler registered for the
 * Logins key. Handler failures become `TokenRefreshException`s that never quote a token.
 */
export async function refreshProviderToken(refreshers: TokenRefreshers, request: RefreshProviderTokenRequest): Promise<RefreshedTokenOutput> {
  const { login } = request;
  if (login.source === 'userPool') {
    if (!refreshers.tokenProvider) throw noRefresher(login.loginsKey);
    const loaded = await loadUserPoolTokens(refreshers.tokenProvider, true);
    if (!loaded) {
      throw new TokenRefreshException('The token provider has no tokens: the user-pool session ended.', {
        recoverySuggestion: 'Sign in to the user pool again.',
      });
    }
    return { login: loaded.login, userPoolTokens: loaded.userPoolTokens };
  }
  const handler = refreshers.refreshHandlers.get(login.loginsKey);
  if (!handler) throw noRefresher(login.loginsKey);
  let refreshed;
  try {
    refreshed = await handler({
      provider: login.loginsKey,
      ...(request.identityId !== undefined ? { identityId: request.identityId } : {}),
      ...(request.clientMetadata ? { clientMetadata: { ...request.clientMetadata } } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new TokenRefreshException(`The refresh handler for ${login.loginsKey} failed: ${redactSecrets(message, [login.token.reveal()])}`, {
      cause,
      recoverySuggestion: 'Sign in with the identity provider again and call federateToIdentityPool with the new token.',
    });
  }
  if (typeof refreshed !== 'object' || refreshed === null) {
    throw new TokenRefreshException(`The refresh handler for ${login.loginsKey} returned no token.`, {
      recoverySuggestion: 'Return { token, expiresAt?, identityId? } from the refresh handler.',
    });
  }
  try {
    const next = createLogin({ loginsKey: login.loginsKey, token: refreshed.token, expiresAt: refreshed.expiresAt, source: 'app' });
    const identityId = refreshed.identityId === undefined ? undefined : checkIdentityId(refreshed.identityId, 'identityId from the refresh handler');
    return { login: next, ...(identityId !== undefined ? { identityId } : {}) };
  } catch (cause) {
    throw new TokenRefreshException(
      `The refresh handler for ${login.loginsKey} returned an unusable result: ${cause instanceof AuthError ? cause.message : 'invalid'}`,
      { cause, recoverySuggestion: 'Return { token, expiresAt?, identityId? } with the id token the provider issued.' },
    );
  }
}

function noRefresher(loginsKey: string): TokenRefreshException {
  return new TokenRefreshException(`The token for ${loginsKey} expired and there is no refresh handler or token provider for it.`, {
    recoverySuggestion: `Sign in again and call federateToIdentityPool, or pass refreshHandlers["${loginsKey}"] to createAuth.`,
  });
}
