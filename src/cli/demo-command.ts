import { filter, firstValueFrom } from 'rxjs';
import { parseArgs } from 'node:util';
import { createAuth, type Auth, type AuthEvent } from '../index';
import { startLocalIdentityPool, startLocalOidcIssuer, type LocalIdentityPool, type LocalOidcIssuer } from '../local/index';
import { USAGE_ERROR, type CliCommand, type CliIo } from './cli-command';
import { describeError } from './describe-error';
import { formatEvent, formatExpiration, formatState } from './format-auth-output';
import { TerminalOutput } from './terminal-output';

const HELP = `Usage: idpool demo [options]

Walks through an idpool session on a local identity pool and OIDC issuer started
in this process (no AWS account, nothing leaves 127.0.0.1):

  1. federate  an id token from the local issuer → identity id + AWS credentials
  2. fetch     fetchAuthSession() serves the cached credentials, no Cognito call
  3. refresh   waits while idpool refreshes the credentials ahead of expiry, by itself
  4. clear     clearFederationToIdentityPool() ends the session

Every state change (auth.state$) and event (auth.events$) is printed as it
happens. Identity ids, providers and expirations are shown; tokens and AWS keys
never are. Ends by itself in about <ttl - refresh-ahead> seconds (15 by default).

Options:
  --credentials-ttl <secs>   lifetime of the pool's credentials (default 20)
  --refresh-ahead <secs>     how long before expiry idpool refreshes (default 5)
  -h, --help                 show this help

Exit codes: 0 the story ran to its end, 1 a step failed (named on stderr), 2 usage error,
130 interrupted.`;

const DEMO_SUBJECT = 'demo-user';

interface DemoOptions {
  ttlSeconds: number;
  refreshAheadSeconds: number;
}

function positiveSeconds(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new RangeError(`${flag} must be a positive whole number of seconds, got '${value}'`);
  return Number(value);
}

function parseDemoArguments(args: readonly string[]): DemoOptions | 'help' {
  const { values } = parseArgs({
    args: [...args],
    options: {
      'credentials-ttl': { type: 'string' },
      'refresh-ahead': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const ttlSeconds = positiveSeconds(values['credentials-ttl'], 20, '--credentials-ttl');
  const refreshAheadSeconds = positiveSeconds(values['refresh-ahead'], 5, '--refresh-ahead');
  if (refreshAheadSeconds >= ttlSeconds) throw new RangeError('--refresh-ahead must be shorter than --credentials-ttl');
  return { ttlSeconds, refreshAheadSeconds };
}

const isRefreshOutcome = (event: AuthEvent): boolean =>
  event.type === 'credentialsRefreshed' || event.type === 'credentialsRefresh_failure' || event.type === 'sessionExpired';

class Interrupted extends Error {}

/** What the story started, for the command to stop whatever way the story ends. */
interface Started {
  issuer?: LocalOidcIssuer;
  pool?: LocalIdentityPool;
  auth?: Auth;
  ticker?: ReturnType<typeof setInterval>;
}

async function story(options: DemoOptions, out: TerminalOutput, started: Started): Promise<void> {
  out.line('idpool demo: federate → fetch → refresh → clear, on a local identity pool');
  let stopSpinner = out.spin('starting a local identity pool and OIDC issuer on 127.0.0.1');
  const issuer = (started.issuer = await startLocalOidcIssuer());
  const pool = (started.pool = await startLocalIdentityPool({
    credentialsTtlSeconds: options.ttlSeconds,
    providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } },
  }));
  stopSpinner();
  out.line(`  identity pool   ${pool.identityPoolId} at ${pool.endpoint}`);
  out.line(`  OIDC issuer     ${issuer.issuer} (Logins key ${issuer.loginsKey})`);
  out.line(`  credentials     last ${options.ttlSeconds} s; idpool refreshes them ${options.refreshAheadSeconds} s before they expire`);
  out.line('');

  const auth = (started.auth = createAuth({
    identityPoolId: pool.identityPoolId,
    endpoint: pool.endpoint,
    refreshAheadMs: options.refreshAheadSeconds * 1000,
    shareSession: false,
  }));
  const startedAt = Date.now();
  const elapsed = (): string => `+${((Date.now() - startedAt) / 1000).toFixed(1).padStart(4)}s`;
  auth.state$.subscribe((state) => out.line(`${elapsed()}  ${formatState(state)}`));
  auth.events$.subscribe((event) => out.line(`${elapsed()}  ${formatEvent(event)}`));
  await firstValueFrom(auth.state$.pipe(filter((state) => state.value !== 'restoring')));
  const cognitoCalls = (): number => pool.stats().requests.GetCredentialsForIdentity ?? 0;

  out.line('');
  out.line(`1. federate: an id token for "${DEMO_SUBJECT}" from the local issuer → auth.federateToIdentityPool()`);
  const token = await issuer.mintToken({ sub: DEMO_SUBJECT });
  stopSpinner = out.spin('GetId, then GetCredentialsForIdentity');
  const federated = await auth.federateToIdentityPool({ token, provider: issuer.loginsKey });
  stopSpinner();
  out.line(`   → identity ${federated.identityId}, credentials expire ${formatExpiration(federated.credentials.expiration.getTime())}`);

  out.line('');
  out.line('2. fetch: auth.fetchAuthSession()');
  const before = cognitoCalls();
  const fetched = await auth.fetchAuthSession();
  out.line(
    `   → identity ${fetched.identityId ?? '-'}, provider ${fetched.federatedProvider ?? '-'}, ` +
      `expires ${fetched.credentials ? formatExpiration(fetched.credentials.expiration.getTime()) : '-'}; ` +
      `Cognito calls: ${cognitoCalls() - before} (served from the cache)`,
  );

  out.line('');
  const refreshAt = federated.credentials.expiration.getTime() - options.refreshAheadSeconds * 1000;
  out.line(`3. refresh: nothing to call; idpool refreshes by itself at ${formatExpiration(refreshAt)}`);
  const outcome = firstValueFrom(auth.events$.pipe(filter(isRefreshOutcome)));
  const countdown = (): string => `waiting for the refresh-ahead timer (${Math.max(0, Math.round((refreshAt - Date.now()) / 1000))} s)`;
  stopSpinner = out.spin(countdown());
  const ticker = (started.ticker = setInterval(() => out.update(countdown()), 1000));
  const refreshed = await outcome.finally(() => {
    clearInterval(ticker);
    stopSpinner();
  });
  if (refreshed.type !== 'credentialsRefreshed') throw new Error(`the refresh did not succeed (${refreshed.type})`);
  const after = await auth.fetchAuthSession();
  out.line(
    `   → same identity ${after.identityId === federated.identityId ? 'yes' : 'no'}, ` +
      `new credentials expire ${after.credentials ? formatExpiration(after.credentials.expiration.getTime()) : '-'}`,
  );

  out.line('');
  out.line('4. clear: auth.clearFederationToIdentityPool()');
  await auth.clearFederationToIdentityPool();
  const cleared = await auth.fetchAuthSession();
  out.line(`   → fetchAuthSession() now has ${cleared.credentials ? 'credentials (unexpected)' : 'no credentials and no identity'}`);

  const { requests } = pool.stats();
  out.line('');
  out.line(`done: Cognito saw GetId ×${requests.GetId ?? 0}, GetCredentialsForIdentity ×${requests.GetCredentialsForIdentity ?? 0}`);
}

async function runDemo(args: readonly string[], io: CliIo): Promise<number> {
  let options: DemoOptions | 'help';
  try {
    options = parseDemoArguments(args);
  } catch (error) {
    io.err(`idpool demo: ${(error as Error).message}\nRun 'idpool demo --help' for the options.`);
    return USAGE_ERROR;
  }
  if (options === 'help') {
    io.out(HELP);
    return 0;
  }

  const tty = process.stdout.isTTY === true;
  const out = new TerminalOutput(io.out, tty ? (text) => process.stdout.write(text) : undefined);
  const started: Started = {};
  const running = story(options, out, started);
  const interrupted = io.stopRequested().then((signal) => {
    throw new Interrupted(signal);
  });
  running.catch(() => undefined);
  interrupted.catch(() => undefined);
  try {
    await Promise.race([running, interrupted]);
    return 0;
  } catch (error) {
    if (error instanceof Interrupted) {
      out.line(`idpool demo: stopped (${error.message})`);
      return 130;
    }
    out.line('');
    io.err(`idpool demo: ${describeError(error)}`);
    return 1;
  } finally {
    clearInterval(started.ticker);
    out.close();
    await started.auth?.stop();
    await Promise.all([started.pool?.close(), started.issuer?.close()]);
  }
}

/** `idpool demo` (`npm start`): the whole federation story on a local pool, narrated. */
export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'walk through federate → fetch → refresh → clear on a local identity pool',
  help: HELP,
  run: runDemo,
};
