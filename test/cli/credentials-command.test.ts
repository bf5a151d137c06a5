import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityClient, GetIdCommand, GetOpenIdTokenForDeveloperIdentityCommand } from '@aws-sdk/client-cognito-identity';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_DEVELOPER_PROVIDER_NAME,
  LOCAL_DEVELOPER_CREDENTIALS,
  startLocalIdentityPool,
  startLocalOidcIssuer,
  type LocalIdentityPool,
  type LocalOidcIssuer,
} from '../../src/local/index';
import { runCliInProcess, spawnCommand } from './cli-harness';

/** Debian's AWS CLI (`.ci/run` installs it), not whatever `aws` a user-level PATH finds first. */
const AWS = '/usr/bin/aws';

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

describe('idpool credentials as a credential_process', () => {
  it('the AWS CLI, run from another directory, signs GetCallerIdentity with the absolute command --print-credential-process prints', async () => {
    const home = await tempDir();
    const token = await issuer.mintToken({ sub: 'cli-user' });
    const tokenFile = join(home, 'id-token.txt');
    await writeFile(tokenFile, `\n  ${token}  \n`, { mode: 0o600 });
    const printed = await runCliInProcess([
      '--print-credential-process',
      'credentials',
      '--identity-pool-id',
      pool.identityPoolId,
      '--endpoint',
      pool.endpoint,
      '--login',
      `${issuer.loginsKey}=@${tokenFile}`,
    ]);
    expect(printed.code).toBe(0);
    const processLine = printed.stdout.trim();
    expect(processLine.startsWith(`${process.execPath} `)).toBe(true);
    const configFile = join(home, 'config');
    const credentialsFile = join(home, 'credentials');
    await writeFile(configFile, `[profile p]\ncredential_process = ${processLine}\nregion = us-east-1\n`);
    await writeFile(credentialsFile, '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: home,
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      AWS_EC2_METADATA_DISABLED: 'true',
      XDG_CACHE_HOME: join(home, 'cache'),
    };
    const identityId = await identityIdFor(token);
    expect(existsSync(AWS), `${AWS} is needed (apt-get install awscli; .ci/run does)`).toBe(true);
    const run = await spawnCommand(
      [AWS, 'sts', 'get-caller-identity', '--profile', 'p', '--endpoint-url', pool.endpoint, '--region', 'us-east-1', '--output', 'json'],
      env,
      home,
    );
    expect(run.stderr).not.toContain(token);
    expect(run.code, run.stderr).toBe(0);
    const caller = JSON.parse(run.stdout) as { UserId: string; Arn: string; Account: string };
    expect(identityId).toMatch(/^us-east-1:/);
    expect(caller.UserId).toMatch(/^AROA\w+:CognitoIdentityCredentials$/); // as on AWS: no identity id
    expect(caller.Arn).toMatch(/^arn:aws:sts::\d{12}:assumed-role\//);
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
      { args: ['credentials', '--identity-pool-id', pool.identityPoolId], code: 2, stderr: /--session <name> \(after idpool login\) or --login KEY=TOKEN\|KEY=@file is required/ },
      { args: [...base, '--login', token], code: 2, stderr: /--login must be KEY=TOKEN or KEY=@file/ },
      { args: [...base, '--login', 'google', token], code: 2, stderr: /unexpected argument \(not shown\)/ },
      { args: [...base, '--login', `a=${token}`, '--login', `b=${token}`], code: 2, stderr: /give one --login/ },
      { args: [...base, '--bogus'], code: 2, stderr: /Unknown option '--bogus'/ },
      { args: ['credentials', '--identity-pool-id', 'not-a-pool', '--login', `google=${token}`, '--no-cache'], code: 2, stderr: /--identity-pool-id must look like us-east-1:/ },
      { args: ['credentials', '--identity-pool-id', 'nope', '--session', 'default'], code: 2, stderr: /--identity-pool-id must look like/ },
      { args: [...base, '--region', 'Mars', '--login', `google=${token}`], code: 2, stderr: /--region must look like us-east-1/ },
      { args: [...base, '--session', 'work', '--login', `google=${token}`], code: 2, stderr: /--session or --login, not both/ },
      { args: ['credentials', '--identity-pool-id', pool.identityPoolId, '--session', 'a/../b'], code: 2, stderr: /--session must be letters/ },
      { args: ['credentials', '--identity-pool-id', pool.identityPoolId, '--session', 'work', '--no-cache'], code: 2, stderr: /--no-cache is for --login/ },
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
    expect(IdentityId).toMatch(/^us-east-1:/);
    expect(caller.Arn).toMatch(/:assumed-role\/Cognito_idpoolAuth_Role\/CognitoIdentityCredentials$/);
  });

  it('--help lists every option', async () => {
    const run = await runCliInProcess(['credentials', '--help']);
    expect(run.code).toBe(0);
    for (const flag of ['--identity-pool-id', '--login', '--region', '--endpoint', '--developer-identity-id', '--cache-file', '--no-cache', 'credential_process']) {
      expect(run.stdout).toContain(flag);
    }
  });
});
