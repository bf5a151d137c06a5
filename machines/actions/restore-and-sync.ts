import type { RestoreOutcome, StoredSession } from '../../src/model/session';
import { freshRefresh, type AuthMachineContext } from '../auth.context';

// Sessions that come from storage: the one restored at start, and those other contexts
// sharing the storage federate (SYNC).

export function applyRestoredSession(outcome: RestoreOutcome): Partial<AuthMachineContext> {
  if (outcome.kind !== 'restored') return {};
  const session = outcome.session;
  return {
    sessionId: session.sessionId,
    identityId: session.identityId,
    login: session.login,
    credentials: session.credentials,
    clockOffsetMs: session.clockOffsetMs ?? 0,
    guest: { identityId: session.guestIdentityId, credentials: undefined, identityReplaced: false },
  };
}

/** Nothing to restore, but a guest identity id may have been kept. */
export function applyRestoredGuest(outcome: RestoreOutcome): Partial<AuthMachineContext> {
  const identityId = outcome.kind !== 'restored' ? outcome.guestIdentityId : undefined;
  return { guest: { identityId, credentials: undefined, identityReplaced: false } };
}

/** Another context federated: its session becomes this one's. */
export function applySharedSession(context: AuthMachineContext, session: StoredSession): Partial<AuthMachineContext> {
  return {
    cleared: false,
    staleIdentityId: undefined,
    sessionId: session.sessionId,
    identityId: session.identityId,
    login: session.login,
    credentials: session.credentials,
    clockOffsetMs: session.clockOffsetMs ?? context.clockOffsetMs,
    refresh: freshRefresh(),
  };
}
