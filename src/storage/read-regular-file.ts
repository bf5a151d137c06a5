import { type BigIntStats, closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { StorageOperation } from '../errors/error-classes';
import { errorCode } from './error-code';
import { storageError } from './storage-failure';

/** @internal What was read: the text, or `undefined` when the file holds more than the bound allows. */
export interface RegularFileContent {
  text: string | undefined;
  stats: BigIntStats;
}

// Opening a FIFO for reading blocks until a writer comes, and reading a device may never end:
// open without blocking, then refuse anything but a regular file before reading a byte.
// (Windows has no O_NONBLOCK and no FIFOs on disk.)
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const CHUNK_BYTES = 64 * 1024;

/**
 * @internal Reads `path` as UTF-8, at most `maxBytes` of it. Resolves `null` when it does not
 * exist; `text` is `undefined` when it is longer than `maxBytes` (grown since `fstat` too). A
 * path that is not a regular file (a FIFO, device, socket, directory) rejects with a
 * `StorageError` (`adapter: 'file'`, `reason: 'tampered'`): idpool never made it.
 */
export async function readRegularFile(path: string, maxBytes: number, operation: StorageOperation): Promise<RegularFileContent | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    return nullIfMissing(error);
  }
  try {
    const reading = readBounded(await handle.stat({ bigint: true }), path, maxBytes, operation);
    let step = reading.next();
    while (!step.done) step = reading.next((await handle.read(step.value, 0, step.value.length, null)).bytesRead);
    return step.value;
  } finally {
    await handle.close();
  }
}

/** @internal {@link readRegularFile}, synchronously. */
export function readRegularFileSync(path: string, maxBytes: number, operation: StorageOperation): RegularFileContent | null {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (error) {
    return nullIfMissing(error);
  }
  try {
    const reading = readBounded(fstatSync(fd, { bigint: true }), path, maxBytes, operation);
    let step = reading.next();
    while (!step.done) step = reading.next(readSync(fd, step.value, 0, step.value.length, null));
    return step.value;
  } finally {
    closeSync(fd);
  }
}

function nullIfMissing(error: unknown): null {
  if (errorCode(error) === 'ENOENT') return null;
  throw error;
}

// The reading rules, shared by the async and the sync reader: it yields each buffer to fill and
// is given back how many bytes the read put in it (0 at the end of the file).
function* readBounded(stats: BigIntStats, path: string, maxBytes: number, operation: StorageOperation): Generator<Buffer, RegularFileContent, number> {
  assertRegular(stats, path, operation);
  if (stats.size > BigInt(maxBytes)) return { text: undefined, stats };
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
    const bytesRead: number = yield chunk;
    if (bytesRead === 0) return { text: Buffer.concat(chunks).toString('utf8'), stats };
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
    if (total > maxBytes) return { text: undefined, stats };
  }
}

function assertRegular(stats: BigIntStats, path: string, operation: StorageOperation): void {
  if (stats.isFile()) return;
  throw storageError(`idpool file storage: ${path} is not a regular file (a pipe, device, socket or directory); idpool did not make it and will not read it`, {
    adapter: 'file',
    operation,
    reason: 'tampered',
  });
}
