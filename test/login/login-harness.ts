import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startLocalIdentityPool,
  startLocalOidcIssuer,
  type LocalIdentityPool,
  type LocalIdentityPoolOptions,
  type LocalOidcIssuer,
  type LocalOidcIssuerOptions,
} from '../../src/local/index';
import { cliArgv, root, type CliRun } from '../cli/cli-harness';

/** A bound on real time that only catches a hang; nothing is measured against it. */
export const HANG_BOUND_MS = 60_000;

export interface LoginStack {
  readonly issuer: LocalOidcIssuer;
  readonly pool: LocalIdentityPool;
  /** A fresh HOME: sessions, caches and AWS config live under it. */
  readonly home: string;
  /** The environment every child (idpool, aws) gets: this HOME, no AWS credentials, no way off loopback. */
  readonly env: NodeJS.ProcessEnv;
  /** Where the injected browser opener writes each URL it is asked to open, one a line. */
  readonly openedUrls: string;
  close(): Promise<void>;
}

export interface LoginStackOptions {
  readonly issuer?: LocalOidcIssuerOptions;
  readonly pool?: Partial<LocalIdentityPoolOptions>;
}

/** A local issuer, a pool trusting it, a temp HOME and an opener script that records URLs instead of opening a browser. */
export async function startLoginStack(options: LoginStackOptions = {}): Promise<LoginStack> {
  const issuer = await startLocalOidcIssuer({ devicePollIntervalSeconds: 1, ...options.issuer });
  const pool = await startLocalIdentityPool({
    providers: { [issuer.loginsKey]: { issuer: issuer.issuer, audience: issuer.audience } },
    ...options.pool,
  });
  const home = await mkdtemp(join(tmpdir(), 'idpool-login-'));
  const openedUrls = join(home, 'opened-urls');
  const opener = join(home, 'open-url');
  await writeFile(opener, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${openedUrls}'\n`);
  await chmod(opener, 0o700);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    XDG_STATE_HOME: join(home, 'state'),
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_CONFIG_HOME: join(home, 'config'),
    AWS_CONFIG_FILE: join(home, 'aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // Anything not on loopback goes to a closed port: no test reaches the real network by mistake.
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
    IDPOOL_BROWSER: opener,
  };
  await writeFile(env['AWS_SHARED_CREDENTIALS_FILE'] as string, '');
  await writeFile(env['AWS_CONFIG_FILE'] as string, '');
  return {
    issuer,
    pool,
    home,
    env,
    openedUrls,
    close: async () => {
      await Promise.all([pool.close(), issuer.close()]);
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** A running child with its output so far, lines that can be awaited, and its exit. */
export interface RunningCli {
  readonly output: () => CliRun;
  /** Resolves with the first match of `pattern` in stdout (waiting for it to be printed). */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  readonly exit: Promise<CliRun>;
  /** Ctrl+C. */
  interrupt(): void;
}

export function startCommand(argv: readonly string[], env: NodeJS.ProcessEnv): RunningCli {
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const wake = (): void => waiters.forEach((waiter) => waiter());
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    wake();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let code: number | null | undefined;
  const exit = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => {
      code = exitCode;
      wake();
      resolve({ code: exitCode, stdout, stderr });
    });
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), HANG_BOUND_MS);
  void exit.finally(() => clearTimeout(timer)).catch(() => undefined);
  return {
    output: () => ({ code: code ?? null, stdout, stderr }),
    exit,
    interrupt: () => child.kill('SIGINT'),
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const match = pattern.exec(stdout);
          if (match !== null) {
            waiters.delete(check);
            resolve(match);
          } else if (code !== undefined) {
            waiters.delete(check);
            reject(new Error(`exited (${String(code)}) before printing ${pattern}:\n${stdout}\n${stderr}`));
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

/** `idpool …` as a user runs it (through tsx, from the repository). */
export const startIdpool = (args: readonly string[], env: NodeJS.ProcessEnv): RunningCli => startCommand([...cliArgv, ...args], env);
export const runIdpool = (args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliRun> => startIdpool(args, env).exit;

/** The URLs the injected opener was asked to open, oldest first. */
export async function openedUrls(stack: LoginStack): Promise<string[]> {
  const text = await readFile(stack.openedUrls, 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '');
}

/** A session file as idpool wrote it (the test reads it to check what renewal did; it never prints it). */
export async function readSession(stack: LoginStack, name: string): Promise<{ refreshToken?: string; idToken: string; idTokenExpiresAt: number } | undefined> {
  const text = await readFile(join(stack.env['XDG_STATE_HOME'] as string, 'idpool', 'sessions', `${name}.json`), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const record = (JSON.parse(text) as Record<string, string>)['idpool.cli.login'];
  return record === undefined ? undefined : (JSON.parse(record) as { refreshToken?: string; idToken: string; idTokenExpiresAt: number });
}

/**
 * Signs in on the issuer's page with plain HTTP, as a browser would (GET the form, POST it, follow the
 * redirect to idpool's loopback callback). The browser tests drive Chromium; these tests need no pixels.
 */
export async function signInOverHttp(authorizeUrl: string, username: string, action: 'approve' | 'deny' = 'approve'): Promise<Response> {
  const page = await (await fetch(authorizeUrl)).text();
  const form = new URLSearchParams();
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(match[1] as string, (match[2] as string).replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  }
  form.set('username', username);
  form.set('action', action);
  const answer = await fetch(new URL('/authorize', authorizeUrl), { method: 'POST', body: form, redirect: 'manual' });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || location === null) throw new Error(`the issuer answered ${answer.status}, not a redirect`);
  return fetch(location);
}

/** `idpool login` through the loopback flow, signed in over HTTP; resolves when it has exited. */
export async function loginOverHttp(stack: LoginStack, session: string, username: string, extra: readonly string[] = []): Promise<CliRun> {
  const login = startIdpool(['login', '--issuer', stack.issuer.issuer, '--client-id', stack.issuer.audience, '--session', session, '--no-browser', ...extra], stack.env);
  const [, url] = await login.waitFor(/^ {2}(http:\/\/\S+\/authorize\?\S+)$/m);
  await signInOverHttp(url as string, username);
  return login.exit;
}

/** The profile line the docs prescribe: `credential_process` = what `idpool --print-credential-process` prints. */
export async function writeAwsProfile(stack: LoginStack, profile: string, credentialsArgs: readonly string[]): Promise<void> {
  const printed = await runIdpool(['--print-credential-process', 'credentials', ...credentialsArgs], stack.env);
  if (printed.code !== 0) throw new Error(`--print-credential-process failed: ${printed.stderr}`);
  const line = printed.stdout.trim();
  const config = join(stack.home, 'aws-config');
  const before = await readFile(config, 'utf8');
  await writeFile(config, `${before}[profile ${profile}]\nregion = ${stack.pool.region}\ncredential_process = ${line}\n\n`);
}

/** The real AWS CLI: `aws sts get-caller-identity` through a profile, against the local pool's STS. */
export async function callerIdentity(stack: LoginStack, profile: string): Promise<{ run: CliRun; userId?: string }> {
  const run = await startCommand(
    ['/usr/bin/aws', 'sts', 'get-caller-identity', '--profile', profile, '--endpoint-url', stack.pool.endpoint, '--output', 'json'],
    stack.env,
  ).exit;
  if (run.code !== 0) return { run };
  return { run, userId: (JSON.parse(run.stdout) as { UserId: string }).UserId };
}
