import { fc } from '@fast-check/vitest';

/** What one context (an engine on its own slow view of the shared storage) is asked to do. */
export type ContextCommand =
  | { kind: 'federate'; ctx: number; user: 'alice' | 'bob' }
  | { kind: 'fetch'; ctx: number }
  | { kind: 'clear'; ctx: number }
  /** `stop()` and a new engine on the same view: it restores, over the slow link. */
  | { kind: 'restart'; ctx: number };

/** One step of a run with several contexts sharing one storage. */
export type SharedCommand =
  | ContextCommand
  /** Two contexts act at the same moment (e.g. a clear while another restarts and restores). */
  | { kind: 'together'; first: ContextCommand; second: ContextCommand }
  /** The context's next writes and removals fail. */
  | { kind: 'failWrites'; ctx: number; count: number }
  /** The context's notices are held back (lost for a while) … */
  | { kind: 'holdNotices'; ctx: number }
  /** … and delivered later, possibly newest first. */
  | { kind: 'deliverNotices'; ctx: number; reversed: boolean }
  /** Time passes; refresh timers fire. */
  | { kind: 'advance'; ms: number };

export interface SharedRun {
  contexts: number;
  persist: boolean;
  /** Per context: the event-loop turns each storage call and notice takes, in turn. */
  latency: number[][];
  commands: SharedCommand[];
}

const ctx = fc.integer({ min: 0, max: 2 });

const contextCommand: fc.Arbitrary<ContextCommand> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('federate' as const), ctx, user: fc.constantFrom('alice' as const, 'bob' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fetch' as const), ctx }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('clear' as const), ctx }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('restart' as const), ctx }) },
);

const sharedCommand: fc.Arbitrary<SharedCommand> = fc.oneof(
  { weight: 5, arbitrary: contextCommand },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('together' as const), first: contextCommand, second: contextCommand }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('failWrites' as const), ctx, count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('holdNotices' as const), ctx }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deliverNotices' as const), ctx, reversed: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(60_000, 600_000, 900_000) }) },
);

export const sharedRunArbitrary: fc.Arbitrary<SharedRun> = fc.record({
  contexts: fc.integer({ min: 2, max: 3 }),
  persist: fc.boolean(),
  latency: fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 8 }), { minLength: 3, maxLength: 3 }),
  commands: fc.array(sharedCommand, { minLength: 2, maxLength: 8 }),
});
