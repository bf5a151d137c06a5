import { readFile } from 'node:fs/promises';

/** A `--login KEY=TOKEN` (or `KEY=@file`) argument, split; the token is read later. */
export interface LoginArgument {
  provider: string;
  /** The token as given, or the file to read it from. */
  source: { kind: 'inline'; token: string } | { kind: 'file'; path: string };
}

/** Parses `KEY=TOKEN` / `KEY=@file`; throws a message that never quotes the token. */
export function parseLoginArgument(value: string): LoginArgument {
  const split = value.indexOf('=');
  if (split <= 0) throw new Error("--login must be KEY=TOKEN or KEY=@file (e.g. google=@id-token.txt)");
  const provider = value.slice(0, split).trim();
  const rest = value.slice(split + 1);
  if (provider === '') throw new Error('--login: the provider KEY before "=" is empty');
  if (rest.startsWith('@')) {
    const path = rest.slice(1);
    if (path === '') throw new Error(`--login ${provider}=@: the file name after "@" is missing`);
    return { provider, source: { kind: 'file', path } };
  }
  if (rest.trim() === '') throw new Error(`--login ${provider}=: the token after "=" is empty`);
  return { provider, source: { kind: 'inline', token: rest.trim() } };
}

/** The token: inline, or read from the file with surrounding whitespace trimmed. */
export async function readLoginToken(login: LoginArgument): Promise<string> {
  if (login.source.kind === 'inline') return login.source.token;
  const { path } = login.source;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`cannot read token file '${path}' (${code})`);
  }
  const token = text.trim();
  if (token === '') throw new Error(`token file '${path}' is empty`);
  return token;
}
