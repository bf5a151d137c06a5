import { createHash } from 'node:crypto';
import { compactVerify, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { externalServiceError, invalidLoginToken, unsupportedProvider } from './cognito-errors';
import type { OidcProviderConfig, ProviderConfig } from './identity-pool-options';
import type { VerifiedLogin } from './identity-store';
import { audiencesOf } from './jwt-audiences';
import { COGNITO_LOGINS_KEY } from './local-defaults';
import type { PoolTokenSigner } from './pool-token-signer';

type RemoteKeySet = ReturnType<typeof createRemoteJWKSet>;

const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];
// jose codes that mean "could not reach or read the key set", as opposed to "the token is bad".
const FETCH_FAILURES = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JOSE_GENERIC', 'ERR_JWKS_INVALID']);

/** Subject of an opaque token: the text before the first ':', else the token's SHA-256. */
export function opaqueSubject(token: string): string {
  const colon = token.indexOf(':');
  return colon > 0 ? token.slice(0, colon) : createHash('sha256').update(token).digest('hex');
}

/**
 * Checks one Logins entry the way Cognito does and names the subject it vouches for.
 * Rejections are NotAuthorizedException with Cognito's messages.
 */
export class LoginVerifier {
  private readonly keySets = new Map<string, Promise<RemoteKeySet>>();

  constructor(
    private readonly providers: ReadonlyMap<string, ProviderConfig>,
    private readonly poolTokens: PoolTokenSigner,
    private readonly now: () => number,
  ) {}

  async verify(providerKey: string, token: string): Promise<VerifiedLogin> {
    if (providerKey === COGNITO_LOGINS_KEY) {
      return { provider: providerKey, subject: await this.poolTokens.verify(token) };
    }
    const config = this.providers.get(providerKey);
    if (config === undefined) throw unsupportedProvider();
    if ('opaque' in config) return { provider: providerKey, subject: opaqueSubject(token) };
    return { provider: providerKey, subject: await this.verifyOidc(config, token) };
  }

  private async verifyOidc(config: OidcProviderConfig, token: string): Promise<string> {
    let payload: JWTPayload;
    try {
      decodeProtectedHeader(token);
      payload = decodeJwt(token);
    } catch {
      throw invalidLoginToken('Not a valid OpenId Connect identity token.');
    }
    if (payload.iss !== config.issuer) throw invalidLoginToken("Issuer doesn't match providerName");

    const keySet = await this.keySet(config.issuer);
    try {
      await compactVerify(token, keySet, { algorithms: ALGORITHMS });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (error instanceof TypeError || (typeof code === 'string' && FETCH_FAILURES.has(code))) {
        throw externalServiceError('Unable to fetch the signing keys of the identity provider.');
      }
      throw invalidLoginToken("Couldn't verify signed token.");
    }

    const audiences = audiencesOf(payload);
    if (config.audience !== undefined) {
      const allowed = typeof config.audience === 'string' ? [config.audience] : config.audience;
      if (!audiences.some((aud) => allowed.includes(aud))) throw invalidLoginToken('Incorrect token audience.');
    }
    if (typeof payload.exp !== 'number') throw invalidLoginToken('Missing a required claim: exp');
    const nowSeconds = Math.floor(this.now() / 1000);
    if (nowSeconds >= payload.exp) throw invalidLoginToken(`Token expired: ${nowSeconds} >= ${payload.exp}`);
    if (typeof payload.nbf === 'number' && nowSeconds < payload.nbf) {
      throw invalidLoginToken(`Token is not yet valid: ${nowSeconds} < ${payload.nbf}`);
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw invalidLoginToken('Missing a required claim: sub');
    return payload.sub;
  }

  // The discovery document is read once per issuer; the JWKS is refetched on every check
  // (cacheMaxAge 0), so a key the issuer no longer publishes stops working at once.
  private keySet(issuer: string): Promise<RemoteKeySet> {
    let pending = this.keySets.get(issuer);
    if (pending === undefined) {
      pending = discoverKeySet(issuer);
      this.keySets.set(issuer, pending);
      pending.catch(() => this.keySets.delete(issuer));
    }
    return pending;
  }
}

async function discoverKeySet(issuer: string): Promise<RemoteKeySet> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let jwksUri: unknown;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000), redirect: 'manual' });
    if (!response.ok) throw new Error(`status ${response.status}`);
    jwksUri = ((await response.json()) as { jwks_uri?: unknown }).jwks_uri;
  } catch {
    throw externalServiceError('Unable to fetch the OpenID configuration of the identity provider.');
  }
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) {
    throw externalServiceError('The OpenID configuration of the identity provider has no valid jwks_uri.');
  }
  return createRemoteJWKSet(new URL(jwksUri), { cacheMaxAge: 0, cooldownDuration: 0 });
}
