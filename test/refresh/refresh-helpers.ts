import { expect } from 'vitest';
import type { Auth, AuthSession } from '../../src/index';
import { untilIdle } from '../support/engine-stack';

/**
 * Calls fetchAuthSession and reports whether the caller waited: a call that is answered
 * from the cache settles before the event loop gets to run I/O (one setImmediate turn).
 */
export async function fetchWithoutWaiting(auth: Auth): Promise<{ session: AuthSession; waited: boolean }> {
  let settled = false;
  const call = auth.fetchAuthSession().then((session) => {
    settled = true;
    return session;
  });
  await new Promise<void>((resolve) => setImmediate(resolve));
  const waited = !settled;
  return { session: await call, waited };
}

/** Settles a clock step: lets the engine finish any network call the step started. */
export function settleEngine(auth: Auth): () => Promise<void> {
  return async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await untilIdle(auth);
  };
}

export function expectNoWaits(waits: number[]): void {
  expect(waits, `callers waited at steps ${waits.join(', ')}`).toEqual([]);
}
