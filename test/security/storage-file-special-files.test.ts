// Review finding 9 (issue 11, finding 14): something other than a regular file at the session
// file's path (a FIFO, a directory) or at its lock or lease path must not make file storage wait
// forever: it is refused with a typed StorageError (reason 'tampered') and nothing changes. A
// file too large to be idpool's is read as corrupt (empty, reported), never loaded whole.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../src/index';
import { createFileStorage } from '../../src/storage/file-storage';
import { withinGenerousBound } from '../support/generous-bound';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'idpool-special-files-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

/** A FIFO at `path`; on cleanup, a reader still blocked in open() is let go (a writer that closes gives it EOF). */
function fifoAt(path: string): void {
  execFileSync('mkfifo', [path]);
  cleanups.push(() => {
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // No reader left waiting: nothing to release.
    }
  });
}

/** How a call settled, within a generous bound of real time (a hang fails the test, naming it). */
async function settled(what: string, call: () => Promise<unknown>): Promise<unknown> {
  return withinGenerousBound(
    call().then(
      (value) => ({ resolved: value }),
      (error: unknown) => error,
    ),
    what,
  );
}

describe('review finding 9: file storage never waits on a FIFO', () => {
  it('rejects getItem, setItem and removeItem with StorageError (tampered) when the session file is a FIFO, and leaves it', async () => {
    const directory = tempDirectory();
    const path = join(directory, 'session.json');
    fifoAt(path);
    const storage = createFileStorage(path, { watch: false });
    for (const [operation, call] of [
      ['getItem', () => storage.getItem('k')],
      ['setItem', () => storage.setItem('k', 'v')],
      ['removeItem', () => storage.removeItem('k')],
    ] as const) {
      const outcome = await settled(`${operation} on a FIFO`, call);
      expect(outcome).toBeInstanceOf(StorageError);
      expect(outcome).toMatchObject({ adapter: 'file', operation, reason: 'tampered', retryable: false });
    }
    expect(readdirSync(directory)).toEqual(['session.json']);
    await storage.close();
  });

  it('reports a FIFO to onError when subscribing, instead of blocking the thread', async () => {
    const path = join(tempDirectory(), 'session.json');
    fifoAt(path);
    const errors: unknown[] = [];
    const storage = createFileStorage(path, { watch: false, onError: (error) => void errors.push(error) });
    storage.subscribe(() => undefined);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ name: 'StorageError', adapter: 'file', operation: 'subscribe', reason: 'tampered' });
    await storage.close();
  });

  it('rejects a write (tampered) when a FIFO stands at the lock path, and a lease when one stands at the lease path', async () => {
    const directory = tempDirectory();
    const path = join(directory, 'session.json');
    fifoAt(`${path}.lock`);
    fifoAt(`${path}.refresh.lease`);
    const storage = createFileStorage(path, { watch: false, lockTimeoutMs: 60_000 });
    expect(await settled('setItem with a FIFO lock', () => storage.setItem('k', 'v'))).toMatchObject({
      name: 'StorageError',
      operation: 'setItem',
      reason: 'tampered',
    });
    expect(await settled('tryAcquireLease on a FIFO lease', () => storage.tryAcquireLease('refresh', 1_000))).toMatchObject({
      name: 'StorageError',
      operation: 'tryAcquireLease',
      reason: 'tampered',
    });
    await storage.close();
  });

  it('rejects with reason tampered when a directory stands at its path', async () => {
    const path = join(tempDirectory(), 'session.json');
    mkdirSync(path);
    const storage = createFileStorage(path, { watch: false });
    expect(await settled('getItem on a directory', () => storage.getItem('k'))).toMatchObject({ name: 'StorageError', reason: 'tampered' });
    await storage.close();
  });
});

describe('file storage bounds what it reads', () => {
  it('reads a session file over 8 MiB as corrupt (empty, reported without its content); the next write replaces it', async () => {
    const path = join(tempDirectory(), 'session.json');
    writeFileSync(path, JSON.stringify({ k: 'secret-value', pad: 'x'.repeat(8 * 1024 * 1024) }));
    const errors: unknown[] = [];
    const storage = createFileStorage(path, { watch: false, onError: (error) => void errors.push(error) });
    expect(await storage.getItem('k')).toBeNull();
    expect(errors[0]).toMatchObject({ name: 'StorageError', adapter: 'file', reason: 'corrupt' });
    expect((errors[0] as Error).message).not.toContain('secret-value');
    await storage.setItem('other', 'v');
    expect(await storage.getItem('other')).toBe('v');
    await storage.close();
  });

  it('judges an oversized lease file by its age, like a damaged one', async () => {
    const path = join(tempDirectory(), 'session.json');
    let now = Date.now();
    writeFileSync(`${path}.refresh.lease`, JSON.stringify({ owner: 'someone', expiresAt: now + 60_000, pad: 'x'.repeat(10_000) }));
    const storage = createFileStorage(path, { watch: false, now: () => now });
    expect(await storage.tryAcquireLease('refresh', 1_000)).toBeNull();
    now += 2_000;
    expect(await storage.tryAcquireLease('refresh', 1_000)).not.toBeNull();
    await storage.close();
  });
});
