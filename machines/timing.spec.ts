// Pins the chart's timing maths: when credentials and tokens count as usable, when to refresh, how long to back off.
import { describe, expect, it } from 'vitest';
import type { HeldCredentials } from '../src/model/credentials';
import type { Login } from '../src/model/login';
import { Secret } from '../src/model/secret';
import { defaultTiming, type RetryPolicy, type TimingSettings } from '../src/model/timing-settings';
import { freshRefresh, type RefreshProgress } from './auth.context';
import {
  credentialsUsable,
  guestRefreshDelayMs,
  loginUsable,
  MAX_EXPIRY_SAFETY_MS,
  MIN_REFRESH_GAP_MS,
  mayRetry,
  refreshDelayMs,
  retryDelayMs,
  TOKEN_EXPIRY_SAFETY_MS,
} from './timing';

const NOW = 1_900_000_000_000;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const timing: TimingSettings = { refreshAheadMs: 5 * MINUTE, retry: { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 8_000 } };

/** Credentials issued at `issuedAt` that expire `lifeMs` later, both on Cognito's clock. */
const held = (lifeMs: number, issuedAt = NOW): HeldCredentials => ({
  value: new Secret({ accessKeyId: 'a', secretAccessKey: 's', sessionToken: 't' }),
  issuedAt,
  expiration: issuedAt + lifeMs,
});
const login = (expiresAt?: number): Login => ({ loginsKey: 'issuer.example.test', token: new Secret('token'), source: 'app', ...(expiresAt !== undefined ? { expiresAt } : {}) });
const context = (fields: { credentials?: HeldCredentials; clockOffsetMs?: number; login?: Login; refresh?: Partial<RefreshProgress> }) => ({
  credentials: fields.credentials,
  clockOffsetMs: fields.clockOffsetMs ?? 0,
  login: fields.login,
  refresh: { ...freshRefresh(), ...fields.refresh },
});

describe('credentialsUsable', () => {
  it('is false without credentials', () => {
    expect(credentialsUsable(undefined, 0, NOW)).toBe(false);
  });

  it('stops MAX_EXPIRY_SAFETY_MS before the expiration for an hour-long life', () => {
    const credentials = held(HOUR);
    expect(credentialsUsable(credentials, 0, credentials.expiration - MAX_EXPIRY_SAFETY_MS - 1)).toBe(true);
    expect(credentialsUsable(credentials, 0, credentials.expiration - MAX_EXPIRY_SAFETY_MS)).toBe(false);
  });

  it('keeps an eighth of the life as the margin when the life is short', () => {
    const credentials = held(8_000);
    expect(credentialsUsable(credentials, 0, credentials.expiration - 1_001)).toBe(true);
    expect(credentialsUsable(credentials, 0, credentials.expiration - 1_000)).toBe(false);
  });

  it("judges on Cognito's clock: a local clock 10 minutes behind sees them expire 10 minutes early locally", () => {
    const credentials = held(HOUR);
    const offset = 10 * MINUTE;
    const lastLocal = credentials.expiration - offset - MAX_EXPIRY_SAFETY_MS - 1;
    expect(credentialsUsable(credentials, offset, lastLocal)).toBe(true);
    expect(credentialsUsable(credentials, offset, lastLocal + 1)).toBe(false);
    expect(credentialsUsable(credentials, 0, lastLocal + 1)).toBe(true);
  });
});

describe('loginUsable', () => {
  it('is false without a login, true for a token with no known expiry', () => {
    expect(loginUsable(undefined, NOW)).toBe(false);
    expect(loginUsable(login(), NOW)).toBe(true);
  });

  it('treats a token within TOKEN_EXPIRY_SAFETY_MS of its expiry as expired', () => {
    expect(loginUsable(login(NOW + TOKEN_EXPIRY_SAFETY_MS + 1), NOW)).toBe(true);
    expect(loginUsable(login(NOW + TOKEN_EXPIRY_SAFETY_MS), NOW)).toBe(false);
    expect(loginUsable(login(NOW - 1), NOW)).toBe(false);
  });
});

describe('refreshDelayMs', () => {
  it('refreshes refreshAheadMs before the expiration', () => {
    expect(refreshDelayMs(context({ credentials: held(HOUR) }), timing, false, NOW)).toBe(55 * MINUTE);
  });

  it('corrects for clock skew: the expiration is on Cognito’s clock', () => {
    expect(refreshDelayMs(context({ credentials: held(HOUR), clockOffsetMs: 2 * MINUTE }), timing, false, NOW)).toBe(53 * MINUTE);
    expect(refreshDelayMs(context({ credentials: held(HOUR), clockOffsetMs: -2 * MINUTE }), timing, false, NOW)).toBe(57 * MINUTE);
  });

  it('refreshes short-lived credentials at half their remaining life', () => {
    expect(refreshDelayMs(context({ credentials: held(8 * MINUTE) }), timing, false, NOW)).toBe(4 * MINUTE);
  });

  it('refreshes earlier when a refreshable provider token expires first', () => {
    const fields = { credentials: held(HOUR), login: login(NOW + 20 * MINUTE) };
    expect(refreshDelayMs(context(fields), timing, true, NOW)).toBe(15 * MINUTE);
    expect(refreshDelayMs(context(fields), timing, false, NOW)).toBe(55 * MINUTE);
  });

  it('after a failure, waits at least min(2 × maxDelayMs, a quarter of the remaining life)', () => {
    const afterFailure = { cooldown: 'afterFailure' } as const;
    const expiredToken = login(NOW - MINUTE);
    expect(refreshDelayMs(context({ credentials: held(HOUR), login: expiredToken }), timing, true, NOW)).toBe(MIN_REFRESH_GAP_MS);
    expect(refreshDelayMs(context({ credentials: held(HOUR), login: expiredToken, refresh: afterFailure }), timing, true, NOW)).toBe(16_000);
    const fortySecondsLeft = held(HOUR, NOW - HOUR + 40_000);
    expect(refreshDelayMs(context({ credentials: fortySecondsLeft, login: expiredToken, refresh: afterFailure }), timing, true, NOW)).toBe(10_000);
    expect(refreshDelayMs(context({ credentials: held(HOUR), refresh: afterFailure }), timing, false, NOW)).toBe(55 * MINUTE);
  });

  it('with no way to a new token, wakes when the credentials stop being usable', () => {
    const credentials = held(HOUR);
    const delay = refreshDelayMs(context({ credentials, refresh: { cooldown: 'untilExpiry' } }), timing, true, NOW);
    expect(delay).toBe(HOUR - MAX_EXPIRY_SAFETY_MS);
    expect(credentialsUsable(credentials, 0, NOW + delay - 1)).toBe(true);
    expect(credentialsUsable(credentials, 0, NOW + delay)).toBe(false);
  });

  it('never less than MIN_REFRESH_GAP_MS: no credentials, expired ones, an expired token', () => {
    expect(refreshDelayMs(context({}), timing, false, NOW)).toBe(MIN_REFRESH_GAP_MS);
    expect(refreshDelayMs(context({ credentials: held(HOUR, NOW - 2 * HOUR) }), timing, false, NOW)).toBe(MIN_REFRESH_GAP_MS);
    expect(refreshDelayMs(context({ credentials: held(HOUR), login: login(NOW - MINUTE) }), timing, true, NOW)).toBe(MIN_REFRESH_GAP_MS);
  });

  it('is a whole number of milliseconds', () => {
    expect(Number.isInteger(refreshDelayMs(context({ credentials: held(3_333) }), timing, false, NOW))).toBe(true);
  });
});

describe('guestRefreshDelayMs', () => {
  it('refreshes refreshAheadMs ahead, at half the life when short, never sooner than MIN_REFRESH_GAP_MS', () => {
    expect(guestRefreshDelayMs(held(HOUR), 0, timing, NOW)).toBe(55 * MINUTE);
    expect(guestRefreshDelayMs(held(HOUR), MINUTE, timing, NOW)).toBe(54 * MINUTE);
    expect(guestRefreshDelayMs(held(6 * MINUTE), 0, timing, NOW)).toBe(3 * MINUTE);
    expect(guestRefreshDelayMs(undefined, 0, timing, NOW)).toBe(MIN_REFRESH_GAP_MS);
    expect(guestRefreshDelayMs(held(HOUR, NOW - 2 * HOUR), 0, timing, NOW)).toBe(MIN_REFRESH_GAP_MS);
  });
});

describe('retryDelayMs and mayRetry', () => {
  const policy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 1_000 };

  it('doubles from baseDelayMs up to maxDelayMs, scaled by the jitter', () => {
    expect([1, 2, 3, 4, 10].map((attempt) => retryDelayMs(attempt, policy, 0.999_999))).toEqual([250, 500, 1_000, 1_000, 1_000]);
    expect(retryDelayMs(2, policy, 0.5)).toBe(250);
    expect(retryDelayMs(0, policy, 0.999_999)).toBe(250);
  });

  it('waits at least a millisecond, even with a jitter of 0', () => {
    expect(retryDelayMs(1, policy, 0)).toBe(1);
  });

  it('allows maxAttempts tries in all', () => {
    expect([0, 1, 2, 3, 4, 5].map((made) => mayRetry(made, policy))).toEqual([true, true, true, true, false, false]);
    expect(mayRetry(3, defaultTiming.retry)).toBe(true);
  });
});
