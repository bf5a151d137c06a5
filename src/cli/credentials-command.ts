import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createAuth, decodeJWT, providerLoginsKeys, type Auth } from '../index';
import { USAGE_ERROR, type CliCommand, type CliIo } from './cli-command';
import { toCredentialProcessOutput, type CredentialProcessOutput } from './credential-process-output';
import { cacheFileName, defaultCacheDirectory, readCachedCredentials, writeCachedCredentials } from './credentials-cache';
import { describeError } from './describe-error';
import { parseLoginArgument, readLoginToken, type LoginArgument } from './login-argument';

const HELP = `Usage: idpool credentials --identity-pool-id <id> --login <KEY=TOKEN|KEY=@file> [options]

Federates an identity-provider token into a Cognito identity pool and prints the
temporary AWS credentials as AWS CLI credential_process JSON (Version 1).

In ~/.aws/config:
  [profile app]
  credential_process = idpool credentials --identity-pool-id us-east-1:… --login google=@/path/to/id-token

Options:
  --identity-pool-id <id>         the identity pool, e.g. us-east-1:00000000-0000-0000-0000-000000000000
  --login <KEY=TOKEN|KEY=@file>   provider and token; KEY is a short name (${Object.keys(providerLoginsKeys).join(', ')})
                                  or a Logins key (issuer domain, cognito-idp.<region>.amazonaws.com/<pool>,
                                  SAML provider ARN); @file reads the token from a file (whitespace trimmed).
                                  Prefer @file: other users can see command lines.
  --region <region>               default: the prefix of the identity pool id
  --endpoint <url>                Cognito Identity endpoint (e.g. the one 'idpool local' prints)
  --developer-identity-id <id>    identity id from GetOpenIdTokenForDeveloperIdentity (skips GetId)
  --cache-file <path>             where to cache the credentials (default: a file under
                                  $XDG_CACHE_HOME/idpool or ~/.cache/idpool named by a hash)
  --no-cache                      always call Cognito; read and write no cache
  -h, --help                      show this help

Cached credentials (file mode 0600) are reused until 5 minutes before they expire.
Exit codes: 0 success, 1 Cognito or file error (named on stderr), 2 usage error.`;

interface CredentialsArguments {
  identityPoolId: string;
  login: LoginArgument;
  region?: string;
  endpoint?: string;
  developerIdentityId?: string;
  cacheFile?: string;
  cache: boolean;
}

class UsageError extends Error {}

function parseCredentialsArguments(args: readonly string[]): CredentialsArguments | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      'identity-pool-id': { type: 'string' },
      login: { type: 'string', multiple: true },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      'developer-identity-id': { type: 'string' },
      'cache-file': { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return 'help';
  // A stray argument is often a token split off by the shell: never echo it.
  if (positionals.length > 0) throw new UsageError(`unexpected argument${positionals.length > 1 ? 's' : ''} (not shown); quote --login values`);
  const identityPoolId = values['identity-pool-id'];
  if (identityPoolId === undefined || identityPoolId === '') throw new UsageError('--identity-pool-id is required');
  const logins = values.login ?? [];
  if (logins.length === 0) throw new UsageError('--login is required (KEY=TOKEN or KEY=@file)');
  if (logins.length > 1) throw new UsageError('give one --login: an identity is federated with one provider token at a time');
  let login: LoginArgument;
  try {
    login = parseLoginArgument(logins[0] as string);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values['no-cache'] && values['cache-file'] !== undefined) throw new UsageError('--cache-file and --no-cache exclude each other');
  return {
    identityPoolId,
    login,
    ...(values.region !== undefined ? { region: values.region } : {}),
    ...(values.endpoint !== undefined ? { endpoint: values.endpoint } : {}),
    ...(values['developer-identity-id'] !== undefined ? { developerIdentityId: values['developer-identity-id'] } : {}),
    ...(values['cache-file'] !== undefined ? { cacheFile: values['cache-file'] } : {}),
    cache: !values['no-cache'],
  };
}

function loginsKeyOf(provider: string): string {
  const short = (providerLoginsKeys as Record<string, string>)[provider];
  if (short !== undefined) return short;
  return provider.startsWith('https://') ? provider.slice('https://'.length).replace(/\/$/, '') : provider;
}

/** The token's `sub` when it is a JWT; otherwise a hash of the token (opaque access tokens). */
function subjectOf(token: string): string {
  try {
    const sub = decodeJWT(token).payload.sub;
    if (typeof sub === 'string' && sub !== '') return `sub:${sub}`;
  } catch {
    // Not a JWT: Facebook/Amazon access tokens, SAML assertions.
  }
  return `sha256:${createHash('sha256').update(token).digest('hex')}`;
}

async function federate(parsed: CredentialsArguments, token: string): Promise<CredentialProcessOutput> {
  let auth: Auth | undefined;
  try {
    auth = createAuth({
      identityPoolId: parsed.identityPoolId,
      ...(parsed.region !== undefined ? { region: parsed.region } : {}),
      ...(parsed.endpoint !== undefined ? { endpoint: parsed.endpoint } : {}),
      shareSession: false,
    });
    const { credentials } = await auth.federateToIdentityPool({
      token,
      provider: parsed.login.provider,
      ...(parsed.developerIdentityId !== undefined ? { options: { developerProvidedIdentityId: parsed.developerIdentityId } } : {}),
    });
    return toCredentialProcessOutput(credentials);
  } finally {
    await auth?.stop();
  }
}

async function runCredentials(args: readonly string[], io: CliIo): Promise<number> {
  let parsed: CredentialsArguments | 'help';
  try {
    parsed = parseCredentialsArguments(args);
  } catch (error) {
    io.err(`idpool credentials: ${(error as Error).message}\nRun 'idpool credentials --help' for the options.`);
    return USAGE_ERROR;
  }
  if (parsed === 'help') {
    io.out(HELP);
    return 0;
  }

  try {
    const token = await readLoginToken(parsed.login);
    const cachePath = parsed.cache
      ? (parsed.cacheFile ??
        `${defaultCacheDirectory()}/${cacheFileName({
          identityPoolId: parsed.identityPoolId,
          region: parsed.region ?? '',
          endpoint: parsed.endpoint ?? '',
          loginsKey: loginsKeyOf(parsed.login.provider),
          subject: subjectOf(token),
          developerIdentityId: parsed.developerIdentityId ?? '',
        })}`)
      : undefined;
    const cached = cachePath === undefined ? undefined : await readCachedCredentials(cachePath);
    if (cached !== undefined) {
      io.out(JSON.stringify(cached));
      return 0;
    }
    const output = await federate(parsed, token);
    if (cachePath !== undefined) {
      try {
        await writeCachedCredentials(cachePath, output, parsed.cacheFile === undefined);
      } catch (error) {
        // The credentials are good; a cache that cannot be written only costs a Cognito call next time.
        io.err(`idpool credentials: warning: cannot write cache '${cachePath}' (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    io.out(JSON.stringify(output));
    return 0;
  } catch (error) {
    io.err(`idpool credentials: ${describeError(error)}`);
    return error instanceof TypeError ? USAGE_ERROR : 1;
  }
}

/** `idpool credentials`: AWS CLI `credential_process` output from an identity-pool federation. */
export const credentialsCommand: CliCommand = {
  name: 'credentials',
  summary: 'print AWS credentials for a provider token (AWS CLI credential_process)',
  help: HELP,
  run: runCredentials,
};
