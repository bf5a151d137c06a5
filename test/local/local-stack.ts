import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { STSClient } from '@aws-sdk/client-sts';
import {
  startLocalIdentityPool,
  startLocalOidcIssuer,
  type LocalIdentityPool,
  type LocalIdentityPoolOptions,
  type LocalOidcIssuer,
} from '../../src/local/index';

export interface LocalStack {
  readonly issuer: LocalOidcIssuer;
  readonly pool: LocalIdentityPool;
  /** Cognito client with retries off, so each call is one request. */
  readonly cognito: CognitoIdentityClient;
  /** Test clock shared by issuer and pool (epoch ms); move it with `advance`. */
  readonly clock: { now: number; advance(ms: number): void };
  close(): Promise<void>;
}

/** An issuer plus a pool trusting it (and an opaque `graph.facebook.com`), on ephemeral loopback ports. */
export async function startLocalStack(options: Partial<LocalIdentityPoolOptions> = {}): Promise<LocalStack> {
  const clock = {
    now: Date.now(),
    advance(ms: number) {
      this.now += ms;
    },
  };
  const now = (): number => clock.now;
  const issuer = await startLocalOidcIssuer({ now });
  const pool = await startLocalIdentityPool({
    now,
    providers: {
      [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience },
      'graph.facebook.com': { opaque: true },
    },
    ...options,
  });
  const cognito = new CognitoIdentityClient({ region: pool.region, endpoint: pool.endpoint, maxAttempts: 1 });
  return {
    issuer,
    pool,
    cognito,
    clock,
    async close() {
      cognito.destroy();
      await pool.close();
      await issuer.close();
    },
  };
}

export function stsClient(
  pool: LocalIdentityPool,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  maxAttempts = 1,
): STSClient {
  return new STSClient({ region: pool.region, endpoint: pool.endpoint, credentials, maxAttempts });
}

/** The rejection of a promise, for asserting on its class and fields. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number; attempts?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the promise to reject');
}
