import { createAwsCredentialsProvider } from './aws-sdk';
import { createEngine, type Auth } from './engine/create-engine';
import type { AuthOptions } from './engine/options';

/**
 * Creates an idpool engine: the federation machine bound to Cognito Identity, storage and
 * the clock, started at once (it restores the persisted session first).
 *
 * Simultaneous calls share one Cognito request of each kind; cached credentials are served
 * without a network call and refreshed ahead of their expiration; every step is emitted on
 * `events$`; no token or AWS secret ever appears in events, state or inspection.
 *
 * @example
 * ```ts
 * const auth = createAuth({ identityPoolId: 'us-east-1:…', allowGuestAccess: true });
 * auth.events$.subscribe((event) => console.log(event.type));
 * const { identityId, credentials } = await auth.federateToIdentityPool({ token: idToken, provider: 'google' });
 * const s3 = new S3Client({ region: 'us-east-1', credentials: auth.awsCredentials });
 * await auth.clearFederationToIdentityPool();
 * auth.stop();
 * ```
 */
export function createAuth(options: AuthOptions): Auth {
  // The engine never imports an adapter: the AWS SDK provider is put on top of it here.
  const engine = createEngine(options);
  return Object.assign(engine, { awsCredentials: createAwsCredentialsProvider(engine) });
}
