import type { CredentialsOutput, IdentityIdOutput } from '../../src/model/service-calls';
import type { AuthMachineContext } from '../auth.context';

// Guest access: an unauthenticated identity and its credentials, kept beside the federation.

export function startGuestFetch(context: AuthMachineContext): Partial<AuthMachineContext> {
  return { guest: { identityId: context.guest.identityId, credentials: context.guest.credentials, identityReplaced: false } };
}

export function applyGuestIdentityId(context: AuthMachineContext, output: IdentityIdOutput): Partial<AuthMachineContext> {
  // A first guest identity is used at once; a replacement waits for its credentials.
  const guest =
    context.guest.identityId === undefined ? { ...context.guest, identityId: output.identityId } : { ...context.guest, pendingIdentityId: output.identityId };
  return { guest, clockOffsetMs: output.clockOffsetMs ?? context.clockOffsetMs };
}

export function markGuestIdentityReplaced(context: AuthMachineContext): Partial<AuthMachineContext> {
  return { guest: { ...context.guest, identityReplaced: true } };
}

export function applyGuestCredentials(context: AuthMachineContext, output: CredentialsOutput): Partial<AuthMachineContext> {
  return {
    guest: { identityId: output.identityId, credentials: output.credentials, identityReplaced: context.guest.identityReplaced },
    clockOffsetMs: output.clockOffsetMs ?? context.clockOffsetMs,
  };
}

/** The identity whose guest credentials are asked for: a replacement first. */
export function guestIdentityToUse(context: AuthMachineContext): string {
  return context.guest.pendingIdentityId ?? context.guest.identityId ?? '';
}
