import type { RestoreOutcome } from '../model/session';
import { StorageError } from '../errors/error-classes';
import type { KeyValueStorage } from '../storage/key-value-storage';
import { InvalidSessionRecord } from './session-record';
import { sessionKey, type SessionStore } from './session-store';

export interface RestoreSettings {
  storage: KeyValueStorage;
  store: SessionStore;
  identityPoolId: string;
  namespace: string;
  /** The namespace an existing session moves from (Amplify Swift's `migrateKeychainItemsOfUserSession`). */
  migrateFrom?: string;
}

/**
 * Moves a session from the old namespace into the new one, as Amplify Swift does for a
 * changed access group: skipped when the names are equal, the destination already holds a
 * session, or the source is empty; otherwise the source's record is written to the
 * destination and the source removed. Returns whether it moved anything.
 */
async function migrateNamespace(settings: RestoreSettings): Promise<boolean> {
  const from = settings.migrateFrom;
  if (from === undefined || from === settings.namespace) return false;
  const destination = settings.store.key;
  if ((await settings.storage.getItem(destination)) !== null) return false;
  const sourceKey = sessionKey(from, settings.identityPoolId);
  const text = await settings.storage.getItem(sourceKey);
  if (text === null) return false;
  await settings.storage.removeItem(destination);
  await settings.storage.setItem(destination, text);
  await settings.storage.removeItem(sourceKey);
  return true;
}

/**
 * Reads the persisted session at start-up. A record that cannot be trusted (corrupt,
 * truncated, another version, hostile keys) is removed and reported, never used. A session
 * some context cleared (its id is among the cleared ones, read after the record) is never
 * restored: it was written back by a context that missed the clear, and is removed again.
 */
export async function restoreSession(settings: RestoreSettings): Promise<RestoreOutcome> {
  const migrated = await migrateNamespace(settings);
  const migration = migrated && settings.migrateFrom !== undefined ? { migratedFrom: settings.migrateFrom } : {};
  const text = await settings.store.readText();
  if (text === null) return { kind: 'empty', ...migration };
  try {
    const { record, session } = settings.store.decode(text);
    // What the restore read is what this engine knows: a notice of it later is an echo.
    settings.store.noteSharedChange(text, record.updatedAt, session.sessionId);
    if (session.sessionId !== undefined) {
      await settings.store.readCleared();
      if (settings.store.isCleared(session.sessionId)) {
        settings.store.reassertClear(text, session.sessionId);
        return { kind: 'empty', ...(session.guestIdentityId !== undefined ? { guestIdentityId: session.guestIdentityId } : {}), ...migration };
      }
    }
    if (session.identityId === undefined || session.login === undefined) {
      return { kind: 'empty', ...(session.guestIdentityId !== undefined ? { guestIdentityId: session.guestIdentityId } : {}), ...migration };
    }
    return { kind: 'restored', session, ...migration };
  } catch (cause) {
    await settings.store.remove();
    const message = cause instanceof InvalidSessionRecord ? cause.message : 'The stored session could not be read.';
    return {
      kind: 'invalid',
      error: new StorageError(`${message} It was dropped.`, { cause, recoverySuggestion: 'Federate again to store a new session.' }),
    };
  }
}
