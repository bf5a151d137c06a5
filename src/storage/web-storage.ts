import { assertLeaseTtl } from './assert-lease-ttl';
import { createChangeListeners } from './change-listeners';
import type { KeyValueStorage, StorageLease } from './key-value-storage';
import { randomId } from '../model/random-id';
import { guardStorage, toStorageError } from './storage-failure';
import { areaTagOf, defaultLocalStorage, defaultLocks, documentContextId, isChannelMessage, isStorageLike, sleep, toWriteError, type ChannelMessage, type WebLocks, type WebStorageArea } from './web-storage-environment';

export type { WebLocks, WebStorageArea } from './web-storage-environment';

/** Options of {@link createWebStorage}. */
export interface WebStorageOptions {
  /** `BroadcastChannel` name used to tell other instances in the same document. Default `'idpool-storage'`. */
  channelName?: string;
  /** Prefix of the lease keys kept in the storage beside the data keys. Default `'idpool-lease:'`. */
  leaseKeyPrefix?: string;
  /**
   * Web Locks used to make the lease check-and-set atomic across tabs. Default `navigator.locks`
   * when present; `null` forces the best-effort fallback (write, wait, read back).
   */
  locks?: WebLocks | null;
  /** Clock used for lease expiry. Default `Date.now`. */
  now?: () => number;
  /** Receives errors of change listeners and of the background notification plumbing. Default: ignored. */
  onError?: (error: unknown) => void;
}

/** Lease fallback without Web Locks: how long other tabs get to overwrite a lease before we read it back. */
const FALLBACK_SETTLE_MS = 50;
/** How long the lease Web Lock stays held after the write, so the record reaches other tabs first. */
const LOCKED_SETTLE_MS = 25;


interface LeaseRecord {
  owner: string;
  expiresAt: number;
}

/**
 * Storage over `localStorage` (the default), `sessionStorage` or any Web Storage object.
 * Nothing is touched until the factory is called, so importing it during server-side
 * rendering is safe; calling it where there is no `localStorage` throws a `TypeError`.
 *
 * `subscribe` reports changes made by other tabs (window `storage` events for this storage
 * area), by other instances in the same document (a `BroadcastChannel`, named by
 * `channelName`, carrying only the key: values never travel on it), and by this instance
 * itself. `localStorage.clear()` in another tab is not reported (the event names no key).
 *
 * Leases are records `{ owner, expiresAt }` under `leaseKeyPrefix + key` in the same storage.
 * With `navigator.locks` the check-and-set runs under an `ifAvailable` Web Lock (held 25 ms
 * more so the record reaches the other tabs' copies of `localStorage`), which makes it atomic
 * across tabs; without Web Locks the lease is written, left 50 ms for a concurrent tab to
 * overwrite, then read back: best effort, as `localStorage` offers no atomic operation.
 * An expired record is taken over; a holder's late `release()` leaves a successor's lease alone.
 *
 * Every failure rejects with a `StorageError` (`adapter: 'web'`, the `operation`, the browser's
 * exception as `cause`); a write over the quota has `reason: 'quotaExceeded'`. Neither message nor
 * cause ever holds the value. Keys named like `Object.prototype` members (`constructor`,
 * `__proto__`, …) are ordinary keys: anything but a string read back counts as absent.
 *
 * @example
 * ```ts
 * const storage = createWebStorage(); // localStorage
 * const stop = storage.subscribe(({ key, newValue }) => {
 *   if (key === 'idpool.session') console.log('another tab changed the session', newValue !== null);
 * });
 * const lease = await storage.tryAcquireLease('idpool.refresh', 15_000);
 * if (lease) {
 *   try { await refresh(); } finally { await lease.release(); }
 * }
 * stop();
 * ```
 */
export function createWebStorage(target?: WebStorageArea, options: WebStorageOptions = {}): Required<KeyValueStorage> {
  const storage = target ?? defaultLocalStorage();
  if (!isStorageLike(storage)) {
    throw new TypeError('createWebStorage: target must be a Web Storage object (getItem, setItem, removeItem)');
  }
  const channelName = options.channelName ?? 'idpool-storage';
  const leaseKeyPrefix = options.leaseKeyPrefix ?? 'idpool-lease:';
  const locks = options.locks === undefined ? defaultLocks() : options.locks;
  const now = options.now ?? Date.now;
  const onError = options.onError ?? (() => {});
  const area = areaTagOf(storage, target === undefined);
  const context = documentContextId();

  let channel: BroadcastChannel | undefined;
  let closed = false;

  const listeners = createChangeListeners({
    onError,
    onFirst() {
      if (closed) return;
      globalThis.addEventListener?.('storage', onStorageEvent);
      openChannel()?.addEventListener('message', onChannelMessage);
    },
    onLast() {
      globalThis.removeEventListener?.('storage', onStorageEvent);
      // Closed, not only left: an open channel keeps a Deno (or Node) process running.
      channel?.removeEventListener('message', onChannelMessage);
      channel?.close();
      channel = undefined;
    },
  });

  function openChannel(): BroadcastChannel | undefined {
    if (closed || typeof globalThis.BroadcastChannel !== 'function') return undefined;
    if (!channel) {
      channel = new globalThis.BroadcastChannel(channelName);
      // Node's BroadcastChannel (SSR tests, happy-dom) would otherwise keep the process alive.
      (channel as { unref?: () => void }).unref?.();
    }
    return channel;
  }

  /** Without listeners of its own, an instance opens a channel only to post, and closes it at once. */
  function postOnce(message: ChannelMessage): void {
    if (closed || typeof globalThis.BroadcastChannel !== 'function') return;
    const once = new globalThis.BroadcastChannel(channelName);
    try {
      once.postMessage(message);
    } finally {
      once.close();
    }
  }

  function onStorageEvent(event: Event): void {
    // Any script can dispatch a `storage` event: only a well-typed one for this area counts.
    const { storageArea, key, newValue } = event as Partial<StorageEvent>;
    if (storageArea !== storage || typeof key !== 'string' || key.startsWith(leaseKeyPrefix)) return;
    if (typeof newValue !== 'string' && newValue !== null) return;
    listeners.emit({ key, newValue });
  }

  function onChannelMessage(event: Event): void {
    const message = (event as MessageEvent<unknown>).data;
    // Other documents hear about the change through their `storage` event; only same-document
    // instances on the same area need this channel.
    if (!isChannelMessage(message) || message.context !== context || message.area !== area) return;
    let newValue: string | null;
    try {
      newValue = readString(message.key);
    } catch (error) {
      onError(toStorageError(error, { adapter: 'web', operation: 'subscribe', key: message.key }));
      return;
    }
    listeners.emit({ key: message.key, newValue });
  }

  function announce(key: string, newValue: string | null): void {
    listeners.emit({ key, newValue });
    const message: ChannelMessage = { idpool: 1, context, area, key };
    try {
      if (listeners.size > 0) openChannel()?.postMessage(message);
      else postOnce(message);
    } catch (error) {
      onError(toStorageError(error, { adapter: 'web', operation: 'subscribe', key }));
    }
  }

  /** A Storage stand-in built on a plain object answers `constructor` with a function: that is no value. */
  function readString(key: string): string | null {
    const value: unknown = storage.getItem(key);
    return typeof value === 'string' ? value : null;
  }

  function readLease(leaseKey: string): LeaseRecord | null {
    const raw = readString(leaseKey);
    if (raw === null) return null;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (
        typeof parsed === 'object' &&
        parsed !== null &&
        typeof (parsed as LeaseRecord).owner === 'string' &&
        typeof (parsed as LeaseRecord).expiresAt === 'number'
      ) {
        return parsed as LeaseRecord;
      }
    } catch {
      // A damaged lease record counts as no lease.
    }
    return null;
  }

  function lockName(leaseKey: string): string {
    // Other areas are private to this document, so their locks must not block other tabs.
    const scope = area === 'local' ? 'local' : `${context}:${area}`;
    return `idpool-lease:${scope}:${leaseKey}`;
  }

  function write(key: string, value: string, operation: 'setItem' | 'tryAcquireLease'): void {
    try {
      storage.setItem(key, value);
    } catch (error) {
      throw toWriteError(error, key, value, operation);
    }
  }

  return {
    getItem(key) {
      return guardStorage({ adapter: 'web', operation: 'getItem', key }, () => readString(key));
    },
    async setItem(key, value) {
      write(key, value, 'setItem');
      announce(key, value);
    },
    async removeItem(key) {
      await guardStorage({ adapter: 'web', operation: 'removeItem', key }, () => storage.removeItem(key));
      announce(key, null);
    },
    subscribe(listener) {
      return listeners.add(listener);
    },
    async tryAcquireLease(key, ttlMs): Promise<StorageLease | null> {
      assertLeaseTtl(ttlMs, 'web');
      return guardStorage({ adapter: 'web', operation: 'tryAcquireLease', key }, () => acquireLease(key, ttlMs));
    },
    async close() {
      listeners.clear();
      closed = true;
      channel?.close();
      channel = undefined;
    },
  };

  async function acquireLease(key: string, ttlMs: number): Promise<StorageLease | null> {
    const leaseKey = leaseKeyPrefix + key;
    const owner = randomId();
    const take = (): boolean => {
      const held = readLease(leaseKey);
      if (held && held.owner !== owner && held.expiresAt > now()) return false;
      write(leaseKey, JSON.stringify({ owner, expiresAt: now() + ttlMs } satisfies LeaseRecord), 'tryAcquireLease');
      return true;
    };

    let won: boolean;
    if (locks) {
      won = await locks.request(lockName(leaseKey), { ifAvailable: true }, async (lock) => {
        if (!lock || !take()) return false;
        // Other tabs read their own copy of localStorage, updated a moment after our write:
        // keep them out of the check until the record has reached them.
        if (area === 'local') await sleep(LOCKED_SETTLE_MS);
        return true;
      });
    } else if (!take()) {
      won = false;
    } else if (area === 'local') {
      await sleep(FALLBACK_SETTLE_MS);
      won = readLease(leaseKey)?.owner === owner;
    } else {
      // A document-private area is only written by this thread: the synchronous check-and-set was atomic.
      won = true;
    }
    if (!won) return null;

    return {
      async release() {
        const drop = (): void => {
          if (readLease(leaseKey)?.owner === owner) storage.removeItem(leaseKey);
        };
        await guardStorage({ adapter: 'web', operation: 'releaseLease', key }, async () => {
          if (locks) await locks.request(lockName(leaseKey), { mode: 'exclusive' }, drop);
          else drop();
        });
      },
    };
  }
}
