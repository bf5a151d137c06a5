/**
 * `idpool/storage/file`: session storage in one JSON file, for Node.js (CLIs, servers, tests).
 * @module idpool/storage/file
 */
import { type FSWatcher, mkdirSync, watch } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { StorageOperation } from '../errors/error-classes';
import { assertLeaseTtl } from './assert-lease-ttl';
import { createChangeListeners } from './change-listeners';
import type { KeyValueStorage, StorageLease } from './key-value-storage';
import { leaseFileName, MAX_FILE_BYTES, parseFileData, positiveOption, writeFileAtomically } from './file-format';
import { releaseLeaseFile, tryCreateLeaseFile } from './lease-file';
import { readRegularFile, readRegularFileSync, type RegularFileContent } from './read-regular-file';
import { guardStorage, storageError, toStorageError } from './storage-failure';

/** Options of {@link createFileStorage}. */
export interface FileStorageOptions {
  /**
   * Receives non-fatal problems: a corrupt file (read as empty), watcher errors, errors thrown by
   * change listeners. Messages never include file contents. Default: ignored.
   */
  onError?: (error: unknown) => void;
  /** A lock file older than this is taken over (its holder is presumed dead). Default `5000` ms. */
  lockStaleMs?: number;
  /** How long a write waits for the lock file before it rejects. Default `10000` ms. */
  lockTimeoutMs?: number;
  /** Watch the directory for changes made by other processes. Default `true`. */
  watch?: boolean;
  /** Quiet time after the last directory event before the file is re-read. Default `20` ms. */
  watchDebounceMs?: number;
  /** Clock used for lease and lock expiry. Default `Date.now`. */
  now?: () => number;
}


interface ChannelMessage {
  idpool: 1;
  key: string;
  newValue: string | null;
}

/**
 * Storage in one JSON file (an object of string values) for Node.js: CLIs, servers, tests.
 * Import it from `idpool/storage/file`.
 *
 * - Writes go to a temp file in the same directory (created mode 0600) which is then renamed over
 *   the file, so readers never see a partial file and the file is always mode 0600. A directory
 *   that does not exist is created (mode 0700).
 * - Writes from this object run one after another; each read-modify-write holds `path + '.lock'`
 *   (created with `wx`, taken over after `lockStaleMs`), so processes and threads writing
 *   different keys do not lose each other's keys.
 * - A missing file reads as empty; a corrupt one (not a JSON object, or over 8 MiB) reads as
 *   empty and is reported to `onError` as a `StorageError` with `reason: 'corrupt'` (the next
 *   write replaces it). Anything but a regular file at the path (a FIFO, a device, a directory),
 *   or at a lock or lease path, is never read: the call rejects with `reason: 'tampered'`.
 * - Every failure rejects with a `StorageError` (`adapter: 'file'`, the `operation`, the file
 *   system's error as `cause`); a lock wait past `lockTimeoutMs` has `reason: 'unavailable'`.
 * - Keys are held in a `Map`: `constructor`, `__proto__` and the like are ordinary keys.
 * - `subscribe` reports this object's own writes, other instances' writes in this process and
 *   its worker threads at once (a `BroadcastChannel` named after the absolute path), and other
 *   processes' writes through `fs.watch` on the directory (keys whose value changed).
 * - `tryAcquireLease(key, ttlMs)` creates `path + '.' + encodedKey + '.lease'` with `wx`; an
 *   expired lease is taken over (moved aside by `rename`, checked, then re-created); `release()`
 *   removes it only while it is still ours.
 * - `close()` stops the watcher, channel and timers and waits for pending writes. Background
 *   timers are `unref()`ed; a write waiting for the lock keeps the process alive until it is done.
 *
 * @example
 * ```ts
 * import { createFileStorage } from 'idpool/storage/file';
 *
 * const storage = createFileStorage(join(homedir(), '.config', 'myapp', 'session.json'), {
 *   onError: (error) => console.warn(error.message),
 * });
 * await storage.setItem('idpool.session', record);
 * storage.subscribe(({ key }) => console.log(`${key} changed in another process`));
 * // …
 * await storage.close();
 * ```
 */
export function createFileStorage(path: string, options: FileStorageOptions = {}): Required<KeyValueStorage> {
  if (typeof path !== 'string' || path === '') {
    throw new TypeError('createFileStorage: path must be a non-empty string');
  }
  const filePath = resolve(path);
  const directory = dirname(filePath);
  const fileName = basename(filePath);
  const lockPath = `${filePath}.lock`;
  const onError = options.onError ?? (() => {});
  const lockStaleMs = positiveOption('lockStaleMs', options.lockStaleMs, 5000);
  const lockTimeoutMs = positiveOption('lockTimeoutMs', options.lockTimeoutMs, 10_000);
  const debounceMs = positiveOption('watchDebounceMs', options.watchDebounceMs, 20);
  const watchEnabled = options.watch ?? true;
  const now = options.now ?? Date.now;

  let writes: Promise<unknown> = Promise.resolve();
  let known: Map<string, string> | undefined;
  let watcher: FSWatcher | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let channel: BroadcastChannel | undefined;
  let closed = false;

  const listeners = createChangeListeners({ onError, onFirst: startFollowing, onLast: stopFollowing });

  const parse = (content: RegularFileContent | null) => parseFileData(content, filePath, onError);

  /** Rejects (`reason: 'tampered'`) when a FIFO, device or directory stands at the path. */
  async function readAll(operation: StorageOperation): Promise<Map<string, string>> {
    return parse(await readRegularFile(filePath, MAX_FILE_BYTES, operation));
  }

  function readAllSync(): Map<string, string> {
    try {
      return parse(readRegularFileSync(filePath, MAX_FILE_BYTES, 'subscribe'));
    } catch (error) {
      onError(toStorageError(error, { adapter: 'file', operation: 'subscribe', reason: 'unavailable' }));
      return new Map();
    }
  }

  async function withLock<T>(operation: 'setItem' | 'removeItem', work: () => Promise<T>): Promise<T> {
    const deadline = now() + lockTimeoutMs;
    let pause = 2;
    for (;;) {
      const owner = await tryCreateLeaseFile(lockPath, lockStaleMs, now, operation);
      if (owner !== null) {
        try {
          return await work();
        } finally {
          await releaseLeaseFile(lockPath, owner, operation).catch((error: unknown) =>
            onError(toStorageError(error, { adapter: 'file', operation, reason: 'unavailable' })),
          );
        }
      }
      if (now() >= deadline) {
        throw storageError(`idpool file storage: timed out after ${lockTimeoutMs} ms waiting for ${lockPath}`, {
          adapter: 'file',
          operation,
          reason: 'unavailable',
        });
      }
      // Referenced on purpose: a pending write must keep the process alive.
      await new Promise((done) => setTimeout(done, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 50);
    }
  }

  function mutate(key: string, newValue: string | null): Promise<void> {
    const operation = newValue === null ? 'removeItem' : 'setItem';
    const context = { adapter: 'file', operation, key, reason: 'unavailable', ...(newValue === null ? {} : { value: newValue }) } as const;
    const run = writes.then(async () => {
      await guardStorage(context, async () => {
        await mkdir(directory, { recursive: true, mode: 0o700 });
        await withLock(operation, async () => {
          const data = await readAll(operation);
          if (newValue === null) data.delete(key);
          else data.set(key, newValue);
          await writeFileAtomically(filePath, data);
        });
      });
      announce(key, newValue);
    });
    writes = run.catch(() => {});
    return run;
  }

  function openChannel(): BroadcastChannel | undefined {
    if (closed || typeof globalThis.BroadcastChannel !== 'function') return undefined;
    if (!channel) {
      channel = new globalThis.BroadcastChannel(`idpool-file:${filePath}`);
      (channel as { unref?: () => void }).unref?.();
    }
    return channel;
  }

  function announce(key: string, newValue: string | null): void {
    if (newValue === null) known?.delete(key);
    else known?.set(key, newValue);
    listeners.emit({ key, newValue });
    try {
      openChannel()?.postMessage({ idpool: 1, key, newValue } satisfies ChannelMessage);
    } catch (error) {
      onError(toStorageError(error, { adapter: 'file', operation: newValue === null ? 'removeItem' : 'setItem', key, ...(newValue === null ? {} : { value: newValue }) }));
    }
  }

  /** Emits a change only when it differs from what this object last saw, so channel and watcher never double-report. */
  function follow(key: string, newValue: string | null): void {
    if (!known || (known.get(key) ?? null) === newValue) return;
    if (newValue === null) known.delete(key);
    else known.set(key, newValue);
    listeners.emit({ key, newValue });
  }

  function onChannelMessage(event: Event): void {
    const message = (event as MessageEvent<unknown>).data as Partial<ChannelMessage> | null;
    if (
      typeof message !== 'object' ||
      message === null ||
      message.idpool !== 1 ||
      typeof message.key !== 'string' ||
      (typeof message.newValue !== 'string' && message.newValue !== null)
    ) {
      return;
    }
    follow(message.key, message.newValue);
  }

  function scheduleRescan(): void {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => {
      debounce = undefined;
      // On the same queue as this object's writes: a rescan that read the file before one of our
      // own writes landed would otherwise report that key as changed back, then forward again.
      writes = writes.then(rescan).catch(() => {});
    }, debounceMs);
    debounce.unref();
  }

  async function rescan(): Promise<void> {
    if (!known) return;
    let data: Map<string, string>;
    try {
      data = await readAll('subscribe');
    } catch (error) {
      onError(toStorageError(error, { adapter: 'file', operation: 'subscribe', reason: 'unavailable' }));
      return;
    }
    const keys = new Set([...known.keys(), ...data.keys()]);
    for (const key of keys) follow(key, data.get(key) ?? null);
  }

  function startFollowing(): void {
    if (closed) return;
    known = readAllSync();
    openChannel()?.addEventListener('message', onChannelMessage);
    if (!watchEnabled) return;
    try {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      watcher = watch(directory, { persistent: false }, (_event, changed) => {
        if (changed === null || changed === fileName) scheduleRescan();
      });
      watcher.on('error', (error) => onError(toStorageError(error, { adapter: 'file', operation: 'subscribe', reason: 'unavailable' })));
    } catch (error) {
      onError(toStorageError(error, { adapter: 'file', operation: 'subscribe', reason: 'unavailable' }));
    }
  }

  function stopFollowing(): void {
    channel?.removeEventListener('message', onChannelMessage);
    watcher?.close();
    watcher = undefined;
    if (debounce) clearTimeout(debounce);
    debounce = undefined;
    known = undefined;
  }

  return {
    async getItem(key) {
      await writes;
      return guardStorage({ adapter: 'file', operation: 'getItem', key, reason: 'unavailable' }, async () => (await readAll('getItem')).get(key) ?? null);
    },
    setItem(key, value) {
      return mutate(key, value);
    },
    removeItem(key) {
      return mutate(key, null);
    },
    subscribe(listener) {
      return listeners.add(listener);
    },
    async tryAcquireLease(key, ttlMs): Promise<StorageLease | null> {
      assertLeaseTtl(ttlMs, 'file');
      const leasePath = `${filePath}.${leaseFileName(key)}.lease`;
      const owner = await guardStorage({ adapter: 'file', operation: 'tryAcquireLease', key, reason: 'unavailable' }, async () => {
        await mkdir(directory, { recursive: true, mode: 0o700 });
        return tryCreateLeaseFile(leasePath, ttlMs, now, 'tryAcquireLease');
      });
      if (owner === null) return null;
      return {
        release: () =>
          guardStorage({ adapter: 'file', operation: 'releaseLease', key, reason: 'unavailable' }, () => releaseLeaseFile(leasePath, owner, 'releaseLease')),
      };
    },
    async close() {
      closed = true;
      listeners.clear();
      channel?.close();
      channel = undefined;
      await writes;
    },
  };
}
