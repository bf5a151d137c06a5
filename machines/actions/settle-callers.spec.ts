// Pins how callers are settled: who gets resolved or rejected with what, and that every answered caller leaves the waiter lists.
import { describe, expect, it } from 'vitest';
import type { AuthError } from '../../src/errors/auth-error';
import { AbortError, InvalidStateException, NetworkError, SessionExpiredException } from '../../src/errors/error-classes';
import { Secret } from '../../src/model/secret';
import type { SessionView } from '../../src/model/session';
import { initialContext, type AuthMachineContext, type AuthMachineEvent, type MachineEmitted } from '../auth.context';
import {
  abortAllWaiters,
  abortPendingFederation,
  addFederationWaiter,
  addSessionWaiter,
  expiryError,
  rejectFederateWhileUserPool,
  rejectFederationUserPoolActive,
  rejectFederationWaiters,
  rejectUnhandled,
  rejectWaiters,
  resolveCaller,
  resolveFederationWaiters,
  resolveWaiters,
} from './settle-callers';

const session: SessionView = { clockOffsetMs: 0, identityId: 'us-east-1:00000000-0000-4000-8000-000000000001' };
const earlier: SessionView = { clockOffsetMs: 0, identityId: 'us-east-1:00000000-0000-4000-8000-000000000002' };
const fetch: AuthMachineEvent = { type: 'FETCH', requestId: 'f9', forceRefresh: false };

function waiting(sessionWaiters: string[], federationWaiters: string[] = []): AuthMachineContext {
  return { ...initialContext({ settings: { allowGuestAccess: false, hasTokenProvider: false, refreshHandlerKeys: [] } }), sessionWaiters, federationWaiters };
}

/** Each emitted settlement as [kind, request ids, error class name or identity id]. */
const summary = (emitted: MachineEmitted[]) =>
  emitted.map((event) => {
    if (event.type === 'request.resolved') return ['resolved', event.requestIds, event.session.identityId];
    if (event.type === 'request.rejected') return ['rejected', event.requestIds, event.error.name];
    return [event.type];
  });

describe('resolving', () => {
  it('resolveCaller answers the event’s own request id, or nobody for an event without one', () => {
    expect(summary(resolveCaller(fetch, session).emit)).toEqual([['resolved', ['f9'], session.identityId]]);
    expect(resolveCaller({ type: 'REFRESH' }, session)).toEqual({ emit: [{ type: 'request.resolved', requestIds: [], session }] });
  });

  it('resolveWaiters answers the fetch callers and the event’s caller, and empties the list', () => {
    const settlement = resolveWaiters(waiting(['f1', 'f2'], ['F1']), session, fetch);
    expect(summary(settlement.emit)).toEqual([['resolved', ['f1', 'f2', 'f9'], session.identityId]]);
    expect(settlement.assign).toEqual({ sessionWaiters: [] });
  });

  it('resolveWaiters with nobody waiting emits nothing', () => {
    expect(resolveWaiters(waiting([]), session)).toEqual({ emit: [] });
  });

  it('resolveFederationWaiters answers federation and fetch callers together', () => {
    const settlement = resolveFederationWaiters(waiting(['f1'], ['F1', 'F2']), session);
    expect(summary(settlement.emit)).toEqual([['resolved', ['F1', 'F2', 'f1'], session.identityId]]);
    expect(settlement.assign).toEqual({ federationWaiters: [], sessionWaiters: [] });
  });
});

describe('rejecting', () => {
  const error: AuthError = new NetworkError('down');

  it('rejectWaiters rejects the fetch callers, and does nothing without an error or a caller', () => {
    expect(summary(rejectWaiters(waiting(['f1']), error).emit)).toEqual([['rejected', ['f1'], 'NetworkError']]);
    expect(rejectWaiters(waiting(['f1']), error).assign).toEqual({ sessionWaiters: [] });
    expect(rejectWaiters(waiting(['f1']), undefined)).toEqual({ emit: [] });
    expect(rejectWaiters(waiting([]), error)).toEqual({ emit: [] });
  });

  it('a failed federation: its callers get the error, fetch callers the earlier session while it is valid', () => {
    const context = waiting(['f1'], ['F1']);
    expect(summary(rejectFederationWaiters(context, error, earlier).emit)).toEqual([
      ['rejected', ['F1'], 'NetworkError'],
      ['resolved', ['f1'], earlier.identityId],
    ]);
    expect(summary(rejectFederationWaiters(context, error, undefined).emit)).toEqual([
      ['rejected', ['F1'], 'NetworkError'],
      ['rejected', ['f1'], 'NetworkError'],
    ]);
    expect(rejectFederationWaiters(context, error, earlier).assign).toEqual({ federationWaiters: [], sessionWaiters: [], pending: undefined });
  });

  it('FEDERATE while a user pool is signed in is refused with InvalidStateException', () => {
    const settlement = rejectFederateWhileUserPool({ type: 'FEDERATE', requestId: 'F7', login: { loginsKey: 'issuer.example.test', token: new Secret('token'), source: 'app' } });
    expect(summary(settlement.emit)).toEqual([['rejected', ['F7'], 'InvalidStateException']]);
    expect(summary(rejectFederationUserPoolActive(waiting(['f1'], ['F1'])).emit)).toEqual([['rejected', ['F1', 'f1'], 'InvalidStateException']]);
  });

  it('an unhandled event’s caller hears at once, naming the state; an event without a caller is dropped', () => {
    const [rejected] = rejectUnhandled(fetch, 'restoring').emit;
    expect(rejected?.type === 'request.rejected' && rejected.error).toBeInstanceOf(InvalidStateException);
    expect(rejected?.type === 'request.rejected' && rejected.error.message).toContain('"restoring"');
    expect(rejectUnhandled({ type: 'REFRESH' }, 'restoring')).toEqual({ emit: [] });
  });
});

describe('aborting', () => {
  it('a newer federation aborts the callers of the pending one, not the fetch callers', () => {
    const settlement = abortPendingFederation(waiting(['f1'], ['F1']));
    expect(summary(settlement.emit)).toEqual([['rejected', ['F1'], 'AbortError']]);
    expect(settlement.assign).toEqual({ federationWaiters: [] });
    expect(abortPendingFederation(waiting(['f1']))).toEqual({ emit: [] });
  });

  it('a clear aborts everyone waiting: nobody gets the session from before it', () => {
    const settlement = abortAllWaiters(waiting(['f1'], ['F1']));
    expect(summary(settlement.emit)).toEqual([['rejected', ['F1', 'f1'], 'AbortError']]);
    expect(settlement.assign).toEqual({ federationWaiters: [], sessionWaiters: [] });
    expect(abortAllWaiters(waiting([]))).toEqual({ emit: [] });
  });
});

describe('expiryError', () => {
  it("is the refresh's own error when there is one, SessionExpiredException otherwise", () => {
    const context = waiting([]);
    expect(expiryError(context)).toBeInstanceOf(SessionExpiredException);
    const error = new AbortError('x');
    expect(expiryError({ ...context, refresh: { ...context.refresh, error } })).toBe(error);
  });
});

describe('waiter lists', () => {
  it('add the event’s request id at the end, and nothing for an event without one', () => {
    const context = waiting(['f1'], ['F1']);
    expect(addSessionWaiter(context, fetch)).toEqual(['f1', 'f9']);
    expect(addFederationWaiter(context, { type: 'CLEAR', requestId: 'c1' })).toEqual(['F1', 'c1']);
    expect(addSessionWaiter(context, { type: 'REFRESH' })).toEqual(['f1']);
    expect(context.sessionWaiters).toEqual(['f1']);
  });
});
