// A browser app that federates an IdP token with @aws-sdk/credential-providers and reads
// credentials through the SDK's memoization, the way a client wraps its `credentials`.
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';

export async function signIn(idToken: string): Promise<string | undefined> {
  const credentials = memoizeIdentityProvider(
    fromCognitoIdentityPool({
      identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000',
      logins: { 'accounts.google.com': idToken },
      clientConfig: { region: 'us-east-1' },
    }),
    isIdentityExpired,
    doesIdentityRequireRefresh,
  );
  const identity = await credentials?.();
  return identity?.accessKeyId;
}
