import type { BenchSettings } from '../lib/bench-settings';
import type { Contender } from '../lib/contender';

export interface ExpiryBurstResult {
  callers: number;
  /** Round-trip latency the pool added to every request during the burst, ms. */
  latencyMs: number;
  /** Callers whose call took at least half that latency: they waited on a Cognito round trip. */
  waitedCallers: number;
  /** Cognito requests from the moment of renewal until all callers were served and background work settled. */
  requests: number;
  /** Slowest caller, ms. */
  maxCallMs: number;
}

/**
 * Holds credentials, moves simulated time to the instant the contender first goes back to
 * Cognito (idpool: its refresh-ahead timer, 5 min before Expiration; SDK: 5 min before
 * Expiration; Amplify built-in: its fixed 50-minute TTL; Amplify custom provider: any instant),
 * then fires `burstCallers` calls at once while every Cognito request takes `burstLatencyMs`.
 */
export async function measureExpiryBurst(contender: Contender, settings: BenchSettings): Promise<ExpiryBurstResult> {
  const { stack, time } = contender;
  const engine = await contender.start();
  await engine.ready;
  const { expiration } = await engine.fetch();
  const renewAt = contender.renewsAfterMs(time.now(), expiration);
  stack.pool.injectFault({ op: '*', kind: 'latency', delayMs: settings.burstLatencyMs, times: Infinity });
  stack.pool.resetStats();
  await time.advance(renewAt + 1);
  const latencies = await Promise.all(
    Array.from({ length: settings.burstCallers }, async () => {
      const start = performance.now();
      await engine.fetch();
      return performance.now() - start;
    }),
  );
  await engine.settle();
  stack.pool.clearFaults();
  const result = {
    callers: settings.burstCallers,
    latencyMs: settings.burstLatencyMs,
    waitedCallers: latencies.filter((ms) => ms >= settings.burstLatencyMs / 2).length,
    requests: stack.requests(),
    maxCallMs: Math.max(...latencies),
  };
  await engine.dispose();
  return result;
}
