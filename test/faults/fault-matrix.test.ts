import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthSession } from '../../src/index';
import { startEngineStack, type EngineStack } from '../support/engine-stack';
import { FAULT_MATRIX, FAULT_ROWS, renderFaultMatrix, STATE_COLUMNS, type CellExpectation } from './fault-matrix';
import { runCell, SKEW_SECONDS } from './fault-scenarios';

// One test per cell of FAULT_MATRIX (fault kind × state that calls Cognito); the same data
// renders the table in docs/reliability.md, and the last test checks the two agree.

let stack: EngineStack;
beforeAll(async () => {
  stack = await startEngineStack({ allowUnauthenticated: true, credentialsTtlSeconds: 3_600 });
});
afterAll(async () => {
  await stack.close();
});

const cells = FAULT_ROWS.flatMap(({ fault }) => STATE_COLUMNS.map(({ column }) => ({ fault, column, expected: FAULT_MATRIX[fault][column] })));

function expectSession(expected: CellExpectation['session'], before: AuthSession, after: AuthSession | { error: string }, now: number): void {
  if (expected === 'ended') {
    expect(after).toEqual({});
    return;
  }
  expect(after, 'a plain fetchAuthSession after the fault').toMatchObject({ credentials: expect.any(Object) });
  const session = after as AuthSession;
  expect(session.credentials!.expiration.getTime()).toBeGreaterThan(now);
  if (expected === 'new identity') {
    expect(session.identityId).not.toBe(before.identityId);
    return;
  }
  expect(session.identityId).toBe(before.identityId);
  if (expected === 'kept') expect(session.credentials!.accessKeyId).toBe(before.credentials!.accessKeyId);
  else expect(session.credentials!.accessKeyId).not.toBe(before.credentials!.accessKeyId);
}

describe('fault matrix', () => {
  it.each(cells)('$fault while $column: $expected.result, session $expected.session', async ({ fault, column, expected }) => {
    const outcome = await runCell(stack, fault, column, `${fault}-${column}`);
    expect({ result: outcome.result, GetId: outcome.requests['GetId'] ?? 0, GetCredentialsForIdentity: outcome.requests['GetCredentialsForIdentity'] ?? 0 }).toEqual({
      result: expected.result,
      GetId: expected.requests.GetId ?? 0,
      GetCredentialsForIdentity: expected.requests.GetCredentialsForIdentity,
    });
    expectSession(expected.session, outcome.before, outcome.after, stack.clock.now());
    if (expected.session === 'ended') expect(outcome.events).toContain('sessionExpired');
    if (fault === 'clockSkew' && 'credentials' in outcome.after && outcome.after.credentials) {
      // Cognito's clock and Expiration are two hours ahead: on the device's clock the credentials still live an hour.
      expect(Math.abs(outcome.after.credentials.expiration.getTime() - (stack.clock.now() + 3_600_000))).toBeLessThan(2_000);
      expect(SKEW_SECONDS).toBe(7_200);
    }
  });

  it('docs/reliability.md shows this matrix', async () => {
    const doc = await readFile(new URL('../../docs/reliability.md', import.meta.url), 'utf8');
    expect(doc).toContain(renderFaultMatrix());
  });
});
