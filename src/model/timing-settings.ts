/** The refresh-ahead and retry settings the timing rules read. */
export interface TimingSettings {
  refreshAheadMs: number;
  retry: RetryPolicy;
}

/**
 * Retries of one refresh. Attempts and the delay cap bound its total time: at most
 * `maxAttempts` requests and `(maxAttempts - 1) × maxDelayMs` of waiting between them.
 */
export interface RetryPolicy {
  /** Tries of one refresh, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Refresh 5 minutes ahead; retry a failed refresh up to 4 times, 250 ms to 8 s apart. */
export const defaultTiming: TimingSettings = {
  refreshAheadMs: 5 * 60_000,
  retry: { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 8_000 },
};
