/** What the fleet orchestrator (bench/figures/fleet-redis.ts) and each fleet process (bench/lib/fleet-process.ts) say to each other. */

/** Passed as the process's one argument, JSON. */
export interface FleetProcessConfig {
  readonly index: number;
  readonly redisUrl: string;
  readonly endpoint: string;
  readonly identityPoolId: string;
  readonly namespace: string;
  readonly keyPrefix: string;
  readonly engines: number;
  readonly refreshAheadMs: number;
  readonly callIntervalMs: number;
  /** The process exits by itself after this long whatever happens (a parent that vanished). */
  readonly maxLifetimeMs: number;
}

/** Redis commands a process sent, by what the adapter used them for. */
export interface CommandCounts {
  get: number;
  /** `SET key value`: a session write. */
  set: number;
  /** `SET … NX PX`: a lease attempt. */
  lease: number;
  del: number;
  publish: number;
  /** The lease release script. */
  eval: number;
}

export const commandKinds = ['get', 'set', 'lease', 'del', 'publish', 'eval'] as const satisfies readonly (keyof CommandCounts)[];
export type CommandKind = (typeof commandKinds)[number];

export function noCommands(): CommandCounts {
  return { get: 0, set: 0, lease: 0, del: 0, publish: 0, eval: 0 };
}

/** One process's share of the measured window. */
export interface FleetProcessResult {
  readonly index: number;
  readonly calls: number;
  /** Calls not answered before the microtasks they queued had run: they needed I/O (Redis or Cognito). */
  readonly waited: number;
  /** Slowest of those, ms (0 when none). */
  readonly waitedMaxMs: number;
  /** Calls that rejected or handed out no credentials. */
  readonly failed: number;
  /** Calls that handed out credentials whose (handed-out) expiration had passed. */
  readonly expiredServed: number;
  /** Of those, calls that had waited (answered by the machine, not from memory). */
  readonly expiredServedAfterWait: number;
  /** How long past that expiration, at most, ms. */
  readonly expiredByMaxMs: number;
  /** Calls whose credentials' expiration was shifted off Cognito's whole second by a clock-offset estimate. */
  readonly offsetShiftedServed: number;
  /** Calls whose engine handed out credentials expiring before ones it had handed out earlier: it went back to an older session record. */
  readonly regressedServed: number;
  /** Redis commands sent while calls answered from memory were running (the floor is 0). */
  readonly commandsDuringCachedCalls: number;
  /** Every command the process sent in the window. */
  readonly commands: CommandCounts;
  /** When each command was sent (epoch ms) and what it was, for placing commands in renewal rounds. */
  readonly commandLog: readonly (readonly [number, CommandKind])[];
  /** When one of its engines won the refresh lease (epoch ms). */
  readonly leasesWon: readonly number[];
  /** The process's engines' events in the window, by type. */
  readonly events: Record<string, number>;
  /** Failures the Redis client or adapter reported since the process started (connection, commands, notifications). */
  readonly adapterErrors: number;
  /** CPU time the process used in the window (user + system), ms. */
  readonly cpuMs: number;
  /** Rounds of calls that started over an interval late (then skipped ahead): the process could not keep up. */
  readonly ticksLate: number;
  /** Failures seen since the process started (rejected commands, adapter errors, failure events in the window), by kind and message, a few distinct ones. */
  readonly failureSamples: Record<string, number>;
}

export type FleetParentMessage = { type: 'start'; startAt: number; endAt: number } | { type: 'stop' };
export type FleetChildMessage = { type: 'ready' } | { type: 'result'; result: FleetProcessResult } | { type: 'error'; message: string };
