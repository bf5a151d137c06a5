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

/**
 * @internal A class (methods shared by every adapter instance) with its set made on the first
 * listener: the default memory storage of an engine nobody follows costs two fields.
 */
class ChangeListenerSet implements ChangeListeners {
  // Wrapper objects so the same function subscribed twice is two subscriptions.
  #entries: Set<{ listener: StorageChangeListener }> | undefined;
  readonly #hooks: ChangeListenersHooks;

  constructor(hooks: ChangeListenersHooks) {
    this.#hooks = hooks;
  }

  get size(): number {
    return this.#entries?.size ?? 0;
  }

  add(listener: StorageChangeListener): Unsubscribe {
    const entries = (this.#entries ??= new Set());
    const entry = { listener };
    entries.add(entry);
    if (entries.size === 1) this.#hooks.onFirst?.();
    return () => {
      if (!entries.delete(entry)) return;
      if (entries.size === 0) this.#hooks.onLast?.();
    };
  }

  emit(change: StorageChange): void {
    if (!this.#entries) return;
    for (const entry of [...this.#entries]) {
      try {
        entry.listener({ key: change.key, newValue: change.newValue });
      } catch (error) {
        this.#hooks.onError(error);
      }
    }
  }

  clear(): void {
    const had = this.size > 0;
    this.#entries?.clear();
    if (had) this.#hooks.onLast?.();
  }
}

/** @internal */
export function createChangeListeners(hooks: ChangeListenersHooks): ChangeListeners {
  return new ChangeListenerSet(hooks);
}
