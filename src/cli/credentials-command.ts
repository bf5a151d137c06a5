import { createHash } from 'node:crypto';
import { createAuth, decodeJWT, providerLoginsKeys, type Auth } from '../index';
import { LOGIN_REQUIRED, USAGE_ERROR, type CliCommand, type CliIo } from './cli-command';
import { checkCredentials } from './caller-identity-check';
import { parseCredentialsArguments, type CredentialsArguments } from './credentials-arguments';
import { toCredentialProcessOutput, type CredentialProcessOutput } from './credential-process-output';
import { cacheFileName, defaultCacheDirectory, readCachedCredentials, removeCachedCredentials, writeCachedCredentials } from './credentials-cache';
import { describeError } from './describe-error';
import { LoginRequiredError } from './id-token-renewer';
import { readLoginToken, type LoginArgument } from './login-argument';
import { sessionCredentials } from './session-credentials';
import { asUsageError } from './usage-error';

const HELP = `Usage: idpool credentials --identity-pool-id <id> --session <name> [options]
       idpool credentials --identity-pool-id <id> --login <KEY=TOKEN|KEY=@file> [options]

Federates an identity-provider sign-in into a Cognito identity pool and prints the
temporary AWS credentials as AWS CLI credential_process JSON (Version 1).

--session uses a sign-in made by 'idpool login': the id token is renewed with the
refresh token when it expires, so the profile keeps working without you. --login
federates a token you obtained yourself.

In ~/.aws/config, with the absolute command 'idpool --print-credential-process' prints
(the AWS CLI runs it from its own directory, where npx would not find idpool):
  [profile app]
  credential_process = /usr/bin/node /usr/local/bin/idpool credentials --session default --identity-pool-id us-east-1:…

Options:
  --identity-pool-id <id>         the identity pool, e.g. us-east-1:00000000-0000-0000-0000-000000000000
  --session <name>                a session from 'idpool login --session <name>'
  --login <KEY=TOKEN|KEY=@file>   provider and token; KEY is a short name (${Object.keys(providerLoginsKeys).join(', ')})
                                  or a Logins key (issuer domain, cognito-idp.<region>.amazonaws.com/<pool>,
                                  SAML provider ARN); @file reads the token from a file (whitespace trimmed).
                                  Prefer @file: other users can see command lines.
  --region <region>               default: the prefix of the identity pool id
  --endpoint <url>                Cognito Identity endpoint (e.g. the one 'idpool local' prints)
  --developer-identity-id <id>    with --login: identity id from GetOpenIdTokenForDeveloperIdentity (skips GetId)
  --cache-file <path>             with --login: where to cache the credentials (default: a file under
                                  $XDG_CACHE_HOME/idpool or ~/.cache/idpool named by a hash)
  --no-cache                      with --login: always call Cognito; read and write no cache
  -h, --help                      show this help

Credentials (file mode 0600) are reused until 5 minutes before they expire: in the session
file with --session, in the cache with --login; each pool and endpoint has its own.
With --endpoint, reused credentials are first checked with that endpoint's STS
GetCallerIdentity; credentials it refuses (a restarted local pool) are replaced.

Exit codes: 0 success, 1 Cognito, provider or file error (named on stderr), 2 usage error,
3 no session, or its sign-in cannot be renewed: run 'idpool login' again.`;

function loginsKeyOf(provider: string): string {
  const short = new Map(Object.entries(providerLoginsKeys)).get(provider);
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

async function federate(parsed: CredentialsArguments, login: LoginArgument, token: string, developerIdentityId?: string): Promise<CredentialProcessOutput> {
  let auth: Auth | undefined;
  try {
    auth = createAuth({
      identityPoolId: parsed.identityPoolId,
      region: parsed.region,
      ...(parsed.endpoint !== undefined ? { endpoint: parsed.endpoint } : {}),
      shareSession: false,
    });
    const { credentials } = await auth.federateToIdentityPool({
      token,
      provider: login.provider,
      ...(developerIdentityId !== undefined ? { options: { developerProvidedIdentityId: developerIdentityId } } : {}),
    });
    return toCredentialProcessOutput(credentials);
  } finally {
    await auth?.stop();
  }
}

/** `--login`: cached credentials while they last (and, with `--endpoint`, while its STS honours them), else a federation. */
async function loginCredentials(parsed: CredentialsArguments, io: CliIo): Promise<CredentialProcessOutput> {
  if (parsed.source.kind !== 'login') throw new TypeError('not a --login source');
  const { login, cacheFile, cache, developerIdentityId } = parsed.source;
  const token = await readLoginToken(login);
  const cachePath = cache
    ? (cacheFile ??
      `${defaultCacheDirectory()}/${cacheFileName({
        identityPoolId: parsed.identityPoolId,
        region: parsed.region,
        endpoint: parsed.endpoint ?? '',
        loginsKey: loginsKeyOf(login.provider),
        subject: subjectOf(token),
        developerIdentityId: developerIdentityId ?? '',
      })}`)
    : undefined;
  const cached = cachePath === undefined ? undefined : await readCachedCredentials(cachePath);
  if (cached !== undefined && cachePath !== undefined) {
    const check = parsed.endpoint === undefined ? undefined : await checkCredentials(parsed.endpoint, parsed.region, cached);
    if (check?.kind !== 'rejected') return cached;
    io.err(`idpool credentials: the cached credentials were refused (${check.code}); federating again`);
    await removeCachedCredentials(cachePath);
  }
  const output = await federate(parsed, login, token, developerIdentityId);
  if (cachePath !== undefined) {
    try {
      await writeCachedCredentials(cachePath, output, cacheFile === undefined);
    } catch (error) {
      // The credentials are good; a cache that cannot be written only costs a Cognito call next time.
      io.err(`idpool credentials: warning: cannot write cache '${cachePath}' (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  return output;
}

async function runCredentials(args: readonly string[], io: CliIo): Promise<number> {
  let parsed: CredentialsArguments | 'help';
  try {
    parsed = parseCredentialsArguments(args);
  } catch (error) {
    io.err(`idpool credentials: ${asUsageError(error).message}\nRun 'idpool credentials --help' for the options.`);
    return USAGE_ERROR;
  }
  if (parsed === 'help') {
    io.out(HELP);
    return 0;
  }
  const { source } = parsed;
  try {
    if (source.kind === 'login') {
      io.out(JSON.stringify(await loginCredentials(parsed, io)));
      return 0;
    }
    const result = await sessionCredentials({ session: source.session, identityPoolId: parsed.identityPoolId, region: parsed.region, ...(parsed.endpoint === undefined ? {} : { endpoint: parsed.endpoint }) });
    if (result.replacedRejected !== undefined) io.err(`idpool credentials: the session's credentials were refused (${result.replacedRejected}); replaced them`);
    io.out(JSON.stringify(result.output));
    return 0;
  } catch (error) {
    if (error instanceof LoginRequiredError) {
      const session = source.kind === 'session' ? source.session : 'default';
      io.err(`idpool credentials: ${error.message}; run \`idpool login --session ${session} --issuer … --client-id …\` again`);
      return LOGIN_REQUIRED;
    }
    io.err(`idpool credentials: ${describeError(error)}`);
    return 1;
  }
}

/** `idpool credentials`: AWS CLI `credential_process` output from an identity-pool federation. */
export const credentialsCommand: CliCommand = {
  name: 'credentials',
  summary: 'print AWS credentials for a session or a provider token (AWS CLI credential_process)',
  help: HELP,
  run: runCredentials,
};
