import type { SyncEvent } from '../../machines/auth.types';
import type { KeyValueStorage, Unsubscribe } from '../storage/key-value-storage';
import type { SessionStore } from '../session/session-store';

export interface FollowSettings {
  storage: KeyValueStorage;
  store: SessionStore;
  writer: string;
  send: (event: SyncEvent) => void;
}

/**
 * Turns storage changes made by other contexts (tabs, workers, processes) into `SYNC`
 * events. Echoes (a value the engine already knows), its own records, records older than its
 * last write and records that cannot be trusted are ignored.
 */
export function followSharedSession({ storage, store, writer, send }: FollowSettings): Unsubscribe {
  if (!storage.subscribe) return () => undefined;
  return storage.subscribe((change) => {
    if (change.key !== store.key || change.newValue === store.lastKnownText) return;
    if (change.newValue === null) {
      store.noteSharedChange(null);
      send({ type: 'SYNC', session: null });
      return;
    }
    try {
      const { record, session } = store.decode(change.newValue);
      if (record.writer === writer || !isNewer(record, store.lastWrittenAt, writer)) return;
      store.noteSharedChange(change.newValue, record.updatedAt);
      send({ type: 'SYNC', session });
    } catch {
      // A record this engine cannot read is not followed; restoring will drop it on the next start.
    }
  });
}

/**
 * Whether another context's record is newer than this engine's last write. Records stamped in
 * the same millisecond are ordered by writer id, the same way in every context, so two
 * engines that write at once still end up on the same session.
 */
function isNewer(record: { updatedAt: number; writer: string }, lastWrittenAt: number, writer: string): boolean {
  return record.updatedAt > lastWrittenAt || (record.updatedAt === lastWrittenAt && record.writer > writer);
}
