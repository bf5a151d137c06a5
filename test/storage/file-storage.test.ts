import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFileStorage } from '../../src/storage/file-storage';
import type { FileStorageOptions } from '../../src/storage/file-storage';
import type { KeyValueStorage, StorageChange } from '../../src/storage/key-value-storage';
import { describeStorageContract, sleep, waitUntil } from './storage-contract';
import { bundleAdapter, startStoragePeer } from './storage-peer';
import type { StoragePeer } from './storage-peer';

let root: string;
let bundle: string;
let caseCounter = 0;
const opened: KeyValueStorage[] = [];
const peers: StoragePeer[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'idpool-file-storage-'));
  bundle = await bundleAdapter('src/storage/file-storage.ts', join(root, 'file-storage.bundle.mjs'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.kill()));
  await Promise.all(opened.splice(0).map((storage) => storage.close?.()));
});

/** A fresh directory per case, so watchers and lock files of one case never meet another's. */
async function freshFile(name = 'session.json'): Promise<string> {
  caseCounter += 1;
  const directory = join(root, `case-${caseCounter}`);
  return join(directory, name);
}

function open(path: string, options?: FileStorageOptions) {
  const storage = createFileStorage(path, options);
  opened.push(storage);
  return storage;
}

async function peer(kind: 'thread' | 'process', path: string, options: FileStorageOptions = {}): Promise<StoragePeer> {
  const started = await startStoragePeer(kind, bundle, 'createFileStorage', [path, options]);
  peers.push(started);
  return started;
}

describeStorageContract(
  'file storage',
  async () => {
    const path = await freshFile();
    const storage = createFileStorage(path);
    const other = createFileStorage(path);
    return {
      storage,
      peer: other,
      dispose: async () => {
        await storage.close();
        await other.close();
      },
    };
  },
  { largeValueLength: 1_000_000 },
);

describe('createFileStorage', () => {
  let path: string;
  beforeEach(async () => {
    path = await freshFile();
  });

  it('keeps all keys in one JSON object file', async () => {
    const storage = open(path);
    await storage.setItem('a', '1');
    await storage.setItem('b', 'two');
    await storage.removeItem('a');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ b: 'two' });
  });

  it('creates a missing directory 0700 and the file, temp file and lease 0600, even with umask 0', async () => {
    const nested = join(path, '..', 'deeper', 'still', 'session.json');
    const previous = process.umask(0);
    try {
      const storage = open(nested);
      await storage.setItem('k', 'v');
      const lease = await storage.tryAcquireLease('refresh', 10_000);
      // With umask 0 only the explicit creation modes limit access; rename keeps the temp file's mode.
      expect((await stat(nested)).mode & 0o777).toBe(0o600);
      expect((await stat(join(nested, '..'))).mode & 0o777).toBe(0o700);
      expect((await stat(`${nested}.refresh.lease`)).mode & 0o777).toBe(0o600);
      await lease!.release();
    } finally {
      process.umask(previous);
    }
  });

  it('leaves no temp, lock or lease files behind', async () => {
    const storage = open(path);
    await Promise.all([storage.setItem('a', '1'), storage.setItem('b', '2'), storage.removeItem('a')]);
    const lease = await storage.tryAcquireLease('refresh', 10_000);
    await lease!.release();
    expect(await readdir(join(path, '..'))).toEqual(['session.json']);
  });

  it('never shows a reader a partial file while writes hammer it', async () => {
    const writer = open(path);
    const reader = open(path);
    let writing = true;
    let reads = 0;
    const readLoop = (async () => {
      while (writing) {
        const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return '{}';
          throw error;
        });
        JSON.parse(text); // throws on a torn write
        await reader.getItem('big');
        reads += 1;
      }
    })();
    for (let round = 0; round < 40; round += 1) {
      await Promise.all([
        writer.setItem('big', String(round).repeat(20_000 + round * 1000)),
        writer.setItem(`small-${round % 5}`, `v${round}`),
      ]);
    }
    writing = false;
    await readLoop;
    expect(reads).toBeGreaterThan(0);
    expect(await reader.getItem('big')).toBe('39'.repeat(59_000));
  });

  it('applies one object’s writes in call order, so a slow write never overwrites a newer one', async () => {
    const storage = open(path);
    const writes = Array.from({ length: 25 }, (_, i) => storage.setItem('k', i === 0 ? 'x'.repeat(500_000) : `v${i}`));
    expect(await storage.getItem('k')).toBe('v24'); // reads wait for this object's pending writes
    await Promise.all(writes);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ k: 'v24' });
  });

  it('reads a corrupt file as empty, reports it without its content, and replaces it on the next write', async () => {
    const errors: Error[] = [];
    const storage = open(path, { onError: (error) => errors.push(error as Error) });
    await storage.setItem('seed', 'x');
    await writeFile(path, '{"token":"secret-value", oops');
    expect(await storage.getItem('token')).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/not valid JSON/);
    expect(errors[0]!.message).not.toContain('secret');
    expect(errors[0]!.cause).toBeUndefined();
    await storage.setItem('fresh', 'y');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ fresh: 'y' });
  });

  it('reads JSON that is not an object of strings as empty or without the odd values', async () => {
    const errors: unknown[] = [];
    const storage = open(path, { onError: (error) => errors.push(error) });
    await storage.setItem('seed', 'x');
    await writeFile(path, '["a"]');
    expect(await storage.getItem('0')).toBeNull();
    expect(errors).toHaveLength(1);
    await writeFile(path, '{"s":"ok","n":1,"o":{}}');
    expect(await storage.getItem('s')).toBe('ok');
    expect(await storage.getItem('n')).toBeNull();
    await writeFile(path, '');
    expect(await storage.getItem('s')).toBeNull();
    expect(errors).toHaveLength(1);
  });

  it('takes over a lock file left by a dead writer', async () => {
    const storage = open(path, { lockStaleMs: 200 });
    await storage.setItem('seed', 'x');
    await writeFile(`${path}.lock`, JSON.stringify({ owner: 'dead', expiresAt: Date.now() - 1, pid: 1 }));
    await storage.setItem('k', 'v');
    // An empty lock (writer died between create and write) is judged by its mtime.
    await writeFile(`${path}.lock`, '');
    const old = new Date(Date.now() - 60_000);
    await utimes(`${path}.lock`, old, old);
    await storage.setItem('k2', 'v2');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ seed: 'x', k: 'v', k2: 'v2' });
  });

  it('rejects a write when a live lock is not released in time, leaving the file as it was', async () => {
    const storage = open(path, { lockTimeoutMs: 150 });
    await storage.setItem('k', 'before');
    await writeFile(`${path}.lock`, JSON.stringify({ owner: 'alive', expiresAt: Date.now() + 60_000, pid: 1 }));
    await expect(storage.setItem('k', 'after')).rejects.toThrow(/timed out after 150 ms waiting for .*\.lock/);
    expect(await storage.getItem('k')).toBe('before');
    await rm(`${path}.lock`);
    await storage.setItem('k', 'after');
    expect(await storage.getItem('k')).toBe('after');
  });

  it('takes over an expired lease file, and a lease file left empty once it is older than the ttl', async () => {
    const storage = open(path);
    await storage.setItem('seed', 'x');
    const leasePath = `${path}.refresh.lease`;
    await writeFile(leasePath, JSON.stringify({ owner: 'gone', expiresAt: Date.now() - 1, pid: 1 }));
    const lease = await storage.tryAcquireLease('refresh', 10_000);
    expect(lease).not.toBeNull();
    expect(JSON.parse(await readFile(leasePath, 'utf8')).owner).not.toBe('gone');
    await lease!.release();

    await writeFile(leasePath, '');
    expect(await storage.tryAcquireLease('refresh', 1000)).toBeNull(); // fresh and empty: being written
    const old = new Date(Date.now() - 5000);
    await utimes(leasePath, old, old);
    expect(await storage.tryAcquireLease('refresh', 1000)).not.toBeNull();
  });

  it('names lease files safely for any key', async () => {
    const storage = open(path);
    const lease = await storage.tryAcquireLease('../../etc/passwd:é', 10_000);
    expect(await readdir(join(path, '..'))).toEqual([`session.json.%2E%2E%2F%2E%2E%2Fetc%2Fpasswd%3A%C3%A9.lease`]);
    await lease!.release();
    const long = await storage.tryAcquireLease('k'.repeat(500), 10_000);
    const [name] = await readdir(join(path, '..'));
    expect(name!.length).toBeLessThan(200);
    await long!.release();
  });

  it('reports its own writes to its subscribers exactly once (the watcher does not repeat them)', async () => {
    const storage = open(path, { watchDebounceMs: 5 });
    const seen: StorageChange[] = [];
    storage.subscribe((change) => seen.push(change));
    await storage.setItem('k', 'v');
    expect(seen).toEqual([{ key: 'k', newValue: 'v' }]);
    await sleep(150);
    expect(seen).toEqual([{ key: 'k', newValue: 'v' }]);
  });

  it('sees a change made by a plain rewrite of the file through the directory watcher', async () => {
    const storage = open(path, { watchDebounceMs: 5 });
    await storage.setItem('a', '1');
    const seen: StorageChange[] = [];
    storage.subscribe((change) => seen.push(change));
    await writeFile(path, JSON.stringify({ b: '2' }));
    await waitUntil(() => seen.length >= 2, 'two changes');
    expect(seen).toEqual(
      expect.arrayContaining([
        { key: 'a', newValue: null },
        { key: 'b', newValue: '2' },
      ]),
    );
  });

  it('rejects a bad path or option with a TypeError', () => {
    expect(() => createFileStorage('')).toThrow(TypeError);
    expect(() => createFileStorage(path, { lockStaleMs: 0 })).toThrow(/lockStaleMs/);
    expect(() => createFileStorage(path, { watchDebounceMs: Number.NaN })).toThrow(/watchDebounceMs/);
  });

  describe('across worker threads and processes', () => {
    it('tells a worker thread at once what another worker thread wrote (BroadcastChannel, no watcher)', async () => {
      const [first, second] = await Promise.all([
        peer('thread', path, { watch: false }),
        peer('thread', path, { watch: false }),
      ]);
      const local = open(path, { watch: false });
      const seen: StorageChange[] = [];
      local.subscribe((change) => seen.push(change));
      await first.call('subscribe');
      await second.call('set', 'session', '{"identityId":"us-east-1:1"}');
      await waitUntil(() => first.changes.length > 0, 'the other worker to hear the change');
      expect(first.changes).toEqual([{ key: 'session', newValue: '{"identityId":"us-east-1:1"}' }]);
      await waitUntil(() => seen.length > 0, 'the main thread to hear the change');
      expect(await first.call('get', 'session')).toBe('{"identityId":"us-east-1:1"}');
      await second.call('remove', 'session');
      await waitUntil(() => first.changes.length > 1, 'the removal');
      expect(first.changes[1]).toEqual({ key: 'session', newValue: null });
    });

    it('tells another process what was written, through the directory watcher', async () => {
      const child = await peer('process', path, { watchDebounceMs: 5 });
      await child.call('subscribe');
      const storage = open(path);
      await storage.setItem('session', 'from parent');
      await waitUntil(() => child.changes.length > 0, 'the child process to see the write');
      expect(child.changes).toEqual([{ key: 'session', newValue: 'from parent' }]);

      const seen: StorageChange[] = [];
      storage.subscribe((change) => seen.push(change));
      await child.call('set', 'other', 'from child');
      await waitUntil(() => seen.length > 0, 'the parent to see the child write');
      expect(seen).toEqual([{ key: 'other', newValue: 'from child' }]);
    });

    it('keeps every key when two processes and a thread write different keys at once', async () => {
      const writers = await Promise.all([peer('process', path), peer('process', path), peer('thread', path)]);
      await Promise.all(
        writers.flatMap((writer, w) =>
          Array.from({ length: 10 }, (_, i) => writer.call('set', `w${w}-k${i}`, `value ${w}/${i}`)),
        ),
      );
      const data = JSON.parse(await readFile(path, 'utf8')) as Record<string, string>;
      expect(Object.keys(data)).toHaveLength(30);
      expect(data['w1-k9']).toBe('value 1/9');
    });

    it('grants a lease to exactly one of three processes, and to another after release', async () => {
      const contenders = await Promise.all([peer('process', path), peer('process', path), peer('process', path)]);
      const granted = await Promise.all(contenders.map((c) => c.call('lease', 'refresh', 10_000)));
      expect(granted.filter(Boolean)).toHaveLength(1);
      const storage = open(path);
      expect(await storage.tryAcquireLease('refresh', 10_000)).toBeNull();
      await contenders[granted.indexOf(true)]!.call('release', 'refresh');
      const lease = await storage.tryAcquireLease('refresh', 10_000);
      expect(lease).not.toBeNull();
      expect(await contenders[0]!.call('lease', 'refresh', 10_000)).toBe(false);
      await lease!.release();
    });

    it('lets a subscribed process exit by itself after close()', async () => {
      const child = await peer('process', path);
      await child.call('subscribe');
      await child.call('set', 'k', 'v');
      await child.call('close');
      expect(await child.exited).toBe(0);
    });
  });
});
