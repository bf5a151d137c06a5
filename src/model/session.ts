import type { AuthError } from '../errors/auth-error';
import type { HeldCredentials } from './credentials';
import type { Login, UserPoolTokens } from './login';

/** What `fetchAuthSession` resolves with, sealed while inside the machine. */
export interface SessionView {
  /** To turn Cognito-clock expirations into local ones for the caller. */
  clockOffsetMs: number;
  identityId?: string;
  credentials?: HeldCredentials;
  federatedProvider?: string;
  userPoolTokens?: UserPoolTokens;
}

/** A persisted or shared session, as the restore and sync actors read it from storage. */
export interface StoredSession {
  sessionId?: string;
  identityId?: string;
  login?: Login;
  credentials?: HeldCredentials;
  guestIdentityId?: string;
  clockOffsetMs?: number;
}

export type RestoreOutcome =
  | { kind: 'restored'; session: StoredSession; migratedFrom?: string }
  | { kind: 'empty'; guestIdentityId?: string; migratedFrom?: string }
  | { kind: 'invalid'; error: AuthError; guestIdentityId?: string };
