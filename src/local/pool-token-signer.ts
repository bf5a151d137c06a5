import { SignJWT, compactVerify, decodeJwt, exportJWK, generateKeyPair, type JWK } from 'jose';
import { invalidLoginToken } from './cognito-errors';
import { audiencesOf } from './jwt-audiences';
import { COGNITO_TOKEN_ISSUER } from './local-defaults';

export interface PoolTokenClaims {
  readonly identityId: string;
  readonly amr: readonly string[];
  readonly ttlSeconds: number;
}

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** Signs and checks the OpenID tokens the pool issues (GetOpenIdToken*), RS512 like Cognito. */
export class PoolTokenSigner {
  private constructor(
    private readonly keys: KeyPair,
    private readonly kid: string,
    private readonly identityPoolId: string,
    private readonly now: () => number,
  ) {}

  static async create(region: string, identityPoolId: string, now: () => number): Promise<PoolTokenSigner> {
    const keys = await generateKeyPair('RS512', { extractable: true });
    return new PoolTokenSigner(keys, `${region}-1`, identityPoolId, now);
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    const jwk = await exportJWK(this.keys.publicKey);
    return { keys: [{ ...jwk, kid: this.kid, alg: 'RS512', use: 'sig' }] };
  }

  async sign(claims: PoolTokenClaims): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    return new SignJWT({ amr: [...claims.amr] })
      .setProtectedHeader({ alg: 'RS512', kid: this.kid, typ: 'JWS' })
      .setIssuer(COGNITO_TOKEN_ISSUER)
      .setSubject(claims.identityId)
      .setAudience(this.identityPoolId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + claims.ttlSeconds)
      .sign(this.keys.privateKey);
  }

  /** Checks a token under the `cognito-identity.amazonaws.com` key; returns the identity id it names. */
  async verify(token: string): Promise<string> {
    let payload: ReturnType<typeof decodeJwt>;
    try {
      payload = decodeJwt(token);
    } catch {
      throw invalidLoginToken('Not a valid OpenId Connect identity token.');
    }
    if (payload.iss !== COGNITO_TOKEN_ISSUER) throw invalidLoginToken("Issuer doesn't match providerName");
    try {
      await compactVerify(token, this.keys.publicKey, { algorithms: ['RS512'] });
    } catch {
      throw invalidLoginToken("Couldn't verify signed token.");
    }
    if (!audiencesOf(payload).includes(this.identityPoolId)) throw invalidLoginToken('Incorrect token audience.');
    if (typeof payload.exp !== 'number') throw invalidLoginToken('Missing a required claim: exp');
    const nowSeconds = Math.floor(this.now() / 1000);
    if (nowSeconds >= payload.exp) throw invalidLoginToken(`Token expired: ${nowSeconds} >= ${payload.exp}`);
    if (typeof payload.sub !== 'string' || payload.sub === '') throw invalidLoginToken('Missing a required claim: sub');
    return payload.sub;
  }
}
