import type { CredentialsOutput, Login } from '../../machines/auth.types';
import { UnknownException } from '../errors/error-classes';
import { toAuthError } from '../errors/to-auth-error';
import { Secret } from '../secret';
import type { CredentialsAndIdentityIdProvider } from './credentials-provider';

// A provider that gives no expiration is asked again after this long.
const ASSUMED_LIFETIME_MS = 60 * 60_000;

/** Gets credentials from the app's own `credentialsProvider` instead of Cognito Identity. */
export async function callCredentialsProvider(
  provider: CredentialsAndIdentityIdProvider,
  input: { identityId: string; login?: Login; forceRefresh: boolean },
  now: () => number,
): Promise<CredentialsOutput> {
  const token = input.login?.token.reveal();
  let result;
  try {
    result = await provider.getCredentialsAndIdentityId({
      authenticated: input.login !== undefined,
      ...(input.login && token !== undefined ? { tokens: { idToken: token, loginsKey: input.login.loginsKey } } : {}),
      forceRefresh: input.forceRefresh,
    });
  } catch (error) {
    throw toAuthError(error, token !== undefined ? [token] : []);
  }
  const credentials = result?.credentials;
  const identityId = result?.identityId ?? (input.identityId !== '' ? input.identityId : undefined);
  if (!credentials?.accessKeyId || !credentials.secretAccessKey || identityId === undefined) {
    throw new UnknownException('The credentials provider returned no credentials or no identity id.', {
      recoverySuggestion: 'Return { credentials, identityId } from getCredentialsAndIdentityId().',
    });
  }
  const issuedAt = now();
  return {
    identityId,
    credentials: {
      value: new Secret({
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
        sessionToken: credentials.sessionToken ?? '',
      }),
      expiration: credentials.expiration?.getTime() ?? issuedAt + ASSUMED_LIFETIME_MS,
      issuedAt,
    },
  };
}
