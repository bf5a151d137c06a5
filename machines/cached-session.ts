import type { SnapshotFrom } from 'xstate';
import type { SessionView } from '../src/model/session';
import type { AuthMachine } from './auth.machine';
import { federatedSession, guestSession } from './session-views';
import { credentialsUsable } from './timing';

/**
 * What the chart answers a plain FETCH (no forceRefresh, no clientMetadata) with at once, read
 * off a snapshot: the held session where `resolveRequest` / `resolveGuestRequest` would answer,
 * `undefined` where the machine has work to do (a refresh, a pending federation, a user-pool
 * check, nothing held). The engine serves cached calls from this without sending an event.
 *
 * It mirrors the FETCH transitions of `federated.idle`, `refreshing` and the guest states of
 * `signedOut`, with the same rule for what may be served (`credentialsUsable`, which the
 * `canServeCredentials` guards use); test/model checks on every path that the two agree.
 */
export function cachedSession(snapshot: SnapshotFrom<AuthMachine>, now: number): SessionView | undefined {
  const { context } = snapshot;
  if (snapshot.matches({ federated: 'idle' }) ? context.login?.source !== 'userPool' : snapshot.matches('refreshing')) {
    return credentialsUsable(context.credentials, context.clockOffsetMs, now) ? federatedSession(context) : undefined;
  }
  if (snapshot.matches({ signedOut: 'guest' }) || snapshot.matches({ signedOut: 'fetchingGuestCredentials' })) {
    return credentialsUsable(context.guest.credentials, context.clockOffsetMs, now) ? guestSession(context) : undefined;
  }
  return undefined;
}
