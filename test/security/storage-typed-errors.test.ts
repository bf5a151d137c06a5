// Issue 11, finding 10 (adapter side): storage adapters rejected with plain Error, TypeError or
// RangeError (or whatever the backend threw), so nobody could tell a storage failure from a bug,
// and a backend error quoting the value could carry a token. Now every failure of every adapter
// is a StorageError naming the adapter and the operation, with the backend's error as `cause`
// unless that error quotes the value. (Redis: test/storage/redis-storage.test.ts; cookies:
// storage-cookie-tampering.test.ts.)
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/errors/error-classes';
import { createFileStorage } from '../../src/storage/file-storage';
import { createMemoryStorage } from '../../src/storage/memory-storage';
import { createWebStorage } from '../../src/storage/web-storage';
import { storageRejection } from './fixtures/storage-rejection';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'idpool-storage-errors-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<StorageError> {
  const error = await storageRejection(promise);
  expect(error.name).toBe('StorageError');
  return error;
}

const RECORD = JSON.stringify({ version: 1, login: { token: 'eyJhbGciOiJSUzI1NiJ9.secret-token-payload.sig' } });

/** Everything util.inspect (what console.error prints) shows of an error, causes included. */
function printed(error: unknown): string {
  return inspect(error, { depth: 10 });
}

/** A Web Storage whose every method throws what `fail` makes of the call. */
function failingStorage(fail: (method: string, key: string, value?: string) => unknown): Storage {
  return {
    length: 0,
    clear() {},
    key: () => null,
    getItem(key) {
      throw fail('getItem', key);
    },
    setItem(key, value) {
      throw fail('setItem', key, value);
    },
    removeItem(key) {
      throw fail('removeItem', key);
    },
  };
}

describe('finding 10: web storage rejects with StorageError', () => {
  it('names adapter and operation for reads, writes, removals and leases', async () => {
    const storage = createWebStorage(
      failingStorage((method) => new DOMException(`${method} blocked`, 'SecurityError')),
      { locks: null },
    );
    for (const [operation, call] of [
      ['getItem', () => storage.getItem('k')],
      ['setItem', () => storage.setItem('k', 'v')],
      ['removeItem', () => storage.removeItem('k')],
      ['tryAcquireLease', () => storage.tryAcquireLease('lease', 1000)],
    ] as const) {
      const error = await rejection(call());
      expect(error).toMatchObject({ adapter: 'web', operation });
      expect((error.cause as DOMException).name).toBe('SecurityError');
    }
    await storage.close();
  });

  it('withholds a backend error that quotes the record or a token inside it', async () => {
    const quoting = createWebStorage(
      failingStorage((_method, _key, value) => new Error(`cannot store ${value ?? ''}`)),
      { locks: null },
    );
    const whole = await rejection(quoting.setItem('k', RECORD));
    expect(printed(whole)).not.toContain('secret-token-payload');
    expect(whole.cause).toBeInstanceOf(Error);
    expect((whole.cause as Error).message).toMatch(/withheld/);

    const tokenOnly = createWebStorage(
      failingStorage(() => new Error('bad value', { cause: new Error('token eyJhbGciOiJSUzI1NiJ9.secret-token-payload.sig rejected') })),
      { locks: null },
    );
    const nested = await rejection(tokenOnly.setItem('k', RECORD));
    expect(printed(nested)).not.toContain('secret-token-payload');
    await quoting.close();
    await tokenOnly.close();
  });
});

describe('finding 10: memory storage rejects with StorageError', () => {
  it('for a lease ttl that is not a positive number', async () => {
    const error = await rejection(createMemoryStorage().tryAcquireLease('k', -1));
    expect(error).toMatchObject({ adapter: 'memory', operation: 'tryAcquireLease' });
  });
});

describe('finding 10: file storage rejects with StorageError', () => {
  it('when the path cannot be read or written', async () => {
    const dir = await tempDir();
    // A directory where the file should be: not a regular file, so never read (tampered, not retryable).
    const path = join(dir, 'session.json');
    await mkdir(path);
    const storage = createFileStorage(path, { watch: false, lockTimeoutMs: 60_000 });
    const read = await rejection(storage.getItem('k'));
    expect(read).toMatchObject({ adapter: 'file', operation: 'getItem', reason: 'tampered', retryable: false });
    const write = await rejection(storage.setItem('k', RECORD));
    expect(write).toMatchObject({ adapter: 'file', operation: 'setItem' });
    expect(printed(write)).not.toContain('secret-token-payload');
    expect(await rejection(storage.removeItem('k'))).toMatchObject({ adapter: 'file', operation: 'removeItem' });
    await storage.close();
  });

  it('when its directory is a file (leases too)', async () => {
    const dir = await tempDir();
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    const storage = createFileStorage(join(blocker, 'session.json'), { watch: false });
    expect(await rejection(storage.setItem('k', 'v'))).toMatchObject({ adapter: 'file', operation: 'setItem' });
    expect(await rejection(storage.tryAcquireLease('lease', 1000))).toMatchObject({ adapter: 'file', operation: 'tryAcquireLease' });
    await storage.close();
  });

  it('when the lock stays held past lockTimeoutMs (reason unavailable)', async () => {
    const dir = await tempDir();
    const path = join(dir, 'session.json');
    // A live lock held by someone else, never released.
    await writeFile(`${path}.lock`, JSON.stringify({ owner: 'other', expiresAt: Date.now() + 3_600_000, pid: 1 }));
    const storage = createFileStorage(path, { watch: false, lockTimeoutMs: 50, lockStaleMs: 3_600_000 });
    const error = await rejection(storage.setItem('k', 'v'));
    expect(error).toMatchObject({ adapter: 'file', operation: 'setItem', reason: 'unavailable' });
    expect(error.message).toMatch(/timed out/);
    await storage.close();
  });

  it('reports a corrupt file to onError as a StorageError (reason corrupt), quoting none of it', async () => {
    const dir = await tempDir();
    const path = join(dir, 'session.json');
    await writeFile(path, '{"k": "secret-token-payload", broken');
    const reported: unknown[] = [];
    const storage = createFileStorage(path, { watch: false, onError: (error) => reported.push(error) });
    expect(await storage.getItem('k')).toBeNull();
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(StorageError);
    expect(reported[0]).toMatchObject({ adapter: 'file', reason: 'corrupt' });
    expect(printed(reported[0])).not.toContain('secret-token-payload');
    await storage.close();
  });
});
