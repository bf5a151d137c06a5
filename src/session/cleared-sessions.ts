/**
 * The clear guarantee: after a clear (the app's `clearFederationToIdentityPool`, a user-pool
 * sign-out, or another context's clear), nothing from before it is served or written back, in
 * this context or in any other sharing the storage, even an answer that was in flight.
 *
 * How each part holds it:
 * - the machine (`CLEAR` and a shared clear at the chart's root, machines/actions/clear.ts):
 *   it leaves whatever state it is in, which stops every request in flight so a late answer is
 *   never applied; the session fields are emptied and every waiting caller is told;
 * - this file: each clear leaves the cleared session's id under a key of its own;
 * - the session store (session-store.ts): a write of a session whose id was cleared anywhere is
 *   refused (and the context holding it drops it); a context that missed the clear and wrote
 *   the old session back gets it cleared again;
 * - restore (restore-session.ts) and the follower (src/engine/follow-shared-session.ts) read
 *   the cleared ids and never adopt a cleared session; the refresh lease
 *   (src/engine/refresh-with-lease.ts) adopts another context's credentials only for the same
 *   session id.
 * Tests: test/security/clear-undone-by-other-context*.test.ts, test/engine/concurrency-and-clear.test.ts.
 */

/** The version of the cleared-sessions record; anything else is ignored. */
const CLEARED_RECORD_VERSION = 1;
/** Session ids kept, newest last: enough for every sign-out a set of contexts can race. */
export const MAX_CLEARED_SESSIONS = 64;
/** The longest session id recorded; the session record's own bound on `sessionId` is the same. */
export const MAX_SESSION_ID_LENGTH = 256;

/**
 * `idpool.<namespace>.<identityPoolId>.cleared`: the ids of sessions cleared in any context.
 * A key of its own, so a context that missed a clear and writes the old session back over
 * the session key cannot erase the record of the clear.
 */
export function clearedSessionsKey(namespace: string, identityPoolId: string): string {
  return `idpool.${namespace}.${identityPoolId}.cleared`;
}

/**
 * Reads the cleared session ids out of stored text. The text is untrusted: anything that is
 * not exactly `{ version: 1, cleared: string[] }` within bounds reads as no ids (and is
 * replaced by the next clear).
 */
export function decodeClearedSessions(text: unknown): string[] {
  if (typeof text !== 'string' || text.length > MAX_CLEARED_SESSIONS * (MAX_SESSION_ID_LENGTH + 8) + 64) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [];
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [];
  if (!Object.hasOwn(raw, 'version') || !Object.hasOwn(raw, 'cleared')) return [];
  const { version, cleared } = raw as { version: unknown; cleared: unknown };
  if (version !== CLEARED_RECORD_VERSION || !Array.isArray(cleared) || cleared.length > MAX_CLEARED_SESSIONS) return [];
  return cleared.every(isSessionId) ? cleared : [];
}

/**
 * The stored text for `ids` (the newest `MAX_CLEARED_SESSIONS`, duplicates dropped). An id that
 * could not be read back throws `RangeError`: dropping it would let a cleared session return.
 */
export function encodeClearedSessions(ids: Iterable<string>): string {
  const unique = [...new Set(ids)];
  if (!unique.every(isSessionId)) throw new RangeError(`A cleared session id is not a non-empty string of at most ${MAX_SESSION_ID_LENGTH} characters.`);
  return JSON.stringify({ version: CLEARED_RECORD_VERSION, cleared: unique.slice(-MAX_CLEARED_SESSIONS) });
}

/** What a session id must be to be recorded as cleared: every id the session store produces is one. */
export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_SESSION_ID_LENGTH;
}
