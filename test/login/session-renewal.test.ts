// `idpool credentials --session` when renewal is impossible, when several processes renew at once,
// after `idpool logout`, and with a local pool that restarted under cached credentials. Sign-ins go
// over plain HTTP (login-harness); the browser is the other file's business. The issuer's id tokens
// live 15 s, under the renewer's 20 s minimum, so every run renews: no test waits for an expiry.
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdTokenRenewer, RENEWAL_LEASE_KEY } from '../../src/cli/id-token-renewer';
import { defaultSessionDirectory, sessionFile } from '../../src/cli/session-files';
import { startLocalIdentityPool, type LocalIdentityPool } from '../../src/local/index';
import { createFileStorage } from '../../src/storage/file-storage';
import { until, withinGenerousBound } from '../support/generous-bound';
import { expectNoSecrets } from '../support/secret-scan';
import { HANG_BOUND_MS, loginOverHttp, readSession, runIdpool, startIdpool, startLoginStack, type LoginStack } from './login-harness';

let stack: LoginStack;
beforeAll(async () => {
  stack = await startLoginStack({ issuer: { idTokenTtlSeconds: 15 }, pool: { credentialsTtlSeconds: 900 } });
}, HANG_BOUND_MS);
afterAll(async () => {
  await stack?.close();
});

const credentialsArgs = (session: string, pool: { identityPoolId: string; endpoint: string } = stack.pool): string[] => [
  'credentials',
  '--session',
  session,
  '--identity-pool-id',
  pool.identityPoolId,
  '--endpoint',
  pool.endpoint,
];

async function signedIn(session: string, username: string): Promise<void> {
  const run = await loginOverHttp(stack, session, username);
  expect(run.code, run.stderr).toBe(0);
}

/** Whether the pool's STS honours the credentials a run printed. */
async function honoured(pool: { endpoint: string; region: string }, stdout: string): Promise<boolean> {
  const output = JSON.parse(stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  const sts = new STSClient({
    region: pool.region,
    endpoint: pool.endpoint,
    maxAttempts: 1,
    credentials: { accessKeyId: output.AccessKeyId, secretAccessKey: output.SecretAccessKey, sessionToken: output.SessionToken },
  });
  try {
    await sts.send(new GetCallerIdentityCommand({}));
    return true;
  } catch {
    return false;
  } finally {
    sts.destroy();
  }
}

describe('idpool credentials --session: when renewal is impossible', () => {
  it('a revoked refresh token exits 3 and says to run idpool login again, quoting no token', async () => {
    await signedIn('revoked', 'carol');
    const before = await readSession(stack, 'revoked');
    expect(stack.issuer.revokeRefreshTokens()).toBeGreaterThan(0);
    const run = await runIdpool(credentialsArgs('revoked'), stack.env);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/no longer accepts the session's refresh token \(invalid_grant.*run `idpool login --session revoked/);
    expectNoSecrets({ stderr: run.stderr }, [before?.refreshToken ?? '', before?.idToken ?? '']);
  });

  it('without a refresh token, an expired id token exits 3', async () => {
    await signedIn('no-refresh', 'dave');
    // A provider that gives no refresh token: the session holds only the id token.
    const path = join(stack.env['XDG_STATE_HOME'] as string, 'idpool', 'sessions', 'no-refresh.json');
    const record = await readSession(stack, 'no-refresh');
    const { refreshToken: _dropped, ...withoutRefresh } = record as NonNullable<typeof record>;
    await writeFile(path, JSON.stringify({ 'idpool.cli.login': JSON.stringify(withoutRefresh) }), { mode: 0o600 });
    const run = await runIdpool(credentialsArgs('no-refresh'), stack.env);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/the id token expired and the provider gave no refresh token/);
  });

  it('no session at all exits 3; a malformed session name is a usage error (2)', async () => {
    const missing = await runIdpool(credentialsArgs('never-signed-in'), stack.env);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/there is no session 'never-signed-in'.*run `idpool login --session never-signed-in/);
    const traversal = await runIdpool(credentialsArgs('../evil'), stack.env);
    expect(traversal.code).toBe(2);
  });
});

describe('idpool credentials --session: renewal', () => {
  it('processes renewing at once share one refresh (the rotating refresh token is never used twice)', async () => {
    await signedIn('busy', 'erin');
    const runs = await Promise.all([1, 2, 3].map(() => startIdpool(credentialsArgs('busy'), stack.env).exit));
    for (const run of runs) expect(run.code, run.stderr).toBe(0);
    // Had two of them sent the same refresh token, the issuer would have revoked the session.
    const after = await runIdpool(credentialsArgs('busy'), stack.env);
    expect(after.code, after.stderr).toBe(0);
    expect(await honoured(stack.pool, after.stdout)).toBe(true);
  });

  it('a process that waited on a peer whose renewal it cannot use renews itself once the lease is free', async () => {
    // The race behind a CI flake: a process read the token a peer had just renewed (15 s left, under
    // the 20 s minimum) while that peer still held the lease. The peer then released it with nothing
    // newer to show; the waiter used to wait out the lease's whole TTL and fail.
    await signedIn('handover', 'grace');
    const storage = createFileStorage(sessionFile(defaultSessionDirectory(stack.env), 'handover'), { watch: false });
    try {
      const before = await readSession(stack, 'handover');
      const peer = await storage.tryAcquireLease(RENEWAL_LEASE_KEY, 60_000);
      expect(peer).not.toBeNull();
      let refused = 0;
      const renewer = new IdTokenRenewer({
        ...storage,
        tryAcquireLease: async (key, ttlMs) => {
          const lease = await storage.tryAcquireLease(key, ttlMs);
          if (lease === null) refused += 1;
          return lease;
        },
      });
      const renewal = renewer.usableToken();
      await until(() => refused > 0, 'the renewer to find the lease taken');
      await peer?.release();
      const renewed = await withinGenerousBound(renewal, 'the renewal after the peer let go');
      expect(renewed.token).not.toBe(before?.idToken);
      expect((await readSession(stack, 'handover'))?.idToken).toBe(renewed.token);
    } finally {
      await storage.close();
    }
  });

  it('logout revokes the refresh token at the issuer and deletes the session', async () => {
    await signedIn('leaving', 'frank');
    const record = await readSession(stack, 'leaving');
    const run = await runIdpool(['logout', '--session', 'leaving'], stack.env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Signed out of session 'leaving' \(refresh token revoked at the provider\)/);
    expect(await readSession(stack, 'leaving')).toBeUndefined();
    const refused = await fetch(`${stack.issuer.issuer}/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: record?.refreshToken ?? '', client_id: stack.issuer.audience }),
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_grant');
    expect((await runIdpool(credentialsArgs('leaving'), stack.env)).code).toBe(3);
    const again = await runIdpool(['logout', '--session', 'leaving'], stack.env);
    expect(again.stdout).toMatch(/There is no session 'leaving'/);
  });
});

describe('idpool login', () => {
  it('Ctrl+C while waiting for the sign-in exits 130 and keeps no session; the session directory is owner-only', async () => {
    const login = startIdpool(['login', '--issuer', stack.issuer.issuer, '--client-id', stack.issuer.audience, '--session', 'interrupted', '--no-browser'], stack.env);
    await login.waitFor(/Waiting for the sign-in/);
    login.interrupt();
    const run = await login.exit;
    expect(run.code).toBe(130);
    expect(await readSession(stack, 'interrupted')).toBeUndefined();
    await signedIn('modes', 'judy');
    const directory = join(stack.env['XDG_STATE_HOME'] as string, 'idpool', 'sessions');
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    expect((await stat(join(directory, 'modes.json'))).mode & 0o777).toBe(0o600);
  });

  it('adds --auth-param to the authorization request, after which the sign-in completes as usual', async () => {
    const run = await loginOverHttp(stack, 'google-like', 'ivan', ['--auth-param', 'access_type=offline', '--auth-param', 'prompt=consent']);
    expect(run.code, run.stderr).toBe(0);
    const url = new URL(/^ {2}(http:\/\/\S+)$/m.exec(run.stdout)?.[1] ?? 'about:blank');
    expect(url.searchParams.get('access_type')).toBe('offline');
    expect(url.searchParams.get('prompt')).toBe('consent');
    expect(url.searchParams.getAll('state')).toHaveLength(1);
  });
});

describe('a local pool restarted under cached credentials', () => {
  let pool: LocalIdentityPool;
  const providers = (): Record<string, { issuer: string; audience: string }> => ({ [stack.issuer.loginsKey]: { issuer: stack.issuer.issuer, audience: stack.issuer.audience } });
  const restart = async (): Promise<void> => {
    const port = Number(new URL(pool.endpoint).port);
    await pool.close();
    pool = await startLocalIdentityPool({ port, credentialsTtlSeconds: 900, providers: providers() });
  };
  beforeAll(async () => {
    pool = await startLocalIdentityPool({ credentialsTtlSeconds: 900, providers: providers() });
  });
  afterAll(async () => {
    await pool?.close();
  });

  it('--login: the cache entry the new pool refuses is dropped and the token federated again', async () => {
    const tokenFile = join(stack.home, 'token');
    await writeFile(tokenFile, await stack.issuer.mintToken({ sub: 'grace' }), { mode: 0o600 });
    const args = ['credentials', '--identity-pool-id', pool.identityPoolId, '--endpoint', pool.endpoint, '--login', `${stack.issuer.loginsKey}=@${tokenFile}`];
    const first = await runIdpool(args, stack.env);
    expect(first.code, first.stderr).toBe(0);
    expect((await runIdpool(args, stack.env)).stdout).toBe(first.stdout); // served from the cache
    await restart();
    const after = await runIdpool(args, stack.env);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).toMatch(/cached credentials were refused \(InvalidClientTokenId\); federating again/);
    expect(JSON.parse(after.stdout).AccessKeyId).not.toBe(JSON.parse(first.stdout).AccessKeyId);
    expect(await honoured(pool, after.stdout)).toBe(true);
  });

  it('--session: the session credentials the new pool refuses are replaced', async () => {
    await signedIn('restart', 'heidi');
    const first = await runIdpool(credentialsArgs('restart', pool), stack.env);
    expect(first.code, first.stderr).toBe(0);
    await restart();
    const after = await runIdpool(credentialsArgs('restart', pool), stack.env);
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).toMatch(/credentials were refused \(InvalidClientTokenId\); replaced them/);
    expect(await honoured(pool, after.stdout)).toBe(true);
  });

  it('one session, two endpoints: each has its own credentials', async () => {
    const here = await runIdpool(credentialsArgs('restart', pool), stack.env);
    const there = await runIdpool(credentialsArgs('restart', stack.pool), stack.env);
    expect(here.code, here.stderr).toBe(0);
    expect(there.code, there.stderr).toBe(0);
    expect(await honoured(pool, here.stdout)).toBe(true);
    expect(await honoured(stack.pool, there.stdout)).toBe(true);
    expect(await honoured(stack.pool, here.stdout)).toBe(false);
  });
});
