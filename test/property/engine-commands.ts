import { fc } from '@fast-check/vitest';
import type { FaultKind } from '../../src/local/index';

export type User = 'alice' | 'bob' | 'fb';

/** One thing an app, the network or the clock does to a running engine. */
export type Command =
  | { kind: 'federate'; user: User; token: 'valid' | 'expired' | 'garbage' }
  | { kind: 'fetch'; force: boolean }
  /** Calls started at the same moment, awaited together. */
  | { kind: 'burst'; calls: Array<'fetch' | 'force' | 'federate'> }
  | { kind: 'clear' }
  /** `stop()`, then a new engine on the same storage (an app restart). */
  | { kind: 'restart' }
  | { kind: 'fault'; op: 'GetId' | 'GetCredentialsForIdentity' | '*'; fault: FaultKind; times: number; long?: boolean }
  /** The identity the engine holds is deleted on the server. */
  | { kind: 'forget' }
  /** Time passes and timers fire (refresh ahead, back-off). */
  | { kind: 'advance'; ms: number }
  /** The device clock jumps; no timer fires (a device that slept). */
  | { kind: 'jump'; ms: number };

/** Per-run engine configuration. */
export interface RunSettings {
  guest: boolean;
  persist: boolean;
  /** A refresh handler for the OIDC issuer. */
  handler: boolean;
}

const durations = fc.constantFrom(5_000, 60_000, 300_000, 600_000, 900_000);

export const commandArbitrary: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('federate' as const), user: fc.constantFrom<User>('alice', 'bob', 'fb'), token: fc.constantFrom('valid' as const, 'valid' as const, 'expired' as const, 'garbage' as const) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('fetch' as const), force: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('burst' as const), calls: fc.array(fc.constantFrom<'fetch' | 'force' | 'federate'>('fetch', 'force', 'federate'), { minLength: 2, maxLength: 5 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'clear' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        kind: fc.constant('fault' as const),
        op: fc.constantFrom('GetId' as const, 'GetCredentialsForIdentity' as const, '*' as const),
        fault: fc.constantFrom<FaultKind>('throttle', 'internal', 'drop', 'latency', 'clockSkew', 'notAuthorized', 'resourceNotFound'),
        times: fc.integer({ min: 1, max: 3 }),
        long: fc.boolean(),
      },
      { requiredKeys: ['kind', 'op', 'fault', 'times'] },
    ),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'forget' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: durations }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('jump' as const), ms: durations }) },
);

export const settingsArbitrary: fc.Arbitrary<RunSettings> = fc.record({ guest: fc.boolean(), persist: fc.boolean(), handler: fc.boolean() });

/** A run: an engine configuration and up to six commands. */
export const runArbitrary = fc.record({ settings: settingsArbitrary, commands: fc.array(commandArbitrary, { minLength: 1, maxLength: 6 }) });
export type Run = { settings: RunSettings; commands: Command[] };
