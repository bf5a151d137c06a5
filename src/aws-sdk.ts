import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { NotAuthorizedException } from './errors/error-classes';

/** The AWS SDK v3 credential provider type (`credentials` of any client). */
export type AwsCredentialsProvider = AwsCredentialIdentityProvider;

/**
 * An AWS SDK v3 credential provider over an idpool engine: every SDK client that uses it
 * gets idpool's cached credentials, with their `expiration`, so the SDK comes back for new
 * ones when they run out and idpool (which refreshes ahead) usually has them ready.
 *
 * @example
 * ```ts
 * const sts = new STSClient({ region: 'us-east-1', credentials: auth.awsCredentials });
 * const s3 = new S3Client({ region: 'us-east-1', credentials: createAwsCredentialsProvider(auth) });
 * ```
 */
export function createAwsCredentialsProvider(auth: {
  // What the provider needs of an engine: the public `fetchAuthSession`, nothing below it.
  fetchAuthSession(options?: { forceRefresh?: boolean }): Promise<{ credentials?: AwsCredentialIdentity }>;
}): AwsCredentialsProvider {
  const provider = async (identityProperties?: Record<string, unknown>): Promise<AwsCredentialIdentity> => {
    // Own property only (a polluted Object.prototype must not force a refresh on every request); no
    // options on the common call, so fetchAuthSession() is a read of the engine's snapshot.
    const forceRefresh = typeof identityProperties === 'object' && identityProperties !== null && Object.hasOwn(identityProperties, 'forceRefresh') && identityProperties['forceRefresh'] === true;
    const session = await (forceRefresh ? auth.fetchAuthSession({ forceRefresh: true }) : auth.fetchAuthSession());
    if (!session.credentials) {
      throw new NotAuthorizedException('No AWS credentials: nothing is federated and guest access is off.', {
        recoverySuggestion: 'Call federateToIdentityPool first, or create the engine with allowGuestAccess: true.',
      });
    }
    return session.credentials; // new on every call: the SDK writes onto the identity it is given
  };
  // idpool is the cache: `memoized` tells SDK clients not to wrap it in a second one, so a clear or
  // refresh reaches every client at once instead of when its own copy nears expiry.
  return Object.assign(provider, { memoized: true });
}
