import { GetIdCommand, type GetIdCommandOutput } from '@aws-sdk/client-cognito-identity';
import type { IdentityIdOutput, Login } from '../../machines/auth.types';
import { UnknownException } from '../errors/error-classes';
import { loginsOf } from './logins-of';
import { sendCommand, type CallSettings } from './send-command';

/** GetId: the identity id for a login, or a new unauthenticated identity without one. */
export async function getId(
  settings: CallSettings & { identityPoolId: string },
  input: { login?: Login },
  signal: AbortSignal,
): Promise<IdentityIdOutput> {
  const logins = input.login ? loginsOf(input.login) : undefined;
  const command = new GetIdCommand({ IdentityPoolId: settings.identityPoolId, ...(logins ? { Logins: logins } : {}) });
  const result = await sendCommand<GetIdCommandOutput>(settings, command, signal, logins ? Object.values(logins) : []);
  if (!result.output.IdentityId) throw new UnknownException('Cognito answered GetId without an IdentityId.');
  return {
    identityId: result.output.IdentityId,
    ...(result.clockOffsetMs !== undefined ? { clockOffsetMs: result.clockOffsetMs } : {}),
  };
}
