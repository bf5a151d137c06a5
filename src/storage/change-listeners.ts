import type { StorageChange, StorageChangeListener, Unsubscribe } from './key-value-storage';

/** @internal The listeners of one adapter; a failing listener never stops the others or the writer. */
export interface ChangeListeners {
  readonly size: number;
  add(listener: StorageChangeListener): Unsubscribe;
  emit(change: StorageChange): void;
  clear(): void;
}

/** @internal Hooks fire when the first listener arrives and when the last one leaves. */
export interface ChangeListenersHooks {
  onError: (error: unknown) => void;
  onFirst?: () => void;
  onLast?: () => void;
}

/** @internal */
export function createChangeListeners(hooks: ChangeListenersHooks): ChangeListeners {
  // Wrapper objects so the same function subscribed twice is two subscriptions.
  const entries = new Set<{ listener: StorageChangeListener }>();
  return {
    get size() {
      return entries.size;
    },
    add(listener) {
      const entry = { listener };
      entries.add(entry);
      if (entries.size === 1) hooks.onFirst?.();
      return () => {
        if (!entries.delete(entry)) return;
        if (entries.size === 0) hooks.onLast?.();
      };
    },
    emit(change) {
      for (const entry of [...entries]) {
        try {
          entry.listener({ key: change.key, newValue: change.newValue });
        } catch (error) {
          hooks.onError(error);
        }
      }
    },
    clear() {
      const had = entries.size > 0;
      entries.clear();
      if (had) hooks.onLast?.();
    },
  };
}
