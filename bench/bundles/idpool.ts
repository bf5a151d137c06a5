// A browser app that federates an IdP token with idpool and reads credentials.
// The bench bundles `dist/index.js` in place of the source import below when it has been built.
import { createAuth } from '../../src/index';

const auth = createAuth({ identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000' });

export async function signIn(idToken: string): Promise<string | undefined> {
  await auth.federateToIdentityPool({ token: idToken, provider: 'accounts.google.com' });
  const { credentials } = await auth.fetchAuthSession();
  return credentials?.accessKeyId;
}
