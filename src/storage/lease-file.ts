import type { BigIntStats } from 'node:fs';
import { link, open, rename, unlink } from 'node:fs/promises';
import type { StorageOperation } from '../errors/error-classes';
import { errorCode } from './error-code';
import { randomId } from '../model/random-id';
import { readRegularFile } from './read-regular-file';

/** A lease record is about 100 bytes; a longer lease file is damaged (judged by its mtime). */
const MAX_LEASE_FILE_BYTES = 4096;

/** @internal What a lease file holds. Written right after the `wx` create, so it may briefly be empty. */
interface LeaseFileRecord {
  owner: string;
  expiresAt: number;
  pid: number;
}

/**
 * @internal Creates `path` exclusively (`wx`, mode 0600) as a lease lasting `ttlMs`; takes over an
 * expired one. Resolves the owner token, or `null` when a live lease is there.
 */
export async function tryCreateLeaseFile(path: string, ttlMs: number, now: () => number, operation: StorageOperation): Promise<string | null> {
  const owner = randomId();
  // Second round only after an expired (or vanished) lease was cleared away.
  for (let round = 0; round < 2; round += 1) {
    if (await createExclusive(path, { owner, expiresAt: now() + ttlMs, pid: process.pid })) return owner;
    const outcome = await removeFileIf(path, operation, (record, stats) =>
      record ? record.expiresAt <= now() : Number(stats.mtimeMs) + ttlMs <= now(),
    );
    if (outcome === 'kept') return null;
  }
  return null;
}

/** @internal Removes the lease at `path` only if `owner` still holds it. */
export async function releaseLeaseFile(path: string, owner: string, operation: StorageOperation): Promise<void> {
  await removeFileIf(path, operation, (record) => record?.owner === owner);
}

async function createExclusive(path: string, record: LeaseFileRecord): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(record));
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(path).catch(() => {});
    throw error;
  }
  await handle.close();
  return true;
}

/**
 * Files have no compare-and-delete, so: judge the file through one handle, move it aside with
 * `rename` (only one remover can move a given file), and check that what was moved is the file
 * judged (same inode and same owner or mtime). If a newer file was moved instead, it is put
 * back with `link`, which never overwrites.
 */
async function removeFileIf(
  path: string,
  operation: StorageOperation,
  shouldRemove: (record: LeaseFileRecord | null, stats: BigIntStats) => boolean,
): Promise<'removed' | 'kept' | 'missing'> {
  const judged = await readLeaseFile(path, operation);
  if (!judged) return 'missing';
  if (!shouldRemove(judged.record, judged.stats)) return 'kept';

  const aside = `${path}.${randomId()}.removed`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    throw error;
  }
  const moved = await readLeaseFile(aside, operation);
  if (moved && isSameFile(judged, moved)) {
    await unlink(aside).catch(() => {});
    return 'removed';
  }
  await link(aside, path).catch(() => {});
  await unlink(aside).catch(() => {});
  return 'kept';
}

interface JudgedFile {
  record: LeaseFileRecord | null;
  stats: BigIntStats;
}

/** A FIFO or device at a lease or lock path rejects (`reason: 'tampered'`) instead of blocking. */
async function readLeaseFile(path: string, operation: StorageOperation): Promise<JudgedFile | null> {
  const content = await readRegularFile(path, MAX_LEASE_FILE_BYTES, operation);
  if (content === null) return null;
  return { record: content.text === undefined ? null : parseLeaseRecord(content.text), stats: content.stats };
}

function isSameFile(a: JudgedFile, b: JudgedFile): boolean {
  if (a.stats.ino !== b.stats.ino || a.stats.dev !== b.stats.dev) return false;
  // Inode numbers are reused, so the content (or, while still empty, the mtime) must match too.
  if (a.record || b.record) return a.record?.owner === b.record?.owner;
  return a.stats.mtimeNs === b.stats.mtimeNs;
}

function parseLeaseRecord(text: string): LeaseFileRecord | null {
  try {
    const parsed: unknown = JSON.parse(text);
    const candidate = parsed as Partial<LeaseFileRecord> | null;
    if (
      typeof candidate === 'object' &&
      candidate !== null &&
      typeof candidate.owner === 'string' &&
      typeof candidate.expiresAt === 'number'
    ) {
      return { owner: candidate.owner, expiresAt: candidate.expiresAt, pid: Number(candidate.pid) };
    }
  } catch {
    // Empty (being written) or damaged: judged by mtime instead.
  }
  return null;
}
