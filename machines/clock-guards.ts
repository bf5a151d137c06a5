import { replaces } from '../src/model/credentials';
import { serverNow } from '../src/model/server-time';
import type { RestoreOutcome } from '../src/model/session';
import { defaultTiming, type TimingSettings } from '../src/model/timing-settings';
import type { AuthMachineContext, AuthMachineEvent } from './auth.context';
import { canRefreshToken } from './auth.guards';
import { errorOf } from './session-views';
import { credentialsUsable, guestRefreshDelayMs, loginUsable, mayRetry, refreshDelayMs, retryDelayMs } from './timing';

export interface TimeSource {
  /** Local wall-clock time, epoch ms. */
  now: () => number;
  /** A number in [0, 1) for back-off jitter. */
  random: () => number;
}

/** What a clock guard or delay reads: the machine context and the event being handled. */
export interface ClockRuleArgs {
  context: AuthMachineContext;
  event: AuthMachineEvent;
}

/** A FETCH that may be answered from the cache (not a forced refresh). */
const isCachedFetch = (event: AuthMachineEvent) => event.type === 'FETCH' && !event.forceRefresh;

/**
 * The guards and delays that read the clock, bound to a time source; timing options come from
 * the context's settings (or `fixedTiming`). The machine uses them with the real clock; the
 * engine provides them again bound to its injected clock, so both read the same rules.
 */
export function createClockGuards(time: TimeSource, fixedTiming?: TimingSettings) {
  const timingOf = ({ settings }: AuthMachineContext): TimingSettings =>
    fixedTiming ?? { refreshAheadMs: settings.refreshAheadMs ?? defaultTiming.refreshAheadMs, retry: settings.retry ?? defaultTiming.retry };
  const usable = (context: AuthMachineContext) => credentialsUsable(context.credentials, context.clockOffsetMs, time.now());
  return {
    guards: {
      isRestoredWithCredentials: (_: ClockRuleArgs, outcome: RestoreOutcome) =>
        outcome.kind === 'restored' &&
        outcome.session.identityId !== undefined &&
        credentialsUsable(outcome.session.credentials, outcome.session.clockOffsetMs ?? 0, time.now()),
      isRestoredWithLogin: ({ context }: ClockRuleArgs, outcome: RestoreOutcome) => {
        if (outcome.kind !== 'restored' || outcome.session.identityId === undefined) return false;
        const login = outcome.session.login;
        return loginUsable(login, serverNow(time.now(), outcome.session.clockOffsetMs ?? 0)) || canRefreshToken(context, login);
      },
      hasValidCredentials: ({ context }: ClockRuleArgs) => usable(context),
      canServeCredentials: ({ context, event }: ClockRuleArgs) => isCachedFetch(event) && usable(context),
      returnsToFederated: ({ context }: ClockRuleArgs) => context.returnTo === 'federated' && usable(context),
      // A token that can be refreshed is refreshed once inside the refresh-ahead window, so the
      // credentials it gets are not cut short by its expiry; others are used until they expire.
      isProviderTokenUsable: ({ context }: ClockRuleArgs) => {
        const login = context.login;
        const now = serverNow(time.now(), context.clockOffsetMs);
        if (!loginUsable(login, now)) return false;
        if (!canRefreshToken(context) || login?.expiresAt === undefined) return true;
        return login.expiresAt - now > timingOf(context).refreshAheadMs;
      },
      hasValidGuestCredentials: ({ context }: ClockRuleArgs) => credentialsUsable(context.guest.credentials, context.clockOffsetMs, time.now()),
      canServeGuestCredentials: ({ context, event }: ClockRuleArgs) =>
        isCachedFetch(event) && credentialsUsable(context.guest.credentials, context.clockOffsetMs, time.now()),
      /**
       * Another context holds a whole federation (identity, login, credentials) whose credentials
       * may still be served and are newer than this one's: a stale record (expired, or written
       * back late) is not followed.
       */
      isSharedFederation: ({ context, event }: ClockRuleArgs) =>
        event.type === 'SYNC' &&
        event.session?.identityId !== undefined &&
        event.session.login !== undefined &&
        credentialsUsable(event.session.credentials, event.session.clockOffsetMs ?? 0, time.now()) &&
        // The same session with the credentials held, or older ones, is an echo or a late write-back.
        (event.session.sessionId !== context.sessionId || replaces(event.session.credentials, context.credentials)),
      shouldRetryRefresh: ({ context, event }: ClockRuleArgs) =>
        errorOf(event)?.retryable === true && mayRetry(context.refresh.attempt + 1, timingOf(context).retry),
    },
    delays: {
      refreshAhead: ({ context }: ClockRuleArgs) => refreshDelayMs(context, timingOf(context), canRefreshToken(context), time.now()),
      guestRefreshAhead: ({ context }: ClockRuleArgs) =>
        guestRefreshDelayMs(context.guest.credentials, context.clockOffsetMs, timingOf(context), time.now()),
      retryBackoff: ({ context }: ClockRuleArgs) => retryDelayMs(context.refresh.attempt, timingOf(context).retry, time.random()),
    },
  };
}
