/**
 * Server time: the one home of clock skew. Cognito judges expirations (of credentials and of
 * provider tokens) on its own clock; idpool learns that clock from the `Date` header of each
 * answer and keeps `clockOffsetMs` = Cognito's clock minus the local clock. Every comparison
 * with an expiration from Cognito goes through `serverNow`; every expiration shown to the app
 * or in an event goes through `toLocalTime`.
 */

/** The largest offset trusted: beyond a day, the device's clock or the endpoint is wrong. */
export const MAX_CLOCK_OFFSET_MS = 24 * 60 * 60_000;

// The Date header has one-second resolution; smaller differences are noise, not skew.
const MIN_SKEW_MS = 2_000;

/** Cognito's time now, read off the local clock. */
export function serverNow(localNow: number, clockOffsetMs: number): number {
  return localNow + clockOffsetMs;
}

/** A time on Cognito's clock (an expiration), on the local clock. */
export function toLocalTime(serverTime: number, clockOffsetMs: number): number {
  return serverTime - clockOffsetMs;
}

/**
 * The offset a `Date` header shows: 0 below the header's resolution. Measured from the
 * header's mid-second, so a whole-second header is not read as skew.
 */
export function offsetFromDateHeader(serverDateMs: number, localNow: number): number {
  const offset = serverDateMs + 500 - localNow;
  return Math.abs(offset) >= MIN_SKEW_MS ? offset : 0;
}

/** Whether an offset is one a device may really have (a stored record's, or an answer's). */
export function isPlausibleOffset(clockOffsetMs: number): boolean {
  return Math.abs(clockOffsetMs) <= MAX_CLOCK_OFFSET_MS;
}
