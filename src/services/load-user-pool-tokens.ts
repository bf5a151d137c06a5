import type { UserPoolTokensOutput } from '../../machines/auth.types';
import { decodeJWT } from '../decode-jwt';
import { InvalidTokenException, TokenRefreshException } from '../errors/error-classes';
import { createLogin } from '../login/create-login';
import { Secret } from '../secret';
import type { TokenProvider } from './token-provider';

/**
 * Asks the token provider for tokens; `null` when it has none (signed out of the user
 * pool). The id token is federated under the Logins key its `iss` names, as Amplify does.
 */
export async function loadUserPoolTokens(tokenProvider: TokenProvider, forceRefresh: boolean): Promise<UserPoolTokensOutput | null> {
  let tokens;
  try {
    tokens = await tokenProvider.getTokens({ forceRefresh });
  } catch (cause) {
    throw new TokenRefreshException('The token provider failed to return tokens.', {
      cause,
      recoverySuggestion: 'Sign in to the user pool again.',
    });
  }
  if (!tokens?.idToken) return null;
  const idToken = String(tokens.idToken);
  const { payload } = decodeJWT(idToken);
  if (typeof payload.iss !== 'string' || payload.iss === '') {
    throw new InvalidTokenException('The id token from the token provider has no "iss" claim.', {
      recoverySuggestion: 'Return the id token the user pool issued.',
    });
  }
  const loginsKey = payload.iss.replace(/^https?:\/\//, '').replace(/\/$/, '');
  return {
    login: createLogin({ loginsKey, token: idToken, source: 'userPool' }),
    userPoolTokens: { idToken: new Secret(idToken), accessToken: new Secret(String(tokens.accessToken)) },
  };
}
