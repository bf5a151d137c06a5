import { randomId } from '../model/random-id';
import { toStorageError } from './storage-failure';

// What createWebStorage finds in its environment (the storage area, Web Locks, the document's
// id), the messages it accepts from other instances, and how a failed write is reported.

/** The Web Storage calls the adapter makes: `localStorage`, `sessionStorage`, or any object with them. */
export interface WebStorageArea {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The Web Locks call the adapter makes (`navigator.locks`). */
export interface WebLocks {
  request<T>(name: string, options: { ifAvailable?: boolean; mode?: 'exclusive' | 'shared' }, callback: (lock: unknown) => T | Promise<T>): Promise<T>;
}

const CONTEXT_ID_SYMBOL = Symbol.for('idpool.storage.contextId');
const customAreaIds = new WeakMap<WebStorageArea, string>();

/** What one instance tells the others in its document over the BroadcastChannel. */
export interface ChannelMessage {
  idpool: 1;
  context: string;
  area: string;
  key: string;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function defaultLocalStorage(): WebStorageArea {
  let storage: WebStorageArea | undefined;
  try {
    storage = globalThis.localStorage;
  } catch (error) {
    // Sandboxed iframes and blocked site data throw a SecurityError on access.
    throw new TypeError('createWebStorage: localStorage is not accessible here; pass a Storage object', {
      cause: error,
    });
  }
  if (!storage) {
    throw new TypeError(
      'createWebStorage: no localStorage in this environment (server-side rendering?); pass a Storage object or use createMemoryStorage',
    );
  }
  return storage;
}

export function defaultLocks(): WebLocks | null {
  const navigatorLike = (globalThis as { navigator?: { locks?: WebLocks } }).navigator;
  return navigatorLike?.locks ?? null;
}

export function isStorageLike(value: unknown): value is WebStorageArea {
  const candidate = value as Partial<WebStorageArea> | null | undefined;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.getItem === 'function' &&
    typeof candidate.setItem === 'function' &&
    typeof candidate.removeItem === 'function'
  );
}

export function areaTagOf(storage: WebStorageArea, isDefault: boolean): string {
  if (isDefault || sameAs(storage, () => globalThis.localStorage)) return 'local';
  if (sameAs(storage, () => globalThis.sessionStorage)) return 'session';
  let id = customAreaIds.get(storage);
  if (!id) {
    id = `custom-${randomId()}`;
    customAreaIds.set(storage, id);
  }
  return id;
}

function sameAs(storage: WebStorageArea, read: () => WebStorageArea | undefined): boolean {
  try {
    return read() === storage;
  } catch {
    return false;
  }
}

/** One id per JavaScript realm (document), shared by every copy of idpool loaded into it. */
export function documentContextId(): string {
  const holder = globalThis as { [CONTEXT_ID_SYMBOL]?: string };
  holder[CONTEXT_ID_SYMBOL] ??= randomId();
  return holder[CONTEXT_ID_SYMBOL];
}

export function isChannelMessage(value: unknown): value is ChannelMessage {
  const candidate = value as Partial<ChannelMessage> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.idpool === 1 &&
    typeof candidate.context === 'string' &&
    typeof candidate.area === 'string' &&
    typeof candidate.key === 'string'
  );
}

function isQuotaError(error: unknown): boolean {
  const candidate = error as { name?: unknown; code?: unknown } | null;
  if (typeof candidate !== 'object' || candidate === null) return false;
  try {
    return (
      candidate.name === 'QuotaExceededError' ||
      candidate.name === 'NS_ERROR_DOM_QUOTA_REACHED' ||
      candidate.code === 22 ||
      candidate.code === 1014
    );
  } catch {
    // A getter or Proxy trap that throws: not a quota error the browser made.
    return false;
  }
}

export function toWriteError(error: unknown, key: string, value: string, operation: 'setItem' | 'tryAcquireLease'): unknown {
  if (!isQuotaError(error)) return toStorageError(error, { adapter: 'web', operation, key, value });
  return toStorageError(
    error,
    { adapter: 'web', operation, key, value, reason: 'quotaExceeded' },
    `Web Storage quota exceeded while writing key "${key}"`,
  );
}
