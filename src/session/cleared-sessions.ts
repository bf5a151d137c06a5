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
