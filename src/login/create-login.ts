import type { Login, LoginSource } from '../model/login';
import { decodeJWT } from './decode-jwt';
import { InvalidParameterException } from '../errors/error-classes';
import { Secret } from '../model/secret';
import { storableExpiration } from '../model/lifetimes';
import { requiresJwt } from './logins-key';

/** Cognito accepts login tokens up to this length. */
const MAX_TOKEN_LENGTH = 50_000;

export interface LoginInput {
  loginsKey: string;
  token: unknown;
  expiresAt?: unknown;
  source: LoginSource;
  /**
   * The engine's time: when given, an expiry further away than a stored record may hold is
   * shortened to that bound, so the session survives being read back by another context.
   */
  now?: number;
}

/**
 * Checks a provider token before any network call and seals it: non-empty, within
 * Cognito's length limit, a decodable JWT with a `sub` where the provider issues JWTs.
 * Reads `sub` and `exp` for identity reuse and refresh timing.
 */
export function createLogin(input: LoginInput): Login {
  const { token, loginsKey } = input;
  if (typeof token !== 'string' || token.length === 0) {
    throw new InvalidParameterException('token must be a non-empty string.', {
      recoverySuggestion: "Pass the identity provider's token (for OIDC providers, the id token).",
    });
  }
  if (token.length > MAX_TOKEN_LENGTH || /[\s\u0000-\u001f]/.test(token)) {
    throw new InvalidParameterException('token is too long or contains white space or control characters.', {
      recoverySuggestion: 'Pass the token exactly as the identity provider issued it.',
    });
  }
  const expiresAt = checkExpiresAt(input.expiresAt);
  let subject: string | undefined;
  let jwtExpiresAt: number | undefined;
  const looksLikeJwt = token.split('.').length === 3;
  if (requiresJwt(loginsKey) || looksLikeJwt) {
    try {
      const { payload } = decodeJWT(token);
      if (typeof payload.sub === 'string' && payload.sub !== '') subject = payload.sub;
      if (typeof payload.exp === 'number') jwtExpiresAt = payload.exp * 1000;
    } catch (cause) {
      if (requiresJwt(loginsKey)) {
        throw new InvalidParameterException(`The token for ${loginsKey} is not a well-formed JWT.`, {
          cause,
          recoverySuggestion: 'Pass the id token (a JWT) the identity provider issued, not an access token or code.',
        });
      }
    }
    if (requiresJwt(loginsKey) && subject === undefined) {
      throw new InvalidParameterException(`The token for ${loginsKey} has no "sub" claim.`, {
        recoverySuggestion: 'Pass the id token the identity provider issued.',
      });
    }
  }
  const login: Login = { loginsKey, token: new Secret(token), source: input.source };
  if (subject !== undefined) login.subject = subject;
  const knownExpiry = expiresAt ?? jwtExpiresAt;
  if (knownExpiry !== undefined) login.expiresAt = input.now === undefined ? knownExpiry : storableExpiration(knownExpiry, input.now);
  return login;
}

function checkExpiresAt(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date && Number.isFinite(value.getTime())) return value.getTime();
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  throw new InvalidParameterException('options.expiresAt must be epoch milliseconds or a Date.', {
    recoverySuggestion: 'Pass when the token expires, e.g. Date.now() + expiresInSeconds * 1000.',
  });
}
