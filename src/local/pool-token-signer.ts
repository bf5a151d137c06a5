import { SignJWT, compactVerify, decodeJwt, exportJWK, generateKeyPair, type JWK } from 'jose';
import { invalidLoginToken } from './cognito-errors';
import { audiencesOf } from './jwt-audiences';
import { COGNITO_TOKEN_ISSUER, LOCAL_ACCOUNT_ID } from './local-defaults';

export interface PoolTokenClaims {
  readonly identityId: string;
  readonly amr: readonly string[];
  readonly ttlSeconds: number;
  /** GetOpenIdTokenForDeveloperIdentity's PrincipalTags, carried as Cognito carries them. */
  readonly principalTags?: ReadonlyMap<string, string>;
}

/** Claims Cognito puts in its OpenID tokens beside the registered ones. */
const IDENTITY_POOL_ARN_CLAIM = 'https://cognito-identity.amazonaws.com/identity-pool-arn';
const TAGS_CLAIM = 'https://aws.amazon.com/tags';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

/** Signs and checks the OpenID tokens the pool issues (GetOpenIdToken*), RS512 like Cognito. */
export class PoolTokenSigner {
  private constructor(
    private readonly keys: KeyPair,
    private readonly kid: string,
    private readonly identityPoolId: string,
    private readonly identityPoolArn: string,
    private readonly now: () => number,
  ) {}

  static async create(region: string, identityPoolId: string, now: () => number): Promise<PoolTokenSigner> {
    const keys = await generateKeyPair('RS512', { extractable: true });
    // Cognito names its signing keys by region and a serial: `us-east-11`, `eu-west-21`.
    const arn = `arn:aws:cognito-identity:${region}:${LOCAL_ACCOUNT_ID}:identitypool/${identityPoolId}`;
    return new PoolTokenSigner(keys, `${region}1`, identityPoolId, arn, now);
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    const jwk = await exportJWK(this.keys.publicKey);
    return { keys: [{ ...jwk, kid: this.kid, alg: 'RS512', use: 'sig' }] };
  }

  async sign(claims: PoolTokenClaims): Promise<string> {
    const iat = Math.floor(this.now() / 1000);
    const tags =
      claims.principalTags === undefined || claims.principalTags.size === 0
        ? {}
        : { [TAGS_CLAIM]: { principal_tags: Object.fromEntries([...claims.principalTags].map(([key, value]) => [key, [value]])) } };
    return new SignJWT({ amr: [...claims.amr], [IDENTITY_POOL_ARN_CLAIM]: this.identityPoolArn, ...tags })
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
