import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityClient, GetIdCommand, GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromProcess } from '@aws-sdk/credential-providers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_DEVELOPER_PROVIDER_NAME,
  LOCAL_DEVELOPER_CREDENTIALS,
  startLocalIdentityPool,
  startLocalOidcIssuer,
  type LocalIdentityPool,
  type LocalOidcIssuer,
} from '../../src/local/index';
import { cliArgv, runCliInProcess, spawnCommand } from './cli-harness';

let issuer: LocalOidcIssuer;
let pool: LocalIdentityPool;
let dir: string;

beforeAll(async () => {
  issuer = await startLocalOidcIssuer();
  pool = await startLocalIdentityPool({
    providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience }, 'graph.facebook.com': { opaque: true } },
  });
});
afterAll(async () => {
  await pool.close();
  await issuer.close();
});

const savedCacheHome = process.env['XDG_CACHE_HOME'];
afterEach(async () => {
  if (savedCacheHome === undefined) delete process.env['XDG_CACHE_HOME'];
  else process.env['XDG_CACHE_HOME'] = savedCacheHome;
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), 'idpool-credentials-'));
  return dir;
}

async function identityIdFor(token: string): Promise<string> {
  const cognito = new CognitoIdentityClient({ region: pool.region, endpoint: pool.endpoint, maxAttempts: 1 });
  const { IdentityId } = await cognito.send(new GetIdCommand({ IdentityPoolId: pool.identityPoolId, Logins: { [issuer.loginsKey]: token } }));
  cognito.destroy();
  return IdentityId as string;
}

const gcfi = (): number => pool.stats().requests.GetCredentialsForIdentity ?? 0;

/** The documented credential_process output: exactly these keys, Version 1, ISO-8601 Expiration. */
function expectCredentialProcessJson(stdout: string): Record<string, unknown> {
  const output = JSON.parse(stdout) as Record<string, unknown>;
  expect(Object.keys(output).sort()).toEqual(['AccessKeyId', 'Expiration', 'SecretAccessKey', 'SessionToken', 'Version']);
  expect(output['Version']).toBe(1);
  expect(output['AccessKeyId']).toMatch(/^ASIA[A-Z0-9]{16}$/);
  expect(output['SecretAccessKey']).toMatch(/^\S{40}$/);
  expect(typeof output['SessionToken']).toBe('string');
  expect(output['Expiration']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  expect(Date.parse(output['Expiration'] as string)).toBeGreaterThan(Date.now());
  return output;
}

function awsCliAvailable(): boolean {
  if (process.env['IDPOOL_TEST_NO_AWS_CLI'] === '1') return false;
  const probe = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0;
}

describe('idpool credentials as a credential_process', () => {
  it('the AWS CLI (or, without it, the AWS SDK) signs GetCallerIdentity as the federated identity', async () => {
    const home = await tempDir();
    const token = await issuer.mintToken({ sub: 'cli-user' });
    const tokenFile = join(home, 'id-token.txt');
    await writeFile(tokenFile, `\n  ${token}  \n`, { mode: 0o600 });
    const processLine = [
      ...cliArgv,
      'credentials',
      '--identity-pool-id',
      pool.identityPoolId,
      '--endpoint',
      pool.endpoint,
      '--login',
      `${issuer.loginsKey}=@${tokenFile}`,
    ];
    const configFile = join(home, 'config');
    const credentialsFile = join(home, 'credentials');
    await writeFile(configFile, `[profile p]\ncredential_process = ${processLine.join(' ')}\nregion = us-east-1\n`);
    await writeFile(credentialsFile, '');
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, XDG_CACHE_HOME: join(home, 'cache') };
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE']) delete env[name];
    const identityId = await identityIdFor(token);

    if (awsCliAvailable()) {
      const run = await spawnCommand(
        ['aws', 'sts', 'get-caller-identity', '--profile', 'p', '--endpoint-url', pool.endpoint, '--region', 'us-east-1', '--output', 'json'],
        env,
      );
      expect(run.stderr).not.toContain(token);
      expect(run.code, run.stderr).toBe(0);
      const caller = JSON.parse(run.stdout) as { UserId: string; Arn: string; Account: string };
      expect(caller.UserId.endsWith(`:${identityId}`)).toBe(true);
      expect(caller.Arn).toMatch(/^arn:aws:sts::\d{12}:assumed-role\//);
    } else {
      // No AWS CLI on this machine: run the profile's credential_process exactly as written, check the
      // documented format, then let the AWS SDK's own credential_process support read the same profile.
      const run = await spawnCommand(processLine, env);
      expect(run.code, run.stderr).toBe(0);
      expectCredentialProcessJson(run.stdout);
      const sts = new STSClient({
        region: 'us-east-1',
        endpoint: pool.endpoint,
        maxAttempts: 1,
        credentials: fromProcess({ profile: 'p', configFilepath: configFile, filepath: credentialsFile }),
      });
      const caller = await sts.send(new GetCallerIdentityCommand({}));
      sts.destroy();
      expect(caller.UserId?.endsWith(`:${identityId}`)).toBe(true);
    }
    expect(pool.stats().requests.GetCallerIdentity).toBeGreaterThanOrEqual(1);

    // The credentials were cached in the default place, owner-only, under a name that is not the token.
    const cacheDir = join(home, 'cache', 'idpool');
    expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);
    const [cacheFile, ...others] = await readdir(cacheDir);
    expect(others).toEqual([]);
    expect(cacheFile).toMatch(/^credentials-[0-9a-f]{40}\.json$/);
    expect((await stat(join(cacheDir, cacheFile as string))).mode & 0o777).toBe(0o600);
    const cached = await readFile(join(cacheDir, cacheFile as string), 'utf8');
    expect(cached).not.toContain(token);
    expectCredentialProcessJson(cached);
  });
});

describe('idpool credentials', () => {
  it('prints credential_process JSON and reuses the cache until near expiry', async () => {
    const home = await tempDir();
    process.env['XDG_CACHE_HOME'] = home;
    const token = await issuer.mintToken({ sub: 'cache-user' });
    const args = ['credentials', '--identity-pool-id', pool.identityPoolId, '--endpoint', pool.endpoint, '--login', `${issuer.loginsKey}=${token}`];
    const before = gcfi();

    const first = await runCliInProcess(args);
    expect(first.code, first.stderr).toBe(0);
    const credentials = expectCredentialProcessJson(first.stdout);
    expect(gcfi()).toBe(before + 1);

    const second = await runCliInProcess(args);
    expect(second.stdout).toBe(first.stdout);
    expect(gcfi()).toBe(before + 1);

    // Another user of the same pool gets their own file.
    const other = await runCliInProcess(['credentials', '--identity-pool-id', pool.identityPoolId, '--endpoint', pool.endpoint, '--login', `${issuer.loginsKey}=${await issuer.mintToken({ sub: 'someone-else' })}`]);
    expect(JSON.parse(other.stdout).AccessKeyId).not.toBe(credentials['AccessKeyId']);
    expect(await readdir(join(home, 'idpool'))).toHaveLength(2);

    const uncached = await runCliInProcess([...args, '--no-cache']);
    expect(JSON.parse(uncached.stdout).AccessKeyId).not.toBe(credentials['AccessKeyId']);
    expect(gcfi()).toBe(before + 3);
  });

  it('ignores cached credentials that expire within 5 minutes, and writes --cache-file 0600', async () => {
    const home = await tempDir();
    const cacheFile = join(home, 'creds.json');
    const stale = { Version: 1, AccessKeyId: 'ASIASTALESTALESTALE0', SecretAccessKey: 'x'.repeat(40), SessionToken: 'stale', Expiration: new Date(Date.now() + 4 * 60_000).toISOString() };
    await writeFile(cacheFile, JSON.stringify(stale));
    const before = gcfi();
    const run = await runCliInProcess([
      'credentials',
      '--identity-pool-id',
      pool.identityPoolId,
      '--endpoint',
      pool.endpoint,
      '--login',
      'facebook=fb-user-7:opaque-access-token',
      '--cache-file',
      cacheFile,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).AccessKeyId).not.toBe(stale.AccessKeyId);
    expect(gcfi()).toBe(before + 1);
    expect((await stat(cacheFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(cacheFile, 'utf8'))).toEqual(JSON.parse(run.stdout));
  });

  it('explains bad input on stderr with a non-zero exit, never printing the token', async () => {
    const home = await tempDir();
    const token = await issuer.mintToken({ sub: 'mallory' });
    const expired = await issuer.mintToken({ sub: 'mallory' }, { expiresIn: -60 });
    const base = ['credentials', '--identity-pool-id', pool.identityPoolId, '--endpoint', pool.endpoint, '--no-cache'];
    const cases: Array<{ args: string[]; code: number; stderr: RegExp }> = [
      { args: ['credentials', '--login', `google=${token}`], code: 2, stderr: /--identity-pool-id is required/ },
      { args: ['credentials', '--identity-pool-id', pool.identityPoolId], code: 2, stderr: /--login is required/ },
      { args: [...base, '--login', token], code: 2, stderr: /--login must be KEY=TOKEN or KEY=@file/ },
      { args: [...base, '--login', 'google', token], code: 2, stderr: /unexpected argument \(not shown\)/ },
      { args: [...base, '--login', `a=${token}`, '--login', `b=${token}`], code: 2, stderr: /give one --login/ },
      { args: [...base, '--bogus'], code: 2, stderr: /Unknown option '--bogus'/ },
      { args: ['credentials', '--identity-pool-id', 'not-a-pool', '--login', `google=${token}`, '--no-cache'], code: 1, stderr: /InvalidParameterException: identityPoolId must look like/ },
      { args: [...base, '--login', `${issuer.loginsKey}=@${join(home, 'missing.txt')}`], code: 1, stderr: /cannot read token file '.*missing\.txt' \(ENOENT\)/ },
      { args: [...base, '--login', `${issuer.loginsKey}=${expired}`], code: 1, stderr: /^idpool credentials: NotAuthorizedException: .*expired/m },
      { args: [...base, '--login', `accounts.google.com=${token}`], code: 1, stderr: /NotAuthorizedException/ },
      { args: [...base, '--endpoint', 'not a url', '--login', `google=${token}`], code: 2, stderr: /endpoint/ },
    ];
    for (const { args, code, stderr } of cases) {
      const run = await runCliInProcess(args);
      expect({ args: args.join(' ').slice(0, 80), code: run.code }).toEqual({ args: args.join(' ').slice(0, 80), code });
      expect(run.stderr).toMatch(stderr);
      expect(run.stdout).toBe('');
      for (const secret of [token, expired]) expect(run.stderr).not.toContain(secret);
    }
  });

  it('federates a developer-authenticated identity with --developer-identity-id', async () => {
    const backend = new CognitoIdentityClient({ region: pool.region, endpoint: pool.endpoint, credentials: LOCAL_DEVELOPER_CREDENTIALS, maxAttempts: 1 });
    const { IdentityId, Token } = await backend.send(
      new GetOpenIdTokenForDeveloperIdentityCommand({ IdentityPoolId: pool.identityPoolId, Logins: { [DEFAULT_DEVELOPER_PROVIDER_NAME]: 'user-42' } }),
    );
    backend.destroy();
    const before = pool.stats().requests.GetId ?? 0;
    const run = await runCliInProcess([
      'credentials', '--identity-pool-id', pool.identityPoolId, '--endpoint', pool.endpoint, '--no-cache',
      '--login', `developer=${Token as string}`, '--developer-identity-id', IdentityId as string,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const output = expectCredentialProcessJson(run.stdout);
    expect(pool.stats().requests.GetId ?? 0).toBe(before); // the identity id was given: no GetId
    const sts = new STSClient({
      region: pool.region,
      endpoint: pool.endpoint,
      maxAttempts: 1,
      credentials: { accessKeyId: output['AccessKeyId'] as string, secretAccessKey: output['SecretAccessKey'] as string, sessionToken: output['SessionToken'] as string },
    });
    const caller = await sts.send(new GetCallerIdentityCommand({}));
    sts.destroy();
    expect(caller.UserId?.endsWith(`:${IdentityId as string}`)).toBe(true);
  });

  it('--help lists every option', async () => {
    const run = await runCliInProcess(['credentials', '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--identity-pool-id', '--login', '--region', '--endpoint', '--developer-identity-id', '--cache-file', '--no-cache', 'credential_process']) {
      expect(run.stdout).toContain(flag);
    }
  });
});
