import type { BenchSettings } from '../lib/bench-settings';
import type { Contender } from '../lib/contender';
import { median } from '../lib/median';

export interface StartupResult {
  /** Cognito requests from the restart to the first credentials (median over restarts). */
  requests: number;
  requestsByOp: Record<string, number>;
  /** Wall time from creating the app instance to the first credentials, ms (median over restarts). */
  ms: number;
}

/**
 * An app run gets credentials into the contender's store and stops; then the app restarts
 * (a new instance on the same store, credentials still valid) and asks for credentials.
 */
export async function measureStartupFromPersisted(contender: Contender, settings: BenchSettings): Promise<StartupResult> {
  const store = contender.newStore();
  const first = await contender.start({ store });
  await first.ready;
  await first.fetch();
  await first.settle();
  await first.dispose();
  const requests: number[] = [];
  const times: number[] = [];
  let requestsByOp: Record<string, number> = {};
  for (let run = 0; run < settings.startupRuns; run++) {
    contender.stack.pool.resetStats();
    const start = performance.now();
    const engine = await contender.start({ store, restart: true });
    await engine.ready;
    await engine.fetch();
    times.push(performance.now() - start);
    await engine.settle();
    requests.push(contender.stack.requests());
    requestsByOp = contender.stack.requestsByOp();
    await engine.dispose();
  }
  return { requests: median(requests), requestsByOp, ms: median(times) };
}
