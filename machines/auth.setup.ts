import { assign, emit, enqueueActions, setup } from 'xstate';
import type { CredentialsOutput, IdentityIdOutput, RefreshedTokenOutput, RemovePersistedSessionParams, UserPoolTokensOutput } from '../src/model/service-calls';
import type { RestoreOutcome } from '../src/model/session';
import * as clear from './actions/clear';
import * as events from './actions/emit-events';
import * as federation from './actions/federation';
import * as guest from './actions/guest';
import * as refresh from './actions/refresh';
import * as stored from './actions/restore-and-sync';
import * as settle from './actions/settle-callers';
import { freshRefresh, type AuthMachineContext, type AuthMachineEvent, type AuthMachineInput, type MachineEmitted } from './auth.context';
import { authActors } from './auth.actors';
import { authGuards } from './auth.guards';
import { createClockGuards } from './clock-guards';
import { errorOf, federatedSession, guestSession, signedOutSession } from './session-views';

// The chart's vocabulary: every guard, action, actor and delay it names. Each action here is
// one line that hands the context (and the event's output, as `params`) to a pure function in
// machines/actions/; the storage actions are the engine's to provide.

/** Clock guards and delays on the real clock; the engine provides them again on its own. */
const realClock = createClockGuards({ now: Date.now, random: Math.random });

interface Enqueue {
  emit(event: MachineEmitted): void;
  assign(values: Partial<AuthMachineContext>): void;
}

/** Plays a settlement: its emits, then its waiter-list update. */
function play(enqueue: Enqueue, settlement: settle.Settlement): void {
  for (const emitted of settlement.emit) enqueue.emit(emitted);
  if (settlement.assign) enqueue.assign(settlement.assign);
}

/** The top-level state a snapshot is in, as the public state names it. */
const topState = (value: unknown) => (typeof value === 'string' ? value : Object.keys(value ?? {})[0] ?? 'unknown');

export const authSetup = setup({
  types: {
    context: {} as AuthMachineContext,
    events: {} as AuthMachineEvent,
    input: {} as AuthMachineInput,
    emitted: {} as MachineEmitted,
  },
  actors: authActors,
  guards: { ...realClock.guards, ...authGuards },
  delays: realClock.delays,
  actions: {
    // ---- storage (provided by the engine, as is removePersistedSession below) ----
    persistSession: () => {},

    // ---- settling callers ----
    addSessionWaiter: assign({ sessionWaiters: ({ context, event }) => settle.addSessionWaiter(context, event) }),
    addFederationWaiter: assign({ federationWaiters: ({ context, event }) => settle.addFederationWaiter(context, event) }),
    resolveRequest: enqueueActions(({ context, event, enqueue }) => play(enqueue, settle.resolveCaller(event, federatedSession(context)))),
    resolveGuestRequest: enqueueActions(({ context, event, enqueue }) => play(enqueue, settle.resolveCaller(event, guestSession(context)))),
    resolveSignedOutRequests: enqueueActions(({ context, event, enqueue }) => play(enqueue, settle.resolveWaiters(context, signedOutSession(context), event))),
    resolveSessionWaiters: enqueueActions(({ context, enqueue }) => play(enqueue, settle.resolveWaiters(context, federatedSession(context)))),
    resolveGuestWaiters: enqueueActions(({ context, enqueue }) => play(enqueue, settle.resolveWaiters(context, guestSession(context)))),
    resolveFederationWaiters: enqueueActions(({ context, enqueue }) => play(enqueue, settle.resolveFederationWaiters(context, federatedSession(context)))),
    resolveClear: enqueueActions(({ context, event, enqueue }) => play(enqueue, settle.resolveCaller(event, { clockOffsetMs: context.clockOffsetMs }))),
    rejectSessionWaiters: enqueueActions(({ context, event, enqueue }) => play(enqueue, settle.rejectWaiters(context, errorOf(event) ?? context.refresh.error))),
    rejectForcedWaiters: enqueueActions(({ context, enqueue }) => play(enqueue, settle.rejectWaiters(context, context.refresh.error))),
    rejectExpiredWaiters: enqueueActions(({ context, enqueue }) => play(enqueue, settle.rejectWaiters(context, settle.expiryError(context)))),
    rejectFederation: enqueueActions(({ context, event, enqueue, check }) => {
      const error = errorOf(event) ?? settle.federationFailedError();
      const earlier = check({ type: 'returnsToFederated' }) ? federatedSession(context) : undefined;
      const settlement = settle.rejectFederationWaiters(context, error, earlier);
      play(enqueue, { ...settlement, emit: [...settlement.emit, events.federationFailure(context, error)] });
    }),
    rejectFederateWhileUserPool: enqueueActions(({ event, enqueue }) => play(enqueue, settle.rejectFederateWhileUserPool(event))),
    rejectFederationUserPoolActive: enqueueActions(({ context, enqueue }) => play(enqueue, settle.rejectFederationUserPoolActive(context))),
    abortPendingFederation: enqueueActions(({ context, enqueue }) => play(enqueue, settle.abortPendingFederation(context))),
    abortAllWaiters: enqueueActions(({ context, enqueue }) => play(enqueue, settle.abortAllWaiters(context))),
    rejectUnhandledRequest: enqueueActions(({ event, enqueue, self }) => play(enqueue, settle.rejectUnhandled(event, topState(self.getSnapshot().value)))),

    // ---- restoring and sharing ----
    applySharedSession: assign(({ context, event }) => (event.type === 'SYNC' && event.session ? stored.applySharedSession(context, event.session) : {})),

    // ---- federating ----
    startFederation: assign(({ context, event }) => (event.type === 'FEDERATE' ? federation.startFederation(context, event) : {})),
    dropPendingIdentityId: assign(({ context }) => federation.dropPendingIdentityId(context)),

    // ---- refreshing ----
    startRefresh: assign(({ event }) => refresh.startRefresh(event)),
    recordTokenUnavailable: assign(({ context, event }) => refresh.recordRefreshError(context, errorOf(event) ?? events.tokenUnavailableError())),
    recordRefreshError: assign(({ context, event }) => refresh.recordRefreshError(context, errorOf(event))),
    countRefreshAttempt: assign(({ context, event }) => refresh.countRefreshAttempt(context, errorOf(event))),
    markIdentityReplaced: assign(({ context }) => refresh.markIdentityReplaced(context)),
    resetRefresh: assign({ refresh: () => freshRefresh() }),
    coolDownAfterFailure: assign(({ context }) => refresh.coolDownAfterFailure(context)),
    scheduleExpiry: assign(({ context }) => refresh.scheduleExpiry(context)),

    // ---- guest ----
    startGuestFetch: assign(({ context }) => guest.startGuestFetch(context)),
    markGuestIdentityReplaced: assign(({ context }) => guest.markGuestIdentityReplaced(context)),

    // ---- clearing and expiry ----
    clearSession: assign(({ context }) => clear.clearSession(context)),
    clearGuestCredentials: assign(({ context }) => clear.clearGuestCredentials(context)),
    dropExpiredSession: assign(() => clear.dropExpiredSession()),

    // ---- public events ----
    emitSessionRestored: emit(({ context }) => events.sessionRestored(context)),
    emitFederated: emit(({ context }) => events.federated(context)),
    emitTokenRefresh: emit(({ context }) => events.tokenRefreshed(context)),
    emitTokenRefreshFailure: emit(({ context, event }) => events.tokenRefreshFailure(context, errorOf(event))),
    emitCredentialsRefreshed: emit(({ context }) => events.credentialsRefreshed(context)),
    emitRefreshRetrying: emit(({ context, event }) => events.refreshFailure(context, errorOf(event), true)),
    emitRefreshFailure: emit(({ context, event }) => events.refreshFailure(context, errorOf(event), false)),
    emitSessionExpired: emit(({ context }) => events.sessionExpired(context, settle.expiryError(context))),
    emitCleared: emit(({ context }) => events.cleared(context)),
    emitGuestCredentials: emit(({ context }) => events.guestCredentials(context)),
    emitGuestFailure: emit(({ context, event }) => events.guestFailure(context, errorOf(event))),
  },
})
  // Actions that take an invoked actor's output as typed `params`: declared apart, because
  // typed params in the same object break XState's inference of the enqueueActions above.
  .extend({
    actions: {
      removePersistedSession: (_, _params: RemovePersistedSessionParams) => {},
      applyRestoredSession: assign((_, outcome: RestoreOutcome) => stored.applyRestoredSession(outcome)),
      applyRestoredGuest: assign((_, outcome: RestoreOutcome) => stored.applyRestoredGuest(outcome)),
      startUserPoolFederation: assign((_, output: UserPoolTokensOutput | null) => (output ? federation.startUserPoolFederation(output) : {})),
      assignPendingIdentityId: assign(({ context }, output: IdentityIdOutput) => federation.assignPendingIdentityId(context, output)),
      applyFederation: assign(({ context }, output: CredentialsOutput) => federation.applyFederation(context, output)),
      applyUserPoolTokens: assign((_, output: UserPoolTokensOutput | null) => (output ? federation.applyUserPoolTokens(output) : {})),
      applyRefreshedToken: assign(({ context }, output: RefreshedTokenOutput) => refresh.applyRefreshedToken(context, output)),
      holdReplacementIdentityId: assign(({ context }, output: IdentityIdOutput) => refresh.holdReplacementIdentityId(context, output.identityId)),
      applyRefreshedCredentials: assign(({ context }, output: CredentialsOutput) => refresh.applyRefreshedCredentials(context, output)),
      applyGuestIdentityId: assign(({ context }, output: IdentityIdOutput) => guest.applyGuestIdentityId(context, output)),
      applyGuestCredentials: assign(({ context }, output: CredentialsOutput) => guest.applyGuestCredentials(context, output)),
      emitSessionRestoreFailure: emit(({ event }, outcome: RestoreOutcome | undefined) =>
        events.sessionRestoreFailure(outcome?.kind === 'invalid' ? outcome.error : errorOf(event)),
      ),
      emitSessionMigrated: enqueueActions(({ enqueue }, outcome: RestoreOutcome) => events.sessionMigrated(outcome).forEach((event) => enqueue.emit(event))),
    },
  });
