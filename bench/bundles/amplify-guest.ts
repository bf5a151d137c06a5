// A browser app that gets guest credentials from Amplify v6's built-in identity-pool path.
import { Amplify } from 'aws-amplify';
import { fetchAuthSession } from 'aws-amplify/auth';

Amplify.configure({ Auth: { Cognito: { identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000', allowGuestAccess: true } } });

export async function guestCredentials(): Promise<string | undefined> {
  const { credentials } = await fetchAuthSession();
  return credentials?.accessKeyId;
}
