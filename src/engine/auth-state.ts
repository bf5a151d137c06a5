import type { SnapshotFrom } from 'xstate';
import type { AuthMachine } from '../../machines/auth.machine';
import { toLocalTime } from '../model/server-time';

/** The top-level states of the federation machine. */
export type AuthStateValue = 'restoring' | 'signedOut' | 'federating' | 'federated' | 'refreshing' | 'cleared';

/** What `auth.state$` emits: the machine's state without any secret. */
export interface AuthState {
  value: AuthStateValue;
  identityId?: string;
  provider?: string;
  /** Credentials' expiration, epoch ms on the local clock. */
  expiration?: number;
  /** Guest (unauthenticated) credentials are being served. */
  guest?: boolean;
}

/**
 * The public view of a snapshot of `auth.actor`: for selectors (`useSelector(auth.actor, toAuthState)`)
 * and inspector tooling, without the machine's internal context.
 */
export function toAuthState(snapshot: SnapshotFrom<AuthMachine>): AuthState {
  const value = (typeof snapshot.value === 'string' ? snapshot.value : Object.keys(snapshot.value)[0]) as AuthStateValue;
  const { context } = snapshot;
  const state: AuthState = { value };
  if (value === 'signedOut' || value === 'cleared') {
    if (context.guest.credentials && context.guest.identityId !== undefined) {
      state.identityId = context.guest.identityId;
      state.expiration = toLocalTime(context.guest.credentials.expiration, context.clockOffsetMs);
      state.guest = true;
    }
    return state;
  }
  if (context.identityId !== undefined) state.identityId = context.identityId;
  if (context.login) state.provider = context.login.loginsKey;
  if (context.credentials) state.expiration = toLocalTime(context.credentials.expiration, context.clockOffsetMs);
  return state;
}

export function sameAuthState(a: AuthState, b: AuthState): boolean {
  return a.value === b.value && a.identityId === b.identityId && a.provider === b.provider && a.expiration === b.expiration && a.guest === b.guest;
}
