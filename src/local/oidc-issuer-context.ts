import { createHash } from 'node:crypto';
import type { ExpiringMap } from './issuer-expiring-map';
import type { DeviceCodeStore } from './issuer-device-codes';
import type { RefreshGrant, RefreshTokenStore } from './issuer-refresh-tokens';
import type { RegisteredClient } from './oidc-clients';

/** An authorization code waiting to be redeemed once, by the client it was issued to. */
export interface AuthorizationCode extends RefreshGrant {
  readonly redirectUri: string;
  readonly codeChallenge: string;
  readonly nonce?: string;
}

/** What a sign-in minted: an id token and its claims' time base. */
export interface MintRequest {
  readonly audience: string;
  readonly subject: string;
  readonly username: string;
  readonly authTime: number;
  readonly nonce?: string;
  readonly expiresIn: number;
}

/** Everything the issuer's endpoints share: settings, stores and the signer. */
export interface IssuerContext {
  /** The issuer URL (known once the server listens). */
  readonly issuer: () => string;
  readonly now: () => number;
  /** `aud` of implicit-flow tokens when the page names no client. */
  readonly defaultAudience: string;
  readonly allowedHosts: ReadonlySet<string>;
  readonly clients: ReadonlyMap<string, RegisteredClient>;
  /** Codes not yet redeemed, by code. */
  readonly codes: ExpiringMap<AuthorizationCode>;
  /** Codes already redeemed, until they would have expired: a replay revokes what they bought. */
  readonly redeemedCodes: ExpiringMap<string>;
  readonly refreshTokens: RefreshTokenStore;
  readonly deviceCodes: DeviceCodeStore;
  readonly codeTtlMs: number;
  readonly idTokenTtlSeconds: number;
  readonly signIdToken: (request: MintRequest) => Promise<string>;
}

/** A stable `sub` for a username typed into the login page: the same name is the same user. */
export function subjectForUsername(username: string): string {
  const hex = createHash('sha256').update(`idpool-local:${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Scopes the issuer knows; others are ignored, as OpenID Connect Core §3.1.2.1 allows. */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'offline_access'] as const;

/** The granted scope: the known ones asked for. A refresh token is issued only with `offline_access`. */
export const grantedScope = (requested: readonly string[]): string[] =>
  SUPPORTED_SCOPES.filter((scope) => requested.includes(scope));
