// Lifetimes idpool accepts: for what it stores, and for what an app callback hands it.

const DAY_MS = 86_400_000;

/**
 * The longest life stored credentials or a stored login may have, counted from the record's
 * `updatedAt`. Cognito credentials last an hour and IdP tokens rarely a day; a custom
 * credentials provider may hand out longer ones, so this is a bound on absurdity, not policy.
 */
export const MAX_STORED_LIFETIME_MS = 366 * DAY_MS;

/**
 * The longest lifetime idpool accepts for credentials or a provider token from an app
 * callback: a century (lives over {@link MAX_STORED_LIFETIME_MS} are shortened to it). Long-lived credentials (years) work; an expiration such as the year
 * 9999, `Infinity` or 1e300 is a broken callback, not a lifetime.
 */
export const MAX_LIFETIME_MS = 100 * 365.25 * 86_400_000;

/** Why an expiration (epoch ms) from a callback is unusable, or `undefined` when it is fine. */
export function expirationProblem(expiresAt: number, now: number): string | undefined {
  if (!Number.isFinite(expiresAt)) return 'is not a finite time';
  if (expiresAt <= now) return 'is in the past';
  if (expiresAt - now > MAX_LIFETIME_MS) return 'is more than 100 years away';
  return undefined;
}

/**
 * The expiration idpool relies on: the given one, or at most {@link MAX_STORED_LIFETIME_MS} after
 * `now`. A stored record holding a longer life is read back as corrupt, so a session with
 * two-year credentials would be dropped at the next start; asking the callback again after a
 * year is harmless.
 */
export function storableExpiration(expiresAt: number, now: number): number {
  return Math.min(expiresAt, now + MAX_STORED_LIFETIME_MS);
}
