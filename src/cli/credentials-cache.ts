import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseCredentialProcessOutput, type CredentialProcessOutput } from './credential-process-output';

/** Cached credentials are used only while they have at least this long left. */
export const CACHE_MARGIN_MS = 5 * 60_000;

/** What a cache entry is for; the file name is a hash of it (never the token itself). */
export interface CacheIdentity {
  identityPoolId: string;
  region: string;
  endpoint: string;
  loginsKey: string;
  /** The token's `sub`, or a hash of an opaque token. */
  subject: string;
  developerIdentityId: string;
}

/** `$XDG_CACHE_HOME/idpool` or `~/.cache/idpool`. */
export function defaultCacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CACHE_HOME'] !== undefined && env['XDG_CACHE_HOME'] !== '' ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
  return join(base, 'idpool');
}

export function cacheFileName(identity: CacheIdentity): string {
  const fields = [identity.identityPoolId, identity.region, identity.endpoint, identity.loginsKey, identity.subject, identity.developerIdentityId];
  return `credentials-${createHash('sha256').update(JSON.stringify(fields)).digest('hex').slice(0, 40)}.json`;
}

/** The cached credentials if the file holds some with more than `CACHE_MARGIN_MS` left. */
export async function readCachedCredentials(path: string, now = Date.now()): Promise<CredentialProcessOutput | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const cached = parseCredentialProcessOutput(text);
  if (cached === undefined || Date.parse(cached.Expiration) - now <= CACHE_MARGIN_MS) return undefined;
  return cached;
}

/**
 * Writes the credentials readable by the owner only (file 0600, directory 0700), through a
 * temporary file and a rename so a concurrent reader never sees half a file.
 */
export async function writeCachedCredentials(path: string, output: CredentialProcessOutput, ownDirectory: boolean): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to directories it creates; the idpool cache directory is ours to tighten.
  if (ownDirectory) await chmod(directory, 0o700);
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(output)}\n`, { mode: 0o600, flag: 'w' });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Drops an entry the pool refused; a missing file is no error. */
export async function removeCachedCredentials(path: string): Promise<void> {
  await rm(path, { force: true });
}
