// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors/error-classes';
import type { KeyValueStorage, StorageChange } from '../../src/storage/key-value-storage';
import { createWebStorage } from '../../src/storage/web-storage';
import type { WebStorageOptions } from '../../src/storage/web-storage';
import { describeStorageContract, sleep, waitUntil } from './storage-contract';
import { mapWebStorage } from '../security/fixtures/map-web-storage';

const opened: KeyValueStorage[] = [];

function open(target?: Storage, options?: WebStorageOptions) {
  const storage = createWebStorage(target, options);
  opened.push(storage);
  return storage;
}

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((storage) => storage.close?.()));
});

/** What the browser dispatches in this document when another tab changes the storage area. */
function otherTabChanged(key: string | null, newValue: string | null, storageArea: Storage = localStorage): void {
  window.dispatchEvent(new StorageEvent('storage', { key, newValue, storageArea }));
}

// happy-dom has no navigator.locks; real Web Locks across tabs are exercised in web-storage-chromium.test.ts.
for (const locks of ['in-document lock manager', 'no lock manager'] as const) {
  describeStorageContract(
    `web storage (localStorage, ${locks})`,
    async () => {
      const options: WebStorageOptions = { locks: locks === 'no lock manager' ? null : inDocumentLockManager() };
      const storage = createWebStorage(localStorage, options);
      const peer = createWebStorage(undefined, options);
      return {
        storage,
        peer,
        unstorableKeys: ['__proto__'],
        dispose: async () => {
          await storage.close();
          await peer.close();
        },
      };
    },
    { largeValueLength: 1_000_000 },
  );
}

describe('createWebStorage', () => {
  it('reads and writes the Storage object it wraps', async () => {
    const storage = open(sessionStorage);
    await storage.setItem('k', 'v');
    expect(sessionStorage.getItem('k')).toBe('v');
    expect(localStorage.getItem('k')).toBeNull();
    sessionStorage.setItem('direct', 'd');
    expect(await storage.getItem('direct')).toBe('d');
  });

  it('reports storage events of its own storage area from other tabs', async () => {
    const storage = open();
    const seen: StorageChange[] = [];
    storage.subscribe((change) => seen.push(change));
    otherTabChanged('session', '{"v":1}');
    otherTabChanged('session', null);
    otherTabChanged('other-area', 'x', sessionStorage);
    otherTabChanged(null, null); // clear(): no key to report
    otherTabChanged('idpool-lease:refresh', '{}'); // lease records are internal
    expect(seen).toEqual([
      { key: 'session', newValue: '{"v":1}' },
      { key: 'session', newValue: null },
    ]);
  });

  it('tells its own subscribers about its own writes at once', async () => {
    const storage = open();
    const seen: StorageChange[] = [];
    storage.subscribe((change) => seen.push(change));
    await storage.setItem('k', 'v');
    await storage.removeItem('k');
    expect(seen).toEqual([
      { key: 'k', newValue: 'v' },
      { key: 'k', newValue: null },
    ]);
  });

  it('tells other instances in the same document over the same area only', async () => {
    const writer = open();
    const sameArea = open(localStorage);
    const otherArea = open(sessionStorage);
    const local: StorageChange[] = [];
    const session: StorageChange[] = [];
    sameArea.subscribe((change) => local.push(change));
    otherArea.subscribe((change) => session.push(change));
    await writer.setItem('k', 'v');
    await waitUntil(() => local.length > 0, 'the same-area instance');
    expect(local).toEqual([{ key: 'k', newValue: 'v' }]);
    const sessionWriter = open(sessionStorage);
    await sessionWriter.setItem('s', 'only session');
    await waitUntil(() => session.length > 0, 'the session instance');
    expect(session).toEqual([{ key: 's', newValue: 'only session' }]);
    expect(local).toHaveLength(1);
  });

  it('ignores channel messages from other documents, which get storage events instead', async () => {
    const storage = open();
    const seen: StorageChange[] = [];
    storage.subscribe((change) => seen.push(change));
    localStorage.setItem('k', 'from elsewhere');
    const stranger = new BroadcastChannel('idpool-storage');
    stranger.postMessage({ idpool: 1, context: 'another-document', area: 'local', key: 'k' });
    stranger.postMessage({ hello: 'not ours' });
    const sameDocument = open();
    await sameDocument.setItem('barrier', 'b');
    await waitUntil(() => seen.some((c) => c.key === 'barrier'), 'the barrier');
    await sleep(20);
    stranger.close();
    expect(seen.map((c) => c.key)).toEqual(['barrier']);
  });

  it('stops listening once the last listener leaves, and after close()', async () => {
    const storage = open();
    const seen: StorageChange[] = [];
    const stop = storage.subscribe((change) => seen.push(change));
    stop();
    otherTabChanged('k', 'v');
    storage.subscribe((change) => seen.push(change));
    await storage.close();
    otherTabChanged('k', 'w');
    expect(seen).toEqual([]);
  });

  it('turns a quota error into a StorageError with reason quotaExceeded, value kept out of the message', async () => {
    const full = mapWebStorage(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const storage = open(full);
    const error = (await storage.setItem('k', 'secret-token').catch((e: unknown) => e)) as StorageError;
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ name: 'StorageError', adapter: 'web', operation: 'setItem', reason: 'quotaExceeded' });
    expect(error.message).toContain('"k"');
    expect(error.message).not.toContain('secret');
    expect((error.cause as DOMException).name).toBe('QuotaExceededError');

    const firefox = open(
      mapWebStorage(() => {
        throw Object.assign(new Error('quota'), { name: 'NS_ERROR_DOM_QUOTA_REACHED' });
      }),
    );
    await expect(firefox.setItem('k', 'v')).rejects.toMatchObject({ name: 'StorageError', reason: 'quotaExceeded' });
    const other = open(
      mapWebStorage(() => {
        throw new TypeError('something else');
      }),
    );
    const failed = await other.setItem('k', 'v').catch((e: unknown) => e);
    expect(failed).toMatchObject({ name: 'StorageError', adapter: 'web', operation: 'setItem', reason: 'failed' });
    // A copy of the browser's error: its name and message, never the object itself.
    expect((failed as StorageError).cause).toMatchObject({ name: 'TypeError', message: 'something else' });
  });

  it('takes a lease over an expired or damaged lease record', async () => {
    const storage = open(localStorage, { locks: null });
    localStorage.setItem('idpool-lease:refresh', JSON.stringify({ owner: 'gone', expiresAt: Date.now() - 1 }));
    const lease = await storage.tryAcquireLease('refresh', 10_000);
    expect(lease).not.toBeNull();
    await lease!.release();
    expect(localStorage.getItem('idpool-lease:refresh')).toBeNull();
    localStorage.setItem('idpool-lease:refresh', 'not json');
    expect(await storage.tryAcquireLease('refresh', 10_000)).not.toBeNull();
  });

  it('checks and sets a lease under an ifAvailable Web Lock and gives up while another context holds it', async () => {
    const requests: { name: string; ifAvailable: boolean | undefined }[] = [];
    let busy = false;
    const locks = {
      async request(name: string, options: LockOptions, callback: (lock: Lock | null) => unknown) {
        requests.push({ name, ifAvailable: options.ifAvailable });
        return callback(busy && options.ifAvailable ? null : ({ name, mode: 'exclusive' } as Lock));
      },
    } as unknown as LockManager;
    const storage = open(localStorage, { locks });
    busy = true;
    expect(await storage.tryAcquireLease('refresh', 10_000)).toBeNull();
    busy = false;
    const lease = await storage.tryAcquireLease('refresh', 10_000);
    await lease!.release();
    expect(requests).toEqual([
      { name: 'idpool-lease:local:idpool-lease:refresh', ifAvailable: true },
      { name: 'idpool-lease:local:idpool-lease:refresh', ifAvailable: true },
      { name: 'idpool-lease:local:idpool-lease:refresh', ifAvailable: undefined },
    ]);
  });

  it('keeps leases in a sessionStorage private to the document (lock name scoped to it)', async () => {
    const names: string[] = [];
    const locks = {
      async request(name: string, _options: LockOptions, callback: (lock: Lock | null) => unknown) {
        names.push(name);
        return callback({ name, mode: 'exclusive' } as Lock);
      },
    } as unknown as LockManager;
    const storage = open(sessionStorage, { locks });
    const lease = await storage.tryAcquireLease('refresh', 10_000);
    expect(lease).not.toBeNull();
    expect(names[0]).toMatch(/^idpool-lease:[0-9a-f]{32}:session:idpool-lease:refresh$/);
  });

  it('rejects a target that is not a Storage', () => {
    expect(() => createWebStorage({} as Storage)).toThrow(TypeError);
  });
});

/** Exclusive named locks for one document, with `ifAvailable`: enough to drive the locked code path here. */
function inDocumentLockManager(): LockManager {
  const queues = new Map<string, Promise<unknown>>();
  return {
    async request(name: string, options: LockOptions, callback: (lock: Lock | null) => unknown) {
      const held = queues.get(name);
      if (held && options.ifAvailable) return callback(null);
      const run = (held ?? Promise.resolve()).catch(() => {}).then(() => callback({ name, mode: 'exclusive' } as Lock));
      const tail = run.finally(() => {
        if (queues.get(name) === tail) queues.delete(name);
      });
      tail.catch(() => {});
      queues.set(name, tail);
      return run;
    },
  } as unknown as LockManager;
}
