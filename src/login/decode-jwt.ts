import { decodeJwt, decodeProtectedHeader } from 'jose';
import { InvalidTokenException } from '../errors/error-classes';
import type { JwtHeader, JwtPayload } from '../model/jwt';

export interface DecodedJWT {
  header: JwtHeader;
  payload: JwtPayload;
}

/**
 * Decodes a JWT's header and payload without verifying its signature (Cognito verifies
 * it). Throws `InvalidTokenException` for anything that is not a well-formed JWS compact
 * JWT; the message never quotes the token.
 *
 * @example
 * ```ts
 * const { payload } = decodeJWT(idToken);
 * console.log(payload.sub, payload.exp);
 * ```
 */
export function decodeJWT(token: string): DecodedJWT {
  if (typeof token !== 'string' || token.length === 0) {
    throw new InvalidTokenException('The token is empty or not a string.', { recoverySuggestion: 'Pass the id token string.' });
  }
  try {
    return { header: decodeProtectedHeader(token), payload: decodeJwt(token) };
  } catch (cause) {
    throw new InvalidTokenException('The token is not a well-formed JWT.', {
      cause: cause instanceof Error ? new Error(cause.message) : undefined,
      recoverySuggestion: 'Pass the id token (three base64url parts separated by dots) as the identity provider issued it.',
    });
  }
}
