// A browser app that federates an IdP token with Amplify v6 and the custom credentials provider
// of Amplify's "Advanced workflows" page (GetId + GetCredentialsForIdentity via @aws-sdk/client-cognito-identity).
import { CognitoIdentity } from '@aws-sdk/client-cognito-identity';
import { Amplify } from 'aws-amplify';
import { fetchAuthSession, type CredentialsAndIdentityId, type CredentialsAndIdentityIdProvider } from 'aws-amplify/auth';

const identityPoolId = 'us-east-1:00000000-0000-4000-8000-000000000000';
const cognito = new CognitoIdentity({ region: 'us-east-1' });

class FederationCredentialsProvider implements CredentialsAndIdentityIdProvider {
  federatedLogin: { domain: string; token: string } | undefined;

  loadFederatedLogin(login: { domain: string; token: string }): void {
    this.federatedLogin = login;
  }

  async getCredentialsAndIdentityId(): Promise<CredentialsAndIdentityId | undefined> {
    if (!this.federatedLogin) return undefined;
    const Logins = { [this.federatedLogin.domain]: this.federatedLogin.token };
    const { IdentityId } = await cognito.getId({ IdentityPoolId: identityPoolId, Logins });
    const { Credentials } = await cognito.getCredentialsForIdentity({ IdentityId, Logins });
    return {
      credentials: {
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretKey ?? '',
        ...(Credentials?.SessionToken !== undefined ? { sessionToken: Credentials.SessionToken } : {}),
        ...(Credentials?.Expiration !== undefined ? { expiration: Credentials.Expiration } : {}),
      },
      ...(IdentityId !== undefined ? { identityId: IdentityId } : {}),
    };
  }

  clearCredentialsAndIdentityId(): void {
    this.federatedLogin = undefined;
  }
}

const provider = new FederationCredentialsProvider();
Amplify.configure({ Auth: { Cognito: { identityPoolId } } }, { Auth: { credentialsProvider: provider } });

export async function signIn(idToken: string): Promise<string | undefined> {
  provider.loadFederatedLogin({ domain: 'accounts.google.com', token: idToken });
  const { credentials } = await fetchAuthSession();
  return credentials?.accessKeyId;
}
