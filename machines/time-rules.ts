import type { AuthMachineContext, Login, RestoreOutcome } from './auth.types';
import {
  credentialsUsable,
  defaultTiming,
  guestRefreshDelayMs,
  loginUsable,
  mayRetry,
  refreshDelayMs,
  retryDelayMs,
  type TimingSettings,
} from './session-rules';

export interface TimeSource {
  /** Local wall-clock time, epoch ms. */
  now: () => number;
  /** A number in [0, 1) for back-off jitter. */
  random: () => number;
}

/** What a time rule reads: the machine context and the event being handled. */
export interface TimeRuleArgs {
  context: AuthMachineContext;
  event: { type: string };
}

function restoreOutcome(event: { type: string }): RestoreOutcome | undefined {
  return (event as { output?: RestoreOutcome }).output;
}

export function canRefreshToken(context: AuthMachineContext, login: Login | undefined = context.login): boolean {
  if (!login) return false;
  if (login.source === 'userPool') return context.settings.hasTokenProvider;
  return context.settings.refreshHandlerKeys.includes(login.loginsKey);
}

/**
 * The guards and delays that depend on the clock; timing options come from the context's
 * settings (or `fixedTiming`). The machine uses them with the real clock; the engine provides them again bound
 * to an injected clock, so both read the same rules.
 */
export function createTimeRules(time: TimeSource, fixedTiming?: TimingSettings) {
  const timingOf = ({ settings }: AuthMachineContext): TimingSettings =>
    fixedTiming ?? { refreshAheadMs: settings.refreshAheadMs ?? defaultTiming.refreshAheadMs, retry: settings.retry ?? defaultTiming.retry };
  const usable = (context: AuthMachineContext) => credentialsUsable(context.credentials, context.clockOffsetMs, time.now());
  return {
    guards: {
      isRestoredWithCredentials: ({ event }: TimeRuleArgs) => {
        const outcome = restoreOutcome(event);
        return (
          outcome?.kind === 'restored' &&
          outcome.session.identityId !== undefined &&
          credentialsUsable(outcome.session.credentials, outcome.session.clockOffsetMs ?? 0, time.now())
        );
      },
      isRestoredWithLogin: ({ context, event }: TimeRuleArgs) => {
        const outcome = restoreOutcome(event);
        if (outcome?.kind !== 'restored' || outcome.session.identityId === undefined) return false;
        const login = outcome.session.login;
        return loginUsable(login, time.now() + (outcome.session.clockOffsetMs ?? 0)) || canRefreshToken(context, login);
      },
      hasValidCredentials: ({ context }: TimeRuleArgs) => usable(context),
      canServeCredentials: ({ context, event }: TimeRuleArgs) =>
        event.type === 'FETCH' && !(event as { forceRefresh?: boolean }).forceRefresh && usable(context),
      returnsToFederated: ({ context }: TimeRuleArgs) => context.returnTo === 'federated' && usable(context),
      // A token that can be refreshed is refreshed once inside the refresh-ahead window, so the
      // credentials it gets are not cut short by its expiry; others are used until they expire.
      isProviderTokenUsable: ({ context }: TimeRuleArgs) => {
        const login = context.login;
        const serverNow = time.now() + context.clockOffsetMs;
        if (!loginUsable(login, serverNow)) return false;
        if (!canRefreshToken(context) || login?.expiresAt === undefined) return true;
        return login.expiresAt - serverNow > timingOf(context).refreshAheadMs;
      },
      hasValidGuestCredentials: ({ context }: TimeRuleArgs) => credentialsUsable(context.guest.credentials, context.clockOffsetMs, time.now()),
      canServeGuestCredentials: ({ context, event }: TimeRuleArgs) =>
        event.type === 'FETCH' &&
        !(event as { forceRefresh?: boolean }).forceRefresh &&
        credentialsUsable(context.guest.credentials, context.clockOffsetMs, time.now()),
      shouldRetryRefresh: ({ context, event }: TimeRuleArgs) =>
        (event as { error?: { retryable?: boolean } }).error?.retryable === true && mayRetry(context.refresh.attempt + 1, timingOf(context).retry),
    },
    delays: {
      refreshAhead: ({ context }: TimeRuleArgs) => refreshDelayMs(context, timingOf(context), canRefreshToken(context), time.now()),
      guestRefreshAhead: ({ context }: TimeRuleArgs) =>
        guestRefreshDelayMs(context.guest.credentials, context.clockOffsetMs, timingOf(context), time.now()),
      retryBackoff: ({ context }: TimeRuleArgs) => retryDelayMs(context.refresh.attempt, timingOf(context).retry, time.random()),
    },
  };
}
