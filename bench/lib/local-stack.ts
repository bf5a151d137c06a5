import { startLocalIdentityPool, startLocalOidcIssuer, type LocalIdentityPool, type LocalOidcIssuer } from '../../src/local/index';

/** The local identity pool and OIDC issuer every contender talks to, set up the same way for each. */
export interface LocalStack {
  readonly pool: LocalIdentityPool;
  readonly issuer: LocalOidcIssuer;
  /** The Logins key of the issuer, e.g. `127.0.0.1:4010`. */
  readonly loginsKey: string;
  /** An id token of the one bench user, valid for the whole simulated day and more. */
  readonly token: string;
  /** Cognito requests the pool received since the last `resetStats()`, all operations. */
  requests(): number;
  requestsByOp(): Record<string, number>;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  /** Clock in epoch ms shared with the contender (simulated time). */
  readonly now: () => number;
  readonly credentialsTtlSeconds: number;
  /** How long the user's id token lives, seconds. */
  readonly tokenLifetimeSeconds: number;
}

/** Starts the pool (guests allowed, one OIDC provider) and its issuer on loopback, and mints the user's token. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const issuer = await startLocalOidcIssuer({ now: options.now });
  const pool = await startLocalIdentityPool({
    now: options.now,
    allowUnauthenticated: true,
    credentialsTtlSeconds: options.credentialsTtlSeconds,
    providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } },
  });
  const token = await issuer.mintToken({ sub: 'bench-user' }, { expiresIn: options.tokenLifetimeSeconds });
  const total = (): number => Object.values(pool.stats().requests).reduce((sum, n) => sum + n, 0);
  return {
    pool,
    issuer,
    loginsKey: issuer.loginsKey,
    token,
    requests: total,
    requestsByOp: () => pool.stats().requests,
    async close() {
      await pool.close();
      await issuer.close();
    },
  };
}
