import { createHash } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomId } from '../model/random-id';
import type { RegularFileContent } from './read-regular-file';
import { storageError } from './storage-failure';

// The file storage's format on disk: one JSON object of string values, written atomically, and
// the names of its lease files.

/**
 * The largest session file read. A session record is at most 512 Ki characters (see
 * `MAX_RECORD_LENGTH`), typically a few KB; a bigger file is corrupt (read as empty, reported),
 * and a hostile one cannot make every read load gigabytes.
 */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** The stored values; a `Map`, never a plain object: a key such as `constructor` must not find `Object`'s members. */
export function parseFileData(content: RegularFileContent | null, filePath: string, onError: (error: unknown) => void): Map<string, string> {
  const corrupt = (message: string): Error => storageError(message, { adapter: 'file', operation: 'getItem', reason: 'corrupt' });
  const data = new Map<string, string>();
  if (content === null) return data;
  const { text } = content;
  if (text === undefined) {
    onError(corrupt(`idpool file storage: ${filePath} is larger than ${MAX_FILE_BYTES} bytes; reading it as empty`));
    return data;
  }
  if (text.trim() === '') return data;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // No `cause`: JSON.parse messages quote the file's text, which may hold tokens.
    onError(corrupt(`idpool file storage: ${filePath} is not valid JSON; reading it as empty`));
    return data;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    onError(corrupt(`idpool file storage: ${filePath} does not hold a JSON object; reading it as empty`));
    return data;
  }
  // JSON.parse makes `__proto__` an own property, so Object.entries sees every stored key.
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value === 'string') data.set(key, value);
  }
  return data;
}

/** Writes `data` to a temp file (mode 0600) in the same directory, then renames it over `filePath`. */
export async function writeFileAtomically(filePath: string, data: Map<string, string>): Promise<void> {
  const directory = dirname(filePath);
  const fileName = basename(filePath);
  const temp = join(directory, `.${fileName}.${randomId()}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    // Object.fromEntries defines own properties, so a `__proto__` key is written as data.
    await handle.writeFile(JSON.stringify(Object.fromEntries(data)));
    await handle.sync();
    await handle.close();
    await rename(temp, filePath);
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
}

/** Keys may hold any character; file names get `[A-Za-z0-9_-]` and `%XX` escapes, hashed when long. */
export function leaseFileName(key: string): string {
  let escaped = '';
  for (const byte of new TextEncoder().encode(key)) {
    const char = String.fromCharCode(byte);
    escaped += /[A-Za-z0-9_-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (escaped.length <= 120) return escaped;
  return `${escaped.slice(0, 40)}-${createHash('sha256').update(key).digest('hex')}`;
}

export function positiveOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`createFileStorage: ${name} must be a positive number of milliseconds`);
  }
  return value;
}
