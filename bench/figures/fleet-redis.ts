import { type FleetChild, spawnFleetProcess, within } from '../lib/fleet-children';
import { startFleetEngines } from '../lib/fleet-engines';
import type { CommandCounts, FleetProcessResult } from '../lib/fleet-protocol';
import { renewalRounds, sumCommands, type RenewalRound } from '../lib/fleet-rounds';
import { renewalPeriodMs, type FleetSettings } from '../lib/fleet-settings';
import { idpoolEntry } from '../lib/idpool-entry';
import { startLocalStack } from '../lib/local-stack';
import { connectCommandStats } from '../lib/redis-command-stats';
import { startBenchRedisServer } from '../lib/redis-server';

export interface FleetRedisResult {
  processes: number;
  enginesPerProcess: number;
  engines: number;
  credentialsTtlSeconds: number;
  refreshAheadMs: number;
  renewalPeriodMs: number;
  windowMs: number;
  callIntervalMs: number;
  cognitoLatencyMs: number;
  idpoolBuild: 'dist' | 'src';
  /** Renewals the window was long enough for, had each come on time. */
  renewalsDue: number;
  /** Renewals that happened in the window (credential lifetimes, less the refresh lead). */
  lifetimes: number;
  /** GetCredentialsForIdentity requests the whole fleet made in the window. */
  cognitoRefreshes: number;
  refreshesPerLifetime: number;
  cognitoRequestsByOp: Record<string, number>;
  calls: number;
  /** Calls that needed I/O (Redis or Cognito) to answer: they waited. */
  callersWaited: number;
  waitedMaxMs: number;
  failedCalls: number;
  expiredServed: number;
  expiredServedAfterWait: number;
  expiredByMaxMs: number;
  /** Calls served credentials whose expiration a clock-offset estimate had shifted. */
  offsetShiftedServed: number;
  /** Calls served older credentials than their engine had served before (it followed an older record). */
  regressedServed: number;
  /** Redis commands sent while calls answered from memory ran, per such call. */
  redisCommandsPerCachedCall: number;
  /** Every command the fleet sent in the window (server's `INFO commandstats`), per renewal. */
  redisCommandsPerLifetime: number;
  /** Server-side calls per command name over the whole window. */
  redisCommandsByName: Record<string, number>;
  /** Client-side, by what the adapter sent them for, over the whole window. */
  clientCommands: CommandCounts;
  /** Connections that receive every change notification. */
  subscribers: number;
  rounds: RenewalRound[];
  events: Record<string, number>;
  adapterErrors: number;
  /** CPU time the fleet's processes used in the window, ms (all processes). */
  cpuMs: number;
  /** Rounds of calls that started over an interval late, all processes: how far the machine kept up. */
  ticksLate: number;
  /** The distinct failures seen, by kind and message, summed over processes. */
  failureSamples: Record<string, number>;
}

const NAMESPACE = 'fleet';
const CHANNEL = 'idpool:changes';
const READY_BOUND_MS = 240_000;
const RESULT_BOUND_MS = 90_000;
const TOKEN_LIFETIME_SECONDS = 3_600;

const sleepUntil = (at: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

/** The arrival time of the first request after `after` entries were seen; rejects once `boundMs` has passed. */
async function nextArrival(arrivals: readonly number[], after: number, boundMs: number): Promise<number> {
  const deadline = Date.now() + boundMs;
  while (arrivals.length <= after) {
    if (Date.now() > deadline) throw new Error(`bench: no renewal of the fleet's credentials within ${Math.round(boundMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return arrivals[after] as number;
}

function subtract(end: Record<string, number>, start: Record<string, number>): Record<string, number> {
  const out = new Map<string, number>();
  for (const [op, n] of Object.entries(end)) out.set(op, n - (Object.hasOwn(start, op) ? (start[op] as number) : 0));
  return Object.fromEntries([...out].filter(([, n]) => n > 0));
}

function sumRecords(records: readonly Record<string, number>[]): Record<string, number> {
  const out = new Map<string, number>();
  for (const record of records) for (const [key, n] of Object.entries(record)) out.set(key, (out.get(key) ?? 0) + n);
  return Object.fromEntries(out);
}

/**
 * A server fleet sharing one session through `createRedisStorage`: `processes` processes of
 * `enginesPerProcess` engines each (one Redis client and storage per process), one namespace,
 * `persistCredentials: true`, on one local redis-server and one local identity pool whose
 * credentials live `credentialsTtlSeconds` of real time. One engine in this process federates
 * and keeps the session fresh while the fleet starts; then the fleet alone serves calls from
 * every engine for `lifetimes` renewals, the window opening half a renewal period after one.
 */
export async function measureFleetOnRedis(settings: FleetSettings): Promise<FleetRedisResult> {
  const period = renewalPeriodMs(settings);
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const redis = await startBenchRedisServer();
    cleanups.push(() => redis.stop());
    const stack = await startLocalStack({ now: Date.now, credentialsTtlSeconds: settings.credentialsTtlSeconds, tokenLifetimeSeconds: TOKEN_LIFETIME_SECONDS });
    cleanups.push(() => stack.close());
    stack.pool.injectFault({ op: 'GetCredentialsForIdentity', kind: 'latency', delayMs: settings.cognitoLatencyMs, times: Infinity });
    const shared = {
      redisUrl: redis.url,
      endpoint: stack.pool.endpoint,
      identityPoolId: stack.pool.identityPoolId,
      namespace: NAMESPACE,
      keyPrefix: 'idpool-bench:',
      refreshAheadMs: settings.refreshAheadMs,
    };

    const seed = await startFleetEngines({ ...shared, engines: 1, label: 'fleet seed' });
    let seedClosed: Promise<void> | undefined;
    const closeSeed = () => (seedClosed ??= seed.close());
    cleanups.push(closeSeed);
    await (seed.auths[0] as (typeof seed.auths)[number]).federateToIdentityPool({ token: stack.token, provider: stack.loginsKey });

    const windowMs = settings.lifetimes * period;
    const children: FleetChild[] = [];
    cleanups.push(() => Promise.all(children.map((child) => child.stop())));
    for (let index = 0; index < settings.processes; index++) {
      children.push(
        spawnFleetProcess({
          ...shared,
          index,
          engines: settings.enginesPerProcess,
          callIntervalMs: settings.callIntervalMs,
          maxLifetimeMs: READY_BOUND_MS + windowMs + RESULT_BOUND_MS + 60_000,
        }),
      );
    }
    await within(Promise.all(children.map((child) => child.ready)), READY_BOUND_MS, 'the fleet processes to hold credentials');
    await closeSeed();

    const stats = await connectCommandStats(redis.url);
    cleanups.push(() => stats.close());
    const subscribers = await stats.subscribers(CHANNEL);

    // When each GetCredentialsForIdentity arrived, from the pool's counter.
    const arrivals: number[] = [];
    const credentialRequests = () => stack.pool.stats().requests['GetCredentialsForIdentity'] ?? 0;
    let counted = credentialRequests();
    const poll = setInterval(() => {
      const now = Date.now();
      for (const total = credentialRequests(); counted < total; counted++) arrivals.push(now);
    }, 5);
    cleanups.push(async () => clearInterval(poll));

    const renewal = await nextArrival(arrivals, arrivals.length, 2 * period + 30_000);
    const startAt = renewal + period / 2;
    const endAt = startAt + windowMs;
    for (const child of children) child.start(startAt, endAt);
    await sleepUntil(startAt);
    await stats.reset();
    const requestsAtStart = stack.requestsByOp();
    await sleepUntil(endAt);
    const server = await stats.read();
    const requestsAtEnd = stack.requestsByOp();
    const results = await within(Promise.all(children.map((child) => child.result)), RESULT_BOUND_MS, 'the fleet processes to report');

    const inWindow = arrivals.filter((at) => at >= startAt && at <= endAt);
    const leasesWon = results.flatMap((r) => r.leasesWon);
    const rounds = renewalRounds(inWindow, results.map((r) => r.commandLog), leasesWon, startAt, period / 2);
    if (rounds.length === 0) throw new Error('bench: no renewal happened in the fleet window');
    const sum = (pick: (r: FleetProcessResult) => number) => results.reduce((total, r) => total + pick(r), 0);
    const calls = sum((r) => r.calls);
    const callersWaited = sum((r) => r.waited);
    const cognitoRequestsByOp = subtract(requestsAtEnd, requestsAtStart);
    const cognitoRefreshes = cognitoRequestsByOp['GetCredentialsForIdentity'] ?? 0;
    const serverTotal = Object.values(server).reduce((total, n) => total + n, 0);
    return {
      processes: settings.processes,
      enginesPerProcess: settings.enginesPerProcess,
      engines: settings.processes * settings.enginesPerProcess,
      credentialsTtlSeconds: settings.credentialsTtlSeconds,
      refreshAheadMs: settings.refreshAheadMs,
      renewalPeriodMs: period,
      windowMs,
      callIntervalMs: settings.callIntervalMs,
      cognitoLatencyMs: settings.cognitoLatencyMs,
      idpoolBuild: idpoolEntry().build,
      renewalsDue: settings.lifetimes,
      lifetimes: rounds.length,
      cognitoRefreshes,
      refreshesPerLifetime: cognitoRefreshes / rounds.length,
      cognitoRequestsByOp,
      calls,
      callersWaited,
      waitedMaxMs: Math.max(0, ...results.map((r) => r.waitedMaxMs)),
      failedCalls: sum((r) => r.failed),
      expiredServed: sum((r) => r.expiredServed),
      expiredServedAfterWait: sum((r) => r.expiredServedAfterWait),
      expiredByMaxMs: Math.max(0, ...results.map((r) => r.expiredByMaxMs)),
      offsetShiftedServed: sum((r) => r.offsetShiftedServed),
      regressedServed: sum((r) => r.regressedServed),
      redisCommandsPerCachedCall: sum((r) => r.commandsDuringCachedCalls) / Math.max(1, calls - callersWaited),
      redisCommandsPerLifetime: serverTotal / rounds.length,
      redisCommandsByName: server,
      clientCommands: sumCommands(results.map((r) => r.commands)),
      subscribers,
      rounds,
      events: sumRecords(results.map((r) => r.events)),
      adapterErrors: sum((r) => r.adapterErrors),
      cpuMs: sum((r) => r.cpuMs),
      ticksLate: sum((r) => r.ticksLate),
      failureSamples: sumRecords(results.map((r) => r.failureSamples)),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error('bench: fleet clean-up failed:', error));
  }
}
