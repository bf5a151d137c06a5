import { parseArgs } from 'node:util';
import {
  DEFAULT_DEVELOPER_PROVIDER_NAME,
  LOCAL_DEVELOPER_CREDENTIALS,
  startLocalIdentityPool,
  startLocalOidcIssuer,
  type LocalIdentityPool,
  type LocalOidcIssuer,
} from '../local/index';
import { USAGE_ERROR, type CliCommand, type CliIo } from './cli-command';

const HELP = `Usage: idpool local [options]

Runs a local Cognito Identity endpoint and a local OIDC issuer on 127.0.0.1,
for development and tests. No AWS account is used.

Options:
  --pool-port <port>        Cognito Identity endpoint port (default 4000; 0 picks a free one)
  --issuer-port <port>      OIDC issuer port (default 4010; 0 picks a free one)
  --credentials-ttl <secs>  lifetime of issued AWS credentials (default 3600)
  --id-token-ttl <secs>     lifetime of the id tokens 'idpool login' gets (default 3600)
  --allow-guests            allow unauthenticated identities
  -h, --help                show this help

Exit codes: 0 stopped by Ctrl+C or SIGTERM, 1 could not start (e.g. port in use), 2 usage error.`;

const OPAQUE_PROVIDERS = ['graph.facebook.com', 'www.amazon.com'];

function readPort(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new RangeError(`${flag} must be a port number (0-65535), got '${value}'`);
  return port;
}

function readSeconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds <= 0) throw new RangeError(`${flag} must be a positive number of seconds, got '${value}'`);
  return seconds;
}

function describe(pool: LocalIdentityPool, issuer: LocalOidcIssuer, allowGuests: boolean, ttl: number, idTokenTtl: number): string {
  const getIdBody = JSON.stringify({ IdentityPoolId: pool.identityPoolId, Logins: { [issuer.loginsKey]: '<id_token>' } });
  return `idpool local: Cognito Identity and an OIDC issuer on loopback (dev only)

  Cognito endpoint    ${pool.endpoint}
  Identity pool id    ${pool.identityPoolId}
  Region              ${pool.region}
  Guests              ${allowGuests ? 'allowed' : 'not allowed (--allow-guests to allow)'}
  Credentials TTL     ${ttl} s
  STS                 GetCallerIdentity on ${pool.endpoint} for issued credentials

  OIDC issuer         ${issuer.issuer}
  Logins key          ${issuer.loginsKey}
  Client id (aud)     ${issuer.audience}
  Login page          ${issuer.issuer}/authorize?redirect_uri=<your app URL>
  Token endpoint      ${issuer.issuer}/token (code + PKCE, refresh, device; id tokens live ${idTokenTtl} s)
  Opaque providers    ${OPAQUE_PROVIDERS.join(', ')} (subject = token text before ':')
  Developer provider  ${DEFAULT_DEVELOPER_PROVIDER_NAME}
  Developer keys      ${LOCAL_DEVELOPER_CREDENTIALS.accessKeyId} / ${LOCAL_DEVELOPER_CREDENTIALS.secretAccessKey} (local only)

Sign in for the AWS CLI (any username):
  idpool login --issuer ${issuer.issuer} --client-id ${issuer.audience}
  then, in ~/.aws/config: credential_process = <idpool --print-credential-process> credentials --session default \\
      --identity-pool-id ${pool.identityPoolId} --endpoint ${pool.endpoint}
Mint an id token:
  curl '${issuer.issuer}/mint?sub=alice'
Federate it:
  curl ${pool.endpoint} -H 'content-type: application/x-amz-json-1.1' \\
    -H 'x-amz-target: AWSCognitoIdentityService.GetId' -d '${getIdBody}'

Ctrl+C to stop.`;
}

async function runLocal(args: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        'pool-port': { type: 'string' },
        'issuer-port': { type: 'string' },
        'credentials-ttl': { type: 'string' },
        'id-token-ttl': { type: 'string' },
        'allow-guests': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    io.err(`idpool local: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    return USAGE_ERROR;
  }
  if (parsed.help) {
    io.out(HELP);
    return 0;
  }

  let poolPort: number;
  let issuerPort: number;
  let ttl: number | undefined;
  let idTokenTtl: number | undefined;
  try {
    poolPort = readPort(parsed['pool-port'], 4000, '--pool-port');
    issuerPort = readPort(parsed['issuer-port'], 4010, '--issuer-port');
    ttl = readSeconds(parsed['credentials-ttl'], '--credentials-ttl');
    idTokenTtl = readSeconds(parsed['id-token-ttl'], '--id-token-ttl');
    if (idTokenTtl !== undefined && idTokenTtl > 86_400) throw new RangeError('--id-token-ttl must be at most 86400 seconds');
  } catch (error) {
    io.err(`idpool local: ${(error as Error).message}`);
    return USAGE_ERROR;
  }
  const allowGuests = parsed['allow-guests'] === true;

  let issuer: LocalOidcIssuer | undefined;
  let pool: LocalIdentityPool | undefined;
  try {
    issuer = await startLocalOidcIssuer({ port: issuerPort, ...(idTokenTtl === undefined ? {} : { idTokenTtlSeconds: idTokenTtl }) });
    pool = await startLocalIdentityPool({
      port: poolPort,
      allowUnauthenticated: allowGuests,
      ...(ttl === undefined ? {} : { credentialsTtlSeconds: ttl }),
      developerProviderName: DEFAULT_DEVELOPER_PROVIDER_NAME,
      developerCredentials: LOCAL_DEVELOPER_CREDENTIALS,
      providers: {
        [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience },
        ...Object.fromEntries(OPAQUE_PROVIDERS.map((key) => [key, { opaque: true as const }])),
      },
    });
  } catch (error) {
    await issuer?.close();
    const code = (error as { code?: unknown }).code;
    io.err(`idpool local: could not start: ${code === 'EADDRINUSE' ? 'port already in use' : (error as Error).message}`);
    return 1;
  }

  io.out(describe(pool, issuer, allowGuests, ttl ?? 3600, idTokenTtl ?? 3600));
  const signal = await io.stopRequested();
  await Promise.all([pool.close(), issuer.close()]);
  io.out(`idpool local: stopped (${signal})`);
  return 0;
}

/** `idpool local`: the local identity pool and OIDC issuer, until Ctrl+C. */
export const localCommand: CliCommand = {
  name: 'local',
  summary: 'run a local Cognito identity pool and OIDC issuer on 127.0.0.1',
  help: HELP,
  run: runLocal,
};
