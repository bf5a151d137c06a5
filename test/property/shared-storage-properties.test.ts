import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { sharedRunArbitrary, type SharedRun } from './shared-commands';
import { SharedRunner } from './shared-run';

// Issue 11, "What must show": two or three engines share one storage, each over a slow view of
// it (random latency in event-loop turns, notices late, reordered or held back for a while),
// with failing writes, random clears, federations and restarts. Invariants (see shared-run.ts):
// a clear that resolved is never undone in any context or in storage, and after a failed write
// storage never holds an older session. IDPOOL_PROPERTY_RUNS=2000 for a long local run.
const RUNS = Number(process.env['IDPOOL_PROPERTY_RUNS'] ?? 100);

let stack: EngineStack;
let runs = 0;
beforeAll(async () => {
  stack = await startEngineStack({ credentialsTtlSeconds: 900 });
});
afterAll(async () => {
  await stack.close();
});

async function check(run: SharedRun): Promise<void> {
  runs += 1;
  await new SharedRunner(stack, run, `s${runs}`).execute();
}

/** Counterexamples found on the way, kept. */
const regressions: Array<{ name: string; run: SharedRun }> = [
  {
    name: 'a clear while another context restarts and restores over a slow link',
    run: {
      contexts: 2,
      persist: false,
      latency: [[0], [5, 0, 5], [0]],
      commands: [
        { kind: 'federate', ctx: 0, user: 'alice' },
        { kind: 'together', first: { kind: 'restart', ctx: 1 }, second: { kind: 'clear', ctx: 0 } },
        { kind: 'fetch', ctx: 1 },
      ],
    },
  },
  {
    name: 'two contexts sign in at once as different users while one fails to write',
    run: {
      contexts: 3,
      persist: true,
      latency: [[0], [4], [1]],
      commands: [
        { kind: 'together', first: { kind: 'federate', ctx: 2, user: 'bob' }, second: { kind: 'clear', ctx: 1 } },
        { kind: 'together', first: { kind: 'clear', ctx: 2 }, second: { kind: 'restart', ctx: 2 } },
        { kind: 'deliverNotices', ctx: 1, reversed: false },
        { kind: 'together', first: { kind: 'clear', ctx: 0 }, second: { kind: 'federate', ctx: 2, user: 'alice' } },
        { kind: 'failWrites', ctx: 1, count: 1 },
        { kind: 'together', first: { kind: 'federate', ctx: 1, user: 'bob' }, second: { kind: 'federate', ctx: 0, user: 'alice' } },
      ],
    },
  },
  {
    name: 'a refresh without persisted credentials waited on a lease whose result could never reach it',
    run: {
      contexts: 3,
      persist: false,
      latency: [[2, 1, 4, 3, 3], [3, 4, 6, 4, 0, 6, 4], [3, 4, 4, 0, 5, 0]],
      commands: [
        { kind: 'together', first: { kind: 'federate', ctx: 0, user: 'bob' }, second: { kind: 'fetch', ctx: 0 } },
        { kind: 'holdNotices', ctx: 2 },
        { kind: 'holdNotices', ctx: 0 },
        { kind: 'together', first: { kind: 'restart', ctx: 0 }, second: { kind: 'restart', ctx: 1 } },
        { kind: 'holdNotices', ctx: 1 },
        { kind: 'fetch', ctx: 1 },
      ],
    },
  },
];

describe('contexts sharing a storage', () => {
  it.each(regressions)('regression: $name', async ({ run }) => {
    await check(run);
  }, 60_000);

  it('never undo a clear, and never bring back an older session after a failed write', async () => {
    // A failing run is slow to replay (its bounds are real time): report it as found, unshrunk,
    // unless IDPOOL_PROPERTY_SHRINK=1.
    await fc.assert(fc.asyncProperty(sharedRunArbitrary, (run) => check(run)), {
      numRuns: RUNS,
      endOnFailure: process.env['IDPOOL_PROPERTY_SHRINK'] !== '1',
    });
  }, 600_000);
});
