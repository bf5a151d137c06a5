import type { JWTPayload } from 'jose';
import { invalidLoginToken } from './cognito-errors';

/**
 * The `aud` claim as a list. A signed token can still carry any JSON there (a number, an object,
 * null): that is a bad login token, answered as Cognito does, never a crash.
 */
export function audiencesOf(payload: JWTPayload): readonly string[] {
  const aud: unknown = payload.aud;
  if (aud === undefined) throw invalidLoginToken('Missing a required claim: aud');
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud) && aud.length > 0 && aud.every((entry): entry is string => typeof entry === 'string')) return aud;
  throw invalidLoginToken('Incorrect token audience.');
}
