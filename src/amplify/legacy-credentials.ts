import type { AuthSession } from '../index';
import { NotAuthorizedException } from '../index';

/** Amplify v5's `ICredentials`: what `federatedSignIn` and `currentCredentials` resolve with. */
export interface LegacyCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
  identityId: string;
  /** False for guest (unauthenticated) credentials. */
  authenticated: boolean;
}

/** The second argument of v5's `federatedSignIn`. */
export interface FederatedResponse {
  /** The provider's token (id token, access token, or the developer OpenID token). */
  token: string;
  /** The identity id, for developer-authenticated identities (skips GetId). */
  identity_id?: string;
  /** When the token expires, epoch milliseconds (v5: `expiresIn * 1000 + Date.now()`). */
  expires_at?: number;
}

export function toLegacyCredentials(session: AuthSession): LegacyCredentials {
  if (!session.credentials || session.identityId === undefined) {
    throw new NotAuthorizedException('No AWS credentials: nothing is federated and guest access is off.', {
      recoverySuggestion: 'Call federatedSignIn first, or create the engine with allowGuestAccess: true.',
    });
  }
  return { ...session.credentials, identityId: session.identityId, authenticated: session.federatedProvider !== undefined };
}
