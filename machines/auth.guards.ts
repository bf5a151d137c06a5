import type { Login } from '../src/model/login';
import type { RestoreOutcome } from '../src/model/session';
import type { UserPoolTokensOutput } from '../src/model/service-calls';
import type { AuthMachineContext, AuthMachineEvent } from './auth.context';
import { errorOf } from './session-views';

// The chart's guards that do not read the clock (those are in clock-guards.ts).

interface GuardArgs {
  context: AuthMachineContext;
  event: AuthMachineEvent;
}

/** Whether the provider token of `login` can be renewed: a refresh handler or the token provider. */
export function canRefreshToken(context: AuthMachineContext, login: Login | undefined = context.login): boolean {
  if (!login) return false;
  if (login.source === 'userPool') return context.settings.hasTokenProvider;
  return context.settings.refreshHandlerKeys.includes(login.loginsKey);
}

const errorCode = (event: AuthMachineEvent) => errorOf(event)?.name;

export const authGuards = {
  // Restoring
  isRestoreInvalid: (_: GuardArgs, outcome: RestoreOutcome) => outcome.kind === 'invalid',

  // Settings
  guestAccessAllowed: ({ context }: GuardArgs) => context.settings.allowGuestAccess,
  hasTokenProvider: ({ context }: GuardArgs) => context.settings.hasTokenProvider,
  hasUserPoolSession: ({ context }: GuardArgs) => context.login?.source === 'userPool',

  // Federation
  /** The same token (and identity id) as the federation in flight: the caller joins it. */
  isSameFederation: ({ context, event }: GuardArgs) => {
    if (event.type !== 'FEDERATE' || !context.pending) return false;
    const pending = context.pending;
    return (
      pending.login.loginsKey === event.login.loginsKey &&
      pending.login.token.reveal() === event.login.token.reveal() &&
      (!pending.identityIdFromApp || pending.identityId === event.developerProvidedIdentityId)
    );
  },
  mustCheckUserPoolSession: ({ context }: GuardArgs) => context.settings.hasTokenProvider && context.pending?.login.source === 'app',
  hasUserPoolTokens: (_: GuardArgs, output: UserPoolTokensOutput | null) => output != null,
  hasPendingIdentityId: ({ context }: GuardArgs) => context.pending?.identityId !== undefined,
  /** An identity id that was reused or forgotten by Cognito is replaced once by GetId; one from the app never is. */
  shouldGetNewIdentityId: ({ context, event }: GuardArgs) => {
    const pending = context.pending;
    if (!pending || pending.identityIdFromApp || pending.gotFreshIdentityId) return false;
    const code = errorCode(event);
    return (code === 'NotAuthorizedException' && pending.identityIdGuessed) || code === 'ResourceNotFoundException';
  },
  returnsToCleared: ({ context }: GuardArgs) => context.returnTo === 'cleared',

  // Credentials and tokens
  canRefreshProviderToken: ({ context }: GuardArgs) => canRefreshToken(context),
  returnsToRefreshing: ({ context }: GuardArgs) => context.returnTo === 'federated' && context.login !== undefined,
  isSameUserPoolUser: ({ context }: GuardArgs, output: UserPoolTokensOutput | null) =>
    output != null && context.login !== undefined && output.login.loginsKey === context.login.loginsKey && output.login.subject === context.login.subject,

  // Refresh errors
  shouldRefreshTokenAndRetry: ({ context, event }: GuardArgs) =>
    errorCode(event) === 'NotAuthorizedException' && !context.refresh.tokenRefreshed && canRefreshToken(context),
  isIdentityStale: ({ context }: GuardArgs) => context.staleIdentityId !== undefined && context.staleIdentityId === context.identityId,
  isIdentityGone: ({ context, event }: GuardArgs) => errorCode(event) === 'ResourceNotFoundException' && !context.refresh.identityReplaced,

  // Guest
  hasGuestIdentityId: ({ context }: GuardArgs) => context.guest.identityId !== undefined,
  isGuestIdentityGone: ({ context, event }: GuardArgs) => errorCode(event) === 'ResourceNotFoundException' && !context.guest.identityReplaced,

  // Sharing
  /** Another context ended the federation this one holds. */
  isSharedClear: ({ context, event }: GuardArgs) =>
    event.type === 'SYNC' && context.identityId !== undefined && (event.session === null || event.session.identityId === undefined),
};
