import { clearedSessionParams } from './actions/clear';
import { guestIdentityToUse } from './actions/guest';
import { refreshCredentialsInput, refreshTokenInput } from './actions/refresh';
import { initialContext } from './auth.context';
import { authSetup } from './auth.setup';

/** Hands an invoked actor's output to a guard or action as its `params`. */
const output = <T>({ event }: { event: { output: T } }): T => event.output;

// Transitions more than one state takes.
const federate = { target: '#auth.federating', actions: 'startFederation' } as const;
const federateUnlessUserPool = [{ guard: 'hasUserPoolSession', actions: 'rejectFederateWhileUserPool' }, federate] as const;
const fetchSignedOut = [
  { guard: 'hasTokenProvider', target: '#auth.signedOut.loadingTokens', actions: 'addSessionWaiter' },
  { guard: 'guestAccessAllowed', target: '#auth.signedOut.fetchingGuestCredentials', actions: 'addSessionWaiter' },
  { actions: 'resolveSignedOutRequests' },
] as const;
const endExpiredSession = ['rejectExpiredWaiters', 'emitSessionExpired', 'dropExpiredSession', { type: 'removePersistedSession', params: {} }] as const;

/**
 * The federation machine: restoring → signedOut / federating / federated / refreshing /
 * cleared. Pure: Cognito calls, storage and the clock come in through `machine.provide`
 * (the engine binds them); promises of API callers settle from the `request.*` events it
 * emits, and every public `AuthEvent` is emitted from here. Guards, actions and actors are
 * named in ./auth.setup.ts and written in ./actions/, ./auth.guards.ts and ./clock-guards.ts.
 */
export const authMachine = authSetup.createMachine({
  id: 'auth',
  initial: 'restoring',
  context: ({ input }) => initialContext(input),
  on: {
    CLEAR: {
      target: '.cleared',
      actions: ['abortAllWaiters', 'emitCleared', { type: 'removePersistedSession', params: clearedSessionParams }, 'clearSession', 'resolveClear'],
    },
    SYNC: [
      { guard: 'isSharedFederation', target: '.federated', actions: ['abortPendingFederation', 'applySharedSession', 'resolveSessionWaiters'] },
      { guard: 'isSharedClear', target: '.cleared', actions: ['abortAllWaiters', 'emitCleared', 'clearSession'] },
    ],
    // A call no state takes is refused at once, so its caller never waits on nothing.
    '*': { actions: 'rejectUnhandledRequest' },
  },
  states: {
    restoring: {
      // Ignored here, never lost: the engine holds back changes noticed while restoring and
      // reads storage again once the restore is done (src/engine/follow-shared-session.ts).
      on: { SYNC: {} },
      invoke: {
        src: 'restoreSession',
        onDone: [
          {
            guard: { type: 'isRestoredWithCredentials', params: output },
            target: 'federated',
            actions: [{ type: 'applyRestoredSession', params: output }, { type: 'emitSessionMigrated', params: output }, 'emitSessionRestored'],
          },
          {
            guard: { type: 'isRestoredWithLogin', params: output },
            target: 'refreshing',
            actions: [{ type: 'applyRestoredSession', params: output }, { type: 'emitSessionMigrated', params: output }, 'emitSessionRestored'],
          },
          {
            guard: { type: 'isRestoreInvalid', params: output },
            target: 'signedOut',
            actions: [{ type: 'applyRestoredGuest', params: output }, { type: 'emitSessionRestoreFailure', params: output }],
          },
          { target: 'signedOut', actions: [{ type: 'applyRestoredGuest', params: output }, { type: 'emitSessionMigrated', params: output }] },
        ],
        onError: { target: 'signedOut', actions: { type: 'emitSessionRestoreFailure', params: undefined } },
      },
    },

    signedOut: {
      initial: 'idle',
      on: {
        FEDERATE: federate,
        // Storage may still hold a session this context could not use (restored unusable): a
        // clear leaves no federation there either.
        CLEAR: { actions: ['clearGuestCredentials', { type: 'removePersistedSession', params: {} }, 'resolveClear'] },
      },
      states: {
        idle: {
          on: { FETCH: fetchSignedOut },
        },
        loadingTokens: {
          invoke: {
            src: 'loadUserPoolTokens',
            input: { forceRefresh: false },
            onDone: [
              { guard: { type: 'hasUserPoolTokens', params: output }, target: '#auth.federating', actions: { type: 'startUserPoolFederation', params: output } },
              { guard: 'guestAccessAllowed', target: 'fetchingGuestCredentials' },
              { target: 'idle', actions: 'resolveSignedOutRequests' },
            ],
            onError: { target: 'idle', actions: 'rejectSessionWaiters' },
          },
          on: { FETCH: { actions: 'addSessionWaiter' } },
        },
        fetchingGuestCredentials: {
          entry: 'startGuestFetch',
          initial: 'choosingIdentity',
          on: {
            FETCH: [{ guard: 'canServeGuestCredentials', actions: 'resolveGuestRequest' }, { actions: 'addSessionWaiter' }],
          },
          states: {
            choosingIdentity: {
              always: [{ guard: 'hasGuestIdentityId', target: 'gettingCredentials' }, { target: 'gettingId' }],
            },
            gettingId: {
              invoke: {
                src: 'getId',
                input: {},
                onDone: { target: 'gettingCredentials', actions: { type: 'applyGuestIdentityId', params: output } },
                onError: [
                  { guard: 'hasValidGuestCredentials', target: '#auth.signedOut.guest', actions: ['rejectSessionWaiters', 'emitGuestFailure'] },
                  { target: '#auth.signedOut.idle', actions: ['rejectSessionWaiters', 'emitGuestFailure'] },
                ],
              },
            },
            gettingCredentials: {
              invoke: {
                src: 'getCredentials',
                input: ({ context }) => ({ identityId: guestIdentityToUse(context) }),
                onDone: {
                  target: '#auth.signedOut.guest',
                  actions: [{ type: 'applyGuestCredentials', params: output }, 'resolveGuestWaiters', 'persistSession', 'emitGuestCredentials'],
                },
                onError: [
                  { guard: 'isGuestIdentityGone', target: 'gettingId', actions: 'markGuestIdentityReplaced' },
                  // Still-valid guest credentials keep being served; the refresh-ahead timer tries again.
                  { guard: 'hasValidGuestCredentials', target: '#auth.signedOut.guest', actions: ['rejectSessionWaiters', 'emitGuestFailure'] },
                  { target: '#auth.signedOut.idle', actions: ['rejectSessionWaiters', 'emitGuestFailure'] },
                ],
              },
            },
          },
        },
        guest: {
          after: { guestRefreshAhead: 'fetchingGuestCredentials' },
          on: {
            FETCH: [
              { guard: 'canServeGuestCredentials', actions: 'resolveGuestRequest' },
              { target: 'fetchingGuestCredentials', actions: 'addSessionWaiter' },
            ],
          },
        },
      },
    },

    federating: {
      initial: 'choosingIdentity',
      on: {
        FEDERATE: [
          { guard: 'isSameFederation', actions: 'addFederationWaiter' },
          { target: 'federating', reenter: true, actions: ['abortPendingFederation', 'startFederation'] },
        ],
        FETCH: { actions: 'addSessionWaiter' },
      },
      states: {
        choosingIdentity: {
          always: [
            { guard: 'mustCheckUserPoolSession', target: 'checkingUserPoolSession' },
            { guard: 'hasPendingIdentityId', target: 'gettingCredentials' },
            { target: 'gettingId' },
          ],
        },
        checkingUserPoolSession: {
          invoke: {
            src: 'loadUserPoolTokens',
            input: { forceRefresh: false },
            onDone: [
              { guard: { type: 'hasUserPoolTokens', params: output }, target: 'failed', actions: 'rejectFederationUserPoolActive' },
              { guard: 'hasPendingIdentityId', target: 'gettingCredentials' },
              { target: 'gettingId' },
            ],
            onError: { target: 'failed', actions: 'rejectFederation' },
          },
        },
        gettingId: {
          invoke: {
            src: 'getId',
            input: ({ context }) => (context.pending ? { login: context.pending.login } : {}),
            onDone: { target: 'gettingCredentials', actions: { type: 'assignPendingIdentityId', params: output } },
            onError: { target: 'failed', actions: 'rejectFederation' },
          },
        },
        gettingCredentials: {
          invoke: {
            src: 'getCredentials',
            input: ({ context }) => ({ identityId: context.pending?.identityId ?? '', ...(context.pending ? { login: context.pending.login } : {}) }),
            onDone: {
              target: '#auth.federated',
              actions: [{ type: 'applyFederation', params: output }, 'persistSession', 'resolveFederationWaiters', 'emitFederated'],
            },
            onError: [
              { guard: 'shouldGetNewIdentityId', target: 'gettingId', actions: 'dropPendingIdentityId' },
              { target: 'failed', actions: 'rejectFederation' },
            ],
          },
        },
        failed: {
          always: [
            { guard: 'returnsToFederated', target: '#auth.federated' },
            { guard: 'returnsToRefreshing', target: '#auth.refreshing' },
            { guard: 'returnsToCleared', target: '#auth.cleared' },
            { target: '#auth.signedOut' },
          ],
        },
      },
    },

    federated: {
      initial: 'idle',
      after: { refreshAhead: 'refreshing' },
      on: {
        REFRESH: 'refreshing',
        FEDERATE: federateUnlessUserPool,
      },
      states: {
        idle: {
          on: {
            FETCH: [
              { guard: 'hasUserPoolSession', target: 'checkingUserPoolSession', actions: 'addSessionWaiter' },
              { guard: 'canServeCredentials', actions: 'resolveRequest' },
              { target: '#auth.refreshing', actions: 'addSessionWaiter' },
            ],
          },
        },
        // A user-pool session is only as good as the token provider says: ask it before serving.
        checkingUserPoolSession: {
          on: { FETCH: { actions: 'addSessionWaiter' } },
          invoke: {
            src: 'loadUserPoolTokens',
            input: { forceRefresh: false },
            onDone: [
              { guard: { type: 'isSameUserPoolUser', params: output }, target: 'servingUserPoolSession', actions: { type: 'applyUserPoolTokens', params: output } },
              { guard: { type: 'hasUserPoolTokens', params: output }, target: '#auth.federating', actions: { type: 'startUserPoolFederation', params: output } },
              {
                target: '#auth.signedOut',
                actions: ['emitCleared', { type: 'removePersistedSession', params: clearedSessionParams }, 'clearSession', 'resolveSignedOutRequests'],
              },
            ],
            onError: { target: 'idle', actions: 'rejectSessionWaiters' },
          },
        },
        servingUserPoolSession: {
          always: [{ guard: 'hasValidCredentials', target: 'idle', actions: 'resolveSessionWaiters' }, { target: '#auth.refreshing' }],
        },
      },
    },

    refreshing: {
      initial: 'checkingToken',
      entry: 'startRefresh',
      on: {
        FETCH: [{ guard: 'canServeCredentials', actions: 'resolveRequest' }, { actions: 'addSessionWaiter' }],
        FEDERATE: federateUnlessUserPool,
      },
      states: {
        checkingToken: {
          always: [
            { guard: 'isProviderTokenUsable', target: 'choosingIdentity' },
            { guard: 'canRefreshProviderToken', target: 'refreshingToken' },
            { target: 'tokenUnavailable', actions: ['recordTokenUnavailable', 'emitTokenRefreshFailure'] },
          ],
        },
        refreshingToken: {
          invoke: {
            src: 'refreshProviderToken',
            input: ({ context }) => refreshTokenInput(context),
            onDone: { target: 'choosingIdentity', actions: [{ type: 'applyRefreshedToken', params: output }, 'emitTokenRefresh'] },
            onError: { target: 'tokenUnavailable', actions: ['recordRefreshError', 'emitTokenRefreshFailure'] },
          },
        },
        choosingIdentity: {
          always: [{ guard: 'isIdentityStale', target: 'gettingId' }, { target: 'fetchingCredentials' }],
        },
        tokenUnavailable: {
          always: [
            { guard: 'hasValidCredentials', target: '#auth.federated', actions: ['rejectForcedWaiters', 'scheduleExpiry'] },
            { target: '#auth.signedOut', actions: endExpiredSession },
          ],
        },
        fetchingCredentials: {
          invoke: {
            src: 'refreshCredentials',
            input: ({ context }) => refreshCredentialsInput(context),
            onDone: {
              target: '#auth.federated',
              actions: [{ type: 'applyRefreshedCredentials', params: output }, 'persistSession', 'resolveSessionWaiters', 'emitCredentialsRefreshed', 'resetRefresh'],
            },
            onError: [
              { guard: 'shouldRefreshTokenAndRetry', target: 'refreshingToken' },
              { guard: 'isIdentityGone', target: 'gettingId', actions: 'markIdentityReplaced' },
              { guard: 'shouldRetryRefresh', target: 'backingOff', actions: ['countRefreshAttempt', 'emitRefreshRetrying'] },
              { target: 'failed', actions: 'recordRefreshError' },
            ],
          },
        },
        gettingId: {
          invoke: {
            src: 'getId',
            input: ({ context }) => (context.login ? { login: context.login } : {}),
            onDone: { target: 'fetchingCredentials', actions: { type: 'holdReplacementIdentityId', params: output } },
            onError: { target: 'failed', actions: 'recordRefreshError' },
          },
        },
        backingOff: {
          after: { retryBackoff: 'fetchingCredentials' },
        },
        failed: {
          always: [
            { guard: 'hasValidCredentials', target: '#auth.federated', actions: ['emitRefreshRetrying', 'rejectForcedWaiters', 'coolDownAfterFailure'] },
            { target: '#auth.signedOut', actions: ['emitRefreshFailure', ...endExpiredSession] },
          ],
        },
      },
    },

    cleared: {
      on: {
        FEDERATE: federate,
        CLEAR: { actions: 'resolveClear' },
        FETCH: fetchSignedOut,
      },
    },
  },
});

export type AuthMachine = typeof authMachine;
