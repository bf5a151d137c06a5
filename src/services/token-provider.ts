/** A JWT as Amplify hands it out: the string form and its decoded payload. */
export interface JWTLike {
  toString(): string;
}

/** What a token provider returns for a user-pool (or any OIDC) session. */
export interface AuthTokens {
  idToken?: string | JWTLike;
  accessToken: string | JWTLike;
}

/**
 * Amplify's `TokenProvider` shape: idpool federates the id token it returns under the
 * Logins key taken from the token's `iss`, and asks again with `forceRefresh: true` when
 * the token has expired.
 *
 * @example
 * ```ts
 * const tokenProvider: TokenProvider = {
 *   getTokens: async ({ forceRefresh } = {}) => (await mySignIn.getSession(forceRefresh)) ?? null,
 * };
 * ```
 */
export interface TokenProvider {
  getTokens(options?: { forceRefresh?: boolean }): Promise<AuthTokens | null | undefined>;
}

/** What a refresh handler is called with. */
export interface RefreshHandlerContext {
  /** The Logins key of the federated provider. */
  provider: string;
  identityId?: string;
  clientMetadata?: Record<string, string>;
  /** Aborts when idpool no longer needs the token (cleared, stopped, superseded). */
  signal?: AbortSignal;
}

/** What a refresh handler resolves with: a new provider token, and optionally its expiry and identity id. */
export interface RefreshedToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt?: number;
  identityId?: string;
}

/** Gets a new provider token when the federated one has expired (Amplify v5's `refreshHandlers`). */
export type RefreshHandler = (context: RefreshHandlerContext) => Promise<RefreshedToken>;
