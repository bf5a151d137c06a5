import type { Secret } from './secret';

/** Where a federation's token came from. */
export type LoginSource = 'app' | 'userPool';

/** A provider login: the Logins key and its token. */
export interface Login {
  /** The Cognito Logins key, e.g. `accounts.google.com`. */
  loginsKey: string;
  token: Secret<string>;
  /** The JWT `sub`, when the token is a JWT. */
  subject?: string;
  /** When the token stops being valid, epoch ms on the local clock. */
  expiresAt?: number;
  source: LoginSource;
}

/** User-pool tokens handed out by a token provider, sealed. */
export interface UserPoolTokens {
  idToken: Secret<string>;
  accessToken: Secret<string>;
}
