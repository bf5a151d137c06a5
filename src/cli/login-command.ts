import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createFileStorage } from '../storage/file-storage';
import { USAGE_ERROR, type CliCommand, type CliIo } from './cli-command';
import { openBrowser } from './browser-opener';
import { signInWithDevice } from './device-sign-in';
import { describeError } from './describe-error';
import { writeLoginRecord, type LoginRecord } from './login-record';
import { signInWithBrowser, type TokenResponse } from './loopback-sign-in';
import { discoverIssuer, loginScope, parseIssuerUrl } from './oidc-client';
import { DEFAULT_SESSION, defaultSessionDirectory, prepareSessionDirectory, removeSessionFiles, SESSION_NAME, sessionFile } from './session-files';
import { shellCommand } from './shell-quote';
import { asUsageError, printable, UsageError } from './usage-error';

const HELP = `Usage: idpool login --issuer <url> --client-id <id> [options]

Signs in with an OpenID Connect provider and keeps the sign-in as a session for
'idpool credentials --session <name>', which renews the id token by itself.

  Browser (default): the authorization code flow with PKCE; idpool listens on
  http://127.0.0.1:<port>/callback, opens your browser and prints the URL.
  --device: the device authorization grant, for machines without a browser;
  idpool prints a URL and a code to enter on any device.

The provider must know the client: a native/desktop (public) client whose redirect
URIs allow http://127.0.0.1/callback on any port, or a confidential one with
--client-secret. idpool asks for the scopes openid and, where the provider lists
it, offline_access (a refresh token); without a refresh token the session ends
when the id token expires.

The session (refresh token, id token) is kept in
$XDG_STATE_HOME/idpool/sessions/<name>.json (default ~/.local/state/...),
file mode 0600 in a 0700 directory. No token is ever printed.

Options:
  --issuer <url>            the provider's issuer URL (https; http only on loopback)
  --client-id <id>          the OAuth client id registered with the provider
  --client-secret <s|@file> a confidential client's secret, or @file to read it from
                            a file (prefer @file: other users can see command lines)
  --session <name>          session name (letters, digits, _ and -; default '${DEFAULT_SESSION}')
  --scope <scopes>          extra scopes, space-separated (e.g. 'profile email')
  --auth-param <name=value> an extra authorization request parameter, repeatable (Google
                            gives a refresh token for access_type=offline, not offline_access)
  --device                  use the device authorization grant (RFC 8628)
  --browser <program>       program that opens the sign-in URL (default: $IDPOOL_BROWSER,
                            else xdg-open / open); it gets the URL as its one argument
  --no-browser              only print the URL
  --port <port>             loopback port for the redirect (default: an ephemeral one)
  --timeout <secs>          how long to wait for the sign-in (default 300)
  -h, --help                show this help

Exit codes: 0 signed in, 1 sign-in refused, failed or timed out (reason on stderr),
2 usage error, 130 interrupted.`;

interface LoginArguments {
  issuer: URL;
  clientId: string;
  clientSecret?: string;
  session: string;
  extraScopes: string[];
  authParams: Array<[string, string]>;
  device: boolean;
  browser: string | undefined;
  openBrowser: boolean;
  port: number;
  timeoutMs: number;
}

/** Parameters the flow itself sets: an --auth-param must not override its security checks. */
const RESERVED_PARAMS = new Set(['client_id', 'redirect_uri', 'response_type', 'response_mode', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'request', 'request_uri']);

function wholeNumber(value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  return Number(value);
}

async function readSecret(value: string | undefined): Promise<string | undefined> {
  if (value === undefined) return undefined;
  if (!value.startsWith('@')) return value;
  let text: string;
  try {
    text = await readFile(value.slice(1), 'utf8');
  } catch (error) {
    throw new Error(`cannot read the client secret file '${value.slice(1)}' (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (text.trim() === '') throw new Error(`the client secret file '${value.slice(1)}' is empty`);
  return text.trim();
}

function parseLoginArguments(args: readonly string[], env: NodeJS.ProcessEnv): (LoginArguments & { secretArgument?: string }) | 'help' {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      session: { type: 'string' },
      scope: { type: 'string' },
      'auth-param': { type: 'string', multiple: true },
      device: { type: 'boolean', default: false },
      browser: { type: 'string' },
      'no-browser': { type: 'boolean', default: false },
      port: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError('unexpected argument (not shown)');
  if (values.issuer === undefined) throw new UsageError('--issuer is required');
  const clientId = values['client-id'];
  if (clientId === undefined || clientId === '') throw new UsageError('--client-id is required');
  if (values['client-secret'] === '') throw new UsageError('--client-secret is empty');
  const session = values.session ?? DEFAULT_SESSION;
  if (!SESSION_NAME.test(session)) throw new UsageError('--session must be letters, digits, "_" or "-" (at most 64)');
  if (values['no-browser'] && values.browser !== undefined) throw new UsageError('--browser and --no-browser exclude each other');
  if (values.device && values.port !== undefined) throw new UsageError('--port is for the browser sign-in, not --device');
  let issuer: URL;
  try {
    issuer = parseIssuerUrl(values.issuer);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const extraScopes = (values.scope ?? '').split(' ').filter((scope) => scope !== '');
  if (extraScopes.some((scope) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))) throw new UsageError('--scope must be space-separated scope names');
  const authParams = (values['auth-param'] ?? []).map((text): [string, string] => {
    const split = text.indexOf('=');
    const name = text.slice(0, split);
    if (split <= 0 || !/^[A-Za-z0-9_.-]{1,64}$/.test(name)) throw new UsageError('--auth-param must be name=value');
    if (RESERVED_PARAMS.has(name)) throw new UsageError(`--auth-param ${name}: idpool sets that parameter itself`);
    return [name, text.slice(split + 1)];
  });
  if (values.device && authParams.length > 0) throw new UsageError('--auth-param is for the browser sign-in, not --device');
  return {
    issuer,
    clientId,
    authParams,
    ...(values['client-secret'] === undefined ? {} : { secretArgument: values['client-secret'] }),
    session,
    extraScopes,
    device: values.device === true,
    browser: values.browser ?? env['IDPOOL_BROWSER'],
    openBrowser: values['no-browser'] !== true,
    port: wholeNumber(values.port, '--port', 0, 0, 65535),
    timeoutMs: wholeNumber(values.timeout, '--timeout', 300, 1, 3600) * 1000,
  };
}

/** Runs the sign-in the arguments ask for and returns the provider's tokens. */
async function signIn(parsed: LoginArguments, io: CliIo, signal: AbortSignal): Promise<{ tokens: TokenResponse; scope: string; issuer: string }> {
  const config = await discoverIssuer(parsed.issuer, parsed.clientId, parsed.clientSecret);
  const scope = loginScope(config, parsed.extraScopes);
  const issuer = config.serverMetadata().issuer;
  io.out(`idpool login: signing in to ${printable(issuer)} as client ${printable(parsed.clientId)} (session '${parsed.session}')`);
  const tokens = parsed.device
    ? await signInWithDevice({
        config,
        scope,
        timeoutMs: parsed.timeoutMs,
        signal,
        announce: ({ verificationUri, verificationUriComplete, userCode, expiresInS }) => {
          io.out(`To sign in, open ${printable(verificationUri, 2000)} and enter the code ${printable(userCode, 40)}`);
          if (verificationUriComplete !== undefined) io.out(`  (or open ${printable(verificationUriComplete, 2000)})`);
          io.out(`Waiting for you to approve (the code expires in ${Math.round(expiresInS)} s)…`);
        },
      })
    : await signInWithBrowser({
        config,
        scope,
        port: parsed.port,
        timeoutMs: parsed.timeoutMs,
        extraParams: parsed.authParams,
        signal,
        announce: async (url) => {
          const opened = parsed.openBrowser && (await openBrowser(url, parsed.browser));
          io.out(opened ? 'Your browser has been opened to sign in. If it did not open, go to:' : 'To sign in, open this URL in your browser:');
          io.out(`  ${url}`);
          io.out(`Waiting for the sign-in (up to ${Math.round(parsed.timeoutMs / 1000)} s)…`);
        },
      });
  return { tokens, scope, issuer };
}

function loginRecordOf(parsed: LoginArguments, signedIn: { tokens: TokenResponse; scope: string; issuer: string }): LoginRecord {
  const { tokens } = signedIn;
  const claims = tokens.claims();
  if (tokens.id_token === undefined || claims === undefined) throw new Error('the identity provider returned no id token; is "openid" an allowed scope?');
  const name = [claims['preferred_username'], claims['email'], claims.sub].find((value): value is string => typeof value === 'string' && value !== '') ?? claims.sub;
  return {
    version: 1,
    issuer: signedIn.issuer,
    clientId: parsed.clientId,
    ...(parsed.clientSecret === undefined ? {} : { clientSecret: parsed.clientSecret }),
    scope: tokens.scope ?? signedIn.scope,
    ...(tokens.refresh_token === undefined ? {} : { refreshToken: tokens.refresh_token }),
    idToken: tokens.id_token,
    idTokenExpiresAt: claims.exp * 1000,
    subject: claims.sub,
    displayName: printable(name, 100),
  };
}

async function saveSession(name: string, record: LoginRecord): Promise<string> {
  const directory = defaultSessionDirectory();
  await prepareSessionDirectory(directory);
  // A new sign-in starts a new session: nothing of the previous one (another user, maybe) is kept.
  await removeSessionFiles(directory, name);
  const path = sessionFile(directory, name);
  const storage = createFileStorage(path, { watch: false });
  try {
    await writeLoginRecord(storage, record);
  } finally {
    await storage.close();
  }
  return path;
}

async function runLogin(args: readonly string[], io: CliIo): Promise<number> {
  let parsed: LoginArguments;
  let secretArgument: string | undefined;
  try {
    const read = parseLoginArguments(args, process.env);
    if (read === 'help') {
      io.out(HELP);
      return 0;
    }
    secretArgument = read.secretArgument;
    parsed = read;
  } catch (error) {
    io.err(`idpool login: ${asUsageError(error).message}\nRun 'idpool login --help' for the options.`);
    return USAGE_ERROR;
  }

  const abort = new AbortController();
  let interrupted = false;
  void io.stopRequested().then(() => {
    interrupted = true;
    abort.abort();
  });
  try {
    const clientSecret = await readSecret(secretArgument);
    if (clientSecret !== undefined) parsed = { ...parsed, clientSecret };
    const signedIn = await signIn(parsed, io, abort.signal);
    const record = loginRecordOf(parsed, signedIn);
    const path = await saveSession(parsed.session, record);
    const expires = new Date(record.idTokenExpiresAt).toISOString().slice(11, 19);
    io.out(`Signed in as ${record.displayName}. Session '${parsed.session}' saved in ${path}`);
    io.out(
      record.refreshToken === undefined
        ? `  The provider gave no refresh token: the session ends when the id token expires (${expires} UTC).`
        : `  The id token (expires ${expires} UTC) is renewed with the refresh token when needed.`,
    );
    io.out('Use it from any AWS CLI profile or SDK (~/.aws/config):');
    io.out(`  credential_process = ${shellCommand([...io.selfCommand, 'credentials', '--session', parsed.session, '--identity-pool-id', '<identity pool id>'])}`);
    return 0;
  } catch (error) {
    if (interrupted) {
      io.err('idpool login: stopped');
      return 130;
    }
    io.err(`idpool login: ${describeError(error)}`);
    return 1;
  }
}

/** `idpool login`: an OIDC sign-in (browser with PKCE, or device code) kept as a session for `idpool credentials`. */
export const loginCommand: CliCommand = {
  name: 'login',
  summary: 'sign in with an OIDC provider and keep the session for credentials --session',
  help: HELP,
  run: runLogin,
};
