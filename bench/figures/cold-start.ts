import type { BenchSettings } from '../lib/bench-settings';
import type { Contender } from '../lib/contender';
import { median } from '../lib/median';

export interface ColdStartResult {
  callers: number;
  /** Cognito requests for all callers together (median over runs); the floor is 2. */
  requests: number;
  requestsPerRun: number[];
  requestsByOp: Record<string, number>;
  /** Wall time until every caller had credentials, ms (median over runs). */
  ms: number;
  /** Callers whose call failed (throttling is not simulated, so any is a bug). */
  failures: number;
}

/** A fresh app instance (just signed in, or a first-visit guest) and `callers` calls for credentials at once. */
export async function measureColdStart(contender: Contender, settings: BenchSettings): Promise<ColdStartResult> {
  const requests: number[] = [];
  const times: number[] = [];
  let requestsByOp: Record<string, number> = {};
  let failures = 0;
  for (let run = 0; run < settings.coldRuns; run++) {
    contender.stack.pool.resetStats();
    const start = performance.now();
    const engine = await contender.start();
    const calls = Array.from({ length: settings.coldCallers }, () => engine.fetch());
    const settled = await Promise.allSettled([engine.ready, ...calls]);
    times.push(performance.now() - start);
    await engine.settle();
    failures += settled.filter((result) => result.status === 'rejected').length;
    requests.push(contender.stack.requests());
    requestsByOp = contender.stack.requestsByOp();
    await engine.dispose();
  }
  return { callers: settings.coldCallers, requests: median(requests), requestsPerRun: requests, requestsByOp, ms: median(times), failures };
}
