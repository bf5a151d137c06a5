import type { SyncEvent } from '../../machines/auth.context';
import { decodeClearedSessions } from '../session/cleared-sessions';
import type { SessionStore } from '../session/session-store';
import type { KeyValueStorage, StorageChange } from '../storage/key-value-storage';

export interface FollowSettings {
  storage: KeyValueStorage;
  store: SessionStore;
  writer: string;
  send: (event: SyncEvent) => void;
  /** Where the engine is now: still restoring, and the session it holds. */
  current: () => { restoring: boolean; sessionId: string | undefined };
}

export interface SharedSessionFollower {
  /** Once restoring is over: catches up on the changes noticed meanwhile, reading storage again. */
  afterRestore(): Promise<void>;
  stop(): void;
}

/**
 * Turns storage changes made by other contexts (tabs, workers, processes) into `SYNC`
 * events. Echoes (a value the engine already knows), its own records, records older than its
 * last write and records that cannot be trusted are ignored.
 *
 * Clears stick: the ids of cleared sessions (their own key) are remembered; an engine holding
 * one drops it, and a record of one written back by a context that missed the clear is never
 * followed but removed again. Changes noticed while the engine restores are not lost: the
 * storage is read again once the restore is done, since the restore may have read before them.
 */
export function followSharedSession({ storage, store, writer, send, current }: FollowSettings): SharedSessionFollower {
  let missed = false;

  const dropIfCleared = (): void => {
    if (store.isCleared(current().sessionId)) send({ type: 'SYNC', session: null });
  };

  const followText = (text: string | null): void => {
    if (text === store.lastKnownText) return;
    if (text === null) {
      store.noteSharedChange(null);
      send({ type: 'SYNC', session: null });
      return;
    }
    try {
      const { record, session } = store.decode(text);
      if (record.writer === writer) return;
      if (session.sessionId !== undefined && store.isCleared(session.sessionId)) {
        store.reassertClear(text, session.sessionId);
        return;
      }
      if (!isNewer(record, store.lastWrittenAt, writer)) return;
      store.noteSharedChange(text, record.updatedAt, session.sessionId);
      send({ type: 'SYNC', session });
    } catch {
      // A record this engine cannot read is not followed; restoring will drop it on the next start.
    }
  };

  const unsubscribe = storage.subscribe
    ? storage.subscribe((notice: unknown) => {
        // Adapters are the app's code: a notice that is not a well-formed change is ignored, not thrown back.
        const change = toStorageChange(notice);
        if (change === undefined) return;
        if (change.key === store.clearedKey) {
          store.noteCleared(decodeClearedSessions(change.newValue));
          if (current().restoring) missed = true;
          else dropIfCleared();
          return;
        }
        if (change.key !== store.key) return;
        if (current().restoring) missed = true;
        else followText(change.newValue);
      })
    : () => undefined;

  return {
    async afterRestore() {
      if (!missed) return;
      missed = false;
      await store.readCleared();
      dropIfCleared();
      let text: string | null;
      try {
        text = await store.readText();
      } catch {
        return; // Reported by the store; the next notice or write catches up.
      }
      followText(text);
    },
    stop: unsubscribe,
  };
}

/**
 * Whether another context's record is newer than this engine's last write. Records stamped in
 * the same millisecond are ordered by writer id, the same way in every context, so two
 * engines that write at once still end up on the same session.
 */
function isNewer(record: { updatedAt: number; writer: string }, lastWrittenAt: number, writer: string): boolean {
  return record.updatedAt > lastWrittenAt || (record.updatedAt === lastWrittenAt && record.writer > writer);
}

/** The notice as a change, or `undefined` when it is not an object with a string key and a string-or-null value. */
function toStorageChange(notice: unknown): StorageChange | undefined {
  if (typeof notice !== 'object' || notice === null) return undefined;
  let key: unknown;
  let newValue: unknown;
  try {
    // Read as properties, not own data: an adapter may forward a browser StorageEvent (getters).
    ({ key, newValue } = notice as Partial<StorageChange>);
  } catch {
    return undefined; // A getter or Proxy that throws.
  }
  if (typeof key !== 'string') return undefined;
  if (typeof newValue !== 'string' && newValue !== null) return undefined;
  return { key, newValue };
}
