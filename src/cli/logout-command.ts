import { parseArgs } from 'node:util';
import * as oidc from 'openid-client';
import { createFileStorage } from '../storage/file-storage';
import { USAGE_ERROR, type CliCommand, type CliIo } from './cli-command';
import { describeError } from './describe-error';
import { readLoginRecord, type LoginRecord } from './login-record';
import { discoverIssuer, toProviderError } from './oidc-client';
import { DEFAULT_SESSION, defaultSessionDirectory, removeSessionFiles, SESSION_NAME, sessionFile } from './session-files';
import { asUsageError, UsageError } from './usage-error';

const HELP = `Usage: idpool logout [--session <name>] [--no-revoke]

Ends a session made by 'idpool login': revokes its refresh token at the provider
(when the provider has a revocation endpoint) and deletes the session file with
the credentials cached in it. AWS credentials already handed out stay valid until
they expire; that is how temporary credentials work.

Options:
  --session <name>   the session (default '${DEFAULT_SESSION}')
  --no-revoke        only delete the local session; do not contact the provider
  -h, --help         show this help

Exit codes: 0 signed out (or there was no such session), 1 the session file could not
be removed, 2 usage error. A failed revocation is a warning: the file is deleted anyway.`;

async function revoke(record: LoginRecord): Promise<string> {
  if (record.refreshToken === undefined) return 'there was no refresh token to revoke';
  const config = await discoverIssuer(new URL(record.issuer), record.clientId, record.clientSecret);
  if (config.serverMetadata().revocation_endpoint === undefined) return 'the provider has no revocation endpoint; its refresh token lapses by itself';
  try {
    await oidc.tokenRevocation(config, record.refreshToken, { token_type_hint: 'refresh_token' });
  } catch (error) {
    throw toProviderError(error, 'revoking the refresh token');
  }
  return 'refresh token revoked at the provider';
}

async function runLogout(args: readonly string[], io: CliIo): Promise<number> {
  let session: string;
  let revokeToken: boolean;
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: {
        session: { type: 'string' },
        'no-revoke': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    if (values.help) {
      io.out(HELP);
      return 0;
    }
    if (positionals.length > 0) throw new UsageError('unexpected argument');
    session = values.session ?? DEFAULT_SESSION;
    if (!SESSION_NAME.test(session)) throw new UsageError('--session must be letters, digits, "_" or "-" (at most 64)');
    revokeToken = values['no-revoke'] !== true;
  } catch (error) {
    io.err(`idpool logout: ${asUsageError(error).message}\nRun 'idpool logout --help' for the options.`);
    return USAGE_ERROR;
  }

  const directory = defaultSessionDirectory();
  let note = 'nothing revoked (--no-revoke)';
  if (revokeToken) {
    const storage = createFileStorage(sessionFile(directory, session), { watch: false });
    try {
      const record = await readLoginRecord(storage);
      if (record !== undefined) note = await revoke(record);
    } catch (error) {
      note = 'the refresh token could not be revoked';
      io.err(`idpool logout: warning: ${describeError(error)}`);
    } finally {
      await storage.close();
    }
  }
  try {
    const existed = await removeSessionFiles(directory, session);
    io.out(existed ? `Signed out of session '${session}' (${note}).` : `There is no session '${session}'.`);
    return 0;
  } catch (error) {
    io.err(`idpool logout: cannot remove the session file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return 1;
  }
}

/** `idpool logout`: revokes a session's refresh token and deletes its file. */
export const logoutCommand: CliCommand = {
  name: 'logout',
  summary: 'end a session: revoke its refresh token, delete it and its cached credentials',
  help: HELP,
  run: runLogout,
};
