import { assertLeaseTtl } from './assert-lease-ttl';
import { createChangeListeners } from './change-listeners';
import type { KeyValueStorage, StorageLease } from './key-value-storage';
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
  const now = options.now ?? Date.now;
  // Maps, not objects: a key such as `constructor` or `__proto__` is an ordinary key.
  const values = new Map<string, string>();
  // Made with the first lease: an engine's default storage, never shared, never takes one.
  let leases: Map<string, { owner: string; expiresAt: number }> | undefined;
  const listeners = createChangeListeners({ onError: options.onError ?? (() => {}) });

  return {
    async getItem(key) {
      return values.get(key) ?? null;
    },
    async setItem(key, value) {
      values.set(key, value);
      listeners.emit({ key, newValue: value });
    },
    async removeItem(key) {
      values.delete(key);
      listeners.emit({ key, newValue: null });
    },
    subscribe(listener) {
      return listeners.add(listener);
    },
    async tryAcquireLease(key, ttlMs): Promise<StorageLease | null> {
      assertLeaseTtl(ttlMs, 'memory');
      const held = leases?.get(key);
      if (held && held.expiresAt > now()) return null;
      const owner = randomId();
      const all = (leases ??= new Map());
      all.set(key, { owner, expiresAt: now() + ttlMs });
      return {
        async release() {
          if (all.get(key)?.owner === owner) all.delete(key);
        },
      };
    },
    async close() {
      listeners.clear();
    },
  };
}
