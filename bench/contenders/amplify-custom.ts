import { CognitoIdentity } from '@aws-sdk/client-cognito-identity';
import { Amplify, createAmplifyContext } from 'aws-amplify';
import {
  fetchAuthSession,
  type CredentialsAndIdentityId,
  type CredentialsAndIdentityIdProvider,
} from 'aws-amplify/auth';
import { ConsoleLogger } from 'aws-amplify/utils';
import type { Contender, Engine } from '../lib/contender';
import { installFakeDate } from '../lib/fake-date';
import type { LocalStack } from '../lib/local-stack';

/**
 * The custom credentials provider of Amplify's "Advanced workflows → Identity Pool Federation"
 * page: a module-level `CognitoIdentity` client, a `loadFederatedLogin` setter, and GetId then
 * GetCredentialsForIdentity on every `getCredentialsAndIdentityId`, nothing cached. Unlike the
 * page's sample it rethrows errors instead of logging them, so a failure cannot pass unseen.
 */
class FederationCredentialsProvider implements CredentialsAndIdentityIdProvider {
  federatedLogin: { domain: string; token: string } | undefined;

  constructor(
    private readonly cognito: CognitoIdentity,
    private readonly identityPoolId: string,
  ) {}

  loadFederatedLogin(login: { domain: string; token: string } | undefined): void {
    this.federatedLogin = login;
  }

  async getCredentialsAndIdentityId(): Promise<CredentialsAndIdentityId | undefined> {
    if (!this.federatedLogin) return undefined;
    const logins = { [this.federatedLogin.domain]: this.federatedLogin.token };
    const { IdentityId } = await this.cognito.getId({ IdentityPoolId: this.identityPoolId, Logins: logins });
    const { Credentials } = await this.cognito.getCredentialsForIdentity({ IdentityId, Logins: logins });
    if (!Credentials?.AccessKeyId || !Credentials.SecretKey) throw new Error('Cognito returned no credentials');
    return {
      credentials: {
        accessKeyId: Credentials.AccessKeyId,
        secretAccessKey: Credentials.SecretKey,
        ...(Credentials.SessionToken !== undefined ? { sessionToken: Credentials.SessionToken } : {}),
        ...(Credentials.Expiration !== undefined ? { expiration: Credentials.Expiration } : {}),
      },
      ...(IdentityId !== undefined ? { identityId: IdentityId } : {}),
    };
  }

  clearCredentialsAndIdentityId(): void {}
}

/** aws-amplify v6 with the documented custom provider, configured by `Amplify.configure` and read through `fetchAuthSession()`. */
export async function createAmplifyCustomContender(
  startStack: (now: () => number) => Promise<LocalStack>,
): Promise<Contender<null>> {
  // Amplify warns on every configure that the endpoint is custom; the pool is local on purpose.
  ConsoleLogger.LOG_LEVEL = 'ERROR';
  const time = installFakeDate();
  const stack = await startStack(() => Date.now());
  const cognito = new CognitoIdentity({ region: stack.pool.region, endpoint: stack.pool.endpoint });
  const config = { Auth: { Cognito: { identityPoolId: stack.pool.identityPoolId } } };
  const login = { domain: stack.loginsKey, token: stack.token };

  const newProvider = (): FederationCredentialsProvider => {
    const provider = new FederationCredentialsProvider(cognito, stack.pool.identityPoolId);
    provider.loadFederatedLogin(login);
    return provider;
  };

  return {
    name: 'amplify-custom',
    stack,
    time,

    async start(): Promise<Engine> {
      Amplify.configure(config, { Auth: { credentialsProvider: newProvider() } });
      return {
        ready: Promise.resolve(),
        async fetch() {
          const session = await fetchAuthSession();
          if (!session.credentials) throw new Error('Amplify handed out no credentials');
          return { expiration: session.credentials.expiration };
        },
        settle: async () => undefined,
        dispose: async () => undefined,
      };
    },

    // The documented provider persists nothing.
    newStore: () => null,

    // Every call goes to Cognito.
    renewsAfterMs: () => 0,

    // Amplify.configure is a process-wide singleton; aws-amplify 6.22's createAmplifyContext builds one context per request.
    async createIdle() {
      return createAmplifyContext(config, { Auth: { credentialsProvider: newProvider() } });
    },
    releaseIdle: async () => undefined,

    close: () => stack.close(),
  };
}
