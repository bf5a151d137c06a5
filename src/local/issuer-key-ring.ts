import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

interface SigningKey {
  readonly kid: string;
  readonly privateKey: PrivateKey;
  readonly publicJwk: JWK;
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = `idpool-local-${randomBytes(6).toString('hex')}`;
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/**
 * The issuer's RS256 keys. Only the current key is published: rotation drops
 * the old one from the JWKS at once (like an emergency rotation), so tokens it
 * signed stop verifying. Retired private keys are kept so tests can still mint with them.
 */
export class IssuerKeyRing {
  private readonly retired = new Map<string, SigningKey>();

  private constructor(private current: SigningKey) {}

  static async create(): Promise<IssuerKeyRing> {
    return new IssuerKeyRing(await newKey());
  }

  get kid(): string {
    return this.current.kid;
  }

  async rotate(): Promise<{ kid: string; retiredKid: string }> {
    const retiredKid = this.current.kid;
    this.retired.set(retiredKid, this.current);
    this.current = await newKey();
    return { kid: this.current.kid, retiredKid };
  }

  /** The key for `kid`: the current or a retired one; an unknown kid is put in the header of a token signed with the current key. */
  signingKey(kid?: string): { kid: string; privateKey: PrivateKey } {
    if (kid === undefined || kid === this.current.kid) return this.current;
    const retired = this.retired.get(kid);
    return retired ?? { kid, privateKey: this.current.privateKey };
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.current.publicJwk] };
  }
}
