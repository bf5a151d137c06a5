import type { CredentialsOutput } from '../model/service-calls';
import type { Login } from '../model/login';
import { UnknownException } from '../errors/error-classes';
import { Secret } from '../model/secret';
import { loginsOf } from './logins-of';
import { sendCommand, type CallSettings } from './send-command';

/** GetCredentialsForIdentity: temporary AWS credentials for an identity, sealed as they arrive. */
export async function getCredentials(
  settings: CallSettings,
  input: { identityId: string; login?: Login },
  signal: AbortSignal,
): Promise<CredentialsOutput> {
  const logins = input.login ? loginsOf(input.login) : undefined;
  const request = { IdentityId: input.identityId, ...(logins ? { Logins: logins } : {}) };
  const result = await sendCommand(settings, 'GetCredentialsForIdentity', request, signal, logins ? Object.values(logins) : []);
  const issued = result.output.Credentials;
  if (!issued?.AccessKeyId || !issued.SecretKey || !issued.SessionToken || !issued.Expiration) {
    throw new UnknownException('Cognito answered GetCredentialsForIdentity without complete credentials.');
  }
  return {
    identityId: result.output.IdentityId ?? input.identityId,
    credentials: {
      value: new Secret({ accessKeyId: issued.AccessKeyId, secretAccessKey: issued.SecretKey, sessionToken: issued.SessionToken }),
      expiration: issued.Expiration.getTime(),
      issuedAt: result.serverNow,
    },
    ...(result.clockOffsetMs !== undefined ? { clockOffsetMs: result.clockOffsetMs } : {}),
  };
}
