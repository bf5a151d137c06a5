import type { LocalOidcClient } from './oidc-clients';
import type { ServerGuardOptions } from './server-guards';

/** Options of {@link startLocalOidcIssuer}; the server guards (timeouts, allowed hosts) are described on {@link ServerGuardOptions}. */
export interface LocalOidcIssuerOptions extends ServerGuardOptions {
  /** Port on 127.0.0.1; default 0 (an ephemeral port). */
  readonly port?: number;
  /** Default `aud` of minted tokens, and the id of the default client; default {@link LOCAL_CLIENT_ID}. */
  readonly audience?: string;
  /** Clock in epoch ms for every time decision (`iat`/`exp`, code, device code and refresh token lifetimes); default `Date.now`. */
  readonly now?: () => number;
  /**
   * Clients of the authorization code, refresh token and device grants. Default: one public client
   * whose id is `audience`, redirecting to `http://127.0.0.1:<any port>/callback`.
   */
  readonly clients?: readonly LocalOidcClient[];
  /** Lifetime of the id tokens the token endpoint issues, in seconds; default 3600. */
  readonly idTokenTtlSeconds?: number;
  /** Lifetime of a sign-in's refresh tokens, counted from the sign-in (rotation does not extend it); default 30 days. */
  readonly refreshTokenTtlSeconds?: number;
  /** Lifetime of a device code, in seconds; default 600. */
  readonly deviceCodeTtlSeconds?: number;
  /** Device flow polling interval the issuer asks for, in seconds; default 5. */
  readonly devicePollIntervalSeconds?: number;
}

/** Claims of a minted token; any extra claim is kept. `iss` is always the issuer. */
export interface MintClaims {
  readonly [claim: string]: unknown;
  /** Subject; default a fresh UUID. An explicit `undefined` leaves the claim out (to test rejections). */
  readonly sub?: string | undefined;
  /** Issued at, epoch seconds; default the issuer clock. */
  readonly iat?: number;
  /** Not before, epoch seconds; absent by default. */
  readonly nbf?: number;
  /** Expiry, epoch seconds; default `iat`-clock + `expiresIn`. */
  readonly exp?: number;
}

/** Options of {@link LocalOidcIssuer.mintToken}. */
export interface MintOptions {
  /** Seconds from now until `exp`; default 3600; negative mints an already expired token. */
  readonly expiresIn?: number;
  /** `aud` claim; default the issuer's audience. */
  readonly audience?: string | string[];
  /** Key id: the current key by default; a retired kid signs with that retired key; an unknown kid is put in the header as is. */
  readonly kid?: string;
}

/** A running local OpenID Connect issuer. */
export interface LocalOidcIssuer {
  /** Issuer URL (`iss`), e.g. `http://127.0.0.1:4010`. */
  readonly issuer: string;
  /** The Logins key for this issuer: its URL without the scheme, e.g. `127.0.0.1:4010`. */
  readonly loginsKey: string;
  readonly jwksUri: string;
  /** Default `aud` of the tokens it mints, and the id of the default client. */
  readonly audience: string;
  /** Signs an RS256 id token. */
  mintToken(claims?: MintClaims, options?: MintOptions): Promise<string>;
  /** New signing key with a new kid; the old key leaves the JWKS at once. */
  rotateKeys(): Promise<{ kid: string; retiredKid: string }>;
  /**
   * Revokes refresh tokens, as a provider's "sign out everywhere" would: every sign-in's, or those
   * of one subject. Returns how many sign-ins lost their refresh tokens.
   */
  revokeRefreshTokens(subject?: string): number;
  close(): Promise<void>;
}
