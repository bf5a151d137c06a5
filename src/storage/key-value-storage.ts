/**
 * A change made to a storage key by another context (tab, worker, process, server).
 * `newValue` is `null` when the key was removed.
 */
export interface StorageChange {
  key: string;
  newValue: string | null;
}

export type StorageChangeListener = (change: StorageChange) => void;

export type Unsubscribe = () => void;

/** A held refresh lease; only its holder refreshes, the others follow the stored result. */
export interface StorageLease {
  release(): Promise<void>;
}

/**
 * Where idpool keeps its session. Every method is async so the same interface fits
 * `localStorage`, a file, a cookie header and Redis.
 *
 * `subscribe` reports changes made elsewhere (other tabs, workers, processes). It may
 * also report a context's own writes; idpool ignores records it wrote itself.
 *
 * `tryAcquireLease` takes a short, self-expiring lease named `key` so that one of many
 * contexts sharing the storage refreshes at a time; it resolves `null` when another
 * holder has it (leases are not re-entrant: a second call by the holder also gets `null`).
 * The lease lapses `ttlMs` after it was taken; `release()` ends it early and never ends
 * a lease someone else took over after expiry. Lease names live apart from data keys
 * as far as each adapter allows (see the adapter's docs for its layout).
 *
 * Writes reject their promise on failure (quota, I/O, size limits); nothing is retried
 * silently.
 *
 * @example
 * ```ts
 * const storage: KeyValueStorage = {
 *   getItem: async (key) => map.get(key) ?? null,
 *   setItem: async (key, value) => void map.set(key, value),
 *   removeItem: async (key) => void map.delete(key),
 * };
 * ```
 */
export interface KeyValueStorage {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
  subscribe?(listener: StorageChangeListener): Unsubscribe;
  tryAcquireLease?(key: string, ttlMs: number): Promise<StorageLease | null>;
  /** Releases watchers, channels and connections the adapter opened itself. */
  close?(): Promise<void>;
}
