import type { AuthError } from '../../src/errors/auth-error';
import { AbortError, InvalidStateException, SessionExpiredException } from '../../src/errors/error-classes';
import type { SessionView } from '../../src/model/session';
import type { AuthMachineContext, AuthMachineEvent, MachineEmitted } from '../auth.context';

// Settling API callers: the machine answers each request id with `request.resolved` or
// `request.rejected` (the engine settles the promises), and keeps the lists of who waits.

/** What a settling action does: emits, then (optionally) updates the waiter lists. */
export interface Settlement {
  emit: MachineEmitted[];
  assign?: Partial<AuthMachineContext>;
}

const requestIdsOf = (event: AuthMachineEvent): string[] => ('requestId' in event ? [event.requestId] : []);

const resolved = (requestIds: string[], session: SessionView): MachineEmitted => ({ type: 'request.resolved', requestIds, session });
const rejected = (requestIds: string[], error: AuthError): MachineEmitted => ({ type: 'request.rejected', requestIds, error });

/** Answers the caller of this event. */
export function resolveCaller(event: AuthMachineEvent, session: SessionView): Settlement {
  return { emit: [resolved(requestIdsOf(event), session)] };
}

/** Answers the waiting fetch callers (and the caller of this event, if any). */
export function resolveWaiters(context: AuthMachineContext, session: SessionView, event?: AuthMachineEvent): Settlement {
  const requestIds = [...context.sessionWaiters, ...(event ? requestIdsOf(event) : [])];
  if (requestIds.length === 0) return { emit: [] };
  return { emit: [resolved(requestIds, session)], assign: { sessionWaiters: [] } };
}

/** A federation succeeded: its callers and the fetch callers get the new session. */
export function resolveFederationWaiters(context: AuthMachineContext, session: SessionView): Settlement {
  return {
    emit: [resolved([...context.federationWaiters, ...context.sessionWaiters], session)],
    assign: { federationWaiters: [], sessionWaiters: [] },
  };
}

/** The fetch callers get `error` (none when there is no error to give). */
export function rejectWaiters(context: AuthMachineContext, error: AuthError | undefined): Settlement {
  if (context.sessionWaiters.length === 0 || !error) return { emit: [] };
  return { emit: [rejected(context.sessionWaiters, error)], assign: { sessionWaiters: [] } };
}

/**
 * A federation failed: its callers get the error; fetch callers get the earlier session when
 * it is still valid (`earlier`), the error otherwise.
 */
export function rejectFederationWaiters(context: AuthMachineContext, error: AuthError, earlier: SessionView | undefined): Settlement {
  const emit = [rejected(context.federationWaiters, error)];
  if (context.sessionWaiters.length > 0) emit.push(earlier ? resolved(context.sessionWaiters, earlier) : rejected(context.sessionWaiters, error));
  return { emit, assign: { federationWaiters: [], sessionWaiters: [], pending: undefined } };
}

/** A federation failed without saying why (its actor rejected with something that is not an AuthError). */
export const federationFailedError = () => new InvalidStateException('Federation failed.');

const userPoolActive = () =>
  new InvalidStateException('Cannot federate to the identity pool while signed in with a user pool or token provider.', {
    recoverySuggestion: 'Sign out of the user pool first; with a user-pool session, fetchAuthSession federates its id token by itself.',
  });

/** FEDERATE while a user-pool session is held. */
export function rejectFederateWhileUserPool(event: AuthMachineEvent): Settlement {
  return { emit: [rejected(requestIdsOf(event), userPoolActive())] };
}

/** A federation found a user-pool session on its way: it and the fetch callers are refused. */
export function rejectFederationUserPoolActive(context: AuthMachineContext): Settlement {
  return {
    emit: [rejected([...context.federationWaiters, ...context.sessionWaiters], userPoolActive())],
    assign: { federationWaiters: [], sessionWaiters: [], pending: undefined },
  };
}

/** A newer federation replaces the one in flight. */
export function abortPendingFederation(context: AuthMachineContext): Settlement {
  if (context.federationWaiters.length === 0) return { emit: [] };
  const error = new AbortError('This federation was superseded by a newer federateToIdentityPool call.', {
    recoverySuggestion: 'Nothing to do: the newer call decides the session.',
  });
  return { emit: [rejected(context.federationWaiters, error)], assign: { federationWaiters: [] } };
}

/** A clear: everyone waiting is told, nobody gets the session from before it. */
export function abortAllWaiters(context: AuthMachineContext): Settlement {
  const requestIds = [...context.federationWaiters, ...context.sessionWaiters];
  if (requestIds.length === 0) return { emit: [] };
  const error = new AbortError('The federation was cleared while this call was waiting.', {
    recoverySuggestion: 'Federate again to get a new session.',
  });
  return { emit: [rejected(requestIds, error)], assign: { federationWaiters: [], sessionWaiters: [] } };
}

/** The error a session that ran out ends with: the refresh's own, or that it expired. */
export function expiryError(context: AuthMachineContext): AuthError {
  return (
    context.refresh.error ??
    new SessionExpiredException('The credentials expired and could not be refreshed.', {
      recoverySuggestion: 'Sign in with the identity provider again and call federateToIdentityPool with the new token.',
    })
  );
}

/** An event no transition of the current state takes: its caller hears so at once. */
export function rejectUnhandled(event: AuthMachineEvent, stateName: string): Settlement {
  const requestIds = requestIdsOf(event);
  if (requestIds.length === 0) return { emit: [] };
  const error = new InvalidStateException(`The call cannot be handled in the "${stateName}" state.`, {
    recoverySuggestion: 'Wait for the current operation to finish and try again.',
  });
  return { emit: [rejected(requestIds, error)] };
}

export const addSessionWaiter = (context: AuthMachineContext, event: AuthMachineEvent): string[] => [...context.sessionWaiters, ...requestIdsOf(event)];
export const addFederationWaiter = (context: AuthMachineContext, event: AuthMachineEvent): string[] => [...context.federationWaiters, ...requestIdsOf(event)];
