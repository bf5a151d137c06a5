import type { BenchSettings } from '../lib/bench-settings';
import type { Contender } from '../lib/contender';
import { median } from '../lib/median';

export interface CachedCallsResult {
  /** Sequential awaited calls per second (median over runs). */
  callsPerSecond: number;
  /** Median latency of one call, microseconds (median over runs of each run's median). */
  medianLatencyUs: number;
  /** Cognito requests the pool got per call during the timed runs (0 when the contender caches). */
  requestsPerCall: number;
  runs: { calls: number; ms: number; medianLatencyUs: number }[];
}

async function timedRun(fetch: () => Promise<unknown>, runMs: number): Promise<{ calls: number; ms: number; medianLatencyUs: number }> {
  const latencies: number[] = [];
  const start = performance.now();
  let now = start;
  while (now - start < runMs) {
    const before = now;
    await fetch();
    now = performance.now();
    latencies.push((now - before) * 1000);
  }
  return { calls: latencies.length, ms: now - start, medianLatencyUs: median(latencies) };
}

/** Calls that should be served from the contender's cache, one after the other, once credentials are held. */
export async function measureCachedCalls(contender: Contender, settings: BenchSettings): Promise<CachedCallsResult> {
  const engine = await contender.start();
  await engine.ready;
  await engine.fetch();
  const fetch = () => engine.fetch();
  await timedRun(fetch, settings.cachedRunMs); // warm-up
  contender.stack.pool.resetStats();
  const runs = [];
  for (let i = 0; i < settings.cachedRuns; i++) runs.push(await timedRun(fetch, settings.cachedRunMs));
  const calls = runs.reduce((sum, run) => sum + run.calls, 0);
  const requestsPerCall = contender.stack.requests() / calls;
  await engine.dispose();
  return {
    callsPerSecond: median(runs.map((run) => (run.calls / run.ms) * 1000)),
    medianLatencyUs: median(runs.map((run) => run.medianLatencyUs)),
    requestsPerCall,
    runs,
  };
}
