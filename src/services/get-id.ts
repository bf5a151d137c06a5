import type { IdentityIdOutput } from '../model/service-calls';
import type { Login } from '../model/login';
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
  const request = { IdentityPoolId: settings.identityPoolId, ...(logins ? { Logins: logins } : {}) };
  const result = await sendCommand(settings, 'GetId', request, signal, logins ? Object.values(logins) : []);
  if (!result.output.IdentityId) throw new UnknownException('Cognito answered GetId without an IdentityId.');
  return {
    identityId: result.output.IdentityId,
    ...(result.clockOffsetMs !== undefined ? { clockOffsetMs: result.clockOffsetMs } : {}),
  };
}
