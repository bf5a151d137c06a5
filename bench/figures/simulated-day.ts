import type { BenchSettings } from '../lib/bench-settings';
import type { Contender } from '../lib/contender';

export interface SimulatedDayResult {
  simulatedHours: number;
  calls: number;
  /** Cognito requests over the simulated span (after the first credentials), all operations. */
  requests: number;
  requestsByOp: Record<string, number>;
  /** Calls that took more than 1 ms (real time) or during which the pool received a request. */
  waits: number;
  /** Of those, calls during which the pool received a request. */
  callsThatCalledCognito: number;
  /** Calls that handed out credentials whose Expiration had passed (simulated time). */
  expiredHandedOut: number;
  /** Slowest call, ms (real time). */
  maxCallMs: number;
}

/**
 * One call every `simIntervalMs` of simulated time for `simDurationMs`, credentials living
 * `credentialsTtlSeconds`. Between calls simulated time jumps; idpool's timers fire on the way
 * and the bench waits for its background refresh to finish (a second is plenty in real life).
 */
export async function measureSimulatedDay(contender: Contender, settings: BenchSettings): Promise<SimulatedDayResult> {
  const { stack, time } = contender;
  const engine = await contender.start();
  await engine.ready;
  await engine.fetch();
  stack.pool.resetStats();
  const calls = Math.floor(settings.simDurationMs / settings.simIntervalMs);
  let waits = 0;
  let calledCognito = 0;
  let expired = 0;
  let maxCallMs = 0;
  for (let i = 0; i < calls; i++) {
    await time.advance(settings.simIntervalMs);
    await engine.settle();
    const requestsBefore = stack.requests();
    const start = performance.now();
    const { expiration } = await engine.fetch();
    const ms = performance.now() - start;
    const triggered = stack.requests() > requestsBefore;
    if (triggered) calledCognito++;
    if (triggered || ms > 1) waits++;
    if (expiration === undefined || expiration.getTime() <= time.now()) expired++;
    if (ms > maxCallMs) maxCallMs = ms;
  }
  await engine.settle();
  const result = {
    simulatedHours: settings.simDurationMs / 3_600_000,
    calls,
    requests: stack.requests(),
    requestsByOp: stack.requestsByOp(),
    waits,
    callsThatCalledCognito: calledCognito,
    expiredHandedOut: expired,
    maxCallMs,
  };
  await engine.dispose();
  return result;
}
