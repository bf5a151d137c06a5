import type { RemovePersistedSessionParams } from '../../src/model/service-calls';
import { emptySession, freshRefresh, type AuthMachineContext } from '../auth.context';

// Ending a session: the app's clear (CLEAR, or a user-pool sign-out), another context's
// clear (SYNC), or an expiry nothing could refresh. The guarantee that nothing from before
// a clear is served or written again is stated, with every part that holds it, in
// src/session/cleared-sessions.ts; the machine's part is here and in the chart: the session
// fields are emptied, and leaving the state stops every request in flight, so a late answer
// is never applied.

/** A clear: the federation goes, the guest identity id stays (as Amplify keeps it). */
export function clearSession(context: AuthMachineContext): Partial<AuthMachineContext> {
  return {
    ...emptySession,
    cleared: true,
    guest: { identityId: context.guest.identityId, credentials: undefined, identityReplaced: false },
    refresh: freshRefresh(),
  };
}

/** A clear while signed out: guest credentials go, the guest identity id stays. */
export function clearGuestCredentials(context: AuthMachineContext): Partial<AuthMachineContext> {
  return { guest: { ...context.guest, credentials: undefined } };
}

/** An expiry: the session ran out and could not be refreshed. */
export function dropExpiredSession(): Partial<AuthMachineContext> {
  return { ...emptySession, sessionWaiters: [], refresh: freshRefresh() };
}

/** A clear names the session it ends (read before `clearSession` empties it); an expiry does not. */
export function clearedSessionParams({ context }: { context: AuthMachineContext }): RemovePersistedSessionParams {
  return { clearedSessionId: context.sessionId };
}
