/** How hard each figure is pushed: the full run publishes numbers, the quick run only proves the scripts work. */
export interface BenchSettings {
  readonly mode: 'full' | 'quick';
  /** Cached calls: timed runs, each this long (real time), after one warm-up run. */
  readonly cachedRuns: number;
  readonly cachedRunMs: number;
  /** Simultaneous callers on a cold start, and how many cold starts. */
  readonly coldCallers: number;
  readonly coldRuns: number;
  /** Simulated day: how long (simulated) and one call every `simIntervalMs`. */
  readonly simDurationMs: number;
  readonly simIntervalMs: number;
  /** Callers fired at once when the contender renews, and the round-trip latency the pool adds then. */
  readonly burstCallers: number;
  readonly burstLatencyMs: number;
  /** Engines created and kept for the memory figure. */
  readonly memoryEngines: number;
  /** Restarts from persisted credentials. */
  readonly startupRuns: number;
  /** Lifetime of the credentials the pool issues, seconds. */
  readonly credentialsTtlSeconds: number;
}

const HOUR = 3_600_000;

export const fullSettings: BenchSettings = {
  mode: 'full',
  cachedRuns: 5,
  cachedRunMs: 1_000,
  coldCallers: 1_000,
  coldRuns: 3,
  simDurationMs: 24 * HOUR,
  simIntervalMs: 1_000,
  burstCallers: 100,
  burstLatencyMs: 50,
  memoryEngines: 10_000,
  startupRuns: 5,
  credentialsTtlSeconds: 3_600,
};

export const quickSettings: BenchSettings = {
  mode: 'quick',
  cachedRuns: 2,
  cachedRunMs: 100,
  coldCallers: 200,
  coldRuns: 1,
  simDurationMs: 2 * HOUR,
  simIntervalMs: 60_000,
  burstCallers: 20,
  burstLatencyMs: 50,
  memoryEngines: 100,
  startupRuns: 2,
  credentialsTtlSeconds: 3_600,
};

export function settingsFor(mode: string): BenchSettings {
  if (mode === 'full') return fullSettings;
  if (mode === 'quick') return quickSettings;
  throw new TypeError(`mode must be "full" or "quick", not "${mode}"`);
}
