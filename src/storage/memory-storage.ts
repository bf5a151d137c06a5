import { assertLeaseTtl } from './assert-lease-ttl';
import { createChangeListeners, type ChangeListeners } from './change-listeners';
import type { KeyValueStorage, StorageChangeListener, StorageLease, Unsubscribe } from './key-value-storage';
import { randomId } from '../model/random-id';

/** Options of {@link createMemoryStorage}. */
export interface MemoryStorageOptions {
  /** Clock used for lease expiry. Default `Date.now`. */
  now?: () => number;
  /** Receives errors thrown by change listeners. Default: ignored. */
  onError?: (error: unknown) => void;
}

/**
 * Storage kept in a `Map` inside this process: idpool's default. Nothing survives a reload.
 *
 * `subscribe` reports every `setItem`/`removeItem` made through this same object, synchronously
 * before the write's promise settles, so several engines given one memory storage follow each
 * other. Leases are held in the object too (apart from data keys) and lapse after `ttlMs`.
 * `close()` drops the listeners and keeps the data. A lease TTL that is not a positive number
 * rejects with a `StorageError` (`adapter: 'memory'`, `operation: 'tryAcquireLease'`).
 *
 * @example
 * ```ts
 * const storage = createMemoryStorage();
 * storage.subscribe(({ key, newValue }) => console.log(key, newValue));
 * await storage.setItem('session', '{"identityId":"us-east-1:…"}'); // logs: session {"identityId":…}
 * const lease = await storage.tryAcquireLease('refresh', 10_000); // StorageLease
 * await storage.tryAcquireLease('refresh', 10_000); // null while the first is held
 * await lease?.release();
 * ```
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): Required<KeyValueStorage> {
  const storage = new MemoryStorage(options.now ?? Date.now, options.onError ?? ignore);
  // Methods of its own, as the other adapters have: apps wrap storages with `{ ...storage, getItem }`.
  return {
    getItem: (key) => storage.getItem(key),
    setItem: (key, value) => storage.setItem(key, value),
    removeItem: (key) => storage.removeItem(key),
    subscribe: (listener) => storage.subscribe(listener),
    tryAcquireLease: (key, ttlMs) => storage.tryAcquireLease(key, ttlMs),
    close: () => storage.close(),
  };
}

function ignore(): void {}

/**
 * @internal The memory storage itself: a class, its maps made on first use. An engine created
 * without a `storage` gets one of its own, never seen outside it, so an engine per server
 * request pays for its fields and not for a closure per method.
 */
export class MemoryStorage implements Required<KeyValueStorage> {
  // Maps, not objects: a key such as `constructor` or `__proto__` is an ordinary key.
  #values: Map<string, string> | undefined;
  #leases: Map<string, { owner: string; expiresAt: number }> | undefined;
  readonly #now: () => number;
  readonly #listeners: ChangeListeners;

  constructor(now: () => number = Date.now, onError: (error: unknown) => void = ignore) {
    this.#now = now;
    this.#listeners = createChangeListeners({ onError });
  }

  async getItem(key: string): Promise<string | null> {
    return this.#values?.get(key) ?? null;
  }

  async setItem(key: string, value: string): Promise<void> {
    (this.#values ??= new Map()).set(key, value);
    this.#listeners.emit({ key, newValue: value });
  }

  async removeItem(key: string): Promise<void> {
    this.#values?.delete(key);
    this.#listeners.emit({ key, newValue: null });
  }

  subscribe(listener: StorageChangeListener): Unsubscribe {
    return this.#listeners.add(listener);
  }

  async tryAcquireLease(key: string, ttlMs: number): Promise<StorageLease | null> {
    assertLeaseTtl(ttlMs, 'memory');
    const held = this.#leases?.get(key);
    if (held && held.expiresAt > this.#now()) return null;
    const owner = randomId();
    const all = (this.#leases ??= new Map());
    all.set(key, { owner, expiresAt: this.#now() + ttlMs });
    return {
      async release() {
        if (all.get(key)?.owner === owner) all.delete(key);
      },
    };
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
