// A browser app that gets guest credentials from idpool.
// The bench bundles `dist/index.js` in place of the source import below when it has been built.
import { createAuth } from '../../src/index';

const auth = createAuth({ identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000', allowGuestAccess: true });

export async function guestCredentials(): Promise<string | undefined> {
  const { credentials } = await auth.fetchAuthSession();
  return credentials?.accessKeyId;
}
