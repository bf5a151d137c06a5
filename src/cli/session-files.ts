import { chmod, mkdir, readdir, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Letters, digits, `_` and `-`: a file name on every system, and no dot, so no session's files are another's. */
export const SESSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const DEFAULT_SESSION = 'default';

/** `$XDG_STATE_HOME/idpool/sessions` or `~/.local/state/idpool/sessions`. */
export function defaultSessionDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const state = env['XDG_STATE_HOME'];
  const base = state !== undefined && state !== '' ? state : join(homedir(), '.local', 'state');
  return join(base, 'idpool', 'sessions');
}

/** The file a session lives in (an `idpool/storage/file` store: the sign-in and the engine's session). */
export function sessionFile(directory: string, name: string): string {
  if (!SESSION_NAME.test(name)) throw new RangeError(`session name must be letters, digits, "_" or "-" (at most 64), got '${name.slice(0, 70)}'`);
  return join(directory, `${name}.json`);
}

/** Creates the directory, owner-only (0700): it holds refresh tokens. */
export async function prepareSessionDirectory(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to what it creates; an existing sessions directory is ours to tighten.
  await chmod(directory, 0o700);
}

/** Removes a session's file and the lock, lease and temporary files beside it; whether there was one. */
export async function removeSessionFiles(directory: string, name: string): Promise<boolean> {
  const file = `${name}.json`;
  let entries: string[];
  try {
    entries = await readdir(directory);
  } catch {
    return false;
  }
  const ours = entries.filter((entry) => entry === file || entry.startsWith(`${file}.`) || (entry.startsWith(`.${file}.`) && entry.endsWith('.tmp')));
  await Promise.all(ours.map((entry) => rm(join(directory, entry), { force: true })));
  return entries.includes(file);
}
