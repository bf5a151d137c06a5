import type { HeldCredentials } from '../src/model/credentials';
import type { Login } from '../src/model/login';
import { serverNow } from '../src/model/server-time';
import type { RetryPolicy, TimingSettings } from '../src/model/timing-settings';
import type { AuthMachineContext } from './auth.context';

// The timing maths of the chart: when credentials and tokens may be used, when to refresh,
// how long to back off. Pure: the clock reading (`now`) is always an argument.

/** Two automatic refreshes are never closer than this. */
export const MIN_REFRESH_GAP_MS = 1_000;
/** Credentials are not handed out in their last moments, so they don't expire in flight. */
export const MAX_EXPIRY_SAFETY_MS = 10_000;
/** A token this close to its expiry is treated as expired. */
export const TOKEN_EXPIRY_SAFETY_MS = 10_000;

function safetyMargin(held: HeldCredentials): number {
  return Math.min(MAX_EXPIRY_SAFETY_MS, Math.max(0, held.expiration - held.issuedAt) / 8);
}

/** Whether credentials may still be handed out, judged on Cognito's clock. */
export function credentialsUsable(held: HeldCredentials | undefined, clockOffsetMs: number, now: number): boolean {
  if (!held) return false;
  return held.expiration - serverNow(now, clockOffsetMs) > safetyMargin(held);
}

/**
 * Whether a provider token can still be sent to Cognito. `serverTime` is Cognito's clock,
 * which is the one that judges the token's `exp`. Tokens with no known expiry are tried.
 */
export function loginUsable(login: Login | undefined, serverTime: number): boolean {
  if (!login) return false;
  if (login.expiresAt === undefined) return true;
  return login.expiresAt - serverTime > TOKEN_EXPIRY_SAFETY_MS;
}

/** Time before `expiresAt` at which to act: the margin, or half the remaining life when that is shorter. */
function leadTime(remainingMs: number, marginMs: number): number {
  return remainingMs < 2 * marginMs ? remainingMs / 2 : marginMs;
}

/**
 * How long `federated` waits before refreshing: `refreshAheadMs` before the credentials'
 * expiration on Cognito's clock (half the remaining life for short-lived credentials),
 * earlier when a refreshable provider token expires first, never sooner than the retry
 * back-off allows, and never less than a second.
 */
export function refreshDelayMs(
  context: Pick<AuthMachineContext, 'credentials' | 'clockOffsetMs' | 'login' | 'refresh'>,
  timing: TimingSettings,
  canRefreshToken: boolean,
  now: number,
): number {
  const held = context.credentials;
  if (!held) return MIN_REFRESH_GAP_MS;
  const remaining = held.expiration - serverNow(now, context.clockOffsetMs);
  let delay = remaining - leadTime(remaining, timing.refreshAheadMs);
  const tokenExpiresAt = context.login?.expiresAt;
  if (canRefreshToken && tokenExpiresAt !== undefined) {
    const tokenRemaining = tokenExpiresAt - serverNow(now, context.clockOffsetMs);
    delay = Math.min(delay, tokenRemaining - leadTime(tokenRemaining, timing.refreshAheadMs));
  }
  if (context.refresh.cooldown === 'untilExpiry') {
    // No way to a new token: wake up when the credentials stop being usable, to end the session.
    delay = remaining - safetyMargin(held);
  } else if (context.refresh.cooldown === 'afterFailure') {
    delay = Math.max(delay, Math.min(timing.retry.maxDelayMs * 2, remaining / 4));
  }
  return Math.max(MIN_REFRESH_GAP_MS, Math.round(delay));
}

/** Refresh-ahead delay for guest credentials (no provider token involved). */
export function guestRefreshDelayMs(held: HeldCredentials | undefined, clockOffsetMs: number, timing: TimingSettings, now: number): number {
  if (!held) return MIN_REFRESH_GAP_MS;
  const remaining = held.expiration - serverNow(now, clockOffsetMs);
  return Math.max(MIN_REFRESH_GAP_MS, Math.round(remaining - leadTime(remaining, timing.refreshAheadMs)));
}

/** Capped exponential back-off with full jitter, for the given attempt (1 = after the first failure). */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(ceiling * random));
}

/** Whether a failed refresh may try again. */
export function mayRetry(attemptsMade: number, policy: RetryPolicy): boolean {
  return attemptsMade < policy.maxAttempts;
}
