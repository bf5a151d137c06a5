import type { SnapshotFrom } from 'xstate';
import type { SessionView } from '../src/model/session';
import type { AuthMachine } from './auth.machine';
import { federatedSession, guestSession } from './session-views';
import { credentialsUsable } from './timing';

/**
 * The session a plain FETCH (no forceRefresh, no clientMetadata) could be answered with at once
 * in this snapshot's state, before the clock has its say (`stillServable`): the federation held
 * where `resolveRequest` would answer, the guest session where `resolveGuestRequest` would,
 * `undefined` where the machine has work to do (a pending federation, a user-pool check,
 * nothing held). It depends on the snapshot only, so the engine works it out once per snapshot.
 *
 * It mirrors the FETCH transitions of `federated.idle`, `refreshing` and the guest states of
 * `signedOut`; test/model checks on every path that `cachedSession` and the chart agree.
 */
export function heldSession(snapshot: SnapshotFrom<AuthMachine>): SessionView | undefined {
  const { context } = snapshot;
  if (snapshot.matches({ federated: 'idle' }) ? context.login?.source !== 'userPool' : snapshot.matches('refreshing')) {
    return context.credentials ? federatedSession(context) : undefined;
  }
  if (snapshot.matches({ signedOut: 'guest' }) || snapshot.matches({ signedOut: 'fetchingGuestCredentials' })) {
    return context.guest.credentials ? guestSession(context) : undefined;
  }
  return undefined;
}

/** Whether a held session may be served at `now`: the rule the `canServeCredentials` guards use. */
export function stillServable(held: SessionView, now: number): boolean {
  return credentialsUsable(held.credentials, held.clockOffsetMs, now);
}

/** What the chart answers a plain FETCH with at once, read off a snapshot; `undefined` where it would not. */
export function cachedSession(snapshot: SnapshotFrom<AuthMachine>, now: number): SessionView | undefined {
  const held = heldSession(snapshot);
  return held && stillServable(held, now) ? held : undefined;
}
