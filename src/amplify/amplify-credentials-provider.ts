import type { Auth } from '../index';
import type { AmplifyCredentialsProvider, AmplifyGetCredentialsOptions } from './amplify-types';

/**
 * An Amplify v6 `CredentialsAndIdentityIdProvider` backed by an idpool engine: Amplify's
 * `fetchAuthSession()` (and every Amplify category that signs requests) gets idpool's
 * cached, refreshed-ahead credentials and identity id. It makes no Cognito call of its
 * own: simultaneous Amplify calls share idpool's one in-flight request.
 *
 * Amplify's user-pool `tokens` are not federated here: give Amplify's token provider to
 * `createAuth({ tokenProvider })` and idpool federates the id token by itself.
 * `clearCredentialsAndIdentityId()` (called by Amplify's `signOut`) clears the federation.
 *
 * @example
 * ```ts
 * import { Amplify } from 'aws-amplify';
 * import { createAuth } from 'idpool';
 * import { createAmplifyCredentialsProvider } from 'idpool/amplify';
 *
 * const auth = createAuth({ identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000' });
 * Amplify.configure(
 *   { Auth: { Cognito: { identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000' } } },
 *   { Auth: { credentialsProvider: createAmplifyCredentialsProvider(auth) } },
 * );
 * ```
 */
export function createAmplifyCredentialsProvider(auth: Pick<Auth, 'fetchAuthSession' | 'clearFederationToIdentityPool'>): AmplifyCredentialsProvider {
  return {
    async getCredentialsAndIdentityId(options: AmplifyGetCredentialsOptions) {
      const session = await auth.fetchAuthSession({ forceRefresh: options?.forceRefresh === true });
      if (!session.credentials) return undefined;
      const { accessKeyId, secretAccessKey, sessionToken, expiration } = session.credentials;
      return {
        credentials: { accessKeyId, secretAccessKey, sessionToken, expiration },
        ...(session.identityId !== undefined ? { identityId: session.identityId } : {}),
      };
    },
    clearCredentialsAndIdentityId() {
      // Amplify's signature is synchronous; the clear settles in the engine, errors surface on events$.
      auth.clearFederationToIdentityPool().catch(() => undefined);
    },
  };
}
